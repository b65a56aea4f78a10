package tmuxtest

import (
	"strings"
	"testing"
	"time"
)

func TestSessionRunsAndCaptures(t *testing.T) {
	Require(t)
	s := New(t, []string{"sh"}, Options{Width: 60, Height: 10, Env: []string{"TMUXTEST_GREETING=hi-there"}})
	s.WaitUntil(t, "a prompt", 5*time.Second, func(screen string) bool { return strings.TrimSpace(screen) != "" })
	s.TypeLine(t, `echo "$TMUXTEST_GREETING"; stty size`, 5*time.Second)
	screen := s.WaitFor(t, "\n10 60\n", 5*time.Second)
	if !strings.Contains(screen, "\nhi-there\n") {
		t.Errorf("screen lacks the environment variable's value:\n%s", screen)
	}
	if s.PaneDead(t) {
		t.Fatal("PaneDead() = true while sh runs")
	}
	s.TypeLine(t, "exit 3", 5*time.Second)
	s.WaitUntil(t, "the pane to die", 5*time.Second, func(string) bool { return s.PaneDead(t) })
}

// fatalTB records Fatalf instead of ending the test, so WaitUntil's timeout can be checked.
type fatalTB struct {
	testing.TB
	msg string
}

type fataled struct{}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = format
	panic(fataled{})
}

func TestWaitUntilTimesOut(t *testing.T) {
	Require(t)
	s := New(t, []string{"sh"}, Options{})
	tb := &fatalTB{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(fataled); !ok {
					panic(r)
				}
			}
		}()
		s.WaitFor(tb, "never printed", 300*time.Millisecond)
	}()
	if tb.msg == "" {
		t.Fatal("WaitFor() returned without failing for text that never shows")
	}
}
