package repl

import (
	"bytes"
	"context"
	"errors"
	"io"
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
		"Not approved: no terminal to ask. Run /approve p1 to approve it.\n"
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
