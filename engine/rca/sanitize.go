package rca

import (
	"strings"
	"unicode"
)

// Limits on outside text, in runes.
const (
	maxLineRunes   = 400  // one log line or evidence quote
	maxOutputRunes = 1024 // a program's output (Monit keeps 512 bytes by default)
)

// sanitize makes outside text (a log line, a program's output, a model's answer) safe to
// fence and to print: it drops control characters except tab (so no escape sequence reaches a
// terminal and no newline breaks a fence), drops Unicode format characters (bidi overrides,
// zero-width spaces), repairs invalid UTF-8, cuts the text at max runes with "…", removes the
// nonce, and shortens runs of '<' or '>' to two, so nothing looks like a fence marker. The
// order matters: dropping a character could join the halves of a nonce, and removing a nonce
// could join two runs of '<'. Newlines inside the text become spaces.
func sanitize(s, nonce string, max int) string { return Sanitize(s, nonce, max, false) }

// Sanitize is sanitize for other packages' fenced blocks (Mother's facts, earlier turns, the
// operator's question). With multiline, newlines are kept: the text may span lines inside its
// fence, and the fence markers still cannot be forged.
func Sanitize(s, nonce string, max int, multiline bool) string {
	if !clean(s, max) {
		s = stripControls(s, max, multiline)
	}
	s = removeNonce(s, nonce)
	if strings.Contains(s, "<<<") || strings.Contains(s, ">>>") {
		s = capRuns(s)
	}
	return s
}

// clean reports whether s needs no stripping: printable ASCII or tab, short enough, no
// trailing space. It keeps the common case (plain ASCII log lines) free of allocations.
func clean(s string, max int) bool {
	if len(s) > max || strings.HasSuffix(s, " ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// stripControls drops control and format characters (newlines become spaces unless
// multiline), repairs invalid UTF-8 and cuts at max runes.
func stripControls(s string, max int, multiline bool) string {
	var b strings.Builder
	b.Grow(min(len(s), max*4))
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteRune('…')
			break
		}
		switch {
		case r == '\n' && multiline:
		case r == '\n' || r == '\r':
			r = ' '
		case r != '\t' && (unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r)):
			continue
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimRight(b.String(), " ")
}

// removeNonce deletes every occurrence of the nonce, so no outside text can carry a valid
// fence marker.
func removeNonce(s, nonce string) string {
	if nonce == "" {
		return s
	}
	for strings.Contains(s, nonce) {
		s = strings.ReplaceAll(s, nonce, "")
	}
	return s
}

// capRuns shortens every run of '<' or '>' to two characters.
func capRuns(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c == '<' || c == '>') && len(b) >= 2 && b[len(b)-1] == c && b[len(b)-2] == c {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// errorWords are the (lower-case) words that make a log line look like an error.
var errorWords = [...]string{
	"error", "fail", "fatal", "crit", "panic", "emerg", "alert:", "denied", "refused",
	"cannot", "can't", "could not", "couldn't", "unable to", "timed out", "timeout", "killed",
	"segfault", "segmentation", "exception", "traceback", "abort", "unreachable", "invalid",
	"expired", "no such", "not found", "exited", "unauthori", "oom-kill", "oom_kill", "oom killer", "out of memory",
	"no space", "not running", "corrupt", "degraded", "faulted", "suspended", "dumped",
}

// okWords mark lines that only mention an error word in passing.
var okWords = [...]string{"0 errors", "no errors", "errors: 0", "errors=0", "error=0", "without error"}

// wordIndex groups words by their first byte, for a scan that looks at each byte of a line once.
type wordIndex [256][]string

func indexWords(words []string) *wordIndex {
	var ix wordIndex
	for _, w := range words {
		ix[w[0]] = append(ix[w[0]], w)
	}
	return &ix
}

// Indexes of errorWords and okWords; read-only.
var (
	errorIndex = indexWords(errorWords[:])
	okIndex    = indexWords(okWords[:])
)

// looksLikeError reports whether a log line reads like an error. It is a word scan, not a
// regular expression, so that BuildPrompt can classify thousands of lines cheaply.
func looksLikeError(line string) bool {
	var buf [512]byte
	low := buf[:0]
	for i := 0; i < len(line); i++ {
		c := line[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low = append(low, c)
	}
	return !hasWord(low, okIndex) && hasWord(low, errorIndex)
}

// hasWord reports whether any indexed word occurs in s.
func hasWord(s []byte, ix *wordIndex) bool {
	for i, c := range s {
		for _, w := range ix[c] {
			if len(s)-i >= len(w) && string(s[i:i+len(w)]) == w {
				return true
			}
		}
	}
	return false
}
