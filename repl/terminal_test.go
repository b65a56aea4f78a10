package repl_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/repl/tmuxtest"
)

// These tests drive Mother for real: the fakemother binary (repl.Run against a scripted
// backend) in a shell inside a detached tmux session. They skip without tmux, except under
// CI=true.

// wait bounds every screen wait; generous because the machine may be busy (the race
// detector, other builds), and it only costs time when a test fails.
const wait = 15 * time.Second

var buildOnce struct {
	sync.Once
	path string
	err  error
	out  []byte
}

// TestMain removes the fakemother build after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildOnce.path != "" {
		_ = os.RemoveAll(filepath.Dir(buildOnce.path))
	}
	os.Exit(code)
}

// fakemother builds the test binary once per test run.
func fakemother(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fakemother")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "fakemother")
		args := []string{"build", "-o", buildOnce.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "monit-intel/repl/internal/fakemother")...)
		buildOnce.out, buildOnce.err = cmd.CombinedOutput()
	})
	if buildOnce.err != nil {
		t.Fatalf("go build fakemother: %v\n%s", buildOnce.err, buildOnce.out)
	}
	return buildOnce.path
}

// shell starts sh in a tmux pane and waits until it answers.
func shell(t *testing.T, dir string) *tmuxtest.Session {
	t.Helper()
	tmuxtest.Require(t)
	s := tmuxtest.New(t, []string{"sh"}, tmuxtest.Options{Dir: dir})
	s.WaitUntil(t, "a shell prompt", wait, func(screen string) bool { return strings.TrimSpace(screen) != "" })
	s.TypeLine(t, "echo SHELL-READY", wait)
	s.WaitFor(t, "\nSHELL-READY\n", wait)
	return s
}

// startMother saves the terminal settings to before.stty and runs fakemother with args.
func startMother(t *testing.T, s *tmuxtest.Session, bin string, args ...string) {
	t.Helper()
	s.TypeLine(t, "stty -g > before.stty; "+bin+" "+strings.Join(args, " ")+"; echo EXIT=$?", wait)
	s.WaitFor(t, "mother", wait)
	s.WaitFor(t, "1 failing", wait)
}

// checkRestored waits for the shell and checks the terminal is back to its settings from
// before Mother started, in canonical mode with echo.
func checkRestored(t *testing.T, s *tmuxtest.Session, dir string) {
	t.Helper()
	s.WaitFor(t, "EXIT=0", wait)
	s.TypeLine(t, "stty -g > after.stty; stty -a; echo STTY-DONE", wait)
	screen := s.WaitFor(t, "\nSTTY-DONE\n", wait)
	for _, flag := range []string{"icanon", "echo", "isig", "opost"} {
		if !regexp.MustCompile(`(^|\s)` + flag + `(\s|$)`).MatchString(screen) {
			t.Errorf("stty -a after Mother lacks %q; screen:\n%s", flag, screen)
		}
	}
	before, errB := os.ReadFile(filepath.Join(dir, "before.stty"))
	after, errA := os.ReadFile(filepath.Join(dir, "after.stty"))
	if errB != nil || errA != nil {
		t.Fatalf("read stty files: %v, %v", errB, errA)
	}
	if string(before) != string(after) {
		t.Errorf("terminal settings after Mother = %q, want %q", after, before)
	}
}

func readRecord(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read record: %v", err)
	}
	return string(b)
}

func TestTerminalCompletionChatCancelApproveQuit(t *testing.T) {
	bin, dir := fakemother(t), t.TempDir()
	s := shell(t, dir)
	startMother(t, s, bin, "-record", "rec.txt", "-history", "hist.txt")

	s.Type(t, "/logs nord")
	s.WaitFor(t, "nordvpn_status  ONGOING", wait)
	s.Send(t, "Tab")
	s.WaitFor(t, "/logs nordvpn_status", wait)
	s.Send(t, "Enter")
	s.WaitFor(t, "nordvpnd[812]: reconnecting", wait)

	s.TypeLine(t, "tell me something slow", wait)
	s.WaitFor(t, "part2 ", wait)
	s.Send(t, "C-c")
	screen := s.WaitFor(t, "(cancelled)", wait)
	if strings.Contains(screen, "END-OF-SLOW-ANSWER") {
		t.Fatalf("answer finished despite Ctrl-C:\n%s", screen)
	}
	s.WaitUntil(t, "a fresh prompt after the cancelled answer", wait, func(sc string) bool {
		return strings.HasSuffix(strings.TrimRight(sc, "\n "), "mother>")
	})
	if rec := readRecord(t, filepath.Join(dir, "rec.txt")); !strings.Contains(rec, "chat cancelled: tell me something slow") {
		t.Errorf("record = %q, want the chat cancelled", rec)
	}

	s.TypeLine(t, "please restart nordvpn", wait)
	s.WaitFor(t, "Execute: systemctl restart nordvpnd.service? [y/N]", wait)
	s.TypeLine(t, "y", wait)
	s.WaitFor(t, "executed: systemctl restart nordvpnd.service (exit 0)", wait)
	if rec := readRecord(t, filepath.Join(dir, "rec.txt")); !strings.Contains(rec, "execute p1 approve=true dry_run=false") {
		t.Errorf("record = %q, want p1 approved", rec)
	}

	s.TypeLine(t, "/quit", wait)
	checkRestored(t, s, dir)
	hist, err := os.ReadFile(filepath.Join(dir, "hist.txt"))
	if err != nil {
		t.Fatalf("read history: %v", err)
	}
	want := "/logs nordvpn_status\ntell me something slow\nplease restart nordvpn\n/quit\n"
	if string(hist) != want {
		t.Errorf("history file = %q, want %q", hist, want)
	}
}

func TestTerminalCtrlDAndHistoryRecall(t *testing.T) {
	bin, dir := fakemother(t), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hist.txt"), []byte("/failing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := shell(t, dir)
	startMother(t, s, bin, "-history", "hist.txt")
	s.Send(t, "Up")
	s.WaitFor(t, "mother> /failing", wait)
	s.Send(t, "Enter")
	s.WaitFor(t, "1 service, 1 failing", wait)
	s.Send(t, "C-d")
	checkRestored(t, s, dir)
}

func TestTerminalProposalAnswers(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		typed    string   // typed and seen on screen before keys
		keys     []string // tmux key names sent after typed
		question string
		screen   string
		record   string
	}{
		{name: "enter rejects", keys: []string{"Enter"}, question: "Execute: systemctl",
			screen: "rejected: p1", record: "execute p1 approve=false dry_run=false"},
		{name: "ctrl-c rejects", keys: []string{"C-c"}, question: "Execute: systemctl",
			screen: "rejected: p1", record: "execute p1 approve=false dry_run=false"},
		{name: "no rejects", typed: "n", keys: []string{"Enter"}, question: "Execute: systemctl",
			screen: "rejected: p1", record: "execute p1 approve=false dry_run=false"},
		{name: "yes approves", typed: "YES", keys: []string{"Enter"}, question: "Execute: systemctl",
			screen: "executed: systemctl", record: "execute p1 approve=true dry_run=false"},
		{name: "dry run never executes", args: []string{"-dry-run"}, typed: "y", keys: []string{"Enter"},
			question: "Execute (dry run): systemctl", screen: "dry run, would run: systemctl",
			record: "execute p1 approve=true dry_run=true"},
	}
	bin := fakemother(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := shell(t, dir)
			startMother(t, s, bin, append([]string{"-record", "rec.txt"}, tt.args...)...)
			s.TypeLine(t, "/suggest restart nordvpn_status", wait)
			s.WaitFor(t, tt.question, wait)
			if tt.typed != "" {
				s.Type(t, tt.typed)
				s.WaitFor(t, "[y/N] "+tt.typed, wait)
			}
			s.Send(t, tt.keys...)
			s.WaitFor(t, tt.screen, wait)
			if rec := readRecord(t, filepath.Join(dir, "rec.txt")); !strings.Contains(rec, tt.record) {
				t.Errorf("record = %q, want %q", rec, tt.record)
			}
			s.TypeLine(t, "/quit", wait)
			checkRestored(t, s, dir)
		})
	}
}

// Keys typed while an answer streams go to the next prompt, never to the [y/N] question.
func TestTerminalTypeAheadNeverApproves(t *testing.T) {
	bin, dir := fakemother(t), t.TempDir()
	s := shell(t, dir)
	startMother(t, s, bin, "-record", "rec.txt", "-slow-delay", "40ms")
	s.TypeLine(t, "slow answer then restart", wait)
	s.WaitFor(t, "part2 ", wait)
	s.Type(t, "y")
	s.Send(t, "Enter")
	s.Type(t, "/status")
	screen := s.WaitFor(t, "[y/N]", wait)
	if strings.Contains(screen, "executed") {
		t.Fatalf("type-ahead answered the question:\n%s", screen)
	}
	s.Send(t, "Enter")
	s.WaitFor(t, "rejected: p1", wait)
	if rec := readRecord(t, filepath.Join(dir, "rec.txt")); rec != "execute p1 approve=false dry_run=false\n" {
		t.Errorf("record = %q, want only the rejection", rec)
	}
	s.TypeLine(t, "/quit", wait)
	checkRestored(t, s, dir)
}

// Keys typed while a command runs are not lost: they show up at the next prompt.
func TestTerminalTypeAheadReachesThePrompt(t *testing.T) {
	bin, dir := fakemother(t), t.TempDir()
	s := shell(t, dir)
	startMother(t, s, bin, "-slow-delay", "40ms")
	s.TypeLine(t, "a slow one", wait)
	s.WaitFor(t, "part2 ", wait)
	s.Type(t, "/failing")
	s.Send(t, "Enter")
	s.WaitFor(t, "END-OF-SLOW-ANSWER", wait)
	s.WaitFor(t, "1 service, 1 failing", wait)
	s.Send(t, "C-d")
	checkRestored(t, s, dir)
}

func TestPipeModeBinary(t *testing.T) {
	bin := fakemother(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "-record", filepath.Join(dir, "rec.txt"))
	cmd.Stdin = strings.NewReader("/failing\nplease restart nordvpn\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fakemother in pipe mode: %v\n%s", err, out)
	}
	for _, want := range []string{"nordvpn_status  program  ONGOING", "You asked: please restart nordvpn",
		"Not approved: no terminal to ask. Approve p1 at a terminal"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "\x1b[") {
		t.Errorf("pipe mode output has escape sequences:\n%q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "rec.txt")); err == nil {
		t.Errorf("pipe mode called Execute: %s", readRecord(t, filepath.Join(dir, "rec.txt")))
	}
}
