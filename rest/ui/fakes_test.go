package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/approve"
	"monit-intel/engine/user"
)

// memUsers is a user.Store in memory.
type memUsers struct {
	mu    sync.Mutex
	users map[string]user.User
}

func (m *memUsers) CreateUser(_ context.Context, u user.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.Name]; ok {
		return user.ErrExists
	}
	m.users[u.Name] = u
	return nil
}
func (m *memUsers) UpdateUser(_ context.Context, u user.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[u.Name] = u
	return nil
}
func (m *memUsers) DeleteUser(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.users, name)
	return nil
}
func (m *memUsers) User(_ context.Context, name string) (user.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[name]
	if !ok {
		return user.User{}, user.ErrUnknown
	}
	return u, nil
}
func (m *memUsers) Users(context.Context) ([]user.User, error) { return nil, nil }

// memSessions is a SessionStore in memory; expireAll stands for the idle timeout passing.
type memSessions struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *memSessions) FindSession(token string, _ time.Time) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[token]
	return b, ok, nil
}
func (s *memSessions) CommitSession(token string, b []byte, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[token] = b
	return nil
}
func (s *memSessions) DeleteSession(token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, token)
	return nil
}
func (s *memSessions) expireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.m)
}

// fakeHistory draws a day of figures for every service.
type fakeHistory struct {
	events   []engine.Event
	analyses []engine.Analysis
	now      time.Time
	keys     []engine.ServiceKey
}

func (h *fakeHistory) EventsOn(_ context.Context, host, service string, _ int) ([]engine.Event, error) {
	var out []engine.Event
	for _, e := range h.events {
		if (e.Host == "" || e.Host == host) && (e.Service == "" || e.Service == service) {
			out = append(out, e)
		}
	}
	return out, nil
}
func (h *fakeHistory) AnalysesOn(context.Context, string, string, int) ([]engine.Analysis, error) {
	return h.analyses, nil
}
func (h *fakeHistory) SeriesOn(_ context.Context, host, service string, since time.Time, limit int) ([]engine.Snapshot, error) {
	var out []engine.Snapshot
	for i := range min(limit, 48) {
		at := h.now.Add(-time.Duration(i) * 30 * time.Minute)
		if at.Before(since) {
			break
		}
		cpu := float64((i*7+len(service))%40) + 0.5
		out = append(out, engine.Snapshot{Host: host, Name: service, CollectedAt: at,
			Process: &engine.ProcessFigures{CPUPercentTotal: &cpu}})
	}
	return out, nil
}

func (h *fakeHistory) Recent(ctx context.Context, since time.Time, _ time.Duration) (map[engine.ServiceKey][]engine.Snapshot, error) {
	out := map[engine.ServiceKey][]engine.Snapshot{}
	for _, k := range h.keys {
		snaps, _ := h.SeriesOn(ctx, k.Host, k.Service, since, 48)
		slices.Reverse(snaps)
		out[k] = snaps
	}
	return out, nil
}

type fakeActions struct {
	mu       sync.Mutex
	pending  []engine.Proposal
	executed []string
	proposed []string
	// preview resolves like the flow: newFixture sets it to resolve on this machine.
	preview func(ctx context.Context, a engine.SuggestedAction) (act.Command, error)
}

func (a *fakeActions) Preview(ctx context.Context, asked engine.SuggestedAction) (act.Command, error) {
	return a.preview(ctx, asked)
}

func (a *fakeActions) Propose(_ context.Context, asked engine.SuggestedAction, source, proposer string) (engine.Proposal, error) {
	action, service := asked.Action, asked.Service
	a.mu.Lock()
	defer a.mu.Unlock()
	a.proposed = append(a.proposed, action+" "+service+" by "+proposer)
	p := engine.Proposal{ID: fmt.Sprintf("p%d", len(a.proposed)), Action: action, Host: asked.Host, Service: service,
		Command: "monit start " + service, Source: source, Proposer: proposer,
		CreatedAt: time.Now(), ExpiresAt: time.Now().Add(10 * time.Minute), State: engine.ProposalPending}
	a.pending = append(a.pending, p)
	return p, nil
}
func (a *fakeActions) Execute(_ context.Context, id string, approve_, _ bool) (approve.Outcome, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.executed = append(a.executed, fmt.Sprintf("%s:%v", id, approve_))
	for i, p := range a.pending {
		if p.ID == id {
			a.pending = append(a.pending[:i], a.pending[i+1:]...)
			return approve.Outcome{Proposal: p, Status: engine.AuditExecuted, Command: p.Command,
				Result: act.Result{Output: "started <b>ok</b>"}}, nil
		}
	}
	return approve.Outcome{Status: engine.AuditRefused}, fmt.Errorf("execute %s: %w", id, engine.ErrUnknownProposal)
}
func (a *fakeActions) Pending(context.Context) ([]engine.Proposal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]engine.Proposal(nil), a.pending...), nil
}

type fakeAudit struct{ entries []engine.AuditEntry }

func (f *fakeAudit) AuditEntries(context.Context, int) ([]engine.AuditEntry, error) {
	return f.entries, nil
}
func (f *fakeAudit) VerifyAudit(context.Context) (int, error) { return len(f.entries), nil }

// fixture is a UI over fakes with an operator (alice) and a viewer (victor).
type fixture struct {
	ui       *UI
	board    *engine.Board
	actions  *fakeActions
	sessions *memSessions
	audit    *fakeAudit
	accounts *user.Accounts
	srv      *httptest.Server
}

const testPassword = "correct horse"

func newFixture(t testing.TB, services []engine.Snapshot, states map[engine.ServiceKey]engine.FailureState) *fixture {
	t.Helper()
	now := time.Now()
	users := &memUsers{users: map[string]user.User{}}
	acc := user.NewAccounts(users, user.Params{Memory: 64, Time: 1, Threads: 1}, nil)
	for name, role := range map[string]user.Role{"alice": user.RoleOperator, "victor": user.RoleViewer} {
		if err := acc.Add(context.Background(), name, role, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{board: engine.NewBoard(), actions: &fakeActions{}, sessions: &memSessions{m: map[string][]byte{}},
		audit: &fakeAudit{}}
	f.board.Seed(services, states)
	hist := &fakeHistory{now: now}
	for _, s := range services {
		hist.keys = append(hist.keys, engine.ServiceKey{Host: s.Host, Service: s.Name})
	}
	targets := func(context.Context, string) (act.Targets, error) {
		t := act.Targets{Services: map[string]bool{}}
		for _, s := range services {
			t.Services[s.Name] = true
		}
		return t, nil
	}
	f.actions.preview = func(ctx context.Context, a engine.SuggestedAction) (act.Command, error) {
		t, _ := targets(ctx, a.Host)
		return act.Resolve(a.Action, a.Service, t, act.Options{})
	}
	u, err := New(Options{Poll: 20 * time.Millisecond}, Deps{Board: f.board, History: hist,
		Actions: f.actions, Audit: f.audit, Users: acc, Sessions: f.sessions, Targets: targets,
		Health: func() []Dependency { return []Dependency{{Name: "monit", OK: true}} }})
	if err != nil {
		t.Fatal(err)
	}
	f.ui, f.accounts = u, acc
	f.srv = httptest.NewServer(u.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// client is a browser-like HTTP client that keeps cookies and does not follow redirects.
func (f *fixture) client(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (f *fixture) login(t testing.TB, c *http.Client, name string) {
	t.Helper()
	resp := post(t, c, f.srv.URL+"/ui/login", url.Values{"name": {name}, "password": {testPassword}, "next": {"/ui/"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s = %d, want 303", name, resp.StatusCode)
	}
}

func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Accept", "text/html")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func post(t testing.TB, c *http.Client, u string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func ptr[T any](v T) *T { return &v }

// eventStream opens the UI's event stream for 10 s at most; it ends with the test.
func eventStream(t testing.TB, c *http.Client, base string) *bufio.Scanner {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ui/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("events = %d", resp.StatusCode)
	}
	return bufio.NewScanner(resp.Body)
}
