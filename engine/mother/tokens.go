package mother

import (
	"strings"
	"unicode"
)

// maxMessageRunes bounds what Recognise reads of a message: a question is short, and the
// fuzzy matching is quadratic in a word's length.
const maxMessageRunes = 2000

// maxTokens bounds how many words Recognise looks at.
const maxTokens = 200

// token is one lower-cased word of a message. clause says a clause starts at it: it is the
// first word, or punctuation (, ; . ! ? :) or a newline came before it.
type token struct {
	text   string
	raw    string // as written, lower case, with its punctuation
	clause bool
	used   bool   // taken by a service name or a time, so it is no intent word
	svc    string // the service this word names, if any
	// ignored is set on the words of a clause that an action request leaves unread.
	ignored bool
	// quoted is set on a word that opens with a quote mark: "failing" is a name.
	quoted bool
}

// tokenize splits a message into lower-case words. A word is a run of letters, digits and the
// characters service names use (_ . - /); apostrophes are dropped so "what's" is "whats";
// dots, dashes and slashes at either end of a word are sentence punctuation.
func tokenize(msg string) []token {
	msg = cutRunes(msg, maxMessageRunes)
	var out []token
	var cur strings.Builder
	clause, quote := true, false
	flush := func() {
		raw := strings.TrimSuffix(cur.String(), ":")
		w := strings.Trim(raw, ".-/")
		cur.Reset()
		if w != "" && len(out) < maxTokens {
			out = append(out, token{text: w, raw: raw, clause: clause, quoted: quote})
			clause = false
		}
		quote = false
	}
	for _, r := range msg {
		switch {
		case isQuote(r):
			opens := cur.Len() == 0 // after a space or at the start; else it closes or is an apostrophe
			if r != '\'' && r != '’' {
				flush() // a double quote or backtick ends a word
			}
			if opens {
				quote = true
			}
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '/':
			cur.WriteRune(unicode.ToLower(r))
		case r == ':' && cur.Len() > 0 && isDigit(cur.String()[cur.Len()-1]):
			cur.WriteRune(r) // a time of day, "19:00"; a colon after a word ends a clause
		case r == '.':
			// A dot inside a word (nordvpnd.service) is part of it; one at its end ends a
			// sentence.
			cur.WriteRune(r)
			if s := cur.String(); strings.HasSuffix(s, "..") || s == "." {
				flush()
				clause = true
			}
		default:
			endsWord := cur.Len() > 0 && (strings.HasSuffix(cur.String(), ".") || strings.HasSuffix(cur.String(), ":"))
			flush()
			if endsWord || strings.ContainsRune(",;!?:\n", r) {
				clause = true
			}
		}
	}
	if s := cur.String(); s != "" {
		flush()
	}
	return out
}

// isQuote reports whether r is a quote mark or an apostrophe, which are never part of a word.
func isQuote(r rune) bool {
	switch r {
	case '\'', '’', '‘', '"', '“', '”', '`':
		return true
	}
	return false
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// parts splits a name into its words: "nordvpn_status" is [nordvpn status].
func parts(name string) []string {
	return strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// joined is a name without its separators: "nordvpn_status" is "nordvpnstatus".
func joined(name string) string { return strings.Join(parts(name), "") }

// cutRunes returns the first n runes of s.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
