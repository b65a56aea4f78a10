package rca

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	n := testNonce
	tests := []struct {
		name, in, want string
		max            int
	}{
		{name: "plain line unchanged", in: "Nov 24 07:58:12 vm app[1]: ok\tdone", want: "Nov 24 07:58:12 vm app[1]: ok\tdone", max: 400},
		{name: "escape sequences and NUL", in: "\x1b[31mred\x1b[0m\x00!", want: "[31mred[0m!", max: 400},
		{name: "newlines become spaces", in: "a\r\nb\nc\n", want: "a  b c", max: 400},
		{name: "C1 and format characters", in: "a\u0085b\u202ec\u200bd\ufeff", want: "abcd", max: 400},
		{name: "invalid UTF-8", in: "a\xffb", want: "a\uFFFDb", max: 400},
		{name: "cut with ellipsis", in: "abcdef", want: "abc…", max: 3},
		{name: "nonce removed", in: "x" + n + "y", want: "xy", max: 400},
		{name: "nonce rebuilt by removal", in: n[:10] + n + n[10:], want: "", max: 400},
		{name: "nonce joined by a dropped control", in: n[:10] + "\x00" + n[10:], want: "", max: 400},
		{name: "runs of angle brackets", in: "<<<<END>>>> << >>", want: "<<END>> << >>", max: 400},
		{name: "removing the nonce cannot build a marker", in: "<<" + n + "<END LOGS>>" + n + ">", want: "<<END LOGS>>", max: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sanitize(tt.in, n, tt.max)
			if got != tt.want {
				t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, "<<<") || strings.Contains(got, ">>>") {
				t.Errorf("sanitize(%q) = %q, still has a marker-like run", tt.in, got)
			}
		})
	}
}

func TestLooksLikeError(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"2026-11-24T07:58:12+0000 vm app[1]: ERROR could not bind", true},
		{"Nov 24 07:58:12 vm kernel: Out of memory: Killed process 4321 (jellyfin)", true},
		{"Nov 24 07:58:12 vm systemd[1]: Started nginx.service.", false},
		{"Nov 24 07:58:12 vm rsync[9]: sent 12 files, 0 errors", false},
		{"Nov 24 07:58:12 vm app[1]: zoom level changed in room 3", false},
	}
	for _, tt := range tests {
		if got := looksLikeError(tt.line); got != tt.want {
			t.Errorf("looksLikeError(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}
