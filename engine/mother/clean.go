package mother

import (
	"strings"
	"unicode"
)

// clean prepares outside text (a log line, a stored answer, the operator's message) for a
// prompt or a terminal: control and format characters are dropped (newlines become spaces
// unless multiline), the text is cut at max runes, the nonce is removed and runs of '<' or '>'
// are shortened to two, so no text can pose as a fence line.
//
// rca's sanitize does the same for its own blocks but is unexported; Mother's service blocks
// are rca's own (rcaBlock), this covers the rest.
func clean(s, nonce string, max int, multiline bool) string {
	if plain(s, max) && (nonce == "" || !strings.Contains(s, nonce)) &&
		!strings.Contains(s, "<<<") && !strings.Contains(s, ">>>") {
		return s // the common case: a short line of printable ASCII, kept without copying
	}
	var b strings.Builder
	b.Grow(min(len(s), 4*max))
	n := 0
	for _, r := range s {
		if n == max {
			b.WriteRune('…')
			break
		}
		switch {
		case r == '\n' && multiline:
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			continue
		}
		b.WriteRune(r)
		n++
	}
	out := b.String()
	for nonce != "" && strings.Contains(out, nonce) {
		out = strings.ReplaceAll(out, nonce, "")
	}
	for strings.Contains(out, "<<<") || strings.Contains(out, ">>>") {
		out = strings.ReplaceAll(strings.ReplaceAll(out, "<<<", "<<"), ">>>", ">>")
	}
	return strings.TrimRight(out, " ")
}

// plain reports whether s is at most max bytes of printable ASCII without a trailing space.
func plain(s string, max int) bool {
	if len(s) > max || strings.HasSuffix(s, " ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// show makes outside text safe to print on one line of an answer.
func show(s string) string { return clean(s, "", 1000, false) }
