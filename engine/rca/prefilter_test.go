package rca

import (
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

func TestRequired(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string // nil: no literal required
	}{
		{`no space left`, []string{"no space left"}},
		{`a|bc`, []string{"a", "bc"}},
		{`\bpanic:`, []string{"panic:"}},
		{`restart counter is at ([3-9]|[1-9]\d+)\b`, []string{"restart counter is at "}},
		{`x?|abc`, nil},
		{`\d+`, nil},
		{`(foo)+ and (bar)*`, []string{" and "}},
		{`(timed|time) outs`, []string{" outs"}},
	}
	for _, tt := range tests {
		r, err := syntax.Parse(tt.pattern, syntax.Perl)
		if err != nil {
			t.Fatalf("syntax.Parse(%q): %v", tt.pattern, err)
		}
		got := required(r.Simplify())
		slices.Sort(got)
		if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("required(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

// TestRuleHints checks that every line pattern of the table has a literal prefilter (or the
// table would be slow again) and is written in lower case (lines are lower-cased).
func TestRuleHints(t *testing.T) {
	for _, r := range rules {
		for _, m := range []*matcher{r.line, r.after} {
			if m == nil {
				continue
			}
			if len(m.hints) == 0 {
				t.Errorf("rule %s: pattern %q has no required literal", r.id, m.re)
			}
			for _, h := range m.hints {
				if h != strings.ToLower(h) {
					t.Errorf("rule %s: literal %q is not lower case", r.id, h)
				}
			}
		}
	}
}
