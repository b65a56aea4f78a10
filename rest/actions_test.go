package rest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/approve"
)

type fakeActions struct {
	propose func(action, service, source string) (engine.Proposal, error)
	execute func(id string, approve, dryRun bool) (approve.Outcome, error)
}

func (f fakeActions) Propose(_ context.Context, a engine.SuggestedAction, source, _ string) (engine.Proposal, error) {
	p, err := f.propose(a.Action, a.Service, source)
	if err == nil {
		p.Host = a.Host // the flow keeps the host it was given
	}
	return p, err
}

func (f fakeActions) Execute(_ context.Context, id string, ok, dry bool) (approve.Outcome, error) {
	return f.execute(id, ok, dry)
}

func (f fakeActions) Pending(context.Context) ([]engine.Proposal, error) {
	return []engine.Proposal{{ID: "p1", Action: "systemctl_restart", Command: "systemctl restart nordvpnd.service",
		ExpiresAt: t0.Add(10 * time.Minute), State: engine.ProposalPending}}, nil
}

type fakeAudit struct{}

func (fakeAudit) AuditEntries(context.Context, int) ([]engine.AuditEntry, error) {
	return []engine.AuditEntry{{ID: 2, Result: engine.AuditExecuted, UserApproved: true, Hash: "ab"},
		{ID: 1, Result: engine.AuditProposed, Hash: "cd"}}, nil
}

func TestActionEndpoints(t *testing.T) {
	deps := testDeps()
	var sources []string
	deps.Actions = fakeActions{
		propose: func(action, service, source string) (engine.Proposal, error) {
			sources = append(sources, source)
			if action == "rm" || strings.ContainsAny(service, ";$") {
				return engine.Proposal{}, fmt.Errorf("%w: %q is not a whitelisted action", act.ErrRefused, action)
			}
			return engine.Proposal{ID: "p1", Action: "systemctl_restart", Service: service,
				Command: "systemctl restart nordvpnd.service", Source: source, State: engine.ProposalPending}, nil
		},
		execute: func(id string, ok, dry bool) (approve.Outcome, error) {
			switch id {
			case "gone":
				return approve.Outcome{}, engine.ErrProposalExpired
			case "used":
				return approve.Outcome{}, engine.ErrProposalUsed
			case "p1":
				status := "executed"
				if dry {
					status = "dry_run"
				} else if !ok {
					status = "rejected"
				}
				return approve.Outcome{Status: status, Command: "systemctl restart nordvpnd.service"}, nil
			case "remote":
				return approve.Outcome{Proposal: engine.Proposal{ID: "remote", Host: "beta"}, Status: "executed",
					Command: "monit restart web (beta's Monit HTTP interface, https://10.0.0.2:2812)"}, nil
			}
			return approve.Outcome{}, engine.ErrUnknownProposal
		},
	}
	deps.Audit = fakeAudit{}
	_, api := newTestServer(t, Options{}, deps)
	tests := []struct {
		name, method, path string
		body               any
		want               int
		has                string
	}{
		{"suggest", "POST", "/mother/actions/suggest", map[string]any{"action": "restart", "service": "nordvpn_status"}, 200, `"id":"p1"`},
		{"suggest on a host", "POST", "/mother/actions/suggest", map[string]any{"action": "restart", "host": "web2", "service": "nordvpn_status"}, 200, `"host":"web2"`},
		{"suggest refused", "POST", "/mother/actions/suggest", map[string]any{"action": "rm", "service": "sshd"}, 422, "not a whitelisted action"},
		{"suggest injection", "POST", "/mother/actions/suggest", map[string]any{"action": "restart", "service": "a;rm -rf /"}, 404, "unknown service"},
		{"suggest empty", "POST", "/mother/actions/suggest", map[string]any{"action": "", "service": "x"}, 422, "action"},
		{"dry run", "POST", "/mother/actions/execute", map[string]any{"id": "p1", "approve": true, "dry_run": true}, 200, `"status":"dry_run"`},
		{"approve", "POST", "/mother/actions/execute", map[string]any{"id": "p1", "approve": true}, 200, `"status":"executed"`},
		{"approve on another host", "POST", "/mother/actions/execute", map[string]any{"id": "remote", "approve": true}, 200,
			`"host":"beta","command":"monit restart web (beta's Monit HTTP interface, https://10.0.0.2:2812)"`},
		{"reject", "POST", "/mother/actions/execute", map[string]any{"id": "p1", "approve": false}, 200, `"status":"rejected"`},
		{"unknown id", "POST", "/mother/actions/execute", map[string]any{"id": "nope", "approve": true}, 404, "unknown"},
		{"expired", "POST", "/mother/actions/execute", map[string]any{"id": "gone", "approve": true}, 410, "expired"},
		{"used", "POST", "/mother/actions/execute", map[string]any{"id": "used", "approve": true}, 409, "used"},
		{"pending", "GET", "/mother/actions", nil, 200, `"proposals":[{"id":"p1"`},
		{"audit", "GET", "/mother/actions/audit?limit=5", nil, 200, `"result":"executed"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []any
			if tt.body != nil {
				args = append(args, tt.body)
			}
			resp := api.Do(tt.method, tt.path, args...)
			if resp.Code != tt.want || !strings.Contains(resp.Body.String(), tt.has) {
				t.Errorf("%s %s = %d %s, want %d with %s", tt.method, tt.path, resp.Code, resp.Body, tt.want, tt.has)
			}
		})
	}
	for _, s := range sources {
		if s != engine.SourceAPI {
			t.Errorf("proposal source %q, want api", s)
		}
	}
}

func TestActionsNotConfigured(t *testing.T) {
	_, api := newTestServer(t, Options{}, testDeps())
	if resp := api.Post("/mother/actions/execute", map[string]any{"id": "p1", "approve": true}); resp.Code != 503 {
		t.Errorf("execute without actions = %d, want 503", resp.Code)
	}
}

func errRefused(action string) error {
	return fmt.Errorf("%w: %q is not a whitelisted action", act.ErrRefused, action)
}

func TestAnalyzeProposesSuggestedActions(t *testing.T) {
	deps := testDeps()
	deps.Analyzer = fakeAnalyzer(func(snap engine.Snapshot, _ bool) (engine.Analysis, error) {
		return engine.Analysis{ID: 7, Service: snap.Name, Source: engine.SourceLLM,
			SuggestedActions: []engine.SuggestedAction{{Action: "monit_restart", Service: snap.Name}, {Action: "rm", Service: "/"}}}, nil
	})
	var sources []string
	deps.Actions = fakeActions{propose: func(action, service, source string) (engine.Proposal, error) {
		sources = append(sources, source)
		if action == "rm" {
			return engine.Proposal{}, errRefused(action)
		}
		return engine.Proposal{ID: "p7", Action: action, Service: service, Source: source}, nil
	}}
	_, api := newTestServer(t, Options{}, deps)
	resp := api.Post("/analyze", map[string]any{"service": "system_backup"})
	body := resp.Body.String()
	if resp.Code != 200 || !strings.Contains(body, `"proposals":[{"id":"p7"`) || !strings.Contains(body, `"refused":[`) {
		t.Errorf("POST /analyze = %d %s, want the suggestion proposed and rm refused", resp.Code, body)
	}
	if strings.Join(sources, ",") != "analysis,analysis" {
		t.Errorf("sources = %v, want analysis", sources)
	}
}

// TestSuggestOnSeveralHosts: a name several hosts have is a 409 without a host, as everywhere
// in the API, and proposed with one.
func TestSuggestOnSeveralHosts(t *testing.T) {
	deps := testDeps()
	deps.Board.(*engine.Board).Record(engine.CycleResult{Started: t0, Services: []engine.Classified{
		{Snapshot: engine.Snapshot{Host: "nas", Name: "sshd", Type: engine.TypeProcess, Monitor: 1, CollectedAt: t0}},
	}}, nil)
	deps.Actions = hostRequired{fakeActions{propose: func(action, service, source string) (engine.Proposal, error) {
		return engine.Proposal{ID: "p1", Action: "monit_restart", Service: service}, nil
	}}}
	_, api := newTestServer(t, Options{}, deps)
	if resp := api.Post("/mother/actions/suggest", map[string]any{"action": "restart", "service": "sshd"}); resp.Code != 409 ||
		!strings.Contains(resp.Body.String(), "on several hosts") {
		t.Errorf("suggest sshd = %d %s, want 409", resp.Code, resp.Body)
	}
	if resp := api.Post("/mother/actions/suggest", map[string]any{"action": "restart", "service": "sshd", "host": "pi"}); resp.Code != 200 ||
		!strings.Contains(resp.Body.String(), `"host":"pi"`) {
		t.Errorf("suggest sshd on pi = %d %s, want 200 on pi", resp.Code, resp.Body)
	}
}

// hostRequired refuses, as the approval flow does, a proposal without a host.
type hostRequired struct{ fakeActions }

func (h hostRequired) Propose(ctx context.Context, a engine.SuggestedAction, source, proposer string) (engine.Proposal, error) {
	if a.Host == "" {
		return engine.Proposal{}, fmt.Errorf("propose: %w: service %s is on several hosts (nas, pi): name the host", act.ErrRefused, a.Service)
	}
	return h.fakeActions.Propose(ctx, a, source, proposer)
}
