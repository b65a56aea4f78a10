package approve_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/act"
	"monit-intel/bolt"
	"monit-intel/engine"
	"monit-intel/engine/approve"
	"monit-intel/sqliteexport"
)

// stack is a Flow over the real stores (bbolt and SQLite in a temp dir) and the real
// act.Runner, with a systemctl stub first on PATH that appends its arguments to a file.
type stack struct {
	flow  *approve.Flow
	db    *sqliteexport.DB
	state *bolt.Store
	calls string // the stub's record, one line per run
	now   time.Time
	mu    sync.Mutex
}

func newReal(t *testing.T, stubBody string) *stack {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	r := &stack{calls: filepath.Join(dir, "systemctl.calls"), now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$*\" >> %q\n%s\n", r.calls, stubBody)
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var err error
	if r.state, err = bolt.Open(dir, time.Second); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.state.Close() })
	if r.db, err = sqliteexport.Open(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.db.Close() })
	key, _, err := sqliteexport.LoadAuditKey(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.db.KeyAudit(t.Context(), key, r.state, nil); err != nil {
		t.Fatal(err)
	}
	opts := act.Options{Timeout: 10 * time.Second}
	targets := func(context.Context, string) (act.Targets, error) {
		return act.Targets{Services: map[string]bool{"nordvpn_status": true},
			Units: map[string]string{"nordvpn_status": "nordvpnd.service"}}, nil
	}
	r.flow = approve.New(r.state, r.db, targets, act.NewRunner(opts), approve.Options{Act: opts, Now: r.clock})
	return r
}

func (r *stack) clock() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *stack) advance(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now = r.now.Add(d)
}

// runs returns the argument lines the stub recorded.
func (r *stack) runs(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(r.calls)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// rows returns the audit log oldest first, after checking its chain.
func (r *stack) rows(t *testing.T) []engine.AuditEntry {
	t.Helper()
	es, err := r.db.AuditEntries(t.Context(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(es)
	head, _, err := r.state.AuditHead(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := r.db.VerifyAudit(t.Context(), &head); rep.Rows != len(es) || rep.KeyedRows != len(es) || err != nil {
		t.Errorf("VerifyAudit() = %+v, %v; want %d keyed rows, nil", rep, err, len(es))
	}
	return es
}

func results(es []engine.AuditEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Result
	}
	return out
}

func TestRealStores(t *testing.T) {
	restart := "restart nordvpnd.service"
	tests := []struct {
		name     string
		stub     string
		steps    func(t *testing.T, r *stack, id string)
		wantRows []string
		wantRuns []string
	}{
		{name: "dry run, approve, approve again", stub: `echo restarted`,
			wantRows: []string{"proposed", "dry_run", "approved", "executed", "refused"}, wantRuns: []string{restart},
			steps: func(t *testing.T, r *stack, id string) {
				if out, err := r.flow.Execute(t.Context(), id, true, true); err != nil || out.Status != "dry_run" {
					t.Fatalf("dry run = %+v, %v", out, err)
				}
				if len(r.runs(t)) != 0 {
					t.Fatal("the dry run ran systemctl")
				}
				out, err := r.flow.Execute(t.Context(), id, true, false)
				if err != nil || out.Status != "executed" || out.Result.Output != "restarted\n" || out.Result.ExitCode != 0 {
					t.Fatalf("Execute() = %+v, %v; want executed", out, err)
				}
				if _, err := r.flow.Execute(t.Context(), id, true, false); !errors.Is(err, approve.ErrAlreadyUsed) {
					t.Errorf("second Execute() error = %v, want ErrAlreadyUsed", err)
				}
				if p, _, _ := r.state.Proposal(t.Context(), id); p.State != engine.ProposalApproved {
					t.Errorf("stored state = %s, want approved", p.State)
				}
			}},
		{name: "reject, then approve", wantRows: []string{"proposed", "rejected", "refused"},
			steps: func(t *testing.T, r *stack, id string) {
				if out, err := r.flow.Execute(t.Context(), id, false, false); err != nil || out.Status != "rejected" {
					t.Fatalf("reject = %+v, %v", out, err)
				}
				if _, err := r.flow.Execute(t.Context(), id, true, false); !errors.Is(err, approve.ErrAlreadyUsed) {
					t.Errorf("Execute() after reject error = %v, want ErrAlreadyUsed", err)
				}
			}},
		{name: "expired", wantRows: []string{"proposed", "refused"},
			steps: func(t *testing.T, r *stack, id string) {
				r.advance(approve.DefaultExpireIn + time.Second)
				if _, err := r.flow.Execute(t.Context(), id, true, false); !errors.Is(err, approve.ErrExpired) {
					t.Errorf("Execute() error = %v, want ErrExpired", err)
				}
			}},
		{name: "command fails", stub: `echo "Unit nordvpnd.service not found." >&2; exit 5`,
			wantRows: []string{"proposed", "approved", "failed"}, wantRuns: []string{restart},
			steps: func(t *testing.T, r *stack, id string) {
				out, err := r.flow.Execute(t.Context(), id, true, false)
				if err != nil || out.Status != "failed" || out.Result.ExitCode != 5 {
					t.Fatalf("Execute() = %+v, %v; want failed with exit 5", out, err)
				}
				last := r.rows(t)[2]
				if last.ExitCode == nil || *last.ExitCode != 5 || !strings.Contains(last.Output, "not found") ||
					!strings.Contains(last.Error, "exited with status 5") || !last.UserApproved {
					t.Errorf("result row = %+v, want exit 5, the output and the error", last)
				}
			}},
		{name: "injection refused and audited", wantRows: []string{"proposed", "refused", "refused", "refused"},
			steps: func(t *testing.T, r *stack, id string) {
				for _, svc := range []string{"a;rm -rf /", "$(reboot)", "x\nrm -rf /"} {
					if _, err := r.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Service: svc}, engine.SourceMother, ""); !errors.Is(err, act.ErrRefused) {
						t.Errorf("Propose(%q) error = %v, want act.ErrRefused", svc, err)
					}
				}
				if ps, _ := r.flow.Pending(t.Context()); len(ps) != 1 || ps[0].ID != id {
					t.Errorf("Pending() = %v, want only %s", ps, id)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReal(t, tt.stub)
			p, err := r.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Service: "nordvpn_status"}, engine.SourceAPI, "")
			if err != nil {
				t.Fatalf("Propose() error = %v", err)
			}
			tt.steps(t, r, p.ID)
			if got := results(r.rows(t)); !slices.Equal(got, tt.wantRows) {
				t.Errorf("audit rows = %v, want %v", got, tt.wantRows)
			}
			if got := r.runs(t); !slices.Equal(got, tt.wantRuns) {
				t.Errorf("systemctl ran with %q, want %q", got, tt.wantRuns)
			}
		})
	}
}

// TestRealStoresConcurrentExecute approves one proposal from several goroutines over bbolt
// and the real runner: systemctl runs once (run with -race).
func TestRealStoresConcurrentExecute(t *testing.T) {
	r := newReal(t, `sleep 0.2`)
	p, err := r.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Service: "nordvpn_status"}, engine.SourceUser, "")
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = r.flow.Execute(context.Background(), p.ID, true, false) })
	}
	wg.Wait()
	used := 0
	for _, err := range errs {
		if errors.Is(err, approve.ErrAlreadyUsed) {
			used++
		} else if err != nil {
			t.Errorf("Execute() error = %v", err)
		}
	}
	if runs := r.runs(t); len(runs) != 1 || used != n-1 {
		t.Errorf("systemctl ran %d times and %d calls were refused as used, want 1 and %d", len(runs), used, n-1)
	}
	if rows := r.rows(t); len(rows) != 2+n {
		t.Errorf("audit has %d rows (%v), want proposed, approved, executed and %d refused", len(rows), results(rows), n-1)
	}
}
