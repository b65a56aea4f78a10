package monittest_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit"
	"monit-intel/engine/monit/monittest"
)

func TestHarness(t *testing.T) {
	m := monittest.New(t)
	toggle := m.Toggle(t, "flip")
	daemon := m.Daemon(t, "sleeper")
	m.Start(t, toggle.Check()+daemon.Check()+"check file here with path {{DIR}}/monitrc\n")

	info, err := os.Stat(m.ControlFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("control file mode = %v, %v; want 0600", info.Mode(), err)
	}
	st := m.WaitFor(t, 15*time.Second, func(st engine.Status) bool {
		flip, ok1 := monittest.Find(st, "flip")
		proc, ok2 := monittest.Find(st, "sleeper")
		return ok1 && ok2 && flip.Program != nil && proc.Process != nil
	})
	if st.Host != "monittest" {
		t.Errorf("Host = %q, want %q", st.Host, "monittest")
	}
	if here, _ := monittest.Find(st, "here"); here.Status != 0 {
		t.Errorf("here: Status = %d, want 0 ({{DIR}} replaced by the directory)", here.Status)
	}

	t.Run("toggle", func(t *testing.T) {
		toggle.Fail(t)
		m.WaitFor(t, 10*time.Second, hasStatus("flip", engine.BitStatus))
		toggle.Pass(t)
		m.WaitFor(t, 10*time.Second, hasStatus("flip", 0))
	})

	t.Run("read-only user reads the status", func(t *testing.T) {
		c, err := monit.New(monit.Options{URL: m.URL, Username: m.ReadOnlyUsername, Password: m.ReadOnlyPassword})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Fetch(t.Context()); err != nil {
			t.Errorf("Fetch() as read-only user = %v, want nil", err)
		}
	})

	t.Run("CLI", func(t *testing.T) {
		if _, err := m.CLI(t.Context(), "unmonitor", "here"); err != nil {
			t.Fatal(err)
		}
		m.WaitFor(t, 10*time.Second, func(st engine.Status) bool {
			s, ok := monittest.Find(st, "here")
			return ok && s.Monitor == 0
		})
	})

	t.Run("stop kills what monit started", func(t *testing.T) {
		proc, _ := monittest.Find(m.Fetch(t), "sleeper")
		pid := *proc.Process.PID
		m.Stop(t)
		if monittest.Alive(pid) {
			t.Errorf("Alive(%d) after Stop = true, want false (monit started it, Stop must kill it)", pid)
		}
		if _, err := m.Client.Fetch(t.Context()); !errors.Is(err, monit.ErrUnreachable) {
			t.Errorf("Fetch() after Stop = %v, want ErrUnreachable", err)
		}
	})
}

func TestStartWithoutChecks(t *testing.T) {
	m := monittest.Start(t, "")
	st := m.Fetch(t)
	if len(st.Services) != 1 || st.Services[0].Type != engine.TypeSystem {
		t.Errorf("services = %s, want only the system service", monittest.Summary(st))
	}
	if !strings.HasPrefix(m.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q, want loopback", m.URL)
	}
	if _, err := strconv.Atoi(strings.TrimPrefix(m.URL, "http://127.0.0.1:")); err != nil {
		t.Errorf("URL = %q, want a port", m.URL)
	}
}

func hasStatus(name string, bits engine.StatusBits) func(engine.Status) bool {
	return func(st engine.Status) bool {
		s, ok := monittest.Find(st, name)
		return ok && s.Program != nil && s.Status == bits
	}
}
