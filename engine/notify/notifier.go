package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"monit-intel/engine"
)

// Options configure a Notifier; zero values take the defaults.
type Options struct {
	// BaseURL is the web UI's address as people reach it (notify_base_url); approval links
	// point under it. Empty: messages say where to approve without a link.
	BaseURL string
	// FlapChanges state changes within FlapWindow make a service flapping.
	FlapChanges int
	FlapWindow  time.Duration
	// RepeatWindow: a message identical to the last one a target got about the same service
	// within it is not sent again.
	RepeatWindow time.Duration
	Now          func() time.Time
	Logger       *slog.Logger
	// Wake is called after messages were queued (Dispatcher.Wake).
	Wake func()
}

// Defaults for flapping and repeats.
const (
	DefaultFlapChanges  = 5
	DefaultFlapWindow   = 30 * time.Minute
	DefaultRepeatWindow = 24 * time.Hour
	// rememberEvents bounds the events kept for the model's follow-up.
	rememberEvents = 1024
)

// Notifier decides what to send to which target and puts it in the outbox. It is safe for
// concurrent use: the ingest job, the analysis queue and the API call it.
type Notifier struct {
	targets []Target
	box     Outbox
	o       Options

	mu          sync.Mutex
	flaps       map[engine.ServiceKey]*flap
	last        map[string]sentKey
	analyses    map[int64]engine.Analysis // the rules' analyses of this cycle's events
	notified    map[int64]notifiedEvent   // events sent, for the model's follow-up
	order       []int64                   // notified's keys, oldest first
	lastCreated time.Time
}

type sentKey struct {
	key string
	at  time.Time
}

type notifiedEvent struct {
	msg   Message
	items []Item // one per target, as queued
}

type flap struct {
	changes  []time.Time
	flapping bool
	count    int
	first    time.Time
	state    string
}

// New returns a Notifier for targets, queueing into box.
func New(targets []Target, box Outbox, o Options) *Notifier {
	if o.FlapChanges <= 0 {
		o.FlapChanges = DefaultFlapChanges
	}
	if o.FlapWindow <= 0 {
		o.FlapWindow = DefaultFlapWindow
	}
	if o.RepeatWindow <= 0 {
		o.RepeatWindow = DefaultRepeatWindow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Wake == nil {
		o.Wake = func() {}
	}
	return &Notifier{targets: targets, box: box, o: o, flaps: map[engine.ServiceKey]*flap{},
		last: map[string]sentKey{}, analyses: map[int64]engine.Analysis{}, notified: map[int64]notifiedEvent{}}
}

// Analysis takes an analysis as it is stored. The rules' analysis of an event (stored before
// AfterCycle runs) becomes the summary of the event's message; the model's analysis of an event
// already notified follows as an ANALYSIS message to the same targets.
func (n *Notifier) Analysis(ctx context.Context, an engine.Analysis) error {
	if an.EventID == 0 || an.Summary == "" {
		return nil
	}
	n.mu.Lock()
	ev, sent := n.notified[an.EventID]
	if !sent {
		n.analyses[an.EventID] = an
		n.mu.Unlock()
		return nil
	}
	if an.Source != engine.SourceLLM || ev.msg.AnalysisSource == engine.SourceLLM {
		n.mu.Unlock()
		return nil
	}
	m := ev.msg
	m.Kind, m.At, m.Summary, m.AnalysisSource = KindAnalysis, an.At, an.Summary, an.Source
	m.ID = messageID(m.Kind, m.Host, m.Service, fmt.Sprint(an.EventID), an.At.String())
	m.render()
	var items []Item
	for _, it := range ev.items {
		f := it
		f.ID, f.Message = m.ID, m
		items = append(items, f)
	}
	ev.msg.AnalysisSource = engine.SourceLLM
	n.notified[an.EventID] = ev
	n.mu.Unlock()
	for i := range items {
		items[i].CreatedAt = n.created()
	}
	return n.enqueue(ctx, items)
}

// Proposal queues a message about a new pending proposal with its approval link.
func (n *Notifier) Proposal(ctx context.Context, p engine.Proposal) error {
	if p.State != engine.ProposalPending {
		return nil
	}
	m := Message{Kind: KindProposal, At: p.CreatedAt, Host: p.Host, Service: p.Service, ID: messageID(KindProposal, p.ID),
		Proposal: &ProposalInfo{ID: p.ID, Action: p.Action, Service: p.Service, Command: p.Command, Source: p.Source,
			ExpiresAt: p.ExpiresAt, ApproveURL: n.approveURL(p.ID)}}
	m.render()
	var items []Item
	for _, t := range n.targets {
		if t.matches(KindProposal, p.Host, p.Service) {
			items = append(items, n.item(t, m, m.At, false))
		}
	}
	return n.enqueue(ctx, items)
}

func (n *Notifier) approveURL(id string) string {
	if n.o.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(n.o.BaseURL, "/") + "/ui/approvals?id=" + url.QueryEscape(id)
}

// AfterCycle queues the messages about a cycle's events: it is the ingest job's event sink.
func (n *Notifier) AfterCycle(ctx context.Context, res engine.CycleResult) error {
	since := map[engine.ServiceKey]time.Time{}
	for _, c := range res.Services {
		since[c.State.Key()] = c.State.Since
	}
	var items []Item
	var errs []error
	for _, ev := range res.Events {
		its, err := n.event(ctx, ev, since[engine.ServiceKey{Host: ev.Host, Service: ev.Service}])
		items = append(items, its...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	items = append(items, n.quietFlappers()...)
	n.mu.Lock()
	for _, ev := range res.Events {
		delete(n.analyses, ev.ID)
	}
	n.mu.Unlock()
	if err := n.enqueue(ctx, items); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// event returns the items for one event, or the flapping message instead.
func (n *Notifier) event(ctx context.Context, ev engine.Event, since time.Time) ([]Item, error) {
	key := engine.ServiceKey{Host: ev.Host, Service: ev.Service}
	kind := string(ev.Kind)
	// Monit's "changed" tests (checksum, PID) are news, not state changes: they never flap.
	if ev.Kind != engine.StateChangeDetected {
		if m, suppressed := n.flapping(key, ev); suppressed {
			if m == nil {
				return nil, nil
			}
			return n.forTargets(*m, kind, ev.At), nil
		}
	}
	m := Message{Kind: kind, At: ev.At, Host: ev.Host, Service: ev.Service, Status: ev.Detail, EventID: ev.ID,
		ID: messageID(kind, ev.Host, ev.Service, fmt.Sprint(ev.ID), ev.At.String())}
	if !since.IsZero() && ev.Kind != engine.StateRecovered {
		s := since
		m.Since = &s
	}
	n.mu.Lock()
	if an, ok := n.analyses[ev.ID]; ok {
		m.Summary, m.AnalysisSource = an.Summary, an.Source
	}
	n.mu.Unlock()
	m.render()
	var items []Item
	for _, t := range n.targets {
		if !t.matches(kind, ev.Host, ev.Service) {
			continue
		}
		if ev.Kind == engine.StateRecovered {
			cancelled, err := n.box.CancelHeld(ctx, t.ID(), ev.Host, ev.Service, ev.At)
			if err != nil {
				return items, fmt.Errorf("cancel held messages: %w", err)
			}
			if cancelled > 0 {
				n.forget(t, m) // nothing was said, nothing to take back
				continue
			}
		}
		notBefore, held := ev.At, false
		if t.MinDuration > 0 && ev.Kind != engine.StateRecovered && !since.IsZero() && since.Add(t.MinDuration).After(ev.At) {
			notBefore, held = since.Add(t.MinDuration), true
		}
		if n.repeated(t, m) {
			continue
		}
		items = append(items, n.item(t, m, notBefore, held))
	}
	n.remember(ev.ID, m, items)
	return items, nil
}

// forTargets returns one item per target that wants the message (or the event kind it
// stands for).
func (n *Notifier) forTargets(m Message, eventKind string, at time.Time) []Item {
	var items []Item
	for _, t := range n.targets {
		if (t.matches(m.Kind, m.Host, m.Service) || t.matches(eventKind, m.Host, m.Service)) && !n.repeated(t, m) {
			items = append(items, n.item(t, m, at, false))
		}
	}
	return items
}

func (n *Notifier) item(t Target, m Message, notBefore time.Time, held bool) Item {
	return Item{ID: m.ID, Target: t.ID(), Message: m, NextAt: notBefore, Held: held, CreatedAt: n.created()}
}

// created is the clock's time, made strictly increasing: items due at the same time go out in
// the order they were made.
func (n *Notifier) created() time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	t := n.o.Now()
	if !t.After(n.lastCreated) {
		t = n.lastCreated.Add(time.Nanosecond)
	}
	n.lastCreated = t
	return t
}

// repeated reports whether the target got the same news about the service within the
// repeat window, and otherwise remembers this message as the last.
func (n *Notifier) repeated(t Target, m Message) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := t.ID() + "\x00" + m.Host + "\x00" + m.Service
	ck := m.contentKey()
	if l, ok := n.last[k]; ok && l.key == ck && m.At.Sub(l.at) < n.o.RepeatWindow {
		return true
	}
	n.last[k] = sentKey{key: ck, at: m.At}
	return false
}

// forget drops what the target last got about the message's service: its held message was
// cancelled, so the same news later is news again.
func (n *Notifier) forget(t Target, m Message) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.last, t.ID()+"\x00"+m.Host+"\x00"+m.Service)
}

func (n *Notifier) remember(id int64, m Message, items []Item) {
	if id == 0 || len(items) == 0 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.notified[id] = notifiedEvent{msg: m, items: items}
	n.order = append(n.order, id)
	if len(n.order) > rememberEvents {
		delete(n.notified, n.order[0])
		n.order = n.order[1:]
	}
}

func (n *Notifier) enqueue(ctx context.Context, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	if err := n.box.Enqueue(ctx, items); err != nil {
		return fmt.Errorf("queue notifications: %w", err)
	}
	n.o.Wake()
	return nil
}

// messageID is a stable idempotency key made of what identifies the message.
func messageID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:12])
}
