package act

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// stub writes an executable shell script into dir that records its argv ($0 first, one per
// line) in dir/NAME.argv and then runs body.
func stub(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$0\" \"$@\" > %q\n%s\n", path+".argv", body)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// recorded returns the argv a stub recorded, or nil if it never ran.
func recorded(t *testing.T, stubPath string) []string {
	t.Helper()
	b, err := os.ReadFile(stubPath + ".argv")
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func resolve(t *testing.T, action, service string, opts Options) Command {
	t.Helper()
	c, err := Resolve(action, service, testTargets(), opts)
	if err != nil {
		t.Fatalf("Resolve(%q, %q) error = %v", action, service, err)
	}
	return c
}

func TestRunExec(t *testing.T) {
	dir := t.TempDir()
	systemctl := stub(t, dir, "systemctl", `echo "out line"; echo "err line" >&2; exit "${STUB_EXIT:-0}"`)
	sudo := stub(t, dir, "sudo", `shift; exec "$@"`)
	journalctl := stub(t, dir, "journalctl", `echo "-- No entries --"`)
	tests := []struct {
		name     string
		action   string
		opts     Options
		exit     int
		wantArgv map[string][]string // stub path -> recorded argv
		wantOut  string
	}{
		{"systemctl", "systemctl_restart", Options{}, 0,
			map[string][]string{systemctl: {systemctl, "restart", "nordvpnd.service"}}, "out line\nerr line\n"},
		{"sudo -n", "systemctl_stop", Options{Sudo: true}, 0, map[string][]string{
			sudo:      {sudo, "-n", systemctl, "stop", "nordvpnd.service"},
			systemctl: {systemctl, "stop", "nordvpnd.service"},
		}, "out line\nerr line\n"},
		{"exit code", "systemctl_status", Options{}, 3,
			map[string][]string{systemctl: {systemctl, "status", "nordvpnd.service"}}, "out line\nerr line\n"},
		{"journalctl", "logs", Options{JournalLines: 7}, 0,
			map[string][]string{journalctl: {journalctl, "-u", "nordvpnd.service", "-n", "7", "--no-pager"}}, "-- No entries --\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range []string{systemctl, sudo, journalctl} {
				os.Remove(p + ".argv")
			}
			t.Setenv("STUB_EXIT", strconv.Itoa(tt.exit))
			tt.opts.SystemctlPath, tt.opts.SudoPath, tt.opts.JournalctlPath = systemctl, sudo, journalctl
			c := resolve(t, tt.action, "nordvpn_status", tt.opts)
			res, err := NewRunner(tt.opts).Run(t.Context(), c)
			if tt.exit == 0 && err != nil {
				t.Fatalf("Run(%v) error = %v", c.Argv, err)
			}
			var exitErr *ExitError
			if tt.exit != 0 && (!errors.As(err, &exitErr) || exitErr.Code != tt.exit) {
				t.Fatalf("Run(%v) error = %v, want *ExitError with code %d", c.Argv, err, tt.exit)
			}
			if res.ExitCode != tt.exit || res.Output != tt.wantOut || res.Truncated || res.Via != ViaExec {
				t.Errorf("Run(%v) = %+v, want exit %d, output %q, via exec", c.Argv, res, tt.exit, tt.wantOut)
			}
			for p, want := range tt.wantArgv {
				if got := recorded(t, p); !slices.Equal(got, want) {
					t.Errorf("%s ran with argv %q, want %q", filepath.Base(p), got, want)
				}
			}
		})
	}
}

func TestRunTimeoutKillsProcessGroup(t *testing.T) {
	dir := t.TempDir()
	childPid := filepath.Join(dir, "child.pid")
	systemctl := stub(t, dir, "systemctl", fmt.Sprintf(`echo started; sleep 30 & echo $! > %q; wait`, childPid))
	opts := Options{SystemctlPath: systemctl, Timeout: 300 * time.Millisecond}
	c := resolve(t, "systemctl_restart", "nordvpn_status", opts)
	res, err := NewRunner(opts).Run(t.Context(), c)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Run() error = %v, want ErrTimeout", err)
	}
	if res.ExitCode != -1 || res.Output != "started\n" {
		t.Errorf("Run() = %+v, want exit -1 and the output so far", res)
	}
	if res.Duration > 20*time.Second {
		t.Errorf("Run() took %s, want it stopped near the 300ms timeout", res.Duration)
	}
	b, err := os.ReadFile(childPid)
	if err != nil {
		t.Fatal(err)
	}
	waitGone(t, strings.TrimSpace(string(b)))
}

// waitGone fails the test unless pid is gone (or a zombie) within 5 s.
func waitGone(t *testing.T, pid string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("pid %s still runs", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether pid exists and is not a zombie (a killed orphan may wait to be reaped
// by an init that does not reap).
func alive(pid string) bool {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func TestRunOutputCap(t *testing.T) {
	dir := t.TempDir()
	systemctl := stub(t, dir, "systemctl", `echo "to stderr" >&2; head -c 100000 /dev/zero | tr '\0' x; exit 1`)
	opts := Options{SystemctlPath: systemctl, MaxOutput: 1000}
	c := resolve(t, "systemctl_status", "nordvpn_status", opts)
	res, err := NewRunner(opts).Run(t.Context(), c)
	var exitErr *ExitError
	if !errors.As(err, &exitErr) || exitErr.Code != 1 {
		t.Fatalf("Run() error = %v, want exit status 1", err)
	}
	want := "to stderr\n" + strings.Repeat("x", 990) + "\n[output truncated: kept 1000 of 100010 bytes]"
	if !res.Truncated || res.Output != want {
		t.Errorf("Run() output = %q (truncated %v), want %q", res.Output, res.Truncated, want)
	}
}

func TestCapWriterCutsWholeCharacters(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		max   int
		want  string
		trunc bool
	}{
		{"fits", "héllo", 6, "héllo", false},
		{"ascii cut", "hello", 3, "hel\n[output truncated: kept 3 of 5 bytes]", true},
		{"cut inside é", "hé", 2, "h\n[output truncated: kept 1 of 3 bytes]", true},
		{"cut inside emoji", "a😀", 4, "a\n[output truncated: kept 1 of 5 bytes]", true},
		{"cut after emoji", "a😀b", 5, "a😀\n[output truncated: kept 5 of 6 bytes]", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newCapWriter(tt.max)
			for _, b := range []byte(tt.in) {
				w.Write([]byte{b})
			}
			if got, trunc := w.result(); got != tt.want || trunc != tt.trunc {
				t.Errorf("result() = %q, %v, want %q, %v", got, trunc, tt.want, tt.trunc)
			}
		})
	}
}

func TestRunMissingBinary(t *testing.T) {
	opts := Options{SystemctlPath: filepath.Join(t.TempDir(), "no-systemctl")}
	c := resolve(t, "systemctl_restart", "nordvpn_status", opts)
	res, err := NewRunner(opts).Run(t.Context(), c)
	var exitErr *ExitError
	if err == nil || errors.As(err, &exitErr) || errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "no-systemctl") {
		t.Fatalf("Run() error = %v, want a start error naming the binary", err)
	}
	if res.ExitCode != -1 {
		t.Errorf("Run() exit code = %d, want -1", res.ExitCode)
	}
}

// TestRunRefusesForgedCommands checks the defence in depth: Commands built by hand that
// Resolve would never produce must not run.
func TestRunRefusesForgedCommands(t *testing.T) {
	dir := t.TempDir()
	systemctl := stub(t, dir, "systemctl", "")
	monit := stub(t, dir, "monit", "")
	opts := Options{SystemctlPath: systemctl, MonitPath: monit}
	good := resolve(t, "systemctl_restart", "nordvpn_status", opts)
	with := func(f func(*Command)) Command {
		c := good
		c.Argv = slices.Clone(good.Argv)
		f(&c)
		return c
	}
	tests := []struct {
		name string
		opts Options
		c    Command
		want string
	}{
		{"unknown action", opts, with(func(c *Command) { c.Action = "rm" }), `unknown action "rm"`},
		{"case changed action", opts, with(func(c *Command) { c.Action = "SYSTEMCTL_RESTART" }), "unknown action"},
		{"extra argument", opts, with(func(c *Command) { c.Argv = append(c.Argv, "sshd.service") }), "does not match"},
		{"other binary", opts, with(func(c *Command) { c.Argv[0] = "/bin/rm" }), "does not match"},
		{"shell", opts, with(func(c *Command) { c.Argv = []string{"sh", "-c", "systemctl restart nordvpnd.service"} }), "does not match"},
		{"verb swapped", opts, with(func(c *Command) { c.Argv[1] = "stop" }), "does not match"},
		{"empty argv", opts, with(func(c *Command) { c.Argv = nil }), "does not match"},
		{"unit option injection", opts, with(func(c *Command) { c.Unit = "--root=/"; c.Argv[2] = "--root=/" }), "unit name pattern"},
		{"unit path", opts, with(func(c *Command) { c.Unit = "../x.service"; c.Argv[2] = c.Unit }), "unit name pattern"},
		{"unit differs from argv", opts, with(func(c *Command) { c.Unit = "sshd.service" }), "does not match"},
		{"bad service on systemctl", opts, with(func(c *Command) { c.Service = "a\nb" }), "non-printing"},
		{"sudo expected", Options{SystemctlPath: systemctl, Sudo: true}, good, "does not match"},
		{"monit option injection", opts, Command{Action: MonitStop, Service: "-c", Argv: []string{monit, "stop", "-c"}}, "starts with '-'"},
		{"monit all", opts, Command{Action: MonitStop, Service: "all", Argv: []string{monit, "stop", "all"}}, "every service"},
		{"monit argv mismatch", opts, Command{Action: MonitStop, Service: "sleeper", Argv: []string{monit, "stop", "all"}}, "does not match"},
		{"monit control file added", opts, Command{Action: MonitStop, Service: "sleeper", Argv: []string{monit, "-c", "/tmp/evil", "stop", "sleeper"}}, "does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := NewRunner(tt.opts).Run(t.Context(), tt.c)
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run(%+v) error = %v, want ErrRefused containing %q", tt.c, err, tt.want)
			}
			if res.ExitCode != -1 {
				t.Errorf("Run() exit code = %d, want -1", res.ExitCode)
			}
			for _, p := range []string{systemctl, monit} {
				if got := recorded(t, p); got != nil {
					t.Errorf("%s ran with %q, want nothing run", filepath.Base(p), got)
				}
			}
		})
	}
}
