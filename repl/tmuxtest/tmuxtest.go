package tmuxtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Default pane size; a fixed size keeps screens comparable between runs.
const (
	DefaultWidth  = 120
	DefaultHeight = 40
)

// pollEvery is how often WaitFor looks at the screen.
const pollEvery = 50 * time.Millisecond

// Options shape a session. Zero values give a DefaultWidth×DefaultHeight pane in the test's
// working directory.
type Options struct {
	Width, Height int
	Env           []string // KEY=value set in the pane besides tmux's own environment
	Dir           string
}

// Session is one tmux session running a command in a single pane.
type Session struct {
	tmux   string
	socket string
	target string
}

// Require returns the path of tmux, or skips the test (fails it under CI=true) when tmux is
// not installed.
func Require(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("tmux is required under CI=true: %v", err)
		}
		t.Skipf("tmux not installed: %v", err)
	}
	return path
}

// New starts cmd (argv, e.g. "sh") in a new detached session on a private tmux server,
// which t.Cleanup kills. The pane stays after cmd exits, so its last screen can be read.
func New(t testing.TB, cmd []string, opts Options) *Session {
	t.Helper()
	if len(cmd) == 0 {
		t.Fatal("tmuxtest.New: empty command")
	}
	if opts.Width == 0 {
		opts.Width = DefaultWidth
	}
	if opts.Height == 0 {
		opts.Height = DefaultHeight
	}
	// A short socket path: unix socket paths are limited to ~108 bytes and t.TempDir is long.
	dir, err := os.MkdirTemp("", "tmuxtest")
	if err != nil {
		t.Fatalf("tmuxtest.New: %v", err)
	}
	s := &Session{tmux: Require(t), socket: filepath.Join(dir, "sock"), target: "test"}
	t.Cleanup(func() {
		_ = exec.Command(s.tmux, "-S", s.socket, "kill-server").Run()
		_ = os.RemoveAll(dir)
	})
	args := []string{"-f", "/dev/null", "new-session", "-d", "-s", s.target,
		"-x", fmt.Sprint(opts.Width), "-y", fmt.Sprint(opts.Height)}
	if opts.Dir != "" {
		args = append(args, "-c", opts.Dir)
	}
	for _, e := range opts.Env {
		args = append(args, "-e", e)
	}
	args = append(args, cmd...)
	if out, err := s.run(args...); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	if out, err := s.run("set-option", "-t", s.target, "remain-on-exit", "on"); err != nil {
		t.Fatalf("tmux set-option: %v: %s", err, out)
	}
	return s
}

func (s *Session) run(args ...string) (string, error) {
	full := append([]string{"-S", s.socket}, args...)
	out, err := exec.Command(s.tmux, full...).CombinedOutput()
	return string(out), err
}

// Send sends tmux key names ("Enter", "C-c", "C-d", "Tab", "y").
func (s *Session) Send(t testing.TB, keys ...string) {
	t.Helper()
	if out, err := s.run(append([]string{"send-keys", "-t", s.target}, keys...)...); err != nil {
		t.Fatalf("tmux send-keys %q: %v: %s", keys, err, out)
	}
}

// Type sends text literally, without interpreting key names.
func (s *Session) Type(t testing.TB, text string) {
	t.Helper()
	if out, err := s.run("send-keys", "-t", s.target, "-l", text); err != nil {
		t.Fatalf("tmux send-keys -l %q: %v: %s", text, err, out)
	}
}

// TypeLine types text, waits until it shows on the screen, then presses Enter. Waiting
// matters: a line editor that gets text and Enter in one read may take the Enter as part of
// the text (go-prompt's own input parser does).
func (s *Session) TypeLine(t testing.TB, text string, timeout time.Duration) {
	t.Helper()
	s.Type(t, text)
	s.WaitFor(t, text, timeout)
	s.Send(t, "Enter")
}

// Capture returns the visible screen, lines joined where the terminal wrapped them.
func (s *Session) Capture(t testing.TB) string {
	t.Helper()
	out, err := s.run("capture-pane", "-p", "-J", "-t", s.target)
	if err != nil {
		t.Fatalf("tmux capture-pane: %v: %s", err, out)
	}
	return out
}

// WaitFor polls the screen until it contains want and returns that screen; after timeout it
// fails the test showing the last screen.
func (s *Session) WaitFor(t testing.TB, want string, timeout time.Duration) string {
	t.Helper()
	return s.WaitUntil(t, fmt.Sprintf("screen contains %q", want), timeout,
		func(screen string) bool { return strings.Contains(screen, want) })
}

// WaitUntil polls the screen until cond holds and returns that screen; after timeout it
// fails the test with what and the last screen.
func (s *Session) WaitUntil(t testing.TB, what string, timeout time.Duration, cond func(screen string) bool) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		screen := s.Capture(t)
		if cond(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			pane, _ := s.run("display-message", "-p", "-t", s.target,
				"dead=#{pane_dead} status=#{pane_dead_status} command=#{pane_current_command}")
			t.Fatalf("after %v, want %s; pane %s; screen:\n%s", timeout, what, strings.TrimSpace(pane), screen)
		}
		time.Sleep(pollEvery)
	}
}

// PaneDead reports whether the command in the pane has exited.
func (s *Session) PaneDead(t testing.TB) bool {
	t.Helper()
	out, err := s.run("display-message", "-p", "-t", s.target, "#{pane_dead}")
	if err != nil {
		t.Fatalf("tmux display-message: %v: %s", err, out)
	}
	return strings.TrimSpace(out) == "1"
}
