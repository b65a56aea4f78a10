package approve

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"monit-intel/act"
	"monit-intel/engine"
)

// Proposals keeps proposals (bolt.Store).
type Proposals interface {
	// PutProposal stores a new proposal; an existing ID is an error.
	PutProposal(ctx context.Context, p engine.Proposal) error
	// Proposal returns a proposal in whatever state it is.
	Proposal(ctx context.Context, id string) (engine.Proposal, bool, error)
	// Claim atomically moves a pending, unexpired proposal to state and returns it. Its
	// errors wrap engine.ErrUnknownProposal, ErrProposalExpired or ErrProposalUsed (then the
	// stored proposal is returned too); of concurrent claims of one ID exactly one succeeds.
	Claim(ctx context.Context, id string, state engine.ProposalState, now time.Time) (engine.Proposal, error)
	// Pending returns the proposals still waiting at now, oldest first.
	Pending(ctx context.Context, now time.Time) ([]engine.Proposal, error)
	// PruneProposals deletes proposals decided or expired before the cut-off.
	PruneProposals(ctx context.Context, before time.Time) (int, error)
}

// Audit appends to the action audit log (sqliteexport.DB).
type Audit interface {
	AppendAudit(ctx context.Context, e engine.AuditEntry) (int64, error)
}

// Targets returns what actions may name on a host now: the Monit services of its latest
// status and, for this machine, the units mapped in actions.units. The Flow marks another
// host's targets remote itself.
type Targets func(ctx context.Context, host string) (act.Targets, error)

// Runner runs a resolved command (*act.Runner).
type Runner interface {
	Run(ctx context.Context, c act.Command) (act.Result, error)
}

// Errors of Execute, the same values as engine's; REST maps them to 404, 410 and 409.
var (
	ErrUnknownProposal = engine.ErrUnknownProposal
	ErrExpired         = engine.ErrProposalExpired
	ErrAlreadyUsed     = engine.ErrProposalUsed
)

// Defaults for Options.
const (
	DefaultExpireIn = 10 * time.Minute
	DefaultKeepFor  = 24 * time.Hour
)

// maxText bounds free text from outside (a refused service name, a proposer, an unknown ID)
// in the audit log and in stored proposals.
const maxText = 256

// Options configure a Flow.
type Options struct {
	// Act must be the options the Runner was built with: Run rejects an argv that its own
	// options would not build.
	Act act.Options
	// Hosts says which host is this machine's and how other hosts' Monits are reached; the
	// zero value is one host, this machine's.
	Hosts Hosts
	// ExpireIn is how long a proposal can be approved (actions.expire_in); DefaultExpireIn
	// when zero.
	ExpireIn time.Duration
	// KeepFor is how long Prune keeps decided and expired proposals, so that an old ID is
	// refused as expired or used rather than unknown; DefaultKeepFor when zero.
	KeepFor time.Duration
	// Simulate, when set, says why actions are simulated (Monit is read from a file, so the
	// host's own Monit and systemd are not the ones watched): proposals are marked simulated
	// and an approval is validated and audited but never reaches the Runner.
	Simulate string
	// Now and NewID are injectable for tests; NewID must return unguessable, URL-safe IDs.
	Now    func() time.Time
	NewID  func() string
	Logger *slog.Logger
	// Redactor removes secrets from a command's output and error before they are audited or
	// returned (journalctl_view prints log lines); main always sets it.
	Redactor engine.Redactor
}

// Flow is the approval flow. It is safe for concurrent use.
type Flow struct {
	props   Proposals
	audit   Audit
	targets Targets
	runner  Runner
	opts    Options
	log     *slog.Logger
}

// New returns a Flow.
func New(p Proposals, a Audit, targets Targets, r Runner, opts Options) *Flow {
	if opts.ExpireIn <= 0 {
		opts.ExpireIn = DefaultExpireIn
	}
	if opts.KeepFor <= 0 {
		opts.KeepFor = DefaultKeepFor
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.NewID == nil {
		opts.NewID = NewID
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Flow{props: p, audit: a, targets: targets, runner: r, opts: opts,
		log: opts.Logger.With("component", "approve")}
}

// NewID returns 128 random bits as 26 lower-case base32 characters: URL-safe, easy to type,
// and never starting with '-'.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand crashes the program instead)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// Propose validates an action on a service and stores it as pending. a.Host, when set, is the
// service's host as the caller's data has it (the board, an analysis), never text from a
// model or a log; unset, the host is the one that has the service. source is one of engine's
// Source* values; proposer is an optional detail (a session, an analysis ID).
//
// A refused action (unknown action, host or service, a service on several hosts without one
// named, a local-only action on another host, another host without a hosts: entry, a name
// that fails act's checks) is not stored but is audited as refused, and the error wraps
// act.ErrRefused.
func (f *Flow) Propose(ctx context.Context, a engine.SuggestedAction, source, proposer string) (engine.Proposal, error) {
	if !engine.IsProposalSource(source) {
		return engine.Proposal{}, fmt.Errorf("propose: unknown source %q", source)
	}
	proposer = clip(proposer)
	now := f.opts.Now()
	cmd, at, err := f.resolve(ctx, a)
	if err != nil && !errors.Is(err, act.ErrRefused) {
		return engine.Proposal{}, fmt.Errorf("propose: %w", err)
	}
	if err != nil {
		e := engine.AuditEntry{At: now, Source: source, Proposer: proposer, Action: clip(a.Action),
			Host: clip(at.host), Service: clip(a.Service), Result: engine.AuditRefused, Error: err.Error()}
		if _, aerr := f.appendAudit(ctx, e); aerr != nil {
			return engine.Proposal{}, fmt.Errorf("propose: %w (and auditing the refusal failed: %w)", err, aerr)
		}
		return engine.Proposal{}, fmt.Errorf("propose: %w", err)
	}
	p := engine.Proposal{ID: f.opts.NewID(), Action: string(cmd.Action), Host: at.host, Service: cmd.Service, Unit: cmd.Unit,
		Argv: cmd.Argv, Command: cmd.Display, Source: source, Proposer: proposer,
		CreatedAt: now, ExpiresAt: now.Add(f.opts.ExpireIn), State: engine.ProposalPending,
		Simulated: f.opts.Simulate != ""}
	// Audit first: a proposal that can be approved always has its proposed row.
	if _, err := f.appendAudit(ctx, entry(p, now, engine.AuditProposed, false)); err != nil {
		return engine.Proposal{}, fmt.Errorf("propose: %w", err)
	}
	if err := f.props.PutProposal(ctx, p); err != nil {
		return engine.Proposal{}, fmt.Errorf("propose: %w", err)
	}
	f.log.Info("proposed action", "proposal_id", p.ID, "action", p.Action, "host", p.Host, "service", p.Service,
		"source", p.Source, "actor", engine.ActorFrom(ctx))
	return p, nil
}

// Pending returns the proposals that can still be approved, oldest first.
func (f *Flow) Pending(ctx context.Context) ([]engine.Proposal, error) {
	return f.props.Pending(ctx, f.opts.Now())
}

// Prune deletes proposals decided or expired more than Options.KeepFor ago. The audit log
// keeps their history; call it now and then (the scheduler).
func (f *Flow) Prune(ctx context.Context) (int, error) {
	return f.props.PruneProposals(ctx, f.opts.Now().Add(-f.opts.KeepFor))
}

// entry is the audit row of a step about proposal p.
func entry(p engine.Proposal, at time.Time, result string, approved bool) engine.AuditEntry {
	return engine.AuditEntry{At: at, ProposalID: p.ID, Source: p.Source, Proposer: p.Proposer,
		Action: p.Action, Host: p.Host, Service: p.Service, Command: p.Command, UserApproved: approved, Result: result}
}

// clip bounds text from outside: valid UTF-8, at most maxText bytes plus a note of the
// original length.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxText {
		return s
	}
	cut := maxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d bytes)", len(s))
}

// appendAudit appends e with its actor: who acts in ctx (engine.WithActor: the web UI's user,
// "api" for the API token), or for a proposal made without one, its source.
func (f *Flow) appendAudit(ctx context.Context, e engine.AuditEntry) (int64, error) {
	e.Actor = clip(engine.ActorFrom(ctx))
	if e.Actor == "" && (e.Result == engine.AuditProposed || (e.Result == engine.AuditRefused && e.ProposalID == "")) {
		e.Actor = e.Source
	}
	return f.audit.AppendAudit(ctx, e)
}
