package mother

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
	"monit-intel/engine/rca"
	"monit-intel/engine/trend"
	"monit-intel/logs"
)

// Data is what Mother reads to answer. The daemon implements it over the board and the
// stores; every method returns at once when ctx ends.
type Data interface {
	// Services are the services of the latest cycle: snapshot and failure state.
	Services(ctx context.Context) ([]engine.Classified, error)
	// Events returns a service's failure events on a host, newest first; an empty host means
	// every host, an empty service every service.
	Events(ctx context.Context, host, service string, limit int) ([]engine.Event, error)
	// EventsSince returns every service's failure events at or after since, newest first.
	EventsSince(ctx context.Context, since time.Time, limit int) ([]engine.Event, error)
	// Analyses returns a service's stored analyses on a host (empty: any), newest first.
	Analyses(ctx context.Context, host, service string, limit int) ([]engine.Analysis, error)
	// Logs returns a service's last n log lines, redacted (logs.Registry.Read); n <= 0 means
	// the registry's maximum for the service. A non-zero since keeps the lines logged in
	// [since, until] (logs.Registry.ReadWindow).
	Logs(ctx context.Context, service string, n int, since, until time.Time) (logs.Result, error)
	// Samples returns a service's readings of a figure on a host (empty: any) in [since,
	// until], oldest first.
	Samples(ctx context.Context, host, service string, f trend.Figure, since, until time.Time) ([]trend.Sample, error)
	// Audit returns the newest limit rows of the action audit log, newest first.
	Audit(ctx context.Context, limit int) ([]engine.AuditEntry, error)
}

// Actions is the approval flow (approve.Flow): Mother turns an operator's request into a
// pending proposal through it, and reads what is waiting.
type Actions interface {
	Propose(ctx context.Context, a engine.SuggestedAction, source, proposer string) (engine.Proposal, error)
	// Pending returns the proposals that can still be approved, oldest first.
	Pending(ctx context.Context) ([]engine.Proposal, error)
}

// Memory keeps conversations: bolt.Store, sqliteexport.DB, or both through Tee.
type Memory interface {
	AppendTurn(ctx context.Context, t engine.Turn) error
	// Turns returns the last limit turns of a session, oldest first; limit <= 0 means all.
	Turns(ctx context.Context, session string, limit int) ([]engine.Turn, error)
	ClearSession(ctx context.Context, session string) error
}

// StaleHosts is the fleet registry as Mother reads it: the hosts silent for 3 of their
// intervals (fleet.Fleet.Stale). Their services' figures are their last report, not now.
type StaleHosts interface {
	Stale() []enginefleet.Host
}

// DefaultSession is the session of a message that names none.
const DefaultSession = "default"

// Options configure Mother. Zero values are usable.
type Options struct {
	// LLM is the model; nil means Mother answers from the data alone.
	LLM engine.LLM
	// NumCtx is the model's context window, sent with every call (default 8192).
	NumCtx int
	// Timeout bounds one model call, stream included (default 60 s).
	Timeout time.Duration
	// Aliases are other names of each service: its systemd unit ("restart nordvpnd" finds
	// nordvpn_status), its log file's or journal unit's name, the config's aliases.
	Aliases map[string][]string
	// Units maps a service to its systemd unit, shown with a proposal.
	Units map[string]string
	// Actions is the approval flow; nil means Mother only says what was asked for.
	Actions Actions
	// Hosts says which Monit hosts went silent (fleet.Fleet); nil means none are known to.
	Hosts StaleHosts
	// LocalHost is this machine's Monit host, "" while unknown: a service of another host
	// gets no log lines from here (fleet.LogsHere). Nil means unknown.
	LocalHost func() string
	// HistoryTurns is how many earlier turns of the session the prompt may carry (default 6);
	// fewer go in when they do not fit the budget.
	HistoryTurns int
	// Now and Nonce are injectable for tests.
	Now    func() time.Time
	Nonce  func() string
	Logger *slog.Logger
}

// Mother answers chat turns. It keeps no state between calls (the Memory does) and is safe
// for concurrent use.
type Mother struct {
	data Data
	mem  Memory
	opts Options
	log  *slog.Logger
}

// New returns a Mother.
func New(d Data, m Memory, opts Options) *Mother {
	if opts.NumCtx <= 0 {
		opts.NumCtx = 8192
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.HistoryTurns <= 0 {
		opts.HistoryTurns = 6
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Nonce == nil {
		opts.Nonce = func() string {
			n, _ := rca.NewNonce(rand.Reader) // crypto/rand never fails on Linux
			return n
		}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Mother{data: d, mem: m, opts: opts, log: opts.Logger.With("component", "mother")}
}

// Reply is one answered turn. Text is the whole answer as streamed: the facts, rendered from
// the data, then the model's prose after a "Model (name):" line.
type Reply struct {
	Text     string
	Intent   string
	Services []string
	// Hosts are the Monit hosts the turn was about (engine.Turn.Hosts).
	Hosts []string
	// Understood is what Mother read in the message, follow-up context included.
	Understood Understood
	// Proposed are actions the user asked for; Mother runs nothing. With Options.Actions they
	// became Proposals (a pending identical one is reused) or were Refused.
	Proposed  []engine.SuggestedAction
	Proposals []engine.Proposal
	Refused   []string
	// ModelNote says why the model's part is missing or short ("llm unavailable: …").
	ModelNote string
	// LLMCalls is how many model calls the turn made: at most 2 (one classification when the
	// rules cannot tell, one streamed answer).
	LLMCalls int
}

// Chat answers one message of a session and calls out with each piece of the answer as it is
// produced: first the facts, then the model's prose. out is called from the calling
// goroutine; an error from it stops the turn.
//
// A turn that ends early, because ctx ended or out failed, stores nothing: its question is not
// part of the conversation, and the error says why. A turn whose model failed is complete: it
// is answered from the data, stored, and ModelNote says what happened.
func (m *Mother) Chat(ctx context.Context, session, message string, out func(chunk string) error) (Reply, error) {
	return m.ChatWith(ctx, session, message, nil, out)
}

// Understood is what Mother read in a message: the intent, the services and the window
// (zero times when the answer has none), after follow-up context was applied.
type Understood struct {
	Intent   string
	Services []string
	// Hosts are the hosts the turn is about: named, carried from the previous turn, or those
	// of its services.
	Hosts []string
	Since time.Time
	Until time.Time
}

// ChatWith is Chat that first calls understood, when not nil, with what Mother read in the
// message, before any chunk of the answer.
func (m *Mother) ChatWith(ctx context.Context, session, message string, understood func(Understood) error,
	out func(chunk string) error) (Reply, error) {
	if session == "" {
		session = DefaultSession
	}
	at := m.opts.Now()
	services, err := m.data.Services(ctx)
	if err != nil {
		return Reply{}, fmt.Errorf("chat: %w", err)
	}
	past, err := m.mem.Turns(ctx, session, m.opts.HistoryTurns)
	if err != nil {
		m.log.Warn("conversation memory unavailable", "session", session, "err", err)
	}
	tr := &turnState{m: m, out: out, now: at, services: services, past: past, message: message, meta: understood}
	if err := tr.run(ctx); err != nil {
		return Reply{}, err
	}
	reply := tr.reply()
	var said Window // the window a later follow-up may take over: only one the message set
	if windowed(tr.in.Kind) {
		said = tr.in.Window
	}
	t := engine.Turn{At: at, Session: session, Query: message, Answer: reply.Text, Intent: reply.Intent,
		Services: reply.Services, Hosts: reply.Hosts, Since: said.Since, Until: said.Until, Context: tr.context, Logs: tr.ans.logs, Proposed: reply.Proposed,
		Model: tr.model, ModelNote: reply.ModelNote}
	if err := m.mem.AppendTurn(ctx, t); err != nil {
		m.log.Warn("turn not remembered", "session", session, "err", err)
	}
	m.log.Info("chat turn", "session", session, "intent", reply.Intent, "services", reply.Services, "hosts", reply.Hosts,
		"llm_calls", reply.LLMCalls, "model_note", reply.ModelNote)
	return reply, nil
}

// History returns the last limit turns of a session, oldest first.
func (m *Mother) History(ctx context.Context, session string, limit int) ([]engine.Turn, error) {
	if session == "" {
		session = DefaultSession
	}
	return m.mem.Turns(ctx, session, limit)
}

// Clear forgets a session.
func (m *Mother) Clear(ctx context.Context, session string) error {
	if session == "" {
		session = DefaultSession
	}
	return m.mem.ClearSession(ctx, session)
}

// turnState is one Chat call in progress.
type turnState struct {
	m        *Mother
	out      func(string) error
	now      time.Time
	services []engine.Classified
	past     []engine.Turn
	message  string
	meta     func(Understood) error
	host     string             // the host the turn is scoped to: named ("on HOST"), answered or carried; "" for none
	fleet    bool               // the services are on several hosts: answers name each service's host
	stale    []enginefleet.Host // the silent hosts (Options.Hosts), read once per turn
	named    []string           // the hosts a message named when it named several: answered each
	// unknownHost is a word the message said "on" of that names no known host.
	unknownHost string

	in       Intent
	ans      answer
	text     strings.Builder
	context  string // the data part of the prompt, remembered with the turn
	model    string
	note     []string
	llmCalls int
	// classified is set when the model read the message; modelDown when it did not answer
	// at all, so the prose call is not tried.
	classified bool
	modelDown  bool
}

// errStopped marks an error from the caller's out: the turn stops and is not stored.
type errStopped struct{ err error }

func (e errStopped) Error() string { return e.err.Error() }
func (e errStopped) Unwrap() error { return e.err }

// emit streams a piece of the answer and keeps it for the reply.
func (tr *turnState) emit(s string) error {
	if s == "" {
		return nil
	}
	tr.text.WriteString(s)
	if err := tr.out(s); err != nil {
		return errStopped{err}
	}
	return nil
}

func (tr *turnState) run(ctx context.Context) error {
	all := tr.read()
	if tr.unknownHost != "" && tr.host == "" && tr.named == nil {
		tr.ans = answer{facts: unknownHostNote(tr.unknownHost, all)}
		return tr.emit(tr.ans.facts)
	}
	switch {
	case strings.TrimSpace(tr.message) == "":
		tr.in.Kind = KindHelp
	case tr.in.Kind == KindUnknown:
		tr.classify(ctx)
	}
	if q := tr.whichHost(); q != "" {
		tr.in.Kind = KindWhichHost
		return tr.emit(q)
	}
	tr.ans = tr.gatherHosts(ctx)
	if tr.unknownHost != "" {
		tr.ans.facts = unknownHostNote(tr.unknownHost, all) + tr.ans.facts
	}
	if err := stopped(ctx); err != nil {
		return err
	}
	if tr.meta != nil {
		if err := tr.meta(tr.understood()); err != nil {
			return fmt.Errorf("chat: %w", errStopped{err})
		}
	}
	if err := tr.emit(tr.ans.facts); err != nil {
		return fmt.Errorf("chat: %w", err)
	}
	if tr.ans.prose {
		if err := tr.prose(ctx); err != nil {
			return err
		}
	}
	return stopped(ctx)
}

// read reads the message by the rules: the hosts it names or answers, the intent, and the
// context of the turns before. It returns every host of the fleet.
func (tr *turnState) read() []string {
	all := tr.knownHosts()
	tr.fleet = len(all) > 1
	if tr.m.opts.Hosts != nil {
		tr.stale = tr.m.opts.Hosts.Stale()
	}
	tr.answerWhichHost()
	tr.hostFollowUp()
	tr.scopeHost()
	tr.in = Recognise(tr.message, tr.now, Known{Names: names(tr.services), Aliases: tr.m.opts.Aliases})
	tr.followUp()
	return all
}

// stopped returns the context's error, wrapped, once the caller gave up.
func stopped(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("chat: %w", err)
	}
	return nil
}

func (tr *turnState) reply() Reply {
	r := Reply{Text: tr.text.String(), Intent: string(tr.in.Kind), Services: tr.ans.services,
		Understood: tr.understood(), Proposed: tr.ans.proposed, Proposals: tr.ans.proposals,
		Refused: tr.ans.refused, LLMCalls: tr.llmCalls}
	r.Hosts = r.Understood.Hosts // a question back remembers the hosts it asked about
	r.ModelNote = strings.Join(tr.note, "; ")
	return r
}

// modelError words a failed model call for ModelNote.
func modelError(err error) string {
	if errors.Is(err, engine.ErrLLMBusy) {
		return err.Error() + "; this answer comes from the data alone"
	}
	if errors.Is(err, engine.ErrLLMUnavailable) {
		return err.Error() // the adapter says "llm unavailable: <why>"
	}
	return "llm unavailable: " + err.Error()
}

func names(cs []engine.Classified) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		if !slices.Contains(out, c.Snapshot.Name) {
			out = append(out, c.Snapshot.Name)
		}
	}
	return out
}
