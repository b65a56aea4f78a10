package fleet

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"monit-intel/engine"
	"monit-intel/engine/monit"
)

// StateStale is the event of a host that has been silent for StaleAfter of its intervals. The
// host's RECOVERED event (engine.StateRecovered) follows when it speaks again. Both are
// stored under the service InstanceService.
const StateStale = engine.StateStale

// InstanceService is the service name of a host's own events, as Monit names its instance
// events ("Monit started", "Monit stopped").
const InstanceService = engine.InstanceService

// Sources of a host's status.
const (
	SourcePush = "push"
	SourcePoll = "poll"
)

// Errors of Push. ErrRefused wraps what is wrong with the message itself (a 4xx for the
// sender); ErrNameTaken means the localhostname belongs to another Monit that still speaks;
// ErrOtherUser means the host (by its Monit id or its name) is bound to another collector
// user than the one the message was sent as.
var (
	ErrRefused   = errors.New("collector message refused")
	ErrNameTaken = errors.New("host name taken by another Monit")
	ErrOtherUser = errors.New("host bound to another collector user")
)

// Ingester classifies and stores one host's status (engine.Ingester).
type Ingester interface {
	Ingest(ctx context.Context, st engine.Status) (engine.CycleResult, error)
}

// Sink takes the outcome of every ingest: the board and the analyses.
type Sink interface {
	AfterCycle(ctx context.Context, res engine.CycleResult, err error)
}

// EventStore stores the hosts' own events (engine.History).
type EventStore interface {
	RecordCycle(ctx context.Context, at time.Time, st engine.Status, events []engine.Event) (engine.RecordedCycle, error)
}

// Options configure a Fleet.
type Options struct {
	// DefaultInterval is a pushing host's interval when its message has no <poll>; 30 s.
	DefaultInterval time.Duration
	// StaleAfter is how many intervals of silence make a host STALE; 3.
	StaleAfter int
	// OnEvent is told each host event (STALE, RECOVERED) after it is stored: notifications.
	OnEvent func(ctx context.Context, ev engine.Event)
	// Store keeps the registry across restarts (Restore, Save); nil keeps it in memory only.
	Store  HostStore
	Now    func() time.Time
	Logger *slog.Logger
}

// Host is what the fleet knows of one Monit.
type Host struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	Source     string        `json:"source"`
	Interval   time.Duration `json:"-"`
	LastSeen   time.Time     `json:"last_seen"`
	Stale      bool          `json:"stale"`
	StaleSince time.Time     `json:"stale_since,omitzero"`
	Messages   int64         `json:"messages"`
	// User is the collector user the host pushes as: its first stored push binds it, and a
	// push as another user is refused (ErrOtherUser). "" for a polled host, a host known from
	// the history, and a host from a registry older than the binding (bound at its next push).
	// Not served: a user name is half of a credential.
	User string `json:"-"`
}

type host struct {
	Host
	ingest sync.Mutex // one message of a host at a time: Monit replays queued events in bursts
	// pending is a pushed host whose first message is not stored yet: it is neither listed
	// nor saved, and it is removed again when that message cannot be stored.
	pending  bool
	replaced *host // the entry a pending host took its name from, given it back by drop
	// polled is set once a poll target answered as this host since the start: its name is
	// the configuration's (admit). A polled host restored from the registry is not, as the
	// configuration may have dropped it for a Monit that pushes.
	polled bool
}

// Fleet is the registry of hosts. It is safe for concurrent use.
type Fleet struct {
	in     Ingester
	sink   Sink
	events EventStore
	opts   Options
	log    *slog.Logger

	started time.Time // silence before it does not count (silentSince)
	saveMu  sync.Mutex

	mu     sync.Mutex
	hosts  map[string]*host // by Monit id
	byName map[string]*host
	dirty  bool // the registry changed since the last Save
}

// New returns an empty fleet.
func New(in Ingester, sink Sink, events EventStore, opts Options) *Fleet {
	opts.DefaultInterval = cmp.Or(opts.DefaultInterval, 30*time.Second)
	opts.StaleAfter = cmp.Or(opts.StaleAfter, 3)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Fleet{in: in, sink: sink, events: events, opts: opts, log: opts.Logger.With("component", "fleet"),
		started: opts.Now(), hosts: map[string]*host{}, byName: map[string]*host{}}
}

// PushResult is what one collector message did.
type PushResult struct {
	Host        string
	Services    int
	Events      []engine.Event
	MonitEvents []MonitEvent
}

// Push takes one collector message (a format 2 status document, already decompressed) that
// was sent as the collector user user: the host is admitted (or recognised by its Monit id),
// its status goes through the ingest path at once, and a STALE host is RECOVERED. A message
// that cannot be read wraps ErrRefused and changes nothing; so does a message for a host bound
// to another user (ErrOtherUser). A new host is admitted once its first message is stored.
func (f *Fleet) Push(ctx context.Context, user string, body []byte) (PushResult, error) {
	st, err := monit.ParseStatus(bytes.NewReader(body))
	if err != nil {
		return PushResult{}, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	if err := checkID(st.MonitID); err != nil {
		return PushResult{}, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	if err := checkNames(st); err != nil {
		return PushResult{}, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	monitEvents := readEvents(body)
	h, err := f.admit(st.MonitID, st.Host, user, SourcePush, f.pushInterval(st.PollSec))
	if err != nil {
		return PushResult{}, err
	}
	res, err := f.ingest(ctx, h, st)
	if err != nil {
		return PushResult{}, err
	}
	for _, e := range monitEvents[:min(len(monitEvents), maxLoggedEvents)] {
		f.log.Info("monit event", "host", st.Host, "service", e.Service, "event", engine.EventWords(engine.StatusBits(e.ID), int(e.State)),
			"state", e.State.String())
	}
	if n := len(monitEvents) - maxLoggedEvents; n > 0 {
		f.log.Warn("monit events not logged", "host", st.Host, "count", n)
	}
	if err := f.heard(ctx, h); err != nil {
		return PushResult{}, err
	}
	return PushResult{Host: st.Host, Services: len(st.Services), Events: res.Events, MonitEvents: monitEvents}, nil
}

// ingest stores a pushed status, one message of a host at a time. The first message of a new
// host admits it only once it is stored: when it cannot be, the host is dropped again, so a
// refused first message leaves no trace in the registry.
func (f *Fleet) ingest(ctx context.Context, h *host, st engine.Status) (engine.CycleResult, error) {
	h.ingest.Lock()
	defer h.ingest.Unlock()
	f.mu.Lock()
	dropped := f.hosts[h.ID] != h
	f.mu.Unlock()
	if dropped { // a message sent at the same time as the host's first one, which failed
		return engine.CycleResult{}, fmt.Errorf("ingest %s: its first message could not be stored", st.Host)
	}
	res, err := f.in.Ingest(ctx, st)
	f.sink.AfterCycle(ctx, res, err)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		if h.pending {
			f.drop(h)
		}
		return engine.CycleResult{}, fmt.Errorf("ingest %s: %w", st.Host, err)
	}
	h.pending, h.replaced = false, nil
	return res, nil
}

// drop removes a pending host whose first message could not be stored and gives its name
// back to the entry it took it from. f.mu is held.
func (f *Fleet) drop(h *host) {
	if f.hosts[h.ID] == h {
		delete(f.hosts, h.ID)
	}
	if f.byName[h.Name] == h {
		delete(f.byName, h.Name)
	}
	if b := h.replaced; b != nil && f.hosts[b.ID] == nil && f.byName[b.Name] == nil {
		f.hosts[b.ID], f.byName[b.Name] = b, b
	}
	f.dirty = true
	f.log.Info("new host not admitted: its first message could not be stored", "host", h.Name, "monit_id", h.ID)
}

// MaxPushInterval bounds the interval a message's <poll> sets: a <poll> of 2^63-1 seconds
// overflowed to a negative interval, and the host went STALE at every check and RECOVERED at
// every push, each an event and a notification.
const MaxPushInterval = 24 * time.Hour

// pushInterval is a pushing host's interval: its Monit's <poll> (`set daemon N`), at most
// MaxPushInterval; DefaultInterval when the message has none.
func (f *Fleet) pushInterval(pollSec int) time.Duration {
	if pollSec <= 0 {
		return f.opts.DefaultInterval
	}
	return time.Duration(min(int64(pollSec), int64(MaxPushInterval/time.Second))) * time.Second
}

// Polled tells the fleet that a polled Monit answered and its status (of host) has been
// ingested. A polled host is known by its name.
func (f *Fleet) Polled(ctx context.Context, host string, interval time.Duration) error {
	h, err := f.admit(SourcePoll+":"+host, host, "", SourcePoll, interval)
	if err != nil {
		return err
	}
	return f.heard(ctx, h)
}

// admit finds or adds the host of a message. A name held by another Monit id is refused while
// that Monit still speaks; once it is STALE, or when it is known only from the history, the
// new one takes the name over (a Monit whose id was reset with `monit -r`) with its silence:
// a STALE name is RECOVERED.
//
// A polled host's name is never taken by a push, STALE or not, once a poll target answered
// as it since the start: the poll targets are the configuration's (the first is this
// machine, where local actions run), and a Monit that only holds collector credentials must
// not get its status mixed into theirs. A poll takes its name back from a pusher that took
// it before the poll answered (at start-up, or while the polled Monit was down).
//
// A pushed host is bound to the collector user it pushes as (Host.User): a message as another
// user, for its Monit id or taking over its name, is refused with ErrOtherUser.
func (f *Fleet) admit(id, name, user, source string, interval time.Duration) (*host, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkUser(id, name, user, source); err != nil {
		return nil, err
	}
	f.dirty = true
	var before *host // the entry the name had under another id
	if other, ok := f.byName[name]; ok && other.ID != id {
		polled := other.Source == SourcePoll && other.polled && source != SourcePoll
		if polled || (!other.Stale && other.Source != SourceHistory && source != SourcePoll) {
			return nil, fmt.Errorf("%w: %q is the localhostname of Monit %s (%s) too; give one of them its own "+
				"`check system NAME`, or, if both are the same Monit, let it either push or be polled, not both",
				ErrNameTaken, name, other.ID, other.Source)
		}
		if source == SourcePoll && other.Source == SourcePush {
			f.log.Warn("a polled Monit takes its name back from a pushing one", "host", name, "monit_id", other.ID)
		}
		delete(f.hosts, other.ID)
		before = other
	}
	h, ok := f.hosts[id]
	if !ok {
		h = f.add(id, name, user, source, before)
	}
	if h.Name != name {
		if f.byName[h.Name] == h {
			delete(f.byName, h.Name)
		}
		h.Name = name
	}
	f.byName[name] = h
	h.Interval = interval
	h.polled = h.polled || source == SourcePoll
	if source == SourcePush && h.User == "" {
		h.User = user
		f.log.Info("host bound to its collector user", "host", name, "monit_id", id)
	}
	return h, nil
}

// checkUser refuses a push as another collector user than the one the host is bound to, by
// its Monit id or by the name it would take over. The user names are not in the error: it
// is logged and answered to the sender. f.mu is held.
func (f *Fleet) checkUser(id, name, user, source string) error {
	if source != SourcePush {
		return nil
	}
	if h, ok := f.hosts[id]; ok && h.User != "" && h.User != user {
		return fmt.Errorf("%w: Monit %s (%q) pushes as another collector user", ErrOtherUser, id, h.Name)
	}
	if other, ok := f.byName[name]; ok && other.ID != id && other.User != "" && other.User != user {
		return fmt.Errorf("%w: %q is the host of Monit %s, which pushes as another collector user; give this Monit its own `check system NAME`",
			ErrOtherUser, name, other.ID)
	}
	return nil
}

// add registers a new host; a pushed one is pending until its first message is stored. A
// host that takes over the name of before keeps its silence. f.mu is held.
func (f *Fleet) add(id, name, user, source string, before *host) *host {
	h := &host{Host: Host{ID: id, Source: source, LastSeen: f.opts.Now()}, pending: source == SourcePush, replaced: before}
	if source == SourcePush {
		h.User = user
	}
	if before != nil {
		h.LastSeen, h.Stale, h.StaleSince = before.LastSeen, before.Stale, before.StaleSince
	}
	f.hosts[id] = h
	switch {
	case before == nil:
		f.log.Info("new host", "host", name, "monit_id", id, "source", source)
	case before.Source == SourceHistory:
		f.log.Info("host known from the history speaks", "host", name, "monit_id", id, "source", source)
	default:
		f.log.Info("host taken over by another Monit id", "host", name, "monit_id", id, "source", source,
			"previous_monit_id", before.ID)
	}
	return h
}

// checkID refuses a Monit id that names an entry the fleet makes itself ("poll:NAME",
// "history:NAME"): a push must not pass for a polled host or one known from the history.
func checkID(id string) error {
	if id == "" {
		return errors.New("the document has no Monit id (<monit id=…>)")
	}
	for _, p := range []string{SourcePoll + ":", SourceHistory + ":"} {
		if strings.HasPrefix(id, p) {
			return fmt.Errorf("Monit id %q: ids starting %q are the fleet's own", id, p)
		}
	}
	return nil
}

// maxLoggedEvents is how many of a message's events are logged one by one. Monit sends one
// event per message; a message packed with thousands would fill the log.
const maxLoggedEvents = 8

// Longest names a push may carry: a DNS name is at most 253 bytes; a service name is kept
// well under bbolt's 32 KiB key, which a longer one overflowed after SQLite had stored it.
const (
	MaxHostNameLen    = 255
	MaxServiceNameLen = 1024
)

// checkNames refuses a pushed localhostname that cannot be a host's name: one with spaces or
// control characters (a newline would forge a log line, an escape sequence would drive the
// REPL's terminal), or longer than MaxHostNameLen (the configuration's hosts: names obey the
// same rule, so every pushed host can be named there); and a service name with control
// characters or longer than MaxServiceNameLen.
func checkNames(st engine.Status) error {
	if len(st.Host) > MaxHostNameLen {
		return fmt.Errorf("localhostname of %d bytes: at most %d", len(st.Host), MaxHostNameLen)
	}
	if strings.ContainsFunc(st.Host, func(r rune) bool { return r == ' ' || unprintable(r) }) {
		return fmt.Errorf("localhostname %q has spaces or control characters", st.Host)
	}
	for _, s := range st.Services {
		if len(s.Name) > MaxServiceNameLen {
			return fmt.Errorf("a service name of %d bytes (%.40q…): at most %d", len(s.Name), s.Name, MaxServiceNameLen)
		}
		if strings.ContainsFunc(s.Name, unprintable) {
			return fmt.Errorf("service name %q has control characters", s.Name)
		}
	}
	return nil
}

// unprintable: IsPrint allows the ASCII space and no other space or control character.
func unprintable(r rune) bool { return !unicode.IsPrint(r) || r == utf8.RuneError }

// heard records that a host spoke; a STALE host gets its RECOVERED event.
func (f *Fleet) heard(ctx context.Context, h *host) error {
	f.mu.Lock()
	now := f.opts.Now()
	silent := now.Sub(h.LastSeen)
	wasStale := h.Stale
	h.LastSeen, h.Stale, h.StaleSince = now, false, time.Time{}
	h.Messages++
	name := h.Name
	f.mu.Unlock()
	if !wasStale {
		return nil
	}
	f.log.Info("host speaks again", "host", name, "silent_sec", int64(silent.Seconds()))
	err := f.record(ctx, name, engine.StateRecovered,
		fmt.Sprintf("Monit speaks again after %s of silence", silent.Round(time.Second)))
	return errors.Join(err, f.Save(ctx))
}

// CheckStale marks every host silent for StaleAfter of its intervals STALE and stores its
// event. It returns the hosts that became stale.
func (f *Fleet) CheckStale(ctx context.Context) ([]Host, error) {
	f.mu.Lock()
	now := f.opts.Now()
	var stale []Host
	for _, h := range f.hosts {
		limit := time.Duration(f.opts.StaleAfter) * h.Interval
		if !h.Stale && now.Sub(f.silentSince(h)) > limit {
			h.Stale, h.StaleSince = true, now
			stale = append(stale, h.Host)
			f.dirty = true
		}
	}
	f.mu.Unlock()
	var errs []error
	for _, h := range stale {
		f.log.Warn("host is stale", "host", h.Name, "last_seen", h.LastSeen, "interval", h.Interval.String())
		errs = append(errs, f.record(ctx, h.Name, StateStale, fmt.Sprintf("Monit silent since %s (%d intervals of %s)",
			h.LastSeen.UTC().Format(time.RFC3339), f.opts.StaleAfter, h.Interval)))
	}
	if len(stale) > 0 {
		errs = append(errs, f.Save(ctx))
	}
	return stale, errors.Join(errs...)
}

func (f *Fleet) record(ctx context.Context, name string, kind engine.State, detail string) error {
	now := f.opts.Now().UTC()
	ev := engine.Event{At: now, Host: name, Service: InstanceService, Kind: kind, Detail: detail}
	if _, err := f.events.RecordCycle(ctx, now, engine.Status{Host: name}, []engine.Event{ev}); err != nil {
		return fmt.Errorf("store %s event of %s: %w", kind, name, err)
	}
	if f.opts.OnEvent != nil {
		f.opts.OnEvent(ctx, ev)
	}
	return nil
}

// Hosts returns every known host, sorted by name.
func (f *Fleet) Hosts() []Host {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Host, 0, len(f.hosts))
	for _, h := range f.hosts {
		if !h.pending {
			out = append(out, h.Host)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Stale returns the hosts that are STALE now, sorted by name.
func (f *Fleet) Stale() []Host {
	var out []Host
	for _, h := range f.Hosts() {
		if h.Stale {
			out = append(out, h)
		}
	}
	return out
}

// MonitID returns the Monit id of the host named name when it is known from its pushes (a
// pushing host is registered by its id); "" for a polled host, a host known only from the
// history, or a name not heard. Actions on another host check the Monit they reach against it.
func (f *Fleet) MonitID(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if h, ok := f.byName[name]; ok && h.Source == SourcePush {
		return h.ID
	}
	return ""
}
