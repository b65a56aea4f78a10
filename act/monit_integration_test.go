package act

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

const monitWait = 30 * time.Second

// sleeperPID returns the pid Monit reports for the process check "sleeper" while it is
// monitored and OK, else 0.
func sleeperPID(st engine.Status) int {
	s, ok := monittest.Find(st, "sleeper")
	if !ok || s.Monitor&engine.MonitorYes == 0 || s.Monitor&engine.MonitorInit != 0 || s.Status != 0 || s.Process == nil {
		return 0
	}
	return engine.ValueOr(s.Process.PID, 0)
}

func targetsOf(st engine.Status, extra ...string) Targets {
	t := Targets{Services: map[string]bool{}}
	for _, s := range st.Services {
		t.Services[s.Name] = true
	}
	for _, e := range extra {
		t.Services[e] = true
	}
	return t
}

// TestMonitActions drives a real Monit: stop and start a process check through the HTTP
// interface, restart it through the CLI fallback, check Monit's refusals, and finally run
// against a stopped Monit.
func TestMonitActions(t *testing.T) {
	m := monittest.New(t)
	d := m.Daemon(t, "sleeper")
	m.Start(t, d.Check())
	st := m.WaitFor(t, monitWait, func(st engine.Status) bool { return sleeperPID(st) > 0 })
	pid := sleeperPID(st)
	targets := targetsOf(st, "nosuch")
	opts := Options{MonitURL: m.URL, MonitUser: m.Username, MonitPassword: m.Password, MonitControlFile: m.ControlFile}

	run := func(t *testing.T, opts Options, action, service string) (Result, error) {
		t.Helper()
		c, err := Resolve(action, service, targets, opts)
		if err != nil {
			t.Fatalf("Resolve(%q, %q) error = %v", action, service, err)
		}
		return NewRunner(opts).Run(t.Context(), c)
	}

	t.Run("stop over http", func(t *testing.T) {
		res, err := run(t, opts, "monit_stop", "sleeper")
		if err != nil || res.Via != ViaMonitHTTP || res.ExitCode != 0 {
			t.Fatalf("Run(monit_stop) = %+v, %v; want success via monit-http", res, err)
		}
		m.WaitFor(t, monitWait, func(st engine.Status) bool {
			s, ok := monittest.Find(st, "sleeper")
			return ok && s.Monitor == 0 && s.PendingAction == 0
		})
		waitGone(t, strconv.Itoa(pid))
	})

	t.Run("start over http", func(t *testing.T) {
		res, err := run(t, opts, "start", "sleeper")
		if err != nil || res.Via != ViaMonitHTTP {
			t.Fatalf("Run(start) = %+v, %v; want success via monit-http", res, err)
		}
		st := m.WaitFor(t, monitWait, func(st engine.Status) bool { p := sleeperPID(st); return p > 0 && p != pid })
		pid = sleeperPID(st)
	})

	t.Run("restart through the cli fallback", func(t *testing.T) {
		cliOpts := opts
		cliOpts.MonitURL = closedURL(t)
		res, err := run(t, cliOpts, "monit_restart", "sleeper")
		if err != nil || res.Via != ViaMonitCLI || res.ExitCode != 0 || !strings.HasPrefix(res.Output, "monit http interface unreachable") {
			t.Fatalf("Run(monit_restart) = %+v, %v; want success via monit-cli after the http note", res, err)
		}
		m.WaitFor(t, monitWait, func(st engine.Status) bool { p := sleeperPID(st); return p > 0 && p != pid })
	})

	t.Run("monit refuses", func(t *testing.T) {
		readOnly := opts
		readOnly.MonitUser, readOnly.MonitPassword = m.ReadOnlyUsername, m.ReadOnlyPassword
		wrong := opts
		wrong.MonitPassword = "wrong"
		tests := []struct {
			name    string
			opts    Options
			service string
			status  int
			message string
		}{
			{"unknown service", opts, "nosuch", 404, `There is no service named "nosuch"`},
			{"wrong password", wrong, "sleeper", 401, "You are not authorized to access monit"},
			{"read-only user", readOnly, "sleeper", 403, "You do not have sufficient privileges"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, err := run(t, tt.opts, "monit_monitor", tt.service)
				var httpErr *HTTPError
				if !errors.As(err, &httpErr) || httpErr.Status != tt.status || !strings.HasPrefix(httpErr.Message, tt.message) {
					t.Fatalf("Run() error = %v, want HTTP %d %q", err, tt.status, tt.message)
				}
				if res.Via != ViaMonitHTTP || res.ExitCode != -1 {
					t.Errorf("Run() = %+v, want exit -1 via monit-http (no CLI fallback)", res)
				}
			})
		}
	})

	t.Run("monit down", func(t *testing.T) {
		m.Stop(t)
		// Not the real control file: without a daemon the CLI would run the start program
		// itself, outside the harness's cleanup.
		downOpts := opts
		downOpts.MonitControlFile = filepath.Join(m.Dir, "no-monitrc")
		res, err := run(t, downOpts, "monit_start", "sleeper")
		var exitErr *ExitError
		if !errors.As(err, &exitErr) || exitErr.Code != 1 || !strings.Contains(err.Error(), "unreachable") {
			t.Fatalf("Run() error = %v, want the unreachable HTTP interface and the CLI's exit status 1", err)
		}
		if res.Via != ViaMonitCLI || res.ExitCode != 1 || !strings.Contains(res.Output, "no-monitrc' is not a file") {
			t.Errorf("Run() = %+v, want the CLI's complaint via monit-cli", res)
		}
	})
}
