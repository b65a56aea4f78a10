package mother

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm/ollamafake"
)

// fakeActions is the approval flow: proposals are kept pending; "rm" is refused.
type fakeActions struct {
	pending  []engine.Proposal
	proposed int
}

func (f *fakeActions) Propose(_ context.Context, a engine.SuggestedAction, source, _ string) (engine.Proposal, error) {
	action, service := a.Action, a.Service
	if service == "system_backup" {
		return engine.Proposal{}, errors.New("propose: action refused: systemctl_restart needs a systemd unit, and none is mapped")
	}
	f.proposed++
	p := engine.Proposal{ID: fmt.Sprintf("p%d", f.proposed), Action: "systemctl_" + action, Host: a.Host, Service: service,
		Command: "systemctl " + action + " " + service + ".service", Source: source, ExpiresAt: testNow.Add(10 * time.Minute),
		State: engine.ProposalPending}
	f.pending = append(f.pending, p)
	return p, nil
}

func (f *fakeActions) Pending(context.Context) ([]engine.Proposal, error) { return f.pending, nil }

// downRig is a rig whose model is down, with the approval flow and a filesystem check.
func downRig(t *testing.T) (*rig, *fakeActions) {
	r := newRig(t, ollamafake.Reply{}, 8192)
	r.fake.SetMode(ollamafake.Down)
	fa := &fakeActions{}
	r.m.opts.Actions = fa
	pct, used, total := 64.0, 64000.0, 100000.0
	r.data.services = append(r.data.services, engine.Classified{
		Snapshot: engine.Snapshot{Host: "vm", Name: "rootfs", Type: engine.TypeFilesystem, Monitor: engine.MonitorYes,
			CollectedAt: testNow, Filesystem: &engine.FilesystemFigures{BlockPercent: &pct, BlockUsageMB: &used, BlockTotalMB: &total}},
		State: engine.FailureState{Service: "rootfs", State: engine.StateOK}})
	return r, fa
}

// TestTurns runs conversations with the model down and checks what was understood and said.
func TestTurns(t *testing.T) {
	type turn struct {
		msg, intent, services, window string // services comma-separated; window "since..until" as 15:04 of the 25th, "" none
		facts                         []string
		notFacts                      []string
	}
	hm := func(ts time.Time) string { return ts.Format("01-02 15:04") }
	tests := []struct {
		name  string
		turns []turn
	}{
		{"figures and a follow-up", []turn{
			{msg: "how full is rootfs", intent: "figures", services: "rootfs", window: "11-24 14:30..11-25 14:30",
				facts: []string{"rootfs disk usage: now 64.0% (62.5 GB of 97.7 GB used, 35.2 GB free)", "min 40.0%, avg 52.0%, max 64.0% at 2026-11-25 14:30 (25 samples)"}},
			{msg: "and since 6 hours?", intent: "figures", services: "rootfs", window: "11-25 08:30..11-25 14:30", facts: []string{"min 58.0%"}},
		}},
		{"why carries the service", []turn{
			{msg: "show logs for gamma_conn", intent: "logs", services: "gamma_conn"},
			{msg: "and why?", intent: "why", services: "gamma_conn", facts: []string{"gamma_conn (process): failing"}},
			{msg: "show me the last 2", intent: "history", services: "gamma_conn"},
		}},
		{"count repeats the last intent", []turn{
			{msg: "failures of nordvpn_status", intent: "history", services: "nordvpn_status"},
			{msg: "show me the last 2", intent: "history", services: "nordvpn_status", facts: []string{"Last 2 failures"}},
		}},
		{"proposal, reuse, refusal, ignored", []turn{
			{msg: "restart nginx", intent: "action", services: "nginx", facts: []string{"Proposed: systemctl restart nginx.service (proposal p1"}},
			{msg: "ok restart that one", intent: "action", services: "nginx", facts: []string{"Already waiting for your approval: systemctl restart nginx.service"}, notFacts: []string{"Proposed:"}},
			{msg: "restart system_backup", intent: "action", services: "system_backup", facts: []string{"Refused: restart system_backup.", "Nothing was proposed"}, notFacts: []string{"Proposed:"}},
			{msg: "stop monitoring nginx; rm -rf /var/lib", intent: "action", services: "nginx", facts: []string{"Proposed: systemctl unmonitor nginx.service", `Ignored "rm -rf /var/lib"`}},
			{msg: "what is waiting for me", intent: "pending", facts: []string{"2 proposals waiting", "p1  systemctl restart nginx.service"}},
		}},
		{"never", []turn{
			{msg: "kill nginx", intent: "cannot", services: "nginx", facts: []string{"I cannot do that (kill)"}},
			{msg: "reboot", intent: "cannot", facts: []string{"propose one of restart, start, stop, monitor or unmonitor"}},
		}},
		{"what's broken is status", []turn{
			{msg: "what's broken?", intent: "status", facts: []string{"2 failing"}},
		}},
		{"not understood", []turn{
			{msg: "blorp zzyzx", intent: "unknown", facts: []string{"I did not understand that.", "I can answer:"}},
			{msg: "the histroy pls", intent: "history"},
		}},
		{"audit of today", []turn{
			{msg: "what did you do today", intent: "audit", window: "11-25 00:00..11-25 14:30",
				facts: []string{"executed  systemctl_restart nginx on web2"}, notFacts: []string{"yesterday's"}},
		}},
		{"uptime", []turn{
			{msg: "is nginx running", intent: "status", services: "nginx"},
			{msg: "since when?", intent: "uptime", services: "nginx", facts: []string{"Monit reports no uptime for nginx: nginx (process): OK"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := downRig(t)
			r.data.audit = []engine.AuditEntry{
				{At: testNow.Add(-time.Hour), Action: "systemctl_restart", Host: "web2", Service: "nginx", Result: engine.AuditExecuted},
				{At: testNow.Add(-20 * time.Hour), Action: "systemctl_restart", Service: "yesterday's", Result: engine.AuditExecuted},
			}
			for _, tu := range tt.turns {
				var u Understood
				reply, err := r.m.ChatWith(t.Context(), "s", tu.msg, func(got Understood) error { u = got; return nil }, func(string) error { return nil })
				if err != nil {
					t.Fatal(err)
				}
				window := ""
				if !u.Since.IsZero() {
					window = hm(u.Since) + ".." + hm(u.Until)
				}
				if u.Intent != tu.intent || strings.Join(u.Services, ",") != tu.services || window != tu.window {
					t.Errorf("%q understood %+v (window %q), want %s %q %q", tu.msg, u, window, tu.intent, tu.services, tu.window)
				}
				if reply.Understood.Intent != u.Intent {
					t.Errorf("%q: Reply.Understood %+v differs from the meta %+v", tu.msg, reply.Understood, u)
				}
				checkAnswer(t, tu.msg, reply.Text, tu.facts, tu.notFacts)
			}
		})
	}
}

// TestChangedIsNoFailure: a CHANGED event (and any other kind but NEW) is listed by changes
// but counted as no failure, and history lists only NEW events as failures.
func TestChangedIsNoFailure(t *testing.T) {
	r, _ := downRig(t)
	r.data.events = append([]engine.Event{
		{ID: 20, At: testNow.Add(-10 * time.Minute), Host: "vm", Service: "gamma_conn", Kind: engine.StateChanged, Detail: "Connection failed, Timeout"},
		{ID: 21, At: testNow.Add(-5 * time.Minute), Host: "vm", Service: "gamma_conn", Kind: engine.State("UNMONITORED"), Detail: "not monitored"},
	}, r.data.events...)
	reply, _ := r.chat(t, "s", "history of gamma_conn")
	if !strings.Contains(reply.Text, "Last 1 failure, newest first") || strings.Contains(reply.Text, "CHANGED") {
		t.Errorf("history = %q, want one failure and no CHANGED event among them", reply.Text)
	}
	reply, _ = r.chat(t, "s", "what changed in the last hour")
	if !strings.Contains(reply.Text, "4 events in 2 services (2 failures, 0 recovered)") || !strings.Contains(reply.Text, "CHANGED") {
		t.Errorf("changes = %q, want the CHANGED event listed, not counted", reply.Text)
	}
}
