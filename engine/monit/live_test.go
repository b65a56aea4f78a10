package monit_test

import (
	"fmt"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// TestLiveMonit reads a real Monit and checks the status bits it reports for the failures
// monit-intel cares about most.
func TestLiveMonit(t *testing.T) {
	m := monittest.New(t)
	failing := m.WriteScript(t, "fail.sh", "echo 'check failed'\nexit 1\n")
	sleeper := m.Daemon(t, "sleeper")
	closed := monittest.FreePort(t)
	m.Start(t, fmt.Sprintf(`
check program failing with path %q
    if status != 0 then alert
check file missing with path {{DIR}}/does-not-exist
check host closed with address 127.0.0.1
    if failed port %d type tcp with timeout 1 seconds then alert
%s`, failing, closed, sleeper.Check()))

	want := map[string]engine.StatusBits{
		"failing": engine.BitStatus,     // 2097152
		"missing": engine.BitNonExist,   // 512
		"closed":  engine.BitConnection, // 32
		"sleeper": 0,
	}
	st := m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		for name, bits := range want {
			s, ok := monittest.Find(st, name)
			if !ok || s.Monitor != engine.MonitorYes || s.Status != bits {
				return false
			}
			if name == "sleeper" && s.Process == nil {
				return false
			}
		}
		return true
	})
	if st.Host != m.System {
		t.Errorf("Host = %q, want %q", st.Host, m.System)
	}
	for name, bits := range want {
		s, _ := monittest.Find(st, name)
		if s.Status != bits {
			t.Errorf("%s: Status = %d, want %d", name, s.Status, bits)
		}
	}
	prog, _ := monittest.Find(st, "failing")
	if prog.Program == nil || engine.ValueOr(prog.Program.ExitStatus, -1) != 1 || prog.Program.Output != "check failed" {
		t.Errorf("failing: Program = %+v, want exit status 1 and output %q", prog.Program, "check failed")
	}
	missing, _ := monittest.Find(st, "missing")
	if missing.File != nil {
		t.Errorf("missing: File = %+v, want nil (Monit prints no figures)", missing.File)
	}
	host, _ := monittest.Find(st, "closed")
	if len(host.Ports) != 1 || host.Ports[0].Port != closed || host.Ports[0].ResponseSec != -1 {
		t.Errorf("closed: Ports = %+v, want one port %d with response time -1", host.Ports, closed)
	}
	proc, _ := monittest.Find(st, "sleeper")
	if proc.Process == nil || engine.ValueOr(proc.Process.PID, 0) <= 0 {
		t.Errorf("sleeper: Process = %+v, want a pid", proc.Process)
	}
}
