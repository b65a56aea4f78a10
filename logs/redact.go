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
	re       *regexp.Regexp
	repl     func(re *regexp.Regexp, s string) string
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
		triggers: []string{"PRIVATE KEY"},
		re:       keyBlock,
		repl:     replaceWith(RedactedPrivateKey),
	},
	{
		// Authorization: Bearer abc / Basic abc / abc
		triggers: []string{"authorization"},
		fold:     true,
		re: regexp.MustCompile(`(?i)(authorization["']?\s*[:=]\s*["']?` +
			`(?:(?:bearer|basic|digest|token|negotiate|ntlm|aws4-hmac-sha256)\s+)?)[^\s"',;]+`),
		repl: replaceWith("${1}" + Redacted),
	},
	{
		triggers: []string{"bearer"},
		fold:     true,
		re:       regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9\-._~+/]+=*`),
		repl:     replaceWith("${1}" + Redacted),
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
		triggers: []string{"pass", "token", "secret", "key"},
		fold:     true,
		// The match starts at the keyword, not at the start of the key (db_password): a leading
		// [\w.-]* makes every position a candidate and the search several times slower.
		re: regexp.MustCompile(`(?i)((?:password|passwd|passphrase|token|secret|api[_-]?key|access[_-]?key)` +
			`[\w.-]*["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,;&"'}]+)`),
		repl: replaceValue,
	},
	{
		// AWS access key ids (long-term AKIA…, temporary ASIA…).
		triggers: []string{"AKIA", "ASIA"},
		re:       regexp.MustCompile(`(?:AKIA|ASIA)[0-9A-Z]{16}`),
		repl:     replaceWith(Redacted),
	},
}

func replaceWith(template string) func(*regexp.Regexp, string) string {
	return func(re *regexp.Regexp, s string) string { return re.ReplaceAllString(s, template) }
}

// replaceValue keeps the key and the value's quotes and replaces what is between them.
func replaceValue(re *regexp.Regexp, s string) string {
	return re.ReplaceAllStringFunc(s, func(m string) string {
		sub := re.FindStringSubmatch(m)
		key, value := sub[1], sub[2]
		if q := value[0]; q == '"' || q == '\'' {
			return key + string(q) + Redacted + string(q)
		}
		return key + Redacted
	})
}

// Redact removes secrets from one log line: passwords in URLs, password=/token=/secret= values
// (also "key: value" and JSON forms, any case), bearer and Authorization credentials, private
// keys that start on this line, and AWS access key ids. It errs on the side of hiding too much.
// A private key spanning several lines needs RedactLines.
func Redact(line string) string {
	var buf [512]byte // lines are short: lower-casing them here costs no allocation
	var lower []byte
	for _, rule := range redactRules {
		if !rule.fold && !containsAny(line, rule.triggers) {
			continue
		}
		if rule.fold {
			if lower == nil {
				lower = lowerASCII(buf[:0], line)
			}
			if !containsAnyBytes(lower, rule.triggers) {
				continue
			}
		}
		if next := rule.repl(rule.re, line); next != line {
			line, lower = next, nil
		}
	}
	return line
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func containsAnyBytes(b []byte, subs []string) bool {
	for _, sub := range subs {
		if bytes.Contains(b, []byte(sub)) {
			return true
		}
	}
	return false
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
