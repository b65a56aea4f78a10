package approve

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"monit-intel/act"
	"monit-intel/engine"
)

// Outcome is what Execute did.
type Outcome struct {
	// Proposal as stored after the call; zero for an unknown ID.
	Proposal engine.Proposal
	// Status is engine.AuditExecuted, AuditFailed, AuditRejected, AuditDryRun, AuditRefused or
	// StatusSimulated.
	Status string
	// Command is the command that ran, or would run.
	Command string
	// Result of the run (executed and failed after a run).
	Result act.Result
	// Error says why the command failed, or for a dry run why it would be refused.
	Error string
}

// StatusSimulated is the Outcome of an approved simulated proposal: it passed the checks and
// nothing ran. Its audit row is a dry_run approved by the user, with an output saying so.
const StatusSimulated = "simulated"

// Execute decides a proposal. It is the only way anything proposed ever runs, and only the
// REST handler behind the API token calls it: the engine never calls Execute on its own, and
// nothing the model writes reaches it.
//
//   - dryRun: re-validates and shows the command; nothing runs and the proposal stays
//     pending (approve is ignored).
//   - approve false: rejects the proposal; it can never run.
//   - approve true: marks the proposal used (atomically: of two calls with one ID exactly one
//     gets past this), audits the approval, re-validates it through act (the targets may have
//     changed since), runs it with the Runner and audits the result.
//
// The error is non-nil when the request was refused or could not be carried out: it wraps
// ErrUnknownProposal, ErrExpired or ErrAlreadyUsed for a bad ID (in every mode), act.ErrRefused
// when re-validation or the Runner refused the command (the approval is used all the same), or
// is a storage failure. A command that ran and failed is not an error: Status is failed and
// Error says why. The Outcome is filled in as far as the call got.
//
// Once the proposal is claimed, the run and its audit rows do not depend on ctx: a client
// that goes away cannot leave an approved action half-done or unaudited (act's timeout
// bounds the run).
func (f *Flow) Execute(ctx context.Context, id string, approve, dryRun bool) (Outcome, error) {
	if dryRun {
		return f.dryRun(ctx, id)
	}
	state := engine.ProposalRejected
	if approve {
		state = engine.ProposalApproved
	}
	now := f.opts.Now()
	p, err := f.props.Claim(ctx, id, state, now)
	if err != nil {
		return f.refuseID(ctx, id, p, approve, err)
	}
	ctx = context.WithoutCancel(ctx)
	out := Outcome{Proposal: p, Command: p.Command}
	if !approve {
		out.Status = engine.AuditRejected
		if _, err := f.appendAudit(ctx, entry(p, now, engine.AuditRejected, false)); err != nil {
			return out, fmt.Errorf("reject %s: %w", p.ID, err)
		}
		f.log.Info("rejected action", "proposal_id", p.ID, "action", p.Action, "host", p.Host, "service", p.Service,
			"actor", engine.ActorFrom(ctx))
		return out, nil
	}
	if _, err := f.appendAudit(ctx, entry(p, now, engine.AuditApproved, true)); err != nil {
		return out, fmt.Errorf("approve %s: %w (nothing ran)", p.ID, err)
	}
	return f.run(ctx, out)
}

// refuseID audits an Execute refused because of its ID. claimErr comes from Claim or from
// the dry run's own check; p is the stored proposal when there is one.
func (f *Flow) refuseID(ctx context.Context, id string, p engine.Proposal, approved bool, claimErr error) (Outcome, error) {
	out := Outcome{Proposal: p, Status: engine.AuditRefused, Command: p.Command}
	if !errors.Is(claimErr, ErrUnknownProposal) && !errors.Is(claimErr, ErrExpired) && !errors.Is(claimErr, ErrAlreadyUsed) {
		return Outcome{}, fmt.Errorf("execute: %w", claimErr)
	}
	e := entry(p, f.opts.Now(), engine.AuditRefused, approved)
	e.ProposalID = clip(id)
	e.Error = claimErr.Error()
	if _, err := f.appendAudit(ctx, e); err != nil {
		return out, fmt.Errorf("execute %s: %w (and auditing the refusal failed: %w)", e.ProposalID, claimErr, err)
	}
	return out, fmt.Errorf("execute %s: %w", e.ProposalID, claimErr)
}

// dryRun shows what approving would run, without claiming the proposal.
func (f *Flow) dryRun(ctx context.Context, id string) (Outcome, error) {
	now := f.opts.Now()
	p, ok, err := f.props.Proposal(ctx, id)
	switch {
	case err != nil:
		return Outcome{}, fmt.Errorf("dry run: %w", err)
	case !ok:
		return f.refuseID(ctx, id, p, false, ErrUnknownProposal)
	}
	if err := p.CheckPending(now); err != nil {
		return f.refuseID(ctx, id, p, false, err)
	}
	out := Outcome{Proposal: p, Status: engine.AuditDryRun, Command: p.Command}
	if _, _, err := f.revalidate(ctx, p); err != nil {
		out.Error = err.Error()
	}
	if p.Simulated || f.opts.Simulate != "" {
		out.Result.Output = "simulated: approving it runs nothing on this host"
	}
	e := entry(p, now, engine.AuditDryRun, false)
	e.Error = out.Error
	if _, err := f.appendAudit(ctx, e); err != nil {
		return out, fmt.Errorf("dry run %s: %w", p.ID, err)
	}
	return out, nil
}

// revalidate resolves the proposal again on its host against the current targets and
// insists on the exact argv the person saw.
func (f *Flow) revalidate(ctx context.Context, p engine.Proposal) (act.Command, Runner, error) {
	cmd, at, err := f.resolve(ctx, engine.SuggestedAction{Action: p.Action, Host: p.Host, Service: p.Service})
	if err != nil {
		return act.Command{}, nil, err
	}
	if !slices.Equal(cmd.Argv, p.Argv) {
		return act.Command{}, nil, fmt.Errorf("%w: the command is now %s, not the proposed %s; propose it again",
			act.ErrRefused, cmd.Display, p.Command)
	}
	return cmd, at.runner, nil
}

// run re-validates and runs an approved proposal and audits the result.
func (f *Flow) run(ctx context.Context, out Outcome) (Outcome, error) {
	p := out.Proposal
	out.Result = act.Result{ExitCode: -1}
	cmd, runner, err := f.revalidate(ctx, p)
	if err == nil && (p.Simulated || f.opts.Simulate != "") {
		return f.simulate(ctx, out)
	}
	ran := false
	if err == nil {
		out.Result, err = runner.Run(ctx, cmd)
		ran = !errors.Is(err, act.ErrRefused)
	}
	if r := f.opts.Redactor; r != nil {
		out.Result.Output = r.Text(out.Result.Output)
		if err != nil {
			err = redactedError{err: err, text: r.Text(err.Error())}
		}
	}
	switch {
	case err == nil:
		out.Status = engine.AuditExecuted
	case errors.Is(err, act.ErrRefused):
		out.Status, out.Error = engine.AuditRefused, err.Error()
	default: // it ran and failed, or the targets could not be read
		out.Status, out.Error = engine.AuditFailed, err.Error()
	}
	e := entry(p, f.opts.Now(), out.Status, true)
	e.Error = out.Error
	if ran {
		code := out.Result.ExitCode
		e.ExitCode, e.Output = &code, out.Result.Output
	}
	f.log.Info("approved action", "proposal_id", p.ID, "action", p.Action, "host", p.Host, "service", p.Service,
		"source", p.Source, "actor", engine.ActorFrom(ctx), "result", out.Status, "exit_code", out.Result.ExitCode, "duration", out.Result.Duration)
	if _, aerr := f.appendAudit(ctx, e); aerr != nil {
		return out, fmt.Errorf("execute %s: auditing the result (%s) failed: %w", p.ID, out.Status, aerr)
	}
	if err != nil && !ran {
		return out, fmt.Errorf("execute %s: %w", p.ID, err)
	}
	return out, nil
}

// simulate records an approved proposal that passed the checks as simulated: nothing runs.
func (f *Flow) simulate(ctx context.Context, out Outcome) (Outcome, error) {
	p := out.Proposal
	why := f.opts.Simulate
	if why == "" {
		why = "it was proposed while actions were simulated"
	}
	out.Status = StatusSimulated
	out.Result = act.Result{ExitCode: -1, Via: StatusSimulated,
		Output: fmt.Sprintf("simulated, nothing ran: %s (%s)", p.Command, why)}
	e := entry(p, f.opts.Now(), engine.AuditDryRun, true)
	e.Output = out.Result.Output
	f.log.Info("approved action simulated", "proposal_id", p.ID, "action", p.Action, "service", p.Service,
		"source", p.Source, "why", why)
	if _, err := f.audit.AppendAudit(ctx, e); err != nil {
		return out, fmt.Errorf("execute %s: auditing the simulation failed: %w", p.ID, err)
	}
	return out, nil
}

// redactedError is an error whose message was redacted; errors.Is still sees the original.
type redactedError struct {
	err  error
	text string
}

func (e redactedError) Error() string { return e.text }
func (e redactedError) Unwrap() error { return e.err }
