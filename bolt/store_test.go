package bolt

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

func TestStatesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	since := time.Unix(1795507134, 0).UTC()
	want := []engine.FailureState{
		{Host: "vm", Service: "failing", Type: engine.TypeProgram, Status: engine.BitStatus,
			State: engine.StateOngoing, Since: since, LastSeen: since.Add(time.Minute), Failures: 3,
			Monitor: engine.MonitorYes, Cycle: 42},
		{Host: "vm", Service: "sleeper", Type: engine.TypeProcess, State: engine.StateOK, LastSeen: since,
			Monitor: engine.MonitorYes, Changed: engine.BitPID, Cycle: 42},
		{Host: "vm", Service: "homer", Type: engine.TypeProcess, State: engine.StateUnmonitored, LastSeen: since,
			Failures: 1, Cycle: 42},
	}
	if err := s.PutStates(t.Context(), want); err != nil {
		t.Fatalf("PutStates() error = %v", err)
	}
	s.Close()
	s, err = Open(dir, time.Second)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.States(t.Context())
	if err != nil {
		t.Fatalf("States() error = %v", err)
	}
	for _, w := range want {
		if g := got[w.Key()]; g != w {
			t.Errorf("States()[%v] = %+v, want %+v", w.Key(), g, w)
		}
	}
}

// TestSecondProcessFailsFast opens the file from a child process while this one holds it:
// bbolt's flock is per open file description, so the check needs a real second process.
func TestSecondProcessFailsFast(t *testing.T) {
	if os.Getenv("BOLT_CHILD_DIR") != "" {
		_, err := Open(os.Getenv("BOLT_CHILD_DIR"), time.Second)
		if errors.Is(err, ErrLocked) {
			os.Stdout.WriteString(err.Error())
			os.Exit(3)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondProcessFailsFast$")
	cmd.Env = append(os.Environ(), "BOLT_CHILD_DIR="+dir)
	start := time.Now()
	out, err := cmd.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("second process: err = %v, output %q; want ErrLocked", err, out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second process took %v, want about a second", d)
	}
	if !strings.Contains(string(out), "the daemon holds it") {
		t.Errorf("message %q does not say the daemon holds the file", out)
	}
}

func TestHostStates(t *testing.T) {
	s, err := Open(t.TempDir(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	put := []engine.FailureState{{Host: "web", Service: "nginx"}, {Host: "web2", Service: "nginx"}, {Host: "web", Service: "db"}}
	if err := s.PutStates(ctx, put); err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]int{"web": 2, "web2": 1, "we": 0, "nosuch": 0} {
		got, err := s.HostStates(ctx, host)
		if err != nil || len(got) != want {
			t.Errorf("HostStates(%q) = %v, %v; want %d states", host, got, err, want)
		}
		for k := range got {
			if k.Host != host {
				t.Errorf("HostStates(%q) returned %v", host, k)
			}
		}
	}
}
