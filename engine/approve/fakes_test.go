package approve

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/logs/redact/redacttest"
)

// memProposals is an in-memory Proposals with the same single-use semantics as bolt's.
type memProposals struct {
	mu sync.Mutex
	m  map[string]engine.Proposal
}

func (s *memProposals) PutProposal(ctx context.Context, p engine.Proposal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[p.ID]; ok {
		return fmt.Errorf("id %s exists", p.ID)
	}
	p.Argv = slices.Clone(p.Argv)
	s.m[p.ID] = p
	return nil
}

func (s *memProposals) Proposal(ctx context.Context, id string) (engine.Proposal, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m[id]
	return p, ok, nil
}

func (s *memProposals) Claim(ctx context.Context, id string, state engine.ProposalState, now time.Time) (engine.Proposal, error) {
	if err := ctx.Err(); err != nil {
		return engine.Proposal{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.m[id]
	if !ok {
		return p, engine.ErrUnknownProposal
	}
	if err := p.CheckPending(now); err != nil {
		return p, err
	}
	p.State, p.DecidedAt = state, now
	s.m[id] = p
	return p, nil
}

func (s *memProposals) Pending(ctx context.Context, now time.Time) ([]engine.Proposal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []engine.Proposal
	for _, p := range s.m {
		if p.CheckPending(now) == nil {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b engine.Proposal) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

func (s *memProposals) PruneProposals(ctx context.Context, before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, p := range s.m {
		end := p.ExpiresAt
		if p.State != engine.ProposalPending {
			end = p.DecidedAt
		}
		if end.Before(before) {
			delete(s.m, id)
			n++
		}
	}
	return n, nil
}

// memAudit records rows; fail, when set, can refuse an append.
type memAudit struct {
	mu   sync.Mutex
	rows []engine.AuditEntry
	fail func(e engine.AuditEntry) error
}

func (a *memAudit) AppendAudit(ctx context.Context, e engine.AuditEntry) (int64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fail != nil {
		if err := a.fail(e); err != nil {
			return 0, err
		}
	}
	e.ID = int64(len(a.rows) + 1)
	a.rows = append(a.rows, e)
	return e.ID, nil
}

func (a *memAudit) results() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, len(a.rows))
	for i, e := range a.rows {
		out[i] = e.Result
	}
	return out
}

func (a *memAudit) last() engine.AuditEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rows[len(a.rows)-1]
}

// fakeRunner records the commands it is asked to run; run, when set, answers.
type fakeRunner struct {
	mu    sync.Mutex
	calls []act.Command
	run   func(ctx context.Context, c act.Command) (act.Result, error)
}

func (r *fakeRunner) Run(ctx context.Context, c act.Command) (act.Result, error) {
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	if r.run != nil {
		return r.run(ctx, c)
	}
	return act.Result{ExitCode: 0, Output: "ok\n", Via: act.ViaExec}, nil
}

func (r *fakeRunner) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// fakeMonit is the status of the Monit at a hosts: entry's URL: who answers there. answer,
// when set, gives the answer to each read (counted from 1), else st.
type fakeMonit struct {
	mu     sync.Mutex
	st     engine.Status
	answer func(read int) (engine.Status, error)
	reads  int
}

func (m *fakeMonit) Fetch(context.Context) (engine.Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reads++
	if m.answer != nil {
		return m.answer(m.reads)
	}
	return m.st, nil
}

func (m *fakeMonit) Source() string { return "http://10.0.0.12:2812" }

// clock is an injectable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// env is a Flow over fakes. Its targets can be changed between steps.
type env struct {
	flow   *Flow
	props  *memProposals
	audit  *memAudit
	runner *fakeRunner
	clock  *clock
	mu     sync.Mutex
	tg     act.Targets
	tgErr  error
	nextID int
}

func testTargets() act.Targets {
	return act.Targets{
		Services: map[string]bool{"nordvpn_status": true, "sshd": true},
		Units:    map[string]string{"nordvpn_status": "nordvpnd.service"},
	}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, Options{})
}

// newEnvWith is newEnv with opts; its Now and NewID are the env's.
func newEnvWith(t *testing.T, opts Options) *env {
	t.Helper()
	e := &env{props: &memProposals{m: map[string]engine.Proposal{}}, audit: &memAudit{}, runner: &fakeRunner{},
		clock: &clock{t: t0}, tg: testTargets()}
	targets := func(ctx context.Context, _ string) (act.Targets, error) {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.tg, e.tgErr
	}
	newID := func() string {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.nextID++
		return fmt.Sprintf("id%d", e.nextID)
	}
	opts.Now, opts.NewID = e.clock.now, newID
	if opts.Redactor == nil {
		opts.Redactor = redacttest.New(t)
	}
	e.flow = New(e.props, e.audit, targets, e.runner, opts)
	return e
}

// setTargets changes what the next Targets call returns.
func (e *env) setTargets(tg act.Targets, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tg, e.tgErr = tg, err
}

// propose proposes restarting nordvpn_status and fails the test on error.
func (e *env) propose(t *testing.T) engine.Proposal {
	t.Helper()
	p, err := e.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Service: "nordvpn_status"}, engine.SourceMother, "session default")
	if err != nil {
		t.Fatalf("Propose() error = %v", err)
	}
	return p
}
