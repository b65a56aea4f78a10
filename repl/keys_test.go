package repl

import "testing"

func TestKeyLen(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{name: "text up to enter", in: "hello\rworld", want: 5},
		{name: "enter", in: "\rworld", want: 1},
		{name: "ctrl-c", in: "\x03abc", want: 1},
		{name: "utf8 text", in: "état\r", want: 5},
		{name: "arrow up", in: "\x1b[Aabc", want: 3},
		{name: "ctrl-arrow", in: "\x1b[1;5Dx", want: 6},
		{name: "delete", in: "\x1b[3~", want: 4},
		{name: "ss3 home", in: "\x1bOHx", want: 3},
		{name: "alt-b", in: "\x1bbx", want: 2},
		{name: "escape alone", in: "\x1b", want: 1},
		{name: "escape escape", in: "\x1b\x1b[A", want: 1},
		{name: "cut sequence", in: "\x1b[1;", want: 4},
		{name: "broken sequence", in: "\x1b[1\r", want: 3},
		{name: "backspace", in: "\x7fab", want: 1},
		{name: "text then del", in: "ab\x7f", want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keyLen([]byte(tt.in)); got != tt.want {
				t.Errorf("keyLen(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}
