package logs

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeLine(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		cut  bool
		want string
	}{
		{name: "plain", raw: "hello", want: "hello"},
		{name: "trailing CR", raw: "hello\r", want: "hello"},
		{name: "only the last CR goes", raw: "a\r\r", want: "a\r"},
		{name: "NUL removed", raw: "\x00a\x00b\x00", want: "ab"},
		{name: "invalid UTF-8 run replaced once", raw: "a\xff\xfe\xfdb", want: "a\uFFFDb"},
		{name: "truncated rune at the end", raw: "a\xe2\x82", want: "a\uFFFD"},
		{name: "exactly the limit", raw: strings.Repeat("a", MaxLineBytes), want: strings.Repeat("a", MaxLineBytes)},
		{name: "one over the limit", raw: strings.Repeat("a", MaxLineBytes+1), want: strings.Repeat("a", MaxLineBytes) + CutMarker},
		{name: "cut by the reader", raw: "abc", cut: true, want: "abc" + CutMarker},
		{name: "cut by the reader keeps a final CR", raw: "abc\r", cut: true, want: "abc\r" + CutMarker},
		{
			name: "cut never splits a rune",
			raw:  "a" + strings.Repeat("€", MaxLineBytes/3+1),
			want: "a" + strings.Repeat("€", (MaxLineBytes-1)/3) + CutMarker,
		},
		{
			name: "a run of invalid bytes is one replacement",
			raw:  strings.Repeat("\xff", MaxLineBytes),
			want: "\uFFFD",
		},
		{
			name: "replacement characters count against the limit",
			raw:  strings.Repeat("\xffa", MaxLineBytes/2),
			want: strings.Repeat("\uFFFDa", MaxLineBytes/4) + CutMarker,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitizeLine([]byte(tt.raw), tt.cut); got != tt.want {
				t.Errorf("sanitizeLine(%.40q…, %v) = %.60q… (%d bytes), want %.60q… (%d bytes)",
					tt.raw, tt.cut, got, len(got), tt.want, len(tt.want))
			}
		})
	}
}

func TestLineCollector(t *testing.T) {
	tests := []struct {
		name   string
		keep   int
		writes []string
		want   []string
	}{
		{name: "nothing", keep: 3, want: []string{}},
		{name: "lines split across writes", keep: 5, writes: []string{"ab", "c\nd", "e\n", "f"}, want: []string{"abc", "de", "f"}},
		{name: "keeps the last lines", keep: 2, writes: []string{"1\n2\n3\n4\n5\n"}, want: []string{"4", "5"}},
		{name: "ring wraps more than once", keep: 3, writes: []string{"1\n2\n3\n4\n5\n6\n7\n8"}, want: []string{"6", "7", "8"}},
		{
			name:   "long line cut across writes",
			keep:   2,
			writes: []string{strings.Repeat("x", rawLineBytes-1), "yyyy", "zz\nnext\n"},
			want:   []string{strings.Repeat("x", MaxLineBytes) + CutMarker, "next"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newLineCollector(tt.keep)
			for _, w := range tt.writes {
				if n, err := c.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v, want %d, nil", w, n, err, len(w))
				}
			}
			if got := c.lines(); !slices.Equal(got, tt.want) {
				t.Errorf("lines() = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzSanitizeLine(f *testing.F) {
	for _, seed := range []string{"", "a\r", "\x00", "\xff", strings.Repeat("€", 2000), "ok"} {
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, raw []byte, cut bool) {
		got := sanitizeLine(raw, cut)
		body := strings.TrimSuffix(got, CutMarker)
		if !utf8.ValidString(got) || strings.IndexByte(got, 0) >= 0 || len(body) > MaxLineBytes {
			t.Errorf("sanitizeLine(%q) = %q: want valid UTF-8, no NUL, at most %d bytes before the marker", raw, got, MaxLineBytes)
		}
		clean := utf8.Valid(raw) && !strings.ContainsAny(string(raw), "\x00") && len(raw) <= MaxLineBytes &&
			!strings.HasSuffix(string(raw), "\r")
		if clean && !cut && got != string(raw) {
			t.Errorf("sanitizeLine(%q) = %q, want a clean line unchanged", raw, got)
		}
	})
}
