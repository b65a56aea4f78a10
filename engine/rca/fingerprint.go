package rca

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// PromptVersion names the prompt, the schema and the rules. Change it whenever any of them
// changes meaning, so cached analyses made with the old ones are not reused.
const PromptVersion = "rca-1"

// Fingerprint identifies a failure for the analysis cache: the same failure seen again (later
// timestamps, other PIDs, the same errors repeated) has the same fingerprint; other status
// bits, another exit status, other error lines or another recognised cause give another one.
//
// It covers the service type, the status bits, the exit status, the normalised program
// output, the recognised cause IDs and the set of normalised error lines (numbers, hex IDs,
// UUIDs, timestamps and PIDs replaced, duplicates dropped, order ignored). The cache key is
// host + service + Fingerprint + model + PromptVersion; the caller builds it.
func Fingerprint(in Input, f Findings) string {
	h := sha256.New()
	s := in.Snapshot
	fmt.Fprintf(h, "type=%d\nstatus=%d\n", s.Type, s.Status)
	if f.ExitStatus != nil {
		fmt.Fprintf(h, "exit=%d\n", *f.ExitStatus)
	}
	fmt.Fprintf(h, "output=%s\n", normalize(f.Output))
	for _, c := range f.Causes {
		fmt.Fprintf(h, "cause=%s\n", c.ID)
	}
	lines := make([]string, 0, len(f.ErrorLines))
	for _, l := range f.ErrorLines {
		lines = append(lines, normalize(l))
	}
	slices.Sort(lines)
	for _, l := range slices.Compact(lines) {
		fmt.Fprintf(h, "line=%s\n", l)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// normalizers replace the parts of a line that change from one occurrence of the same error
// to the next, in order: timestamps before numbers, UUIDs and hex before plain numbers.
var normalizers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([.,]\d+)?(Z|[+-]\d{2}:?\d{2}\b)?`), "<time>"},
	{regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}`), "<time>"},
	{regexp.MustCompile(`\b\d{1,2}:\d{2}:\d{2}([.,]\d+)?\b`), "<time>"},
	{regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), "<uuid>"},
	{regexp.MustCompile(`(?i)\b0x[0-9a-f]+\b`), "<hex>"},
	{regexp.MustCompile(`(?i)\b[0-9a-f]*[a-f][0-9a-f]*\d[0-9a-f]*\b|\b[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b`), "<hex>"},
	{regexp.MustCompile(`\[\d+\]`), "[<pid>]"},
	{regexp.MustCompile(`\d+`), "<n>"},
	{regexp.MustCompile(`\s+`), " "},
}

// normalize reduces a line to what stays the same between occurrences of the same error.
func normalize(line string) string {
	for _, n := range normalizers {
		line = n.re.ReplaceAllString(line, n.with)
	}
	return strings.TrimSpace(line)
}
