package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func testSession(b Backend, con console, dryRun bool) (*session, *bytes.Buffer, *bytes.Buffer) {
	p, out := testPrinter(false)
	var errw bytes.Buffer
	return &session{b: b, name: "s1", dryRun: dryRun, out: p, errw: &errw, con: con, known: newKnownNames(nil),
		canApprove: true}, out, &errw
}

var vpnProposal = Proposal{ID: "p1", Action: "restart", Service: "nordvpn_status", Command: "systemctl restart nordvpnd.service"}

func TestSessionProposalConfirmation(t *testing.T) {
	tests := []struct {
		name         string
		line         string
		answers      []bool
		dryRun       bool
		wantQuestion string
		wantExecute  string // "" when Execute must not be called
		wantOut      string
	}{
		{name: "chat proposal approved", line: "restart the vpn", answers: []bool{true},
			wantQuestion: "Execute: systemctl restart nordvpnd.service? [y/N] ", wantExecute: "p1 approve=true dry=false", wantOut: "executed:"},
		{name: "chat proposal declined", line: "restart the vpn", answers: []bool{false},
			wantQuestion: "Execute: systemctl restart nordvpnd.service? [y/N] ", wantExecute: "p1 approve=false dry=false", wantOut: "rejected: p1"},
		{name: "dry run", line: "restart the vpn", answers: []bool{true}, dryRun: true,
			wantQuestion: "Execute (dry run): systemctl restart nordvpnd.service? [y/N] ", wantExecute: "p1 approve=true dry=true", wantOut: "dry run, would run"},
		{name: "no one to ask", line: "restart the vpn",
			wantQuestion: "Execute: systemctl restart nordvpnd.service? [y/N] ", wantOut: "Not approved: no terminal to ask. Approve p1 at a terminal"},
		{name: "suggest asks too", line: "/suggest restart nordvpn_status", answers: []bool{true},
			wantQuestion: "Execute: systemctl restart nordvpnd.service? [y/N] ", wantExecute: "p1 approve=true dry=false", wantOut: "Proposal p1: restart nordvpn_status"},
		{name: "suggest on a host names it", line: "/suggest restart nordvpn_status web2", answers: []bool{true},
			wantQuestion: "Execute: systemctl restart nordvpnd.service on web2? [y/N] ", wantExecute: "p1 approve=true dry=false", wantOut: "Proposal p1: restart nordvpn_status on web2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var executed []string
			b := &fakeBackend{
				chat: func(_ context.Context, _, _ string, onChunk func(string)) (ChatReply, error) {
					onChunk("I can restart it.")
					return ChatReply{Text: "I can restart it.", Proposals: []Proposal{vpnProposal}}, nil
				},
				suggest: func(context.Context, string, string) (Proposal, error) { return vpnProposal, nil },
				execute: func(_ context.Context, id string, approve, dryRun bool) (ExecResult, error) {
					executed = append(executed, fmt.Sprintf("%s approve=%t dry=%t", id, approve, dryRun))
					status := map[bool]string{true: "executed", false: "rejected"}[approve]
					if approve && dryRun {
						status = "dry_run"
					}
					return ExecResult{ID: id, Command: vpnProposal.Command, Status: status}, nil
				},
			}
			con := &fakeConsole{answers: tt.answers}
			s, out, errw := testSession(b, con, tt.dryRun)
			if s.handle(t.Context(), tt.line) {
				t.Fatal("handle() = quit, want false")
			}
			if !slices.Equal(con.questions, []string{tt.wantQuestion}) {
				t.Errorf("questions = %q, want [%q]", con.questions, tt.wantQuestion)
			}
			var want []string
			if tt.wantExecute != "" {
				want = []string{tt.wantExecute}
			}
			if !slices.Equal(executed, want) {
				t.Errorf("Execute calls = %q, want %q", executed, want)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output = %q, want it to contain %q", out.String(), tt.wantOut)
			}
			if errw.Len() != 0 || s.failed != 0 {
				t.Errorf("errors = %q (%d), want none", errw.String(), s.failed)
			}
		})
	}
}

func TestParseConfirm(t *testing.T) {
	tests := []struct {
		answer string
		want   bool
	}{
		{"y", true}, {"Y", true}, {"yes", true}, {" YES ", true},
		{"", false}, {"n", false}, {"no", false}, {"ye", false}, {"yess", false}, {"y y", false}, {"oui", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.answer), func(t *testing.T) {
			if got := parseConfirm(tt.answer); got != tt.want {
				t.Errorf("parseConfirm(%q) = %t, want %t", tt.answer, got, tt.want)
			}
		})
	}
}

func TestSessionCtrlCCancelsTheAnswer(t *testing.T) {
	con := &fakeConsole{}
	var after error
	b := &fakeBackend{chat: func(ctx context.Context, _, _ string, onChunk func(string)) (ChatReply, error) {
		onChunk("first part ")
		con.cancel() // the user presses Ctrl-C
		onChunk("late part")
		after = ctx.Err()
		return ChatReply{}, ctx.Err()
	}}
	s, out, errw := testSession(b, con, false)
	if s.handle(t.Context(), "tell me slowly") {
		t.Fatal("handle() = quit after Ctrl-C, want the REPL to go on")
	}
	if !errors.Is(after, context.Canceled) {
		t.Errorf("chat context after Ctrl-C: %v, want canceled", after)
	}
	if got, want := out.String(), "first part \n(cancelled)\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
	if errw.Len() != 0 || s.failed != 0 {
		t.Errorf("errors = %q, want none for a cancelled answer", errw.String())
	}
}

func TestSessionChatOutput(t *testing.T) {
	tests := []struct {
		name  string
		reply ChatReply
		chunk []string
		want  string
	}{
		{name: "streamed", chunk: []string{"Hel", "lo\n"}, reply: ChatReply{Text: "Hello\n"}, want: "Hello\n"},
		{name: "newline added", chunk: []string{"Hello"}, reply: ChatReply{Text: "Hello"}, want: "Hello\n"},
		{name: "not streamed", reply: ChatReply{Text: "Whole answer"}, want: "Whole answer\n"},
		{name: "model note", chunk: []string{"Rules say so."}, reply: ChatReply{ModelNote: "ollama unreachable, rules only"},
			want: "Rules say so.\n(ollama unreachable, rules only)\n"},
		{name: "escape sequences stripped", chunk: []string{"\x1b]0;pwned\x07ok"}, want: "]0;pwnedok\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &fakeBackend{chat: func(_ context.Context, session, msg string, onChunk func(string)) (ChatReply, error) {
				if session != "s1" || msg != "hi" {
					t.Errorf("Chat(%q, %q), want (s1, hi)", session, msg)
				}
				for _, c := range tt.chunk {
					onChunk(c)
				}
				return tt.reply, nil
			}}
			s, out, _ := testSession(b, &fakeConsole{}, false)
			s.handle(t.Context(), "hi")
			if out.String() != tt.want {
				t.Errorf("output = %q, want %q", out.String(), tt.want)
			}
		})
	}
}

// at is " on HOST" for a call's host, "" for none.
func at(host string) string {
	if host == "" {
		return ""
	}
	return " on " + host
}

func TestSessionCommands(t *testing.T) {
	var calls []string
	call := func(format string, args ...any) { calls = append(calls, fmt.Sprintf(format, args...)) }
	b := &fakeBackend{
		status: func(_ context.Context, failingOnly bool) ([]ServiceStatus, error) {
			call("Status(%t)", failingOnly)
			return []ServiceStatus{{Host: "home", Service: "vpn", State: "NEW", StatusText: "Timeout", Status: 4}}, nil
		},
		history: func(_ context.Context, host, svc string, n int) ([]Event, error) {
			call("History(%s%s, %d)", svc, at(host), n)
			return nil, nil
		},
		logs: func(_ context.Context, host, svc string, n int) (Logs, error) {
			call("Logs(%s%s, %d)", svc, at(host), n)
			return Logs{Service: svc, Source: "journalctl"}, nil
		},
		analyze: func(_ context.Context, host, svc string) ([]Analysis, error) {
			call("Analyze(%s%s)", svc, at(host))
			return nil, nil
		},
		clear:   func(_ context.Context, session string) error { call("ClearSession(%s)", session); return nil },
		actions: func(context.Context) ([]Proposal, error) { call("Actions()"); return []Proposal{vpnProposal}, nil },
		execute: func(_ context.Context, id string, approve, dryRun bool) (ExecResult, error) {
			call("Execute(%s, %t, %t)", id, approve, dryRun)
			return ExecResult{ID: id, Status: "rejected"}, nil
		},
		auditLog: func(_ context.Context, n int) ([]AuditEntry, error) { call("Audit(%d)", n); return nil, nil },
	}
	tests := []struct {
		line    string
		call    string
		wantOut string
	}{
		{line: "/status", call: "Status(false)", wantOut: "1 service, 1 failing"},
		// A command that prints per-host tables fetches the service list once, to know the hosts.
		{line: "/failing", call: "Status(true) + Status(false)", wantOut: "vpn"},
		{line: "/history vpn", call: "History(vpn, 20)", wantOut: "No events for vpn."},
		{line: "/logs vpn 3", call: "Logs(vpn, 3)", wantOut: "No log lines for vpn (journalctl)."},
		{line: "/analyze vpn", call: "Analyze(vpn) + Status(false)", wantOut: "No analysis for vpn."},
		{line: "/history web on beta", call: "History(web on beta, 20)", wantOut: "No events for web on beta."},
		{line: "/history web 3 beta", call: "History(web on beta, 3)", wantOut: "No events for web on beta."},
		{line: "/history web ON beta 4", call: "History(web on beta, 4)", wantOut: "No events for web on beta."},
		{line: "/logs web beta", call: "Logs(web on beta, 50)", wantOut: "No log lines for web (journalctl)."},
		{line: "/analyze job on beta", call: "Analyze(job on beta) + Status(false)", wantOut: "No analysis for job on beta."},
		{line: "/status on home", call: "Status(false)", wantOut: "1 service, 1 failing"},
		{line: "/failing on home", call: "Status(true) + Status(false)", wantOut: "vpn"},
		{line: "/clear", call: "ClearSession(s1)", wantOut: "Session s1 forgotten."},
		{line: "/actions", call: "Actions()", wantOut: "systemctl restart nordvpnd.service"},
		{line: "/approve p1", call: "Execute(p1, true, false)", wantOut: "rejected: p1"},
		{line: "/reject p1", call: "Execute(p1, false, false)", wantOut: "rejected: p1"},
		{line: "/audit 5", call: "Audit(5)", wantOut: "No audit entries."},
		{line: "/help", wantOut: "/suggest ACTION SERVICE"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			calls = nil
			s, out, errw := testSession(b, &fakeConsole{}, false)
			s.handle(t.Context(), tt.line)
			var want []string
			if tt.call != "" {
				want = strings.Split(tt.call, " + ")
			}
			if !slices.Equal(calls, want) {
				t.Errorf("backend calls = %q, want %q", calls, want)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output = %q, want it to contain %q", out.String(), tt.wantOut)
			}
			if errw.Len() != 0 {
				t.Errorf("errors = %q, want none", errw.String())
			}
		})
	}
}

func TestSessionErrors(t *testing.T) {
	b := &fakeBackend{} // every call fails with errNotFaked
	tests := []struct {
		line    string
		wantErr string
	}{
		{line: "/status", wantErr: "error: status: not faked\n"},
		{line: "/logs vpn", wantErr: "error: logs vpn: not faked\n"},
		{line: "hello", wantErr: "error: chat: not faked\n"},
		{line: "/approve p9", wantErr: "error: execute p9: not faked\n"},
		{line: "/suggest restart vpn", wantErr: "error: suggest restart vpn: not faked\n"},
		{line: "/logs", wantErr: "error: missing argument; usage: /logs SERVICE [N] [on HOST]\n"},
		{line: "/analyze job on", wantErr: "error: \"on\" needs a host after it; usage: /analyze SERVICE [on HOST]\n"},
		{line: "/history web beta gamma", wantErr: "error: too many arguments; usage: /history SERVICE [N] [on HOST]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			s, _, errw := testSession(b, &fakeConsole{}, false)
			if s.handle(t.Context(), tt.line) {
				t.Fatal("handle() = quit on an error")
			}
			if errw.String() != tt.wantErr || s.failed != 1 {
				t.Errorf("errors = %q (%d), want %q (1)", errw.String(), s.failed, tt.wantErr)
			}
		})
	}
}

func TestSessionQuit(t *testing.T) {
	for _, line := range []string{"/quit", "/exit", " /QUIT "} {
		s, _, _ := testSession(&fakeBackend{}, &fakeConsole{}, false)
		if !s.handle(t.Context(), line) {
			t.Errorf("handle(%q) = false, want quit", line)
		}
	}
}

func TestWrapStepNamesEachStepOnce(t *testing.T) {
	tests := []struct{ step, err, want string }{
		{"execute p1", "execute p1: claim proposal: unknown proposal", "execute p1: claim proposal: unknown proposal"},
		{"chat", "chat: context deadline exceeded", "chat: context deadline exceeded"},
		{"logs x", "no log source configured for \"x\"", "logs x: no log source configured for \"x\""},
		{"execute p1", "execute p10: unknown proposal", "execute p1: execute p10: unknown proposal"},
	}
	for _, tt := range tests {
		base := errors.New(tt.err)
		got := wrapStep(tt.step, base)
		if got.Error() != tt.want || !errors.Is(got, base) {
			t.Errorf("wrapStep(%q, %q) = %q, want %q wrapping the error", tt.step, tt.err, got, tt.want)
		}
	}
}

// TestSessionFleet: in a fleet /failing names the host even when the failures are on one host,
// /status on HOST keeps that host's rows, and an unknown host is an error naming the known ones.
func TestSessionFleet(t *testing.T) {
	fleet := []ServiceStatus{
		{Host: "alpha", Service: "web", State: "OK", StatusText: "OK"},
		{Host: "beta", Service: "web", State: "OK", StatusText: "OK"},
		{Host: "beta", Service: "job", State: "ONGOING", StatusText: "Status failed", Status: 0x200000},
	}
	b := &fakeBackend{status: func(_ context.Context, failingOnly bool) ([]ServiceStatus, error) {
		if failingOnly {
			return fleet[2:], nil
		}
		return fleet, nil
	}}
	s, out, errw := testSession(b, &fakeConsole{}, false)
	s.known.setServices(fleet)
	s.handle(t.Context(), "/failing")
	if got := out.String(); !strings.Contains(got, "HOST  SERVICE") || !strings.Contains(got, "beta  job") {
		t.Errorf("/failing =\n%s\nwant a HOST column naming beta", got)
	}
	out.Reset()
	s.handle(t.Context(), "/status on alpha")
	if got := out.String(); !strings.Contains(got, "alpha  web") || strings.Contains(got, "beta") {
		t.Errorf("/status on alpha =\n%s\nwant alpha's row only", got)
	}
	s.handle(t.Context(), "/status on nosuch")
	if want := "error: status: unknown host \"nosuch\": the known hosts are alpha, beta\n"; errw.String() != want {
		t.Errorf("/status on nosuch: errors = %q, want %q", errw.String(), want)
	}
}
