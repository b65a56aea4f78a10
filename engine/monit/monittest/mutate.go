package monittest

import (
	"bytes"
	"regexp"
)

// numberText matches the text of an element or the value of an attribute that is a number
// (as Monit prints them: "12", "-1", "4.9", "0.000412", "2051.3 MB").
var numberText = regexp.MustCompile(`(?:>|=")(-?[0-9][0-9.]*(?: ?[A-Za-z%]+)?)(?:<|")`)

// NumberSpans returns the byte ranges [start, end) of every number in a status document,
// after its XML declaration (whose version is XML's, not Monit's).
func NumberSpans(doc []byte) [][2]int {
	start := 0
	if bytes.HasPrefix(doc, []byte("<?xml")) {
		start = bytes.Index(doc, []byte("?>")) + 1
	}
	var spans [][2]int
	for _, m := range numberText.FindAllSubmatchIndex(doc[start:], -1) {
		spans = append(spans, [2]int{start + m[2], start + m[3]})
	}
	return spans
}

// OddNumbers are values a Monit (an old one, a patched one, a broken disk) may print where a
// number belongs: units, fractions, words, overflow, nothing.
func OddNumbers() []string {
	return []string{"", "x", "0.0", "1.5", "-1", "12 MB", "7 parsecs", "120 ms", "5%", "1e400", "NaN",
		"99999999999999999999", " 3 ", "0x1F", "-0", "1,5"}
}

// ReplaceSpan returns doc with span replaced by with.
func ReplaceSpan(doc []byte, span [2]int, with string) []byte {
	out := make([]byte, 0, len(doc)+len(with))
	out = append(out, doc[:span[0]]...)
	out = append(out, with...)
	return append(out, doc[span[1]:]...)
}

// ReplaceAllNumbers returns doc with every number replaced by with.
func ReplaceAllNumbers(doc []byte, with string) []byte {
	var out bytes.Buffer
	last := 0
	for _, s := range NumberSpans(doc) {
		out.Write(doc[last:s[0]])
		out.WriteString(with)
		last = s[1]
	}
	out.Write(doc[last:])
	return out.Bytes()
}
