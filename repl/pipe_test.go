package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func pipeBackend(executed *int) *fakeBackend {
	return &fakeBackend{
		status: func(context.Context, bool) ([]ServiceStatus, error) {
			return []ServiceStatus{{Service: "nordvpn_status", Type: "program", State: "ONGOING", StatusText: "Status failed", Status: 0x200000}}, nil
		},
		chat: func(_ context.Context, _, msg string, onChunk func(string)) (ChatReply, error) {
			onChunk("About " + msg + ": ")
			onChunk("restart it.")
			return ChatReply{Proposals: []Proposal{vpnProposal}}, nil
		},
		execute: func(context.Context, string, bool, bool) (ExecResult, error) {
			*executed++
			return ExecResult{Status: "executed"}, nil
		},
	}
}

func TestRunPipeMode(t *testing.T) {
	executed := 0
	in := strings.NewReader("/status\n\nwhy is nordvpn failing?\n/bogus\n/quit\n/status\n")
	var out, errw bytes.Buffer
	err := Run(t.Context(), pipeBackend(&executed), Options{In: in, Out: &out, Err: &errw, Session: "script"})
	if !errors.Is(err, ErrCommandFailed) {
		t.Errorf("Run() error = %v, want ErrCommandFailed for /bogus", err)
	}
	want := "" +
		"SERVICE         TYPE     STATE    STATUS         FAILING FOR  FAILS\n" +
		"nordvpn_status  program  ONGOING  Status failed               0\n" +
		"1 service, 1 failing\n" +
		"About why is nordvpn failing?: restart it.\n" +
		"Proposal p1: restart nordvpn_status\n" +
		"  command: systemctl restart nordvpnd.service\n" +
		"Not approved: no terminal to ask. Approve p1 at a terminal (/approve p1) or through the API.\n"
	if out.String() != want {
		t.Errorf("output =\n%s\nwant\n%s", out.String(), want)
	}
	if got := errw.String(); got != "error: unknown command \"/bogus\" (see /help)\n" {
		t.Errorf("errors = %q", got)
	}
	if executed != 0 {
		t.Errorf("Execute called %d times in pipe mode, want 0", executed)
	}
}

func TestRunPipeModeOK(t *testing.T) {
	executed := 0
	var out, errw bytes.Buffer
	err := Run(t.Context(), pipeBackend(&executed), Options{In: strings.NewReader("/failing"), Out: &out, Err: &errw})
	if err != nil {
		t.Fatalf("Run() = %v, want nil; errors: %s", err, errw.String())
	}
	if !strings.Contains(out.String(), "nordvpn_status") {
		t.Errorf("output = %q, want the failing service", out.String())
	}
}

func TestRunPipeModeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	executed := 0
	var out bytes.Buffer
	err := Run(ctx, pipeBackend(&executed), Options{In: strings.NewReader("/status\n"), Out: &out, Err: &out})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run() with a cancelled context = %v, want context.Canceled", err)
	}
	if out.Len() != 0 {
		t.Errorf("output = %q, want nothing", out.String())
	}
}

func TestRunPipeModeCancelledWhileReading(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	executed := 0
	var out bytes.Buffer
	go func() { done <- Run(ctx, pipeBackend(&executed), Options{In: pr, Out: &out, Err: &out}) }()
	if _, err := io.WriteString(pw, "/failing\n"); err != nil { // Run has read this line
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled while the input blocks", err)
	}
}

func TestRunNeedsBackend(t *testing.T) {
	if err := Run(t.Context(), nil, Options{In: strings.NewReader("")}); err == nil {
		t.Error("Run(nil backend) = nil, want an error")
	}
}

// TestPipeModeNeverApproves replays `printf 'restart X\n/approve ID\n' | monit-intel repl`,
// which ran the action: in pipe mode no spelling of /approve reaches the daemon as an
// approval; /reject and a dry run do.
func TestPipeModeNeverApproves(t *testing.T) {
	for _, dry := range []bool{false, true} {
		var calls []string
		b := pipeBackend(new(int))
		b.execute = func(_ context.Context, id string, approve, dryRun bool) (ExecResult, error) {
			calls = append(calls, fmt.Sprintf("%s approve=%t dry=%t", id, approve, dryRun))
			return ExecResult{ID: id, Status: "rejected"}, nil
		}
		in := "restart nordvpn_status\n/approve p1\n/APPROVE p1\n   /approve   p1  \n/approve p1 p1\ny\nyes\n/reject p1\n"
		var out, errw bytes.Buffer
		err := Run(t.Context(), b, Options{In: strings.NewReader(in), Out: &out, Err: &errw, DryRun: dry})
		want := []string{"p1 approve=false dry=false"}
		if dry {
			want = []string{"p1 approve=true dry=true", "p1 approve=true dry=true", "p1 approve=true dry=true",
				"p1 approve=false dry=true"}
		}
		if !slices.Equal(calls, want) {
			t.Errorf("dry run %v: Execute calls = %q, want %q", dry, calls, want)
		}
		if !dry && (!errors.Is(err, ErrCommandFailed) || strings.Count(errw.String(), "approval needs a terminal") != 3) {
			t.Errorf("Run() = %v, errors %q; want each /approve refused for want of a terminal", err, errw.String())
		}
	}
}
