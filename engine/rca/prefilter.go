package rca

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// matcher is a lower-case pattern with the literals one of which every match contains, so that
// most lines are rejected by a few substring searches instead of a regular expression run
// (Go's regexp is slow on long alternations: a log of thousands of lines took seconds).
type matcher struct {
	re    *regexp.Regexp
	hints []string // nil: no literal is required, always run re
}

// re compiles a pattern of the rule table. Patterns are written in lower case and matched
// against the ASCII-lower-cased line.
func re(pattern string) *matcher {
	m := &matcher{re: regexp.MustCompile(pattern)}
	if parsed, err := syntax.Parse(pattern, syntax.Perl); err == nil {
		m.hints = required(parsed.Simplify())
	}
	return m
}

// match reports whether the lower-cased line matches.
func (m *matcher) match(low string) bool {
	if m.hints != nil && !containsAny(low, m.hints) {
		return false
	}
	return m.re.MatchString(low)
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// required returns literals one of which every match of r contains, or nil when r can match
// without any literal.
func required(r *syntax.Regexp) []string {
	switch r.Op {
	case syntax.OpLiteral:
		return []string{string(r.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return required(r.Sub[0])
	case syntax.OpRepeat:
		if r.Min >= 1 {
			return required(r.Sub[0])
		}
	case syntax.OpConcat:
		// Every part of a concatenation is in the match: take the part whose shortest
		// literal is longest, the most selective one.
		var best []string
		for _, sub := range r.Sub {
			if h := required(sub); h != nil && shortest(h) > shortest(best) {
				best = h
			}
		}
		return best
	case syntax.OpAlternate:
		var all []string
		for _, sub := range r.Sub {
			h := required(sub)
			if h == nil {
				return nil
			}
			all = append(all, h...)
		}
		return all
	}
	return nil
}

func shortest(words []string) int {
	if len(words) == 0 {
		return 0
	}
	n := len(words[0])
	for _, w := range words[1:] {
		n = min(n, len(w))
	}
	return n
}

// lowerLine lower-cases the ASCII letters of a line (the rule patterns are lower case).
func lowerLine(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
