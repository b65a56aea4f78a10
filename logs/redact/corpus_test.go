package redact

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir holds the secrets and look-alikes corpus, shared with the tests of the callers.
var corpusDir = filepath.Join("..", "..", "testdata", "redact")

// readCorpus returns the tab-separated fields of each line of a corpus file, skipping
// comments; every line must have want fields.
func readCorpus(t *testing.T, name string, want int) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.HasPrefix(sc.Text(), "#") || sc.Text() == "" {
			continue
		}
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != want {
			t.Fatalf("%s:%d: %d fields, want %d", name, n, len(fields), want)
		}
		out = append(out, fields)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCorpusSecrets: each line of secrets.tsv holds a secret of one kind; none survives, and
// the line keeps its text around the secret.
func TestCorpusSecrets(t *testing.T) {
	r := testRedactor(t)
	cases := readCorpus(t, "secrets.tsv", 3)
	kinds := map[string]bool{}
	for _, c := range cases {
		kind, line, secret := c[0], c[1], c[2]
		kinds[kind] = true
		t.Run(kind, func(t *testing.T) {
			got := r.Line(line)
			if strings.Contains(got, secret) || !strings.Contains(got, "[REDACTED") {
				t.Errorf("Line(%q) = %q, want %q hidden", line, got, secret)
			}
			if prefix := line[:strings.Index(line, ": ")]; !strings.HasPrefix(got, prefix) {
				t.Errorf("Line(%q) = %q, want the prefix %q kept", line, got, prefix)
			}
			if again := r.Line(got); again != got {
				t.Errorf("Line(%q) = %q, want it unchanged (a second pass changes nothing)", got, again)
			}
		})
	}
	if len(kinds) < 60 {
		t.Errorf("secrets.tsv has %d kinds, want at least 60", len(kinds))
	}
}

// TestCorpusLookalikes: each line of lookalikes.tsv looks like it could hold a secret (IDs,
// hashes, checksums, timestamps, key=value pairs, the word password) and must stay as it is.
func TestCorpusLookalikes(t *testing.T) {
	r := testRedactor(t)
	cases := readCorpus(t, "lookalikes.tsv", 2)
	for _, c := range cases {
		kind, line := c[0], c[1]
		t.Run(kind, func(t *testing.T) {
			if got := r.Line(line); got != line {
				t.Errorf("Line(%q) = %q, want it unchanged", line, got)
			}
		})
	}
	if len(cases) < 60 {
		t.Errorf("lookalikes.tsv has %d lines, want at least 60", len(cases))
	}
}
