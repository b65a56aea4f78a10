package monit

import (
	"fmt"
	"math"
	"testing"
)

func TestFigureReaderNumber(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		unit     unit
		want     *float64
		wantNote string // "" means no note
	}{
		{"plain", "49.6", unitPercent, new(49.6), ""},
		{"blanks around", " 42 \n", unitNone, new(42.0), ""},
		{"negative sentinel", "-1", unitPercent, new(-1.0), ""},
		{"exponent", "1e3", unitNone, new(1000.0), ""},
		{"absent", "", unitMB, nil, ""},
		{"Monit 5.3 megabytes", "2051.3 MB", unitMB, new(2051.3), ""},
		{"gigabytes to megabytes", "2 GB", unitMB, new(2048.0), ""},
		{"kilobytes to megabytes", "512 kB", unitMB, new(0.5), ""},
		{"no space, other case", "1.5gb", unitMB, new(1536.0), ""},
		{"terabytes", "1 TB", unitMB, new(1048576.0), ""},
		{"bytes to kilobytes", "2048 B", unitKB, new(2.0), ""},
		{"megabytes to kilobytes", "1.5 MB", unitKB, new(1536.0), ""},
		{"percent sign", "21.3%", unitPercent, new(21.3), ""},
		{"percent with space", "21.3 %", unitPercent, new(21.3), ""},
		{"milliseconds to seconds", "120 ms", unitSec, new(0.12), ""},
		{"seconds", "0.5 s", unitSec, new(0.5), ""},
		{"time where size expected", "12 ms", unitMB, nil, `unit ms where MB is expected`},
		{"size where percent expected", "12 MB", unitPercent, nil, `unit MB where % is expected`},
		{"unit on a count", "3 kB", unitNone, nil, `unit kB where no unit is expected`},
		{"unknown unit", "12 parsecs", unitMB, nil, `unknown unit "parsecs"`},
		{"word", "many", unitNone, nil, "not a number"},
		{"NaN", "NaN", unitNone, nil, "not a number"},
		{"infinity", "Inf", unitNone, nil, "not a number"},
		{"overflow", "1e400", unitNone, nil, "not a number"},
		{"two numbers", "1 2", unitNone, nil, "not a number"},
		{"comma decimal", "2,5", unitNone, nil, "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &figureReader{}
			got := r.float("f", tt.raw, tt.unit)
			if !sameFloat(got, tt.want) {
				t.Errorf("float(%q) = %v, want %v", tt.raw, show(got), show(tt.want))
			}
			checkNote(t, r, tt.raw, tt.wantNote)
		})
	}
}

func TestFigureReaderWholeNumbers(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		unit     unit
		want     *int64
		wantNote string
	}{
		{"plain", "86000", unitSec, new(int64(86000)), ""},
		{"float zero", "0.0", unitNone, new(int64(0)), ""},
		{"float whole", "1200.0", unitKB, new(int64(1200)), ""},
		{"fraction cut with a note", "86000.5", unitSec, new(int64(86000)), "not a whole number; read as 86000"},
		{"negative fraction", "-1.5", unitNone, new(int64(-1)), "not a whole number; read as -1"},
		{"kilobytes suffix", "1200 kB", unitKB, new(int64(1200)), ""},
		{"megabytes to kilobytes, rounded", "1.2 MB", unitKB, new(int64(1229)), ""},
		{"milliseconds to seconds, rounded", "1500 ms", unitSec, new(int64(2)), ""},
		{"beyond int64", "99999999999999999999", unitNone, nil, "out of range"},
		{"word", "soon", unitSec, nil, "not a number"},
		{"absent", "", unitNone, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &figureReader{}
			got := r.int64("f", tt.raw, tt.unit)
			if (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
				t.Errorf("int64(%q) = %v, want %v", tt.raw, show(got), show(tt.want))
			}
			checkNote(t, r, tt.raw, tt.wantNote)
		})
	}
}

func TestFigureReaderBitsAndInts(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		want     uint64
		wantNote string
	}{
		{"zero", "0", 0, ""},
		{"float zero in status", "0.0", 0, ""},
		{"bit", "2097152", 2097152, ""},
		{"negative", "-3", 0, "out of range; read as 0"},
		{"above 32 bits", "4294967296", 0, "out of range; read as 0"},
		{"word", "many", 0, "not a number; read as 0"},
		{"fraction", "32.5", 32, "not a whole number; read as 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &figureReader{}
			if got := r.bits("status", tt.raw, math.MaxUint32); got != tt.want {
				t.Errorf("bits(%q) = %d, want %d", tt.raw, got, tt.want)
			}
			checkNote(t, r, tt.raw, tt.wantNote)
		})
	}
	r := &figureReader{}
	if got := r.int("pid", "3000000000"); got != nil {
		t.Errorf("int(3000000000) = %d, want nil (beyond 32 bits)", *got)
	}
	checkNote(t, r, "3000000000", "out of range")
	r = &figureReader{}
	if got := r.unixTime("collected_sec", "999999999999999"); !got.IsZero() {
		t.Errorf("unixTime(year > 9999) = %v, want zero", got)
	}
	checkNote(t, r, "999999999999999", "out of range")
}

func TestFigureReaderNoteCapsValue(t *testing.T) {
	r := &figureReader{}
	raw := "é" + string(make([]byte, 100))
	r.float("f", raw, unitNone)
	if len(r.notes) != 1 || len(r.notes[0].Value) > maxNoteValue+len("…") {
		t.Fatalf("notes = %+v, want one with at most %d bytes of value", r.notes, maxNoteValue)
	}
	r = &figureReader{}
	r.float("f", "1\x1b[31m2\t", unitNone)
	if len(r.notes) != 1 || r.notes[0].Value != "1?[31m2?" {
		t.Errorf("notes = %+v, want the control characters shown as ?", r.notes)
	}
}

func checkNote(t *testing.T, r *figureReader, raw, want string) {
	t.Helper()
	switch {
	case want == "" && len(r.notes) != 0:
		t.Errorf("notes = %+v, want none", r.notes)
	case want != "" && (len(r.notes) != 1 || r.notes[0].Problem != want || r.notes[0].Value != raw):
		t.Errorf("notes = %+v, want one with problem %q and value %q", r.notes, want, raw)
	}
}

func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) < 1e-9
}

func show[T any](p *T) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}
