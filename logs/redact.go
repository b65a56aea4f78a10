package logs

import (
	"bytes"
	"regexp"
	"strings"
)

// Markers that replace what Redact removes.
const (
	// Redacted replaces a secret value.
	Redacted = "[REDACTED]"
	// RedactedPrivateKey replaces a whole private key block.
	RedactedPrivateKey = "[REDACTED PRIVATE KEY]"
)

// A redaction rule: where it applies (a cheap substring check that saves running the expression
// on the many lines that cannot match) and what it replaces.
type redactRule struct {
	triggers []string // the rule runs when the line holds any of them
	fold     bool     // triggers are lower case and matched ignoring ASCII case
	// start: every match begins with a trigger, so the search starts at the first one. Go's
	// regexp has no fast path for a case-insensitive alternation and otherwise tries every
	// position of the line.
	start bool
	re    *regexp.Regexp
	repl  func(re *regexp.Regexp, s string) string
}

// keyBlock matches a private key from its BEGIN line to its END line, or to the end of the line
// when the block goes on below.
var keyBlock = regexp.MustCompile(
	`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|.*)`)

var (
	keyBegin = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)
	keyEnd   = regexp.MustCompile(`-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)
	// keyBody is the last field of a base64 line inside a PEM block.
	keyBody = regexp.MustCompile(`^[A-Za-z0-9+/]{16,}={0,2}$`)
)

// redactRules run in this order; each leaves text the later ones and a second pass leave alone.
var redactRules = []redactRule{
	{
		triggers: []string{"-----BEGIN "},
		start:    true,
		re:       keyBlock,
		repl:     replaceWith(RedactedPrivateKey),
	},
	{
		// Authorization: Bearer abc / Basic abc / abc
		triggers: []string{"authorization"},
		fold:     true,
		start:    true,
		re: regexp.MustCompile(`(?i)(authorization["']?\s*[:=]\s*["']?` +
			`(?:(?:bearer|basic|digest|token|negotiate|ntlm|aws4-hmac-sha256)\s+)*)[^\s"',;]+`),
		repl: replaceWith("${1}" + Redacted),
	},
	{
		triggers: []string{"bearer"},
		fold:     true,
		start:    true,
		// "bearer bearer x" is one credential, and a second pass leaves [REDACTED] alone.
		re:   regexp.MustCompile(`(?i)((?:bearer\s+)+)(?:\[REDACTED\]|[A-Za-z0-9\-._~+/]+=*)`),
		repl: replaceWith("${1}" + Redacted),
	},
	{
		// scheme://user:password@host; RFC 3986 allows no raw '/' or '@' in the password.
		triggers: []string{"://"},
		re:       regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^\s:@/]*:)[^\s@/]+@`),
		repl:     replaceWith("${1}" + Redacted + "@"),
	},
	{
		// password=x, db_password: x, "token": "x", 'secret'='x', aws_secret_access_key = x.
		// An opening quote without its closing quote hides the rest of the line.
		triggers: []string{"pass", "token", "secret", "api", "access"},
		fold:     true,
		start:    true,
		// The match starts at the keyword, not at the start of the key (db_password): a leading
		// [\w.-]* makes every position a candidate and the search several times slower.
		re: regexp.MustCompile(`(?i)((?:password|passwd|passphrase|token|secret|api[_-]?key|access[_-]?key)` +
			`[\w.-]*["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,;&"'}]+)`),
		repl: replaceValue,
	},
	{
		// AWS access key ids (long-term AKIA…, temporary ASIA…).
		triggers: []string{"AKIA", "ASIA"},
		start:    true,
		re:       regexp.MustCompile(`(?:AKIA|ASIA)[0-9A-Z]{16}`),
		repl:     replaceWith(Redacted),
	},
}

func replaceWith(template string) func(*regexp.Regexp, string) string {
	return func(re *regexp.Regexp, s string) string { return re.ReplaceAllString(s, template) }
}

// replaceValue replaces each value and keeps its key and quotes. A value that holds the key of
// another pair ("passwd= db_password: x") is replaced together with that pair,
// so a key with an empty value cannot shield the next one.
func replaceValue(re *regexp.Regexp, s string) string {
	var b strings.Builder
	pos := 0
	for pos < len(s) {
		m := re.FindStringSubmatchIndex(s[pos:])
		if m == nil {
			break
		}
		start, end := pos+m[4], pos+m[5] // the value
		nested := false
		for probe := start; ; {
			n := re.FindStringSubmatchIndex(s[probe:])
			if n == nil || probe+n[0] >= end {
				break
			}
			end, nested = max(end, probe+n[5]), true
			probe += n[4]
		}
		b.WriteString(s[pos:start])
		if q := s[start]; (q == '"' || q == '\'') && !nested {
			b.WriteString(s[start:start+1] + Redacted + s[start:start+1])
		} else {
			b.WriteString(Redacted)
		}
		pos = end
	}
	if pos == 0 {
		return s
	}
	b.WriteString(s[pos:])
	return b.String()
}

// Redact removes secrets from one log line: passwords in URLs, password=/token=/secret= values
// (also "key: value" and JSON forms, any case), bearer and Authorization credentials, private
// keys that start on this line, and AWS access key ids. It errs on the side of hiding too much.
// A private key spanning several lines needs RedactLines.
func Redact(line string) string {
	var buf [512]byte // lines are short: lower-casing them here costs no allocation
	var lower []byte
	for _, rule := range redactRules {
		var at int
		if rule.fold {
			if lower == nil {
				lower = lowerASCII(buf[:0], line)
			}
			at = firstIndexBytes(lower, rule.triggers)
		} else {
			at = firstIndex(line, rule.triggers)
		}
		if at < 0 {
			continue
		}
		if !rule.start {
			at = 0
		}
		if rest := rule.repl(rule.re, line[at:]); rest != line[at:] {
			line, lower = line[:at]+rest, nil
		}
	}
	return line
}

// firstIndex returns the index of the first of subs in s, or -1.
func firstIndex(s string, subs []string) int {
	first := -1
	for _, sub := range subs {
		if i := strings.Index(s, sub); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

// firstIndexBytes is firstIndex for a byte slice.
func firstIndexBytes(b []byte, subs []string) int {
	first := -1
	for _, sub := range subs {
		if i := bytes.Index(b, []byte(sub)); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

// lowerASCII appends s to dst with ASCII letters in lower case.
func lowerASCII(dst []byte, s string) []byte {
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// RedactLines redacts each line and turns a private key spread over several lines into one
// RedactedPrivateKey marker: from a BEGIN line to its END line, or to the last line when the END
// is missing. A window that starts inside a key (an END without its BEGIN) loses the key lines
// above the END as well.
func RedactLines(lines []string) []string {
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
				out = append(out, Redact(rest))
			}
			continue
		}
		if !strings.Contains(line, "PRIVATE KEY") {
			out = append(out, Redact(line))
			continue
		}
		if end := keyEnd.FindStringIndex(line); end != nil && !keyBegin.MatchString(line[:end[0]]) {
			out = dropKeyBody(out)
			out = append(out, RedactedPrivateKey+Redact(line[end[1]:]))
			continue
		}
		inKey = opensKey(line)
		out = append(out, Redact(line))
	}
	return out
}

// opensKey reports whether the last private key that begins on line does not end on it.
func opensKey(line string) bool {
	begins := keyBegin.FindAllStringIndex(line, -1)
	if begins == nil {
		return false
	}
	return !keyEnd.MatchString(line[begins[len(begins)-1][1]:])
}

// dropKeyBody removes the trailing lines of out that look like the inside of a PEM block: base64
// as the last field (after any log prefix), a PEM header, or nothing.
func dropKeyBody(out []string) []string {
	for len(out) > 0 {
		line := out[len(out)-1]
		fields := strings.Fields(line)
		inside := len(fields) == 0 || keyBody.MatchString(fields[len(fields)-1]) ||
			strings.Contains(line, "Proc-Type:") || strings.Contains(line, "DEK-Info:")
		if !inside {
			break
		}
		out = out[:len(out)-1]
	}
	return out
}
