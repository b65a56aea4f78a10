package engine

import (
	"errors"
	"fmt"
	"time"
)

// Who proposed an action (Proposal.Source, AuditEntry.Source).
const (
	SourceUser     = "user"     // a person asked for it ("restart nordvpnd" in Mother)
	SourceMother   = "mother"   // the model suggested it in a chat answer
	SourceAnalysis = "analysis" // an analysis suggested it
	SourceAPI      = "api"      // POST /mother/actions/suggest
)

// IsProposalSource reports whether s is one of the proposal sources.
func IsProposalSource(s string) bool {
	switch s {
	case SourceUser, SourceMother, SourceAnalysis, SourceAPI:
		return true
	}
	return false
}

// ProposalState is where a proposal is in its life. A proposal leaves ProposalPending once
// and never comes back: an approval or a rejection is used once.
type ProposalState string

// The states. Expiry is not a state: a pending proposal past ExpiresAt is expired.
const (
	ProposalPending  ProposalState = "pending"
	ProposalApproved ProposalState = "approved"
	ProposalRejected ProposalState = "rejected"
)

// Errors of the approval flow, checked with errors.Is. The REST layer maps them to 404, 410
// and 409.
var (
	ErrUnknownProposal = errors.New("unknown proposal")
	ErrProposalExpired = errors.New("proposal expired")
	ErrProposalUsed    = errors.New("proposal already used")
)

// Proposal is an action waiting for a person's approval: the exact command that will run,
// who proposed it and until when it can be approved.
type Proposal struct {
	ID     string // random, unguessable, URL-safe
	Action string // the whitelisted action name, e.g. "systemctl_restart"
	// Host is the Monit host of the service, as the board has it (never as a model, a log
	// line or a Monit name says): this machine's, or another whose Monit the action reaches
	// through its HTTP interface.
	Host      string
	Service   string // the Monit service it is about
	Unit      string // the systemd unit, for systemctl and journalctl actions
	Argv      []string
	Command   string // Argv for reading, e.g. "systemctl restart nordvpnd.service"
	Source    string // SourceUser, SourceMother, SourceAnalysis or SourceAPI
	Proposer  string // optional detail: a chat session, an analysis ID
	CreatedAt time.Time
	ExpiresAt time.Time
	State     ProposalState
	DecidedAt time.Time // when it left ProposalPending; zero while pending
	// Simulated is set when Monit is read from a file (a replay, as in the demo): approving
	// it records what would have run and runs nothing on this host.
	Simulated bool
}

// Expired reports whether the proposal can no longer be approved at now.
func (p Proposal) Expired(now time.Time) bool { return !now.Before(p.ExpiresAt) }

// CheckPending returns nil when the proposal can still be decided at now, else an error
// wrapping ErrProposalUsed (it was approved or rejected) or ErrProposalExpired.
func (p Proposal) CheckPending(now time.Time) error {
	switch {
	case p.State != ProposalPending:
		return fmt.Errorf("%w: it was %s at %s", ErrProposalUsed, p.State, p.DecidedAt.Format(time.RFC3339))
	case p.Expired(now):
		return fmt.Errorf("%w at %s", ErrProposalExpired, p.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// Audit results (AuditEntry.Result): what one row of the action audit log records.
const (
	AuditProposed = "proposed" // a proposal was validated and stored
	AuditRefused  = "refused"  // a proposal or an execution was refused; Error says why
	AuditRejected = "rejected" // a person rejected the proposal
	AuditDryRun   = "dry_run"  // the command was shown, not run; Error says why it would be refused
	AuditApproved = "approved" // a person approved it; the result row follows
	AuditExecuted = "executed" // the command ran and succeeded
	AuditFailed   = "failed"   // the command ran (or could not be started) and failed
)

// Simulated reports whether the row records an approval that was simulated (Monit read from a
// file): it is written as a dry run the user approved, which only a simulation writes, so the
// audit table keeps its set of results.
func (e AuditEntry) Simulated() bool { return e.Result == AuditDryRun && e.UserApproved }

// AuditEntry is one row of the append-only, MAC-chained action audit log.
type AuditEntry struct {
	ID         int64
	At         time.Time // stored to the millisecond
	ProposalID string
	Source     string // who proposed the action; empty for an unknown proposal ID
	Proposer   string
	// Actor is who took this step: whoever proposed it for a proposal, the person who approved
	// or rejected it for an approval or rejection ("api" for the API token). Covered by the MAC.
	Actor        string
	Action       string // action_type
	Host         string // the Monit host of the service; empty in rows from before hosts
	Service      string
	Command      string
	UserApproved bool
	Result       string // one of the Audit* results
	ExitCode     *int   // result rows of a command that ran; nil otherwise
	Output       string
	Error        string
	PrevHash     string // the previous row's Hash; empty for the first row
	// Hash is the hex HMAC-SHA256 (keyed with DATA_DIR/audit.key) over this row's fields and
	// PrevHash; rows written before the key existed keep a plain SHA-256.
	Hash string
}
