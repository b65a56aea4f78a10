package act

import (
	"fmt"
	"unicode/utf8"
)

// capWriter keeps the first max bytes written to it and counts the rest. os/exec writes to it
// from one goroutine at a time when it is both Stdout and Stderr.
type capWriter struct {
	buf   []byte
	max   int
	total int
}

func newCapWriter(max int) *capWriter { return &capWriter{max: max} }

func (w *capWriter) Write(p []byte) (int, error) {
	w.total += len(p)
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// result returns the kept output and whether it was cut; a cut output ends on a whole
// UTF-8 character and carries a note.
func (w *capWriter) result() (string, bool) {
	if w.total <= w.max {
		return string(w.buf), false
	}
	kept := w.buf
	// Drop a character cut in half at the end.
	for i := len(kept) - 1; i >= 0 && i >= len(kept)-utf8.UTFMax; i-- {
		if utf8.RuneStart(kept[i]) {
			if !utf8.FullRune(kept[i:]) {
				kept = kept[:i]
			}
			break
		}
	}
	return string(kept) + fmt.Sprintf("\n[output truncated: kept %d of %d bytes]", len(kept), w.total), true
}
