package engine

import "testing"

// TestEventWords: Monit's words for each state of an event (src/event.c's Event_Table).
func TestEventWords(t *testing.T) {
	for _, c := range []struct {
		id    StatusBits
		state int
		want  string
	}{
		{BitNonExist, 1, "Does not exist"},
		{BitNonExist, 0, "Exists"},
		{BitNonExist, 2, "Existence changed"},
		{BitNonExist, 4, "Existence not changed"},
		{0x10000, 0, "Monit instance succeeded"},
		{0x10000, 2, "Monit instance changed"},
		{BitTimeout, 0, "Timeout recovery"},
		{BitLink, 0, "Link up"},
		{BitContent, 4, "Content doesn't match"},
		{BitExec, 0, "Execution succeeded"},
		{BitExec, 16, "Execution failed"},
		{0x80000000, 0, "Unknown status 0x80000000"},
	} {
		if got := EventWords(c.id, c.state); got != c.want {
			t.Errorf("EventWords(%#x, %d) = %q, want %q", c.id, c.state, got, c.want)
		}
	}
}
