package repl

// keyLen returns the length of the first key in b (b must not be empty): a whole escape
// sequence (CSI "ESC [ … final" or SS3 "ESC O x", ESC plus one byte for Alt keys, or ESC
// alone), a single control byte, or a run of text up to the next control byte.
func keyLen(b []byte) int {
	const esc = 0x1b
	switch {
	case b[0] == esc:
		return escapeLen(b)
	case b[0] < 0x20 || b[0] == 0x7f:
		return 1
	}
	n := 1
	for n < len(b) && b[n] >= 0x20 && b[n] != 0x7f {
		n++
	}
	return n
}

func escapeLen(b []byte) int {
	if len(b) == 1 || b[1] == 0x1b {
		return 1
	}
	switch b[1] {
	case '[':
		for i := 2; i < len(b); i++ {
			if b[i] >= 0x40 && b[i] <= 0x7e {
				return i + 1
			}
			if b[i] < 0x20 {
				return i // not a sequence after all: stop before the control byte
			}
		}
		return len(b)
	case 'O':
		return min(3, len(b))
	}
	return 2
}
