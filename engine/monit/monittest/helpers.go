package monittest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"monit-intel/engine"
)

// Find returns the service called name.
func Find(st engine.Status, name string) (engine.Snapshot, bool) {
	for _, s := range st.Services {
		if s.Name == name {
			return s, true
		}
	}
	return engine.Snapshot{}, false
}

// Summary words a status one service a line, for failure messages.
func Summary(st engine.Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "host %q, %d services\n", st.Host, len(st.Services))
	for _, s := range st.Services {
		fmt.Fprintf(&b, "  %-20q %-10s status=%d (%s) monitor=%d pending=%d\n",
			s.Name, s.Type, s.Status, s.Status.Text(), s.Monitor, s.PendingAction)
	}
	return b.String()
}

// WriteFile writes content to Dir/name and returns the path.
func (m *Monit) WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	path := filepath.Join(m.Dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatalf("monittest: %v", err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatalf("monittest: %v", err)
	}
	return path
}

// WriteScript writes an executable shell script to Dir/name and returns its path. body is
// prefixed with "#!/bin/sh" unless it starts with "#!".
func (m *Monit) WriteScript(t testing.TB, name, body string) string {
	t.Helper()
	if !strings.HasPrefix(body, "#!") {
		body = "#!/bin/sh\n" + body
	}
	path := m.WriteFile(t, name, body)
	if err := os.Chmod(path, 0o755); err != nil {
		t.Fatalf("monittest: %v", err)
	}
	return path
}

// Toggle is a program check whose exit status a flag file decides: the script exits 0
// while Flag is absent, and prints "NAME failing" and exits 1 while it exists.
type Toggle struct {
	Name   string
	Script string
	Flag   string
}

// Toggle writes the script of a toggled program check called name; it starts passing.
func (m *Monit) Toggle(t testing.TB, name string) Toggle {
	t.Helper()
	flag := filepath.Join(m.Dir, name+".fail")
	script := m.WriteScript(t, name+".sh", fmt.Sprintf(
		"if [ -e %q ]; then echo %q; exit 1; fi\necho ok\n", flag, name+" failing"))
	return Toggle{Name: name, Script: script, Flag: flag}
}

// Check returns the control-file lines of the program check.
func (tg Toggle) Check() string {
	return fmt.Sprintf("check program %s with path %q\n    if status != 0 then alert\n", quoteName(tg.Name), tg.Script)
}

// Fail makes the next runs exit 1.
func (tg Toggle) Fail(t testing.TB) {
	t.Helper()
	if err := os.WriteFile(tg.Flag, nil, 0o644); err != nil {
		t.Fatalf("monittest: %v", err)
	}
}

// Pass makes the next runs exit 0.
func (tg Toggle) Pass(t testing.TB) {
	t.Helper()
	if err := os.Remove(tg.Flag); err != nil && !os.IsNotExist(err) {
		t.Fatalf("monittest: %v", err)
	}
}

// Daemon is a long-running process for a process check: start and stop scripts that run
// `sleep` in the background and keep its pid in PIDFile.
type Daemon struct {
	Name    string
	Start   string
	Stop    string
	PIDFile string
}

// Daemon writes the scripts of a process check called name. Monit starts the process
// itself on its first cycle (the process is not running yet).
func (m *Monit) Daemon(t testing.TB, name string) Daemon {
	t.Helper()
	pidfile := filepath.Join(m.Dir, name+".pid")
	start := m.WriteScript(t, name+"-start.sh", fmt.Sprintf(
		"nohup sleep 100000 >/dev/null 2>&1 &\necho $! > %q\n", pidfile))
	stop := m.WriteScript(t, name+"-stop.sh", fmt.Sprintf(
		"[ -e %[1]q ] && kill \"$(cat %[1]q)\"\nrm -f %[1]q\nexit 0\n", pidfile))
	return Daemon{Name: name, Start: start, Stop: stop, PIDFile: pidfile}
}

// Check returns the control-file lines of the process check.
func (d Daemon) Check() string {
	return fmt.Sprintf("check process %s with pidfile %q\n    start program = %q\n    stop program = %q\n",
		quoteName(d.Name), d.PIDFile, d.Start, d.Stop)
}
