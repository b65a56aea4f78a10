package monit

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"monit-intel/engine"
)

// unit is what a figure is measured in; a figure printed with a suffix of the same kind is
// converted to it, any other suffix makes the figure unreadable.
type unit uint8

const (
	unitNone    unit = iota // counts, ids, states, Unix times: no suffix allowed
	unitPercent             // %
	unitKB                  // kilobytes (Monit's 1024 bytes)
	unitMB                  // megabytes (1024 kB)
	unitSec                 // seconds
)

var unitNames = [...]string{unitNone: "no unit", unitPercent: "%", unitKB: "kB", unitMB: "MB", unitSec: "s"}

// suffix is one unit Monit or a person may print after a number, with its size in the
// smallest unit of its kind (bytes, seconds).
type suffix struct {
	kind   unit // unitKB stands for every byte size, unitSec for every duration
	factor float64
}

// suffixes are matched case-insensitively; Monit's own byte units are powers of 1024.
var suffixes = map[string]suffix{
	"b": {unitKB, 1}, "kb": {unitKB, 1 << 10}, "mb": {unitKB, 1 << 20}, "gb": {unitKB, 1 << 30}, "tb": {unitKB, 1 << 40},
	"%":  {unitPercent, 1},
	"ms": {unitSec, 1e-3}, "s": {unitSec, 1},
}

// unitFactor is the size of a figure's unit in the smallest unit of its kind.
func unitFactor(u unit) (kind unit, factor float64) {
	switch u {
	case unitKB:
		return unitKB, 1 << 10
	case unitMB:
		return unitKB, 1 << 20
	default:
		return u, 1
	}
}

// maxNoteValue caps what a note keeps of the printed value.
const maxNoteValue = 32

// figureReader reads a document's figures and keeps a note for each it could not read (the
// caller takes the notes after each service). Field names are the element's path inside
// <service>, e.g. "block/usage".
type figureReader struct {
	notes  []engine.ParseNote
	floats slab[float64]
	int64s slab[int64]
	ints   slab[int]
}

// slabChunk is how many figures of one kind share an allocation.
const slabChunk = 64

// slab hands out pointers to figures from shared chunks, so that a document's hundreds of
// figures cost a few allocations. A chunk is never grown, so earlier pointers stay valid.
type slab[T any] struct{ chunk []T }

func (s *slab[T]) put(v T) *T {
	if len(s.chunk) == cap(s.chunk) {
		s.chunk = make([]T, 0, slabChunk)
	}
	s.chunk = append(s.chunk, v)
	return &s.chunk[len(s.chunk)-1]
}

// note keeps a note about raw: at most maxNoteValue bytes of it, control characters shown as
// '?', since it is outside text that is logged, stored and served.
func (r *figureReader) note(field, raw, problem string) {
	value := raw
	if len(value) > maxNoteValue {
		value = strings.ToValidUTF8(value[:maxNoteValue], "") + "…"
	}
	value = strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return '?'
		}
		return c
	}, value)
	r.notes = append(r.notes, engine.ParseNote{Field: field, Value: value, Problem: problem})
}

// float reads a figure in unit u. An absent element is nil without a note.
func (r *figureReader) float(field, raw string, u unit) *float64 {
	v, ok := r.number(field, raw, u)
	if !ok {
		return nil
	}
	return r.floats.put(v)
}

// number parses raw as a number in unit u, converting a known suffix ("2051.3 MB", "120ms").
// ok is false, with a note unless raw is empty, when it cannot.
func (r *figureReader) number(field, raw string, u unit) (float64, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, false
	}
	num, suf := splitSuffix(s)
	if num == "" {
		r.note(field, raw, "not a number")
		return 0, false
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		r.note(field, raw, "not a number")
		return 0, false
	}
	if suf == "" {
		return v, true
	}
	sx, known := suffixes[strings.ToLower(suf)]
	kind, factor := unitFactor(u)
	switch {
	case !known:
		r.note(field, raw, "unknown unit "+strconv.Quote(suf))
		return 0, false
	case sx.kind != kind:
		r.note(field, raw, "unit "+suf+" where "+unitNames[u]+" is expected")
		return 0, false
	}
	return v * sx.factor / factor, true
}

// splitSuffix splits "2051.3 MB" into "2051.3" and "MB". Letters and '%' at the end are the
// suffix; "1e5" keeps its exponent because it ends in a digit.
func splitSuffix(s string) (num, suf string) {
	i := len(s)
	for i > 0 {
		c := s[i-1]
		if c != '%' && (c|0x20 < 'a' || c|0x20 > 'z') {
			break
		}
		i--
	}
	return strings.TrimSpace(s[:i]), s[i:]
}

// int64 reads a whole-number figure (see whole).
func (r *figureReader) int64(field, raw string, u unit) *int64 {
	v, ok := r.whole(field, raw, u)
	if !ok {
		return nil
	}
	return r.int64s.put(v)
}

// whole parses a whole number. "0.0" is 0; a fraction ("86000.5") is cut to its whole part
// with a note; a value outside int64 is unreadable.
func (r *figureReader) whole(field, raw string, u unit) (int64, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, false
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, true
	}
	f, ok := r.number(field, raw, u)
	if !ok {
		return 0, false
	}
	if f >= math.MaxInt64 || f < math.MinInt64 {
		r.note(field, raw, "out of range")
		return 0, false
	}
	_, suf := splitSuffix(s)
	w := math.Trunc(f)
	if suf != "" {
		w = math.Round(f) // a converted figure: its unit, not Monit, made the fraction
	} else if w != f {
		r.note(field, raw, "not a whole number; read as "+strconv.FormatFloat(w, 'f', -1, 64))
	}
	return int64(w), true
}

// int reads a whole-number figure that fits in 32 bits (pids, ids, counts, states).
func (r *figureReader) int(field, raw string) *int {
	v, ok := r.whole(field, raw, unitNone)
	if !ok {
		return nil
	}
	if v > math.MaxInt32 || v < math.MinInt32 {
		r.note(field, raw, "out of range")
		return nil
	}
	return r.ints.put(int(v))
}

// bits reads a bitmap or enum (<status>, <monitor>) of at most max. Unreadable or out of
// range, it is 0 with a note: the snapshot is kept and the note says the 0 is not Monit's.
func (r *figureReader) bits(field, raw string, max uint64) uint64 {
	n := len(r.notes)
	v, ok := r.whole(field, raw, unitNone)
	if ok && (v < 0 || uint64(v) > max) {
		r.note(field, raw, "out of range")
		ok = false
	}
	if !ok {
		if len(r.notes) > n {
			r.notes[len(r.notes)-1].Problem += "; read as 0"
		}
		return 0
	}
	return uint64(v)
}
