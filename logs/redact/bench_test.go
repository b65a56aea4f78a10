package redact

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchLines are 100 lines of a busy host's log: most name no secret, some carry words that
// wake gitleaks' keyword prefilter (api, key, token, auth, curl) and a tenth hold a secret.
func benchLines() []string {
	templates := []string{
		"2024-05-01T02:%02d:00+0000 nas backup[4242]: copied /data/tank/photos/2023/IMG_%05d.jpg (4096 bytes) to /backup/sys_restore ok",
		`10.0.0.%d - - [30/Nov/2026:10:14:02 +0000] "GET /api/v1/items/%d HTTP/1.1" 200 512 "-" "curl/8.5.0"`,
		"Nov 30 10:14:%02d nas sshd[%d]: Accepted publickey for root from 10.0.0.5 port 51234 ssh2: RSA SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
		"Nov 30 10:14:%02d nas app[%d]: auth token refreshed for user bob, key rotation scheduled",
		"Nov 30 10:14:%02d nas systemd[%d]: Started Session 42 of user root.",
	}
	var lines []string
	for i := range 100 {
		line := fmt.Sprintf(templates[i%len(templates)], i%60, i)
		if i%10 == 0 {
			line += " password=hunter2 ghp_R2d3V4b5N6m7K8j9H0g1F2d3S4a5Q6w7E8r9"
		}
		lines = append(lines, line)
	}
	return lines
}

// BenchmarkLines redacts benchLines: the budget is 1 ms for 100 lines.
func BenchmarkLines(b *testing.B) {
	r := testRedactor(b)
	lines := benchLines()
	if got := strings.Join(r.Lines(lines), "\n"); strings.Contains(got, "hunter2") || strings.Contains(got, "ghp_") {
		b.Fatalf("a secret survived: %s", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Lines(lines)
	}
}

// BenchmarkNew is the one-time cost of compiling the rules.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCorpus redacts the corpus (testdata/redact: 80 lines with a secret each, 70
// look-alikes): the cost when every other line holds something to look at.
func BenchmarkCorpus(b *testing.B) {
	r := testRedactor(b)
	var lines []string
	for _, name := range []string{"secrets.tsv", "lookalikes.tsv"} {
		raw, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			b.Fatal(err)
		}
		for l := range strings.Lines(string(raw)) {
			if fields := strings.Split(strings.TrimSuffix(l, "\n"), "\t"); len(fields) > 1 && !strings.HasPrefix(l, "#") {
				lines = append(lines, fields[1])
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Lines(lines)
	}
	b.ReportMetric(float64(len(lines)), "lines/op")
}
