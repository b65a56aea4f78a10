package client

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/approve"
	"monit-intel/engine/mother"
	"monit-intel/logs"
	"monit-intel/rest"
)

type stubHistory struct{}

func (stubHistory) EventsOn(_ context.Context, host, _ string, _ int) ([]engine.Event, error) {
	if host != "" && host != "h" {
		return nil, nil
	}
	return []engine.Event{{ID: 1, Host: "h", Service: "web", Kind: engine.StateNew, Detail: "Connection failed"}}, nil
}
func (stubHistory) SeriesOn(context.Context, string, string, time.Time, int) ([]engine.Snapshot, error) {
	return nil, nil
}
func (stubHistory) AnalysesOn(context.Context, string, string, int) ([]engine.Analysis, error) {
	return nil, nil
}

type stubLogs struct{}

func (stubLogs) Read(_ context.Context, s string, n int) (logs.Result, error) {
	if s != "web" {
		return logs.Result{}, logs.ErrNoSource
	}
	return logs.Result{Service: s, Source: "/var/log/web.log", Lines: []string{"refused"}}, nil
}

type stubAnalyzer struct{}

func (stubAnalyzer) Analyze(_ context.Context, snap engine.Snapshot, _ int64, _ bool) (engine.Analysis, error) {
	return engine.Analysis{Host: snap.Host, Service: snap.Name, Source: engine.SourceRules, Text: "rules say so"}, nil
}

type stubHealth struct{}

func (stubHealth) Dependencies() []rest.Dependency { return nil }
func (stubHealth) DatabaseSizes() map[string]int64 { return nil }

// slowMother streams three chunks, 200 ms apart, and proposes a restart.
type slowMother struct{ stopped atomic.Bool }

func (m *slowMother) ChatWith(ctx context.Context, session, msg string, _ func(mother.Understood) error,
	out func(string) error) (mother.Reply, error) {
	for _, c := range []string{"web is ", "failing ", "because…"} {
		if err := out(c); err != nil {
			return mother.Reply{}, err
		}
		select {
		case <-ctx.Done():
			m.stopped.Store(true)
			return mother.Reply{}, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return mother.Reply{Text: "web is failing because…", Intent: "why", Services: []string{"web"},
		Proposed: []engine.SuggestedAction{{Action: "restart", Service: "web"}}}, nil
}
func (m *slowMother) History(context.Context, string, int) ([]engine.Turn, error) { return nil, nil }
func (m *slowMother) Clear(context.Context, string) error                         { return nil }

type stubActions struct{}

func (stubActions) Propose(_ context.Context, a engine.SuggestedAction, source, _ string) (engine.Proposal, error) {
	service := a.Service
	return engine.Proposal{ID: "p1", Action: "monit_restart", Service: service, Command: "monit restart " + service,
		Source: source, State: engine.ProposalPending}, nil
}
func (stubActions) Execute(_ context.Context, id string, ok, dry bool) (approve.Outcome, error) {
	if id != "p1" {
		return approve.Outcome{}, engine.ErrUnknownProposal
	}
	return approve.Outcome{Status: "executed", Command: "monit restart web"}, nil
}
func (stubActions) Pending(context.Context) ([]engine.Proposal, error) { return nil, nil }

func server(t *testing.T, token string, m rest.Mother) *Client {
	t.Helper()
	board := engine.NewBoard()
	board.Record(engine.CycleResult{Services: []engine.Classified{
		{Snapshot: engine.Snapshot{Host: "h", Name: "web", Type: engine.TypeHost, Status: engine.BitConnection, Monitor: 1},
			State: engine.FailureState{State: engine.StateNew, Failures: 1}},
	}}, nil)
	s, err := rest.New(rest.Options{Listen: "127.0.0.1:0", Token: token}, rest.Deps{Board: board, History: stubHistory{},
		Logs: stubLogs{}, Analyzer: stubAnalyzer{}, Health: stubHealth{}, Mother: m, Actions: stubActions{}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	c, err := New(ts.URL, token)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientCalls(t *testing.T) {
	c := server(t, "tok", &slowMother{})
	ctx := t.Context()
	if st, err := c.Status(ctx, true); err != nil || len(st) != 1 || st[0].State != "NEW" || st[0].StatusText != "Connection failed" {
		t.Errorf("Status() = %+v, %v", st, err)
	}
	if ev, err := c.History(ctx, "", "web", 5); err != nil || len(ev) != 1 || ev[0].Kind != "NEW" {
		t.Errorf("History() = %+v, %v", ev, err)
	}
	if ev, err := c.History(ctx, "h", "web", 5); err != nil || len(ev) != 1 || ev[0].Host != "h" {
		t.Errorf("History() on h = %+v, %v; want h's event", ev, err)
	}
	if _, err := c.History(ctx, "nosuch", "web", 5); err == nil || !strings.Contains(err.Error(), `unknown host "nosuch"`) {
		t.Errorf("History() on an unknown host error = %v, want it named", err)
	}
	if l, err := c.Logs(ctx, "", "web", 5); err != nil || l.Source != "/var/log/web.log" {
		t.Errorf("Logs() = %+v, %v", l, err)
	}
	_, err := c.Logs(ctx, "", "db", 5)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || !strings.Contains(err.Error(), "no log source configured") {
		t.Errorf("Logs(db) error = %v, want a 404 naming the reason", err)
	}
	if a, err := c.Analyze(ctx, "", "web"); err != nil || len(a) != 1 || a[0].Text != "rules say so" {
		t.Errorf("Analyze() = %+v, %v", a, err)
	}
	if a, err := c.Analyze(ctx, "h", "web"); err != nil || len(a) != 1 || a[0].Host != "h" {
		t.Errorf("Analyze() on h = %+v, %v", a, err)
	}
	if _, err := c.Analyze(ctx, "nosuch", "web"); err == nil || !strings.Contains(err.Error(), `unknown host "nosuch"`) {
		t.Errorf("Analyze() on an unknown host error = %v, want it named", err)
	}
	if p, err := c.Suggest(ctx, "restart", "web", ""); err != nil || p.ID != "p1" || p.Command != "monit restart web" {
		t.Errorf("Suggest() = %+v, %v", p, err)
	}
	if r, err := c.Execute(ctx, "p1", true, false); err != nil || r.Status != "executed" {
		t.Errorf("Execute() = %+v, %v", r, err)
	}
	if _, err := c.Execute(ctx, "nope", true, false); !errors.As(err, &apiErr) || apiErr.Status != 404 {
		t.Errorf("Execute(nope) error = %v, want 404", err)
	}
	if err := c.ClearSession(ctx, "s1"); err != nil {
		t.Errorf("ClearSession() = %v", err)
	}
}

func TestClientNeedsTheToken(t *testing.T) {
	c := server(t, "tok", &slowMother{})
	c.token = "wrong"
	_, err := c.Status(t.Context(), false)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Status != 401 {
		t.Errorf("Status() with a wrong token = %v, want 401", err)
	}
	if err := c.Ping(t.Context()); !errors.As(err, &apiErr) || apiErr.Status != 401 {
		t.Errorf("Ping() with a wrong token = %v, want 401: the REPL must not start", err)
	}
}

func TestChatStreams(t *testing.T) {
	c := server(t, "tok", &slowMother{})
	var chunks []string
	reply, err := c.Chat(t.Context(), "s1", "why is web failing?", func(s string) { chunks = append(chunks, s) })
	if err != nil {
		t.Fatalf("Chat() error = %v", err)
	}
	if strings.Join(chunks, "|") != "web is |failing |because…" {
		t.Errorf("chunks = %q, want three in order", chunks)
	}
	if len(reply.Proposals) != 1 || reply.Proposals[0].ID != "p1" || reply.Text != "web is failing because…" {
		t.Errorf("reply = %+v", reply)
	}
}

func TestChatCancelStopsTheAnswer(t *testing.T) {
	m := &slowMother{}
	c := server(t, "tok", m)
	ctx, cancel := context.WithCancel(t.Context())
	start := time.Now()
	_, err := c.Chat(ctx, "s1", "why?", func(string) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Chat() error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Chat() returned after %v, want at once", d)
	}
	deadline := time.Now().Add(2 * time.Second)
	for !m.stopped.Load() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !m.stopped.Load() {
		t.Error("the daemon kept generating after the client went away")
	}
}
