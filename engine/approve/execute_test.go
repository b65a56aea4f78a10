package approve

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/act"
	"monit-intel/engine"
)

// The audit results, short.
const (
	proposed = engine.AuditProposed
	refused  = engine.AuditRefused
	rejected = engine.AuditRejected
	dryRun   = engine.AuditDryRun
	approved = engine.AuditApproved
	executed = engine.AuditExecuted
	failed   = engine.AuditFailed
)

// TestExecuteScenarios runs each flow over fakes and counts its audit rows and runs. Each
// scenario proposes "restart nordvpn_status" first (id1), then does its steps.
func TestExecuteScenarios(t *testing.T) {
	tests := []struct {
		name     string
		steps    func(t *testing.T, e *env, p engine.Proposal)
		wantRows []string
		wantRuns int
	}{
		{name: "approve runs once", wantRows: []string{proposed, approved, executed, refused}, wantRuns: 1,
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				out := execute(t, e, p.ID, true, false, nil, executed)
				if out.Command != "systemctl restart nordvpnd.service" || out.Result.Output != "ok\n" ||
					out.Proposal.State != engine.ProposalApproved {
					t.Errorf("Execute() = %+v, want the command run and the proposal approved", out)
				}
				execute(t, e, p.ID, true, false, ErrAlreadyUsed, refused)
			}},
		{name: "reject, then approve refused", wantRows: []string{proposed, rejected, refused},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				execute(t, e, p.ID, false, false, nil, rejected)
				_, err := e.flow.Execute(t.Context(), p.ID, true, false)
				if !errors.Is(err, ErrAlreadyUsed) || !strings.Contains(err.Error(), "it was rejected") {
					t.Errorf("Execute() error = %v, want ErrAlreadyUsed saying it was rejected", err)
				}
			}},
		{name: "reject twice", wantRows: []string{proposed, rejected, refused},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				execute(t, e, p.ID, false, false, nil, rejected)
				execute(t, e, p.ID, false, false, ErrAlreadyUsed, refused)
			}},
		{name: "expired", wantRows: []string{proposed, refused},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.clock.advance(DefaultExpireIn)
				execute(t, e, p.ID, true, false, ErrExpired, refused)
			}},
		{name: "just before expiry", wantRows: []string{proposed, approved, executed}, wantRuns: 1,
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.clock.advance(DefaultExpireIn - time.Nanosecond)
				execute(t, e, p.ID, true, false, nil, executed)
			}},
		{name: "expired reject refused", wantRows: []string{proposed, refused},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.clock.advance(time.Hour)
				execute(t, e, p.ID, false, false, ErrExpired, refused)
			}},
		{name: "unknown id", wantRows: []string{proposed, refused},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				execute(t, e, "nope", true, false, ErrUnknownProposal, refused)
				if row := e.audit.last(); row.ProposalID != "nope" || row.Source != "" || row.Command != "" || !row.UserApproved {
					t.Errorf("refused row = %+v, want the unknown id and no proposal details", row)
				}
			}},
		{name: "dry run does not consume", wantRows: []string{proposed, dryRun, dryRun, approved, executed}, wantRuns: 1,
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				out := execute(t, e, p.ID, true, true, nil, dryRun)
				if out.Command != p.Command || out.Error != "" || out.Proposal.State != engine.ProposalPending {
					t.Errorf("dry run = %+v, want the command, no error, still pending", out)
				}
				execute(t, e, p.ID, false, true, nil, dryRun)
				if ps, _ := e.flow.Pending(t.Context()); len(ps) != 1 {
					t.Errorf("Pending() after dry runs = %v, want the proposal", ps)
				}
				execute(t, e, p.ID, true, false, nil, executed)
			}},
		{name: "dry run of a used id", wantRows: []string{proposed, approved, executed, refused}, wantRuns: 1,
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				execute(t, e, p.ID, true, false, nil, executed)
				execute(t, e, p.ID, true, true, ErrAlreadyUsed, refused)
				if row := e.audit.last(); row.UserApproved {
					t.Errorf("refused dry run row = %+v, want user_approved false", row)
				}
			}},
		{name: "dry run expired", wantRows: []string{proposed, refused},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.clock.advance(DefaultExpireIn)
				execute(t, e, p.ID, true, true, ErrExpired, refused)
			}},
		{name: "dry run of an unknown id", wantRows: []string{proposed, refused},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				execute(t, e, "id2", true, true, ErrUnknownProposal, refused)
			}},
		{name: "dry run when the unit mapping went away", wantRows: []string{proposed, dryRun},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.setTargets(act.Targets{Services: map[string]bool{"nordvpn_status": true}}, nil)
				out := execute(t, e, p.ID, true, true, nil, dryRun)
				if !strings.Contains(out.Error, "action refused") || e.audit.last().Error != out.Error {
					t.Errorf("dry run = %+v, audit %+v; want the refusal reported and audited", out, e.audit.last())
				}
			}},
		{name: "unit mapping gone before approval", wantRows: []string{proposed, approved, refused, refused},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.setTargets(act.Targets{Services: map[string]bool{"nordvpn_status": true}}, nil)
				out := execute(t, e, p.ID, true, false, act.ErrRefused, refused)
				if row := e.audit.last(); row.ExitCode != nil || row.Error != out.Error || !row.UserApproved {
					t.Errorf("refused row = %+v, want the reason and no exit code", row)
				}
				execute(t, e, p.ID, true, false, ErrAlreadyUsed, refused) // the approval was used
			}},
		{name: "unit remapped before approval", wantRows: []string{proposed, approved, refused},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				tg := testTargets()
				tg.Units["nordvpn_status"] = "openvpn.service"
				e.setTargets(tg, nil)
				out := execute(t, e, p.ID, true, false, act.ErrRefused, refused)
				if !strings.Contains(out.Error, "now systemctl restart openvpn.service") {
					t.Errorf("Error = %q, want it to name the new command", out.Error)
				}
			}},
		{name: "targets unreadable at approval", wantRows: []string{proposed, approved, failed},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.setTargets(act.Targets{}, errors.New("bolt closed"))
				out, err := e.flow.Execute(t.Context(), p.ID, true, false)
				if err == nil || errors.Is(err, act.ErrRefused) || out.Status != failed {
					t.Errorf("Execute() = %+v, %v; want failed with the targets error", out, err)
				}
			}},
		{name: "command fails", wantRows: []string{proposed, approved, failed}, wantRuns: 1,
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.runner.run = func(ctx context.Context, c act.Command) (act.Result, error) {
					return act.Result{ExitCode: 3, Output: "unit not loaded\n"}, &act.ExitError{Argv: c.Argv, Code: 3}
				}
				out := execute(t, e, p.ID, true, false, nil, failed)
				row := e.audit.last()
				if out.Result.ExitCode != 3 || !strings.Contains(out.Error, "exited with status 3") ||
					row.ExitCode == nil || *row.ExitCode != 3 || row.Output != "unit not loaded\n" || row.Error != out.Error {
					t.Errorf("Execute() = %+v, audit %+v; want exit 3 reported and audited", out, row)
				}
			}},
		{name: "runner refuses", wantRows: []string{proposed, approved, refused}, wantRuns: 1,
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.runner.run = func(ctx context.Context, c act.Command) (act.Result, error) {
					return act.Result{ExitCode: -1}, act.ErrRefused
				}
				execute(t, e, p.ID, true, false, act.ErrRefused, refused)
				if row := e.audit.last(); row.ExitCode != nil {
					t.Errorf("refused row exit code = %d, want none (nothing ran)", *row.ExitCode)
				}
			}},
		{name: "audit down at approval: nothing runs", wantRows: []string{proposed},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				e.audit.fail = func(r engine.AuditEntry) error {
					if r.Result == approved {
						return errors.New("disk full")
					}
					return nil
				}
				if _, err := e.flow.Execute(t.Context(), p.ID, true, false); err == nil || !strings.Contains(err.Error(), "nothing ran") {
					t.Errorf("Execute() error = %v, want the audit failure and nothing run", err)
				}
			}},
		{name: "caller goes away during the run", wantRows: []string{proposed, approved, executed}, wantRuns: 1,
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				ctx, cancel := context.WithCancel(t.Context())
				e.runner.run = func(runCtx context.Context, c act.Command) (act.Result, error) {
					cancel()
					if runCtx.Err() != nil {
						return act.Result{ExitCode: -1}, runCtx.Err()
					}
					return act.Result{}, nil
				}
				if out, err := e.flow.Execute(ctx, p.ID, true, false); err != nil || out.Status != executed {
					t.Errorf("Execute() = %+v, %v; want the run to finish after the caller left", out, err)
				}
			}},
		{name: "cancelled before the claim", wantRows: []string{proposed},
			steps: func(t *testing.T, e *env, p engine.Proposal) {
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				if _, err := e.flow.Execute(ctx, p.ID, true, false); !errors.Is(err, context.Canceled) {
					t.Errorf("Execute() error = %v, want context.Canceled", err)
				}
				if ps, _ := e.flow.Pending(t.Context()); len(ps) != 1 {
					t.Errorf("Pending() = %v, want the proposal untouched", ps)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			p := e.propose(t)
			tt.steps(t, e, p)
			if got := e.audit.results(); !slices.Equal(got, tt.wantRows) {
				t.Errorf("audit rows = %v, want %v", got, tt.wantRows)
			}
			if got := e.runner.count(); got != tt.wantRuns {
				t.Errorf("runner ran %d times, want %d", got, tt.wantRuns)
			}
			for _, row := range e.audit.rows {
				if row.ProposalID == p.ID && (row.Source != engine.SourceMother || row.Proposer != "session default" ||
					row.Action != p.Action || row.Service != p.Service || row.Command != p.Command) {
					t.Errorf("row %+v does not carry the proposal's details", row)
				}
			}
		})
	}
}

// execute calls Execute and checks its error (errors.Is wantErr, nil for none) and status.
func execute(t *testing.T, e *env, id string, approve, dry bool, wantErr error, wantStatus string) Outcome {
	t.Helper()
	out, err := e.flow.Execute(t.Context(), id, approve, dry)
	if wantErr == nil && err != nil || wantErr != nil && !errors.Is(err, wantErr) {
		t.Fatalf("Execute(%s, approve=%v, dry=%v) error = %v, want %v", id, approve, dry, err, wantErr)
	}
	if out.Status != wantStatus {
		t.Errorf("Execute(%s, approve=%v, dry=%v) status = %q, want %q", id, approve, dry, out.Status, wantStatus)
	}
	if row := e.audit.last(); row.Result != wantStatus {
		t.Errorf("last audit row = %q, want %q", row.Result, wantStatus)
	}
	return out
}

// TestExecuteConcurrent approves one proposal from many goroutines at once: exactly one runs
// and every other call is refused as already used (run with -race).
func TestExecuteConcurrent(t *testing.T) {
	e := newEnv(t)
	p := e.propose(t)
	const n = 8
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = e.flow.Execute(context.Background(), p.ID, true, false)
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, ErrAlreadyUsed):
			t.Errorf("Execute() error = %v, want nil or ErrAlreadyUsed", err)
		}
	}
	if ok != 1 || e.runner.count() != 1 {
		t.Errorf("%d calls succeeded and the runner ran %d times, want 1 and 1", ok, e.runner.count())
	}
	counts := map[string]int{}
	for _, r := range e.audit.results() {
		counts[r]++
	}
	if counts[approved] != 1 || counts[executed] != 1 || counts[refused] != n-1 {
		t.Errorf("audit results %v, want 1 approved, 1 executed, %d refused", counts, n-1)
	}
}

// TestSimulatedRunsNothing: with Monit read from a file, a proposal says it is simulated, and
// approving it passes the checks, audits the approval and a simulated dry run, and never
// reaches the Runner; a refused action is still refused.
func TestSimulatedRunsNothing(t *testing.T) {
	e := newEnvWith(t, Options{Simulate: "Monit is read from the file demo.xml"})
	p := e.propose(t)
	if !p.Simulated {
		t.Errorf("Propose() = %+v, want it marked simulated", p)
	}
	if stored, _, _ := e.props.Proposal(t.Context(), p.ID); !stored.Simulated {
		t.Error("the stored proposal is not marked simulated")
	}
	if out := execute(t, e, p.ID, true, true, nil, dryRun); !strings.Contains(out.Result.Output, "simulated") {
		t.Errorf("dry run output = %q, want it to say approving is simulated", out.Result.Output)
	}
	out, err := e.flow.Execute(t.Context(), p.ID, true, false)
	if err != nil || out.Status != StatusSimulated {
		t.Fatalf("Execute(approve) = %q, %v; want status simulated", out.Status, err)
	}
	if !strings.Contains(out.Result.Output, "nothing ran") || !strings.Contains(out.Result.Output, "demo.xml") ||
		!strings.Contains(out.Result.Output, "systemctl restart nordvpnd.service") {
		t.Errorf("Execute() output = %q, want the command, that nothing ran, and why", out.Result.Output)
	}
	row := e.audit.last()
	if !row.Simulated() || row.Output != out.Result.Output || row.ExitCode != nil {
		t.Errorf("audit row = %+v, want a simulated dry run approved by the user, with the output", row)
	}
	execute(t, e, p.ID, true, false, ErrAlreadyUsed, refused)
	if _, err := e.flow.Propose(t.Context(), engine.SuggestedAction{Action: "rm_rf", Service: "nordvpn_status"}, engine.SourceUser, ""); !errors.Is(err, act.ErrRefused) {
		t.Errorf("Propose(rm_rf) error = %v, want act.ErrRefused", err)
	}
	if e.runner.count() != 0 {
		t.Errorf("the Runner ran %d commands, want none", e.runner.count())
	}
	want := []string{proposed, dryRun, approved, dryRun, refused, refused}
	if got := e.audit.results(); !slices.Equal(got, want) {
		t.Errorf("audit = %v, want %v", got, want)
	}
	for _, r := range e.audit.rows[:2] {
		if r.Simulated() {
			t.Errorf("row %s is marked simulated; only the approval's dry run is", r.Result)
		}
	}
}

// TestExecuteRedactsOutput: a command's output and error (journalctl_view prints log lines)
// reach the audit log and the caller without the secrets in them.
func TestExecuteRedactsOutput(t *testing.T) {
	const secretOut = "db: connecting to postgres://app:Pa55w0rd@db/app\nGH=ghp_R2d3V4b5N6m7K8j9H0g1F2d3S4a5Q6w7E8r9\n"
	for _, fail := range []bool{false, true} {
		e := newEnv(t)
		e.runner.run = func(context.Context, act.Command) (act.Result, error) {
			res := act.Result{ExitCode: 0, Output: secretOut, Via: act.ViaExec}
			if fail {
				res.ExitCode = 1
				return res, errors.New("exit status 1: mysql -u root -pS3cretPw failed")
			}
			return res, nil
		}
		p := e.propose(t)
		out, _ := e.flow.Execute(t.Context(), p.ID, true, false)
		row := e.audit.last()
		for _, secret := range []string{"Pa55w0rd", "ghp_R2d3", "S3cretPw"} {
			if strings.Contains(row.Output+row.Error, secret) || strings.Contains(out.Result.Output+out.Error, secret) {
				t.Errorf("fail=%v: audit row %+v / outcome %+v holds %q", fail, row, out, secret)
			}
		}
		if !strings.Contains(row.Output, "postgres://app:[REDACTED]@db/app") {
			t.Errorf("fail=%v: audit output = %q, want the rest of the line kept", fail, row.Output)
		}
	}
}

// TestAuditRowsNameTheActor: each audit row names who took the step: the proposer (the context's actor, else
// the proposal's source), then the person who approved or rejected it.
func TestAuditRowsNameTheActor(t *testing.T) {
	e := newEnv(t)
	p := e.propose(t) // no actor in the context: the source
	ctx := engine.WithActor(t.Context(), "api")
	q, err := e.flow.Propose(ctx, engine.SuggestedAction{Action: "restart", Service: "sshd"}, engine.SourceAPI, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Execute(engine.WithActor(t.Context(), "alice"), p.ID, true, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Execute(engine.WithActor(t.Context(), "bob"), q.ID, false, false); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range e.audit.rows {
		got = append(got, r.Result+":"+r.Actor)
	}
	want := []string{"proposed:mother", "proposed:api", "approved:alice", "executed:alice", "rejected:bob"}
	if !slices.Equal(got, want) {
		t.Errorf("audit rows = %q, want %q", got, want)
	}
}
