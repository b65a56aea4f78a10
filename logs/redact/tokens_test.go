package redact

import (
	"slices"
	"testing"
)

// TestAnchoredMatchesGitleaks runs every rule that tokens.go evaluates from keyword positions
// (anchored) both ways, over the corpus and the benchmark's lines, and wants the same secrets
// as gitleaks' own expression finds.
func TestAnchoredMatchesGitleaks(t *testing.T) {
	r := testRedactor(t)
	var lines []string
	for _, c := range readCorpus(t, "secrets.tsv", 3) {
		lines = append(lines, c[1])
	}
	for _, c := range readCorpus(t, "lookalikes.tsv", 2) {
		lines = append(lines, c[1])
	}
	lines = append(lines, benchLines()...)
	lines = append(lines,
		`api_key = "Zx81kQp0vT5mN3bR7yW2"`, `discord_token: 9f2c4b7a1e6d3f8a0b5c2e9d4a7f1c3b6e8d0a2f4c6b8e1d3a5f7c9b0e2d4f6a`,
		`mailgun key=key-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d`, `x.y-z_publickey=QmFzZTY0RW5jb2RlZEtleQ==`,
		`eyJhbGciOiJIUzI1NiJ9x.eyJzdWIiOiIxMjM0NTY3ODkwIn0x.c2lnbmF0dXJlc2lnbmF0dXJl keyeyJhbGciOiJIUzI1NiJ9`)
	anchored := 0
	for i := range r.tokens.rules {
		rule := &r.tokens.rules[i]
		if rule.anchored == nil {
			continue
		}
		anchored++
		for _, line := range lines {
			hits := r.tokens.hits(lowerASCII(nil, line))
			var want, got []span
			for _, m := range rule.re.FindAllStringSubmatchIndex(line, -1) {
				want = append(want, secretSpan(m, rule.secretGroup))
			}
			for _, m := range rule.findAnchored(line, hits) {
				got = append(got, secretSpan(m, rule.secretGroup))
			}
			if !slices.Equal(got, want) {
				t.Errorf("rule %s on %q: anchored finds %v, gitleaks' expression %v", rule.id, line, got, want)
			}
		}
	}
	if anchored < 90 {
		t.Errorf("%d rules anchored, want the 95 semi-generic ones and more", anchored)
	}
}
