package logs

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// rawLineBytes is how much of one line the readers keep before sanitising: enough for
// MaxLineBytes of content plus a trailing '\r' and a rune split by the cut.
const rawLineBytes = MaxLineBytes + utf8.UTFMax + 1

// sanitizeLine turns the raw bytes of one line (without its '\n') into text safe to hand on:
// a trailing '\r' is dropped (CRLF files), NUL bytes are removed, invalid UTF-8 becomes U+FFFD,
// and content past MaxLineBytes is cut at a rune boundary and replaced by CutMarker. cut says the
// reader already dropped bytes past rawLineBytes.
func sanitizeLine(raw []byte, cut bool) string {
	if !cut {
		raw = bytes.TrimSuffix(raw, []byte{'\r'})
	}
	if bytes.IndexByte(raw, 0) >= 0 {
		raw = bytes.ReplaceAll(raw, []byte{0}, nil)
	}
	if len(raw) > MaxLineBytes+utf8.UTFMax {
		// Only the first MaxLineBytes survive; keep a rune's worth more so the cut below
		// lands on a rune boundary.
		raw, cut = raw[:MaxLineBytes+utf8.UTFMax], true
	}
	s := string(raw)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) > MaxLineBytes {
		cut = true
		i := MaxLineBytes
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i]
	}
	if cut {
		s += CutMarker
	}
	return s
}

// lineCollector is an io.Writer that splits what it is given into lines, keeps at most
// rawLineBytes of each, and remembers the last keep lines, sanitised. It holds at most keep
// lines whatever it is fed, so it bounds the memory of a read of hostile input.
type lineCollector struct {
	keep int
	ring []string
	next int // index in ring of the next line to write once ring is full
	cur  []byte
	cut  bool
}

func newLineCollector(keep int) *lineCollector {
	return &lineCollector{keep: keep, ring: make([]string, 0, min(keep, 256))}
}

// Write implements io.Writer; it never fails.
func (c *lineCollector) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk, p = p[:i], p[i+1:]
		} else {
			p = nil
		}
		if room := rawLineBytes - len(c.cur); len(chunk) > room {
			chunk, c.cut = chunk[:room], true
		}
		c.cur = append(c.cur, chunk...)
		if i >= 0 {
			c.emit()
		}
	}
	return n, nil
}

func (c *lineCollector) emit() {
	line := sanitizeLine(c.cur, c.cut)
	c.cur, c.cut = c.cur[:0], false
	if len(c.ring) < c.keep {
		c.ring = append(c.ring, line)
		return
	}
	c.ring[c.next] = line
	c.next = (c.next + 1) % c.keep
}

// lines flushes a final line that had no '\n' and returns the kept lines, oldest first.
func (c *lineCollector) lines() []string {
	if len(c.cur) > 0 || c.cut {
		c.emit()
	}
	out := make([]string, 0, len(c.ring))
	out = append(out, c.ring[c.next:]...)
	return append(out, c.ring[:c.next]...)
}
