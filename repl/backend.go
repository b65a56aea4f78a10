package repl

import (
	"context"
	"io"
	"time"
)

// ServiceStatus is one service as the daemon last saw it.
type ServiceStatus struct {
	Host         string
	Service      string
	Type         string // "process", "program", "filesystem", …
	State        string // OK, NEW, ONGOING, CHANGED or RECOVERED
	StatusText   string // Monit's status bits in words; "OK" when none
	Status       uint32 // Monit's status bitmap
	Monitor      string // "monitored", "not monitored", "initializing", …
	FailingSince time.Time
	Failures     int
	CollectedAt  time.Time
	// HostStale: the host's Monit is STALE, so this is its last report, not a current one.
	HostStale bool
}

// Event is one NEW, CHANGED or RECOVERED transition of a service.
type Event struct {
	ID      int64
	At      time.Time
	Host    string // the service's Monit host; "" in rows from before hosts
	Service string
	Kind    string
	Detail  string
	Status  uint32
}

// Logs are the recent log lines of a service and where they came from.
type Logs struct {
	Service string
	Source  string
	Lines   []string
}

// Analysis is one explanation of a service's failure.
type Analysis struct {
	Host    string // the service's Monit host
	Service string
	Source  string // "llm" or "rules"
	Model   string // the model asked; it answered only when Source is "llm"
	Text    string
	At      time.Time
	// Healthy: the service is not failing, so nothing was analysed (or stored).
	Healthy bool
}

// Proposal is an action the daemon offers to run once someone approves it.
type Proposal struct {
	ID         string
	Action     string
	Host       string // the service's Monit host; "" from a daemon that does not say
	Service    string
	Command    string
	ExpiresAt  time.Time
	ProposedBy string
	// Simulated: the daemon reads Monit from a file, so approving runs nothing.
	Simulated bool
}

// ExecResult is what happened to a proposal after an approval or a rejection.
type ExecResult struct {
	ID       string
	Command  string
	Status   string // "executed", "failed", "rejected", "dry_run", "refused" or "simulated"
	Output   string
	Error    string
	ExitCode int
}

// AuditEntry is one line of the daemon's action audit log.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Action   string
	Host     string // the service's Monit host; "" in rows from before hosts
	Service  string
	Command  string
	Result   string
	Error    string
	Source   string
	Approved bool
	// Simulated: an approval that ran nothing, because the daemon reads Monit from a file.
	Simulated bool
}

// ChatReply is Mother's finished answer. Text is the whole answer (also streamed through
// onChunk); ModelNote says when the model was not used or not reachable.
type ChatReply struct {
	Text      string
	Proposals []Proposal
	ModelNote string
}

// Backend is everything the REPL needs from the daemon. main implements it with an HTTP
// client; every call must give up when ctx is cancelled (Ctrl-C cancels the call in
// progress).
type Backend interface {
	// Status lists the services, only the failing ones when failingOnly is set.
	Status(ctx context.Context, failingOnly bool) ([]ServiceStatus, error)
	// History returns the last n events of a service, newest first: of every host that has
	// it when host is "".
	History(ctx context.Context, host, service string, n int) ([]Event, error)
	// Logs returns the last n log lines of a service; host is "" for the one host that has it.
	Logs(ctx context.Context, host, service string, n int) (Logs, error)
	// Analyze explains why a service fails; host is "" for the one host that has it.
	Analyze(ctx context.Context, host, service string) ([]Analysis, error)
	// Chat sends one message in a session and calls onChunk with each piece of the answer as
	// it is generated, from the calling goroutine.
	Chat(ctx context.Context, session, message string, onChunk func(string)) (ChatReply, error)
	// ClearSession forgets a session's conversation on the server.
	ClearSession(ctx context.Context, session string) error
	// Suggest proposes an action; host is "" for the one host that has the service.
	Suggest(ctx context.Context, action, service, host string) (Proposal, error)
	// Actions lists the pending proposals.
	Actions(ctx context.Context) ([]Proposal, error)
	// Execute approves (approve) or rejects a proposal; with dryRun nothing is run.
	Execute(ctx context.Context, id string, approve, dryRun bool) (ExecResult, error)
	// Audit returns the last n audit entries, newest first.
	Audit(ctx context.Context, n int) ([]AuditEntry, error)
}

// Options configure Run. Zero values are usable: In, Out and Err default to the process's
// standard streams and Session to "default".
type Options struct {
	Session     string
	DryRun      bool      // every Execute call carries dryRun=true: nothing is ever run
	HistoryFile string    // input history between runs; "" keeps none (see DefaultHistoryPath)
	HistoryMax  int       // lines kept in HistoryFile; 0 means 1000
	In          io.Reader // a terminal starts the prompt; anything else is read line by line
	Out, Err    io.Writer
	Verbs       []string // action verbs offered by completion (/suggest VERB SERVICE, and free text)
	// Now is the clock used for ages and expiry times; nil means time.Now.
	Now func() time.Time
}
