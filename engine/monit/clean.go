package monit

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Monit writes its status document with printf and escapes almost nothing (REFERENCE 6.2):
// service names and paths are copied raw, program output is raw bytes inside CDATA, and the
// declared ISO-8859-1 is usually UTF-8 in fact. cleanDocument turns such a document into
// UTF-8 that encoding/xml accepts, changing only what is invalid XML:
//
//   - every byte sequence that is valid UTF-8 is kept; every other byte is read as Latin-1;
//   - characters XML forbids (C0 controls except \t \n \r, U+FFFE, U+FFFF) are dropped;
//   - a '&' that does not start an entity becomes "&amp;";
//   - inside the elements and attributes whose text Monit copies from the control file
//     (names, paths, host names, cron specs), '<' and '>' become "&lt;" and "&gt;" and, in
//     attributes, '"' becomes "&quot;".
//
// A name that itself contains its closing tag (say "a</name>b") cannot be repaired; the
// decoder then reports it.

// textElements are elements whose content Monit prints unescaped from configuration or
// system data. The content runs to the first matching closing tag. <service> is one only
// inside <servicegroups> and <event> (format 2), where it holds a bare service name.
var textElements = [...]string{
	"name", "localhostname", "controlfile", "cron", "hostname", "fstype", "fsflags",
	"unixsocket", "address", "path", "username", "password",
}

// nameLists are the format 2 elements whose <service> children are bare names.
var nameLists = [...]string{"servicegroups", "event"}

// attrSpans are the attributes Monit fills with a service or group name. A name may itself
// contain `">`, so the value ends at the first `">` followed (after optional white space) by
// the element Monit always prints next, or failing that at the first `">`.
var attrSpans = [...]struct{ open, next string }{
	{`<service name="`, `<type>`},
	{`<servicegroup name="`, `<service>`},
}

const (
	cdataOpen  = "<![CDATA["
	cdataClose = "]]>"
)

// checkpoint records that byte out of the cleaned document came from byte src of the original.
type checkpoint struct{ out, src int }

// offsetMap maps offsets in the cleaned document back to the original one, so that errors
// point at bytes the user can find.
type offsetMap []checkpoint

// original returns the offset in the original document of cleaned offset off.
func (m offsetMap) original(off int64) int64 {
	i := sort.Search(len(m), func(i int) bool { return int64(m[i].out) > off }) - 1
	if i < 0 {
		return off
	}
	return int64(m[i].src) + off - int64(m[i].out)
}

type cleaner struct {
	src     []byte
	out     []byte
	edits   offsetMap
	inNames bool // inside one of nameLists
}

// cleanDocument returns the repaired document and the map of its offsets to doc's.
func cleanDocument(doc []byte) ([]byte, offsetMap) {
	c := &cleaner{src: doc, out: make([]byte, 0, len(doc)+len(doc)/64)}
	for i := 0; i < len(doc); {
		i = c.step(i)
	}
	return c.out, c.edits
}

// step consumes the construct starting at src[i] and returns the index after it.
func (c *cleaner) step(i int) int {
	switch b := c.src[i]; {
	case b == '<':
		return c.markup(i)
	case b == '&':
		return c.amp(i)
	case b < utf8.RuneSelf && b >= 0x20:
		c.out = append(c.out, b)
		return i + 1
	default:
		return c.char(i)
	}
}

// markup handles a '<': CDATA sections and the spans of raw text Monit leaves unescaped.
func (c *cleaner) markup(i int) int {
	rest := c.src[i:]
	if bytes.HasPrefix(rest, []byte(cdataOpen)) {
		end := bytes.Index(rest[len(cdataOpen):], []byte(cdataClose))
		if end < 0 {
			return c.text(i, len(c.src), spanCDATA)
		}
		return c.text(i, i+len(cdataOpen)+end+len(cdataClose), spanCDATA)
	}
	for _, a := range attrSpans {
		if bytes.HasPrefix(rest, []byte(a.open)) {
			c.out = append(c.out, a.open...)
			start := i + len(a.open)
			return c.text(start, start+attrEnd(c.src[start:], a.next), spanAttr)
		}
	}
	for _, name := range textElements {
		if isTag(rest, name) {
			c.out = append(c.out, rest[:len(name)+2]...)
			return c.span(i+len(name)+2, "</"+name+">", spanText)
		}
	}
	if c.inNames && isTag(rest, "service") {
		c.out = append(c.out, "<service>"...)
		return c.span(i+len("<service>"), "</service>", spanText)
	}
	for _, list := range nameLists {
		if isTag(rest, list) {
			c.inNames = true
		} else if len(rest) > 1 && rest[1] == '/' && isTag(rest[1:], list) {
			c.inNames = false
		}
	}
	c.out = append(c.out, '<')
	return i + 1
}

// isTag reports whether b starts with the start tag <name> (without attributes).
func isTag(b []byte, name string) bool {
	return len(b) > len(name)+1 && b[len(name)+1] == '>' && string(b[1:len(name)+1]) == name
}

// span escapes the raw text from start up to the first occurrence of closing (or the end of
// the document when it is truncated) and returns the index of closing.
func (c *cleaner) span(start int, closing string, kind spanKind) int {
	end := bytes.Index(c.src[start:], []byte(closing))
	if end < 0 {
		return c.text(start, len(c.src), kind)
	}
	return c.text(start, start+end, kind)
}

// attrEnd returns the length of the attribute value at the start of b: up to the first `">`
// followed by next, else up to the first `">`, else all of b (a truncated document). The
// search for next is bounded so that a hostile document cannot make cleaning quadratic.
func attrEnd(b []byte, next string) int {
	const maxName = 4096
	window := b[:min(len(b), maxName)]
	first := -1
	for off := 0; off < len(window); {
		k := bytes.Index(window[off:], []byte(`">`))
		if k < 0 {
			break
		}
		end := off + k
		if first < 0 {
			first = end
		}
		if bytes.HasPrefix(bytes.TrimLeft(b[end+2:], " \t\r\n"), []byte(next)) {
			return end
		}
		off = end + 2
	}
	if first >= 0 {
		return first
	}
	if k := bytes.Index(b, []byte(`">`)); k >= 0 {
		return k
	}
	return len(b)
}

type spanKind uint8

const (
	spanCDATA spanKind = iota // copy markup characters as they are
	spanText                  // escape '<' and stray '&'
	spanAttr                  // escape '<', '"' and stray '&'
)

// text copies src[start:end], cleaning characters and escaping what kind requires.
func (c *cleaner) text(start, end int, kind spanKind) int {
	for i := start; i < end; {
		b := c.src[i]
		switch {
		case kind != spanCDATA && b == '&':
			i = c.amp(i)
		case kind != spanCDATA && b == '<':
			c.replace(i, 1, "&lt;")
			i++
		case kind != spanCDATA && b == '>':
			c.replace(i, 1, "&gt;") // a name containing "]]>" is not well-formed text
			i++
		case kind == spanAttr && b == '"':
			c.replace(i, 1, "&quot;")
			i++
		case b < utf8.RuneSelf && b >= 0x20:
			c.out = append(c.out, b)
			i++
		default:
			i = c.char(i)
		}
	}
	return end
}

// amp copies an entity reference, or escapes a '&' that does not start one.
func (c *cleaner) amp(i int) int {
	if n := entityLen(c.src[i:]); n > 0 {
		c.out = append(c.out, c.src[i:i+n]...)
		return i + n
	}
	c.replace(i, 1, "&amp;")
	return i + 1
}

// char copies one character that is not printable ASCII: a control character, a UTF-8
// sequence or a Latin-1 byte.
func (c *cleaner) char(i int) int {
	r, size := utf8.DecodeRune(c.src[i:])
	if r == utf8.RuneError && size <= 1 {
		// Not UTF-8: the byte is Latin-1, whose code points equal its byte values.
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], rune(c.src[i]))
		c.replace(i, 1, string(buf[:n]))
		return i + 1
	}
	if !legalXMLChar(r) {
		c.replace(i, size, "")
		return i + size
	}
	c.out = append(c.out, c.src[i:i+size]...)
	return i + size
}

// replace writes with in place of the n source bytes at i and records the shift.
func (c *cleaner) replace(i, n int, with string) {
	c.out = append(c.out, with...)
	c.edits = append(c.edits, checkpoint{out: len(c.out), src: i + n})
}

// legalXMLChar reports whether XML 1.0 allows r (the Char production).
func legalXMLChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	default:
		return r >= 0x10000 && r <= utf8.MaxRune
	}
}

// entityLen returns the length of the entity or character reference at the start of b, or 0
// when there is none. A character reference to a character XML forbids does not count: its
// '&' is then escaped and the reference kept as text.
func entityLen(b []byte) int {
	const maxEntity = 12 // "&#x10FFFF;" and the five named entities fit
	end := bytes.IndexByte(b[:min(len(b), maxEntity)], ';')
	if end < 2 {
		return 0
	}
	body := string(b[1:end])
	switch body {
	case "lt", "gt", "amp", "apos", "quot":
		return end + 1
	}
	if body[0] != '#' {
		return 0
	}
	digits, base := body[1:], 10
	if strings.HasPrefix(digits, "x") {
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || !legalXMLChar(rune(n)) {
		return 0
	}
	return end + 1
}
