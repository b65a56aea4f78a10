package redact

import (
	"fmt"
	"strings"
)

// Redactor removes secrets from outside text: our structural patterns (structural.go) and
// gitleaks' provider rules (tokens.go). Build one with New at start-up and share it: it holds
// only compiled, read-only rules and is safe for concurrent use.
type Redactor struct {
	triggers *triggerIndex
	tokens   *tokenRules
}

// New compiles the rules (~0.1 s: gitleaks' configuration is parsed and its regular
// expressions compiled once).
func New() (*Redactor, error) {
	t, err := loadTokenRules()
	if err != nil {
		return nil, fmt.Errorf("redactor: %w", err)
	}
	return &Redactor{triggers: newTriggerIndex(), tokens: t}, nil
}

// Line removes the secrets of one line. A private key spanning several lines needs Lines.
func (r *Redactor) Line(line string) string {
	line = r.triggers.structural(line)
	var buf [512]byte // lines are short: lower-casing them here costs no allocation
	spans := r.tokens.find(line, lowerASCII(buf[:0], line))
	if len(spans) == 0 {
		return line
	}
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.end <= pos {
			continue // inside a secret already replaced
		}
		b.WriteString(line[pos:max(pos, s.start)])
		b.WriteString(Redacted)
		pos = s.end
	}
	b.WriteString(line[pos:])
	return b.String()
}

// Text redacts text of any number of lines (a program's output, a command's output, a
// message) and keeps its line breaks, except that a private key block becomes one line.
func (r *Redactor) Text(text string) string {
	if !strings.Contains(text, "\n") {
		return r.Line(text)
	}
	return strings.Join(r.Lines(strings.Split(text, "\n")), "\n")
}

// Lines redacts each line and turns a private key spread over several lines into one
// RedactedPrivateKey marker: from a BEGIN line to its END line, or to the last line when the END
// is missing. A window that starts inside a key (an END without its BEGIN) loses the key lines
// above the END as well.
func (r *Redactor) Lines(lines []string) []string {
	out := make([]string, 0, len(lines))
	inKey := false
	for _, line := range lines {
		if inKey {
			loc := keyEnd.FindStringIndex(line)
			if loc == nil {
				continue
			}
			inKey = false
			if rest := line[loc[1]:]; strings.TrimSpace(rest) != "" {
				out = append(out, r.Line(rest))
			}
			continue
		}
		if !strings.Contains(line, "PRIVATE KEY") {
			out = append(out, r.Line(line))
			continue
		}
		if end := keyEnd.FindStringIndex(line); end != nil && !keyBegin.MatchString(line[:end[0]]) {
			out = dropKeyBody(out)
			out = append(out, RedactedPrivateKey+r.Line(line[end[1]:]))
			continue
		}
		inKey = opensKey(line)
		out = append(out, r.Line(line))
	}
	return out
}
