package bolt

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"monit-intel/engine"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), time.Second)
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)

func proposal(id string, created time.Time) engine.Proposal {
	return engine.Proposal{ID: id, Action: "systemctl_restart", Service: "nordvpn_status", Unit: "nordvpnd.service",
		Argv: []string{"systemctl", "restart", "nordvpnd.service"}, Command: "systemctl restart nordvpnd.service",
		Source: engine.SourceMother, Proposer: "session default", CreatedAt: created,
		ExpiresAt: created.Add(10 * time.Minute), State: engine.ProposalPending}
}

func TestProposalRoundTrip(t *testing.T) {
	s := openTemp(t)
	want := proposal("abc", t0)
	want.Host = "web2"
	if err := s.PutProposal(t.Context(), want); err != nil {
		t.Fatalf("PutProposal() error = %v", err)
	}
	got, ok, err := s.Proposal(t.Context(), "abc")
	if err != nil || !ok {
		t.Fatalf("Proposal() = _, %v, %v; want found", ok, err)
	}
	if !equalProposal(got, want) {
		t.Errorf("Proposal() = %+v, want %+v", got, want)
	}
	if _, ok, err := s.Proposal(t.Context(), "nope"); ok || err != nil {
		t.Errorf("Proposal(unknown) = _, %v, %v; want not found", ok, err)
	}
	if err := s.PutProposal(t.Context(), want); err == nil {
		t.Error("PutProposal(same id) error = nil, want an error (never overwrite)")
	}
}

func equalProposal(a, b engine.Proposal) bool {
	return a.ID == b.ID && a.Action == b.Action && a.Service == b.Service && a.Unit == b.Unit &&
		slices.Equal(a.Argv, b.Argv) && a.Command == b.Command && a.Source == b.Source &&
		a.Proposer == b.Proposer && a.CreatedAt.Equal(b.CreatedAt) && a.ExpiresAt.Equal(b.ExpiresAt) &&
		a.State == b.State && a.DecidedAt.Equal(b.DecidedAt) && a.Host == b.Host && a.Simulated == b.Simulated
}

// TestProposalWithoutHost: a value stored before proposals named their host reads as one
// without a host.
func TestProposalWithoutHost(t *testing.T) {
	p, err := decodeProposal([]byte(`{"v":1,"id":"old","action":"monit_restart","service":"job","argv":["monit","restart","job"],` +
		`"command":"monit restart job","source":"api","created_at":1,"expires_at":2,"state":"pending"}`))
	if err != nil || p.Host != "" || p.Service != "job" {
		t.Errorf("decodeProposal(old value) = %+v, %v; want job without a host", p, err)
	}
}

func TestClaim(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, s *Store) // after "p" is stored at t0
		id      string
		state   engine.ProposalState
		now     time.Time
		wantErr error
	}{
		{name: "approve", id: "p", state: engine.ProposalApproved, now: t0.Add(time.Minute)},
		{name: "reject", id: "p", state: engine.ProposalRejected, now: t0.Add(time.Minute)},
		{name: "unknown", id: "q", state: engine.ProposalApproved, now: t0, wantErr: engine.ErrUnknownProposal},
		{name: "empty id", id: "", state: engine.ProposalApproved, now: t0, wantErr: engine.ErrUnknownProposal},
		{name: "expired exactly", id: "p", state: engine.ProposalApproved, now: t0.Add(10 * time.Minute),
			wantErr: engine.ErrProposalExpired},
		{name: "used", id: "p", state: engine.ProposalApproved, now: t0.Add(time.Minute), wantErr: engine.ErrProposalUsed,
			prepare: func(t *testing.T, s *Store) { claim(t, s, engine.ProposalApproved) }},
		{name: "rejected then approved", id: "p", state: engine.ProposalApproved, now: t0.Add(time.Minute),
			wantErr: engine.ErrProposalUsed,
			prepare: func(t *testing.T, s *Store) { claim(t, s, engine.ProposalRejected) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			if err := s.PutProposal(t.Context(), proposal("p", t0)); err != nil {
				t.Fatal(err)
			}
			if tt.prepare != nil {
				tt.prepare(t, s)
			}
			got, err := s.Claim(t.Context(), tt.id, tt.state, tt.now)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Claim() error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if got.State != tt.state || !got.DecidedAt.Equal(tt.now) {
				t.Errorf("Claim() = state %s decided %v, want %s at %v", got.State, got.DecidedAt, tt.state, tt.now)
			}
			stored, _, _ := s.Proposal(t.Context(), "p")
			if !equalProposal(stored, got) {
				t.Errorf("stored %+v, want %+v", stored, got)
			}
		})
	}
}

func claim(t *testing.T, s *Store, state engine.ProposalState) {
	t.Helper()
	if _, err := s.Claim(t.Context(), "p", state, t0); err != nil {
		t.Fatal(err)
	}
}

func TestClaimInvalidState(t *testing.T) {
	s := openTemp(t)
	if err := s.PutProposal(t.Context(), proposal("p", t0)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(t.Context(), "p", engine.ProposalPending, t0); err == nil {
		t.Fatal("Claim(pending) error = nil, want an error")
	}
	if p, _, _ := s.Proposal(t.Context(), "p"); p.State != engine.ProposalPending {
		t.Errorf("state after a bad claim = %s, want pending", p.State)
	}
}

// TestClaimConcurrent claims one ID from many goroutines: exactly one wins (run with -race).
func TestClaimConcurrent(t *testing.T) {
	s := openTemp(t)
	if err := s.PutProposal(t.Context(), proposal("p", t0)); err != nil {
		t.Fatal(err)
	}
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = s.Claim(t.Context(), "p", engine.ProposalApproved, t0) })
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, engine.ErrProposalUsed):
			t.Errorf("Claim() error = %v, want nil or ErrProposalUsed", err)
		}
	}
	if won != 1 {
		t.Errorf("%d claims succeeded, want exactly 1", won)
	}
}

func TestPendingAndPrune(t *testing.T) {
	s := openTemp(t)
	for i, id := range []string{"old", "decided", "fresh", "newest"} {
		if err := s.PutProposal(t.Context(), proposal(id, t0.Add(time.Duration(i)*5*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Claim(t.Context(), "decided", engine.ProposalRejected, t0.Add(6*time.Minute)); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(12 * time.Minute) // "old" expired at t0+10m
	got, err := s.Pending(t.Context(), now)
	if err != nil {
		t.Fatalf("Pending() error = %v", err)
	}
	if ids := proposalIDs(got); !slices.Equal(ids, []string{"fresh", "newest"}) {
		t.Errorf("Pending() = %v, want [fresh newest] oldest first", ids)
	}
	n, err := s.PruneProposals(t.Context(), t0.Add(11*time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("PruneProposals() = %d, %v; want 2 (old expired at +10m, decided at +6m)", n, err)
	}
	for id, want := range map[string]bool{"old": false, "decided": false, "fresh": true, "newest": true} {
		if _, ok, _ := s.Proposal(t.Context(), id); ok != want {
			t.Errorf("after prune, Proposal(%q) found = %v, want %v", id, ok, want)
		}
	}
}

func proposalIDs(ps []engine.Proposal) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}
