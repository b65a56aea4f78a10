package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm/ollamatest"
	"monit-intel/engine/monit/monittest"
	"monit-intel/repl/tmuxtest"
)

const screenWait = 20 * time.Second

// TestReplEndToEnd drives `monit-intel repl` in a real terminal (tmux) against the real daemon,
// which watches a real Monit and asks a real Ollama (the tiny deterministic model): completion
// offers a service, a question gets the model's streamed prose, an action asked for in words
// is approved at the [y/N] question and Monit restarts the process, and /quit leaves the
// terminal as it was.
func TestReplEndToEnd(t *testing.T) {
	tmuxtest.Require(t)
	ollama := ollamatest.Start(t)
	m := monittest.New(t)
	sleeper := m.Daemon(t, "sleeper")
	job := m.Toggle(t, "backup_job")
	m.Start(t, sleeper.Check()+"\n"+job.Check())
	job.Fail(t)
	st := m.WaitFor(t, screenWait, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "sleeper")
		b, _ := monittest.Find(st, "backup_job")
		return ok && s.Process != nil && engine.ValueOr(s.Process.PID, 0) > 0 && b.Status != 0
	})
	first, _ := monittest.Find(st, "sleeper")

	cfg := writeConfig(t, fmt.Sprintf(`monit: {url: %s, interval: 1s}
data_dir: %s
ollama: {url: %s, model: %s, num_ctx: 2048, timeout: 60s}
`, m.URL, t.TempDir(), ollama.URL, ollama.Model))
	d := startDaemon(t, cfg, "MONIT_USER="+m.Username, "MONIT_PASSWORD="+m.Password)
	waitFor(t, screenWait, func() bool {
		code, body := d.call(t, "GET", "/status", "")
		return code == 200 && body["count"] == float64(3)
	})

	dir := t.TempDir()
	s := tmuxtest.New(t, []string{"sh"}, tmuxtest.Options{Dir: dir,
		Env: []string{"XDG_STATE_HOME=" + dir, "MONIT_INTEL_CONFIG="}})
	s.WaitUntil(t, "a shell", screenWait, func(sc string) bool { return strings.TrimSpace(sc) != "" })
	s.TypeLine(t, fmt.Sprintf("stty -g > before.stty; %s repl --config %s --url %s --session e2e; echo EXIT=$?", buildBinary(t), cfg, d.url), screenWait)
	s.WaitFor(t, "mother>", screenWait)

	s.Type(t, "/history sle")
	s.WaitFor(t, "sleeper", screenWait) // the completion menu offers the service
	s.Send(t, "C-u")

	s.TypeLine(t, "why is backup_job failing?", screenWait)
	s.WaitFor(t, "Hello from tiny model.", 60*time.Second) // prose streamed from the real model

	s.TypeLine(t, "restart sleeper", screenWait)
	s.WaitFor(t, "Execute: monit restart sleeper on ", screenWait) // and the Monit host it runs on
	s.Send(t, "y", "Enter")
	s.WaitFor(t, "executed", screenWait)
	m.WaitFor(t, screenWait, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "sleeper")
		return ok && s.Process != nil && engine.ValueOr(s.Process.PID, 0) > 0 && *s.Process.PID != *first.Process.PID
	})

	s.TypeLine(t, "/quit", screenWait)
	s.WaitFor(t, "EXIT=0", screenWait)
	s.TypeLine(t, "stty -g > after.stty; stty -a; echo STTY-DONE", screenWait)
	screen := s.WaitFor(t, "\nSTTY-DONE", screenWait)
	for _, flag := range []string{"icanon", "echo", "isig"} {
		if !regexp.MustCompile(`(^|\s)` + flag + `(\s|$)`).MatchString(screen) {
			t.Errorf("terminal after /quit lacks %s:\n%s", flag, screen)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "before.stty"))
	after, _ := os.ReadFile(filepath.Join(dir, "after.stty"))
	if len(before) == 0 || string(before) != string(after) {
		t.Errorf("terminal settings after the REPL = %q, want %q", after, before)
	}
	_, audit := d.call(t, "GET", "/mother/actions/audit", "")
	if got := fmt.Sprint(audit); !strings.Contains(got, "executed") || !strings.Contains(got, "approved") {
		t.Errorf("audit log lacks the approval: %s", got)
	}
	_, hist := d.call(t, "GET", "/mother/history?session=e2e", "")
	if turns, _ := hist["turns"].([]any); len(turns) < 2 {
		t.Errorf("conversation memory has %d turns, want the question and the action", len(turns))
	}
}
