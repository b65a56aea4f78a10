package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// StatusSource fetches one Monit status document.
type StatusSource interface {
	Fetch(ctx context.Context) (Status, error)
}

// StateStore keeps each service's FailureState between cycles (bbolt).
type StateStore interface {
	States(ctx context.Context) (map[ServiceKey]FailureState, error)
	PutStates(ctx context.Context, states []FailureState) error
}

// History is the long-term record (SQLite): every snapshot and every failure event.
type History interface {
	// RecordCycle stores the snapshots and events of one cycle in one transaction, with the
	// time monit-intel recorded them, and returns the cycle's ID and the events with their
	// IDs and cycle set.
	RecordCycle(ctx context.Context, recordedAt time.Time, st Status, events []Event) (RecordedCycle, error)
	// EventsAfterCycle returns the events recorded by cycles after the given one, oldest first.
	EventsAfterCycle(ctx context.Context, cycle int64) ([]Event, error)
	// Prune deletes snapshots recorded before the cut-off and returns how many went.
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// RecordedCycle is what History.RecordCycle stored.
type RecordedCycle struct {
	ID     int64
	Events []Event
}

// Classified is one service's outcome of a cycle.
type Classified struct {
	Snapshot Snapshot
	State    FailureState
	Event    *Event // the transition that led to State (NEW, CHANGED, RECOVERED, …), if any
}

// CycleResult is what one ingest cycle did.
type CycleResult struct {
	Started  time.Time
	Duration time.Duration
	Host     string
	Cycle    int64
	Services []Classified
	Events   []Event
	Pruned   int64
	Clock    ClockCheck
}

// Ingester runs ingest cycles: fetch, store, classify, prune.
type Ingester struct {
	src        StatusSource
	states     StateStore
	hist       History
	retention  time.Duration
	redactor   Redactor
	now        func() time.Time
	logger     *slog.Logger
	afterHist  func(ctx context.Context) error
	monitClock func() time.Time
	clockMu    sync.Mutex
	skewed     map[string]bool // hosts whose last cycle found Monit's clock off: logged once, not every cycle
	notes      noteLog
	histBatch  batcher[historyItem]
	stateBatch batcher[stateItem]
}

// IngesterOptions configures an Ingester. Now defaults to time.Now.
type IngesterOptions struct {
	Retention time.Duration
	// Redactor removes secrets from what Monit reports (RedactStatus) before it is stored or
	// classified; main always sets it.
	Redactor Redactor
	Now      func() time.Time
	// MonitClock is the time Monit's collection times are compared with (/health's clock
	// check), read after each fetch; nil: Now. A replay of recorded history gives its own
	// clock, so a day replayed at its times is not taken for a Monit a day behind.
	MonitClock func() time.Time
	Logger     *slog.Logger
	// AfterHistory is a failpoint for tests: it runs after the history committed and before
	// the failure state is saved, the one moment a crash leaves the two stores apart. An
	// error ends the cycle there. Nil in production.
	AfterHistory func(ctx context.Context) error
}

// NewIngester wires an Ingester.
func NewIngester(src StatusSource, states StateStore, hist History, opts IngesterOptions) *Ingester {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Ingester{
		src: src, states: states, hist: hist,
		retention: opts.Retention, redactor: opts.Redactor, now: opts.Now,
		logger:    opts.Logger.With("component", "ingest"),
		afterHist: opts.AfterHistory, monitClock: opts.MonitClock,
	}
}

// RunCycle runs one polling cycle: fetch, then ingest, then prune. When fetching or storing
// fails nothing is written: the history transaction is all or nothing, and the failure state
// is only saved after the history committed, so the next cycle sees the same transitions
// again. When the process stops between the two (the state store then lags the history), the
// next cycle first replays the events the history recorded, so no transition is recorded
// twice.
func (in *Ingester) RunCycle(ctx context.Context) (CycleResult, error) {
	started := in.now()
	st, err := in.src.Fetch(ctx)
	if err != nil {
		return CycleResult{Started: started}, fmt.Errorf("fetch: %w", err)
	}
	res, err := in.ingest(ctx, started, st)
	if err != nil {
		return res, err
	}
	if res.Pruned, err = in.Prune(ctx); err != nil {
		return res, err
	}
	res.Duration = in.now().Sub(res.Started)
	in.logger.Info("cycle done", "host", res.Host, "services", len(res.Services),
		"events", len(res.Events), "pruned", res.Pruned, "duration_ms", res.Duration.Milliseconds())
	return res, nil
}

// Ingest classifies and stores one status document that arrived without a fetch (a Monit
// pushing to the collector). It does not prune: pushes come many times a second across a
// fleet, so pruning is a job of its own (Prune). Concurrent calls (a fleet's hosts) share
// their commits (groupcommit.go).
func (in *Ingester) Ingest(ctx context.Context, st Status) (CycleResult, error) {
	res, err := in.ingest(ctx, in.now(), st)
	res.Duration = in.now().Sub(res.Started)
	return res, err
}

// Prune deletes history older than the retention and returns how many snapshots went.
func (in *Ingester) Prune(ctx context.Context) (int64, error) {
	if in.retention <= 0 {
		return 0, nil
	}
	n, err := in.hist.Prune(ctx, in.now().Add(-in.retention))
	if err != nil {
		return 0, fmt.Errorf("prune history: %w", err)
	}
	return n, nil
}

// HostStateStore is a StateStore that can read one host's states alone (bbolt keys start with
// the host), which keeps a fleet's pushes from reading every host's state.
type HostStateStore interface {
	HostStates(ctx context.Context, host string) (map[ServiceKey]FailureState, error)
}

func (in *Ingester) loadStates(ctx context.Context, host string) (map[ServiceKey]FailureState, error) {
	if hs, ok := in.states.(HostStateStore); ok {
		return hs.HostStates(ctx, host)
	}
	return in.states.States(ctx)
}

// ingest redacts, classifies and stores one status document, fetched or pushed.
func (in *Ingester) ingest(ctx context.Context, started time.Time, st Status) (CycleResult, error) {
	st = RedactStatus(in.redactor, st)
	res := CycleResult{Started: started, Host: st.Host}
	in.notes.log(in.logger, st.Services)
	prev, err := in.loadStates(ctx, st.Host)
	if err != nil {
		return res, fmt.Errorf("load failure state: %w", err)
	}
	if err := in.catchUp(ctx, st.Host, prev); err != nil {
		return res, err
	}
	var events []Event
	next := make([]FailureState, 0, len(st.Services))
	res.Services = make([]Classified, 0, len(st.Services))
	for _, snap := range st.Services {
		p, ok := prev[ServiceKey{Host: snap.Host, Service: snap.Name}]
		state, evs := Classify(p, ok, snap)
		next = append(next, state)
		events = append(events, evs...)
		res.Services = append(res.Services, Classified{Snapshot: snap, State: state})
	}
	rec, err := in.commit(ctx, CycleRecord{RecordedAt: res.Started, Status: st, Events: events}, next)
	if rec.ID != 0 {
		res.Cycle, res.Events = rec.ID, rec.Events
		for i := range res.Services {
			res.Services[i].State.Cycle = rec.ID
		}
		in.linkEvents(&res)
	}
	if err != nil {
		return res, err
	}
	ref := res.Started
	if in.monitClock != nil {
		ref = in.monitClock()
	}
	res.Clock = in.checkClock(st, ref)
	return res, nil
}

// checkClock compares Monit's clock with ours, logging when it goes off and when it agrees
// again, for each host (the fleet's hosts are ingested concurrently).
func (in *Ingester) checkClock(st Status, recordedAt time.Time) ClockCheck {
	c := CheckClock(st, recordedAt)
	in.clockMu.Lock()
	defer in.clockMu.Unlock()
	if c.Skewed != in.skewed[st.Host] {
		if in.skewed == nil {
			in.skewed = map[string]bool{}
		}
		in.skewed[st.Host] = c.Skewed
		if c.Skewed {
			in.logger.Warn("monit clock is off", "host", st.Host, "offset_sec", c.OffsetSec, "detail", c.Detail)
		} else {
			in.logger.Info("monit clock agrees again", "host", st.Host)
		}
	}
	return c
}

// catchUp replays onto prev the events of host's services that the history recorded after
// the last cycle the state store saved for them. Cycles are numbered across hosts, so the
// other hosts' events are skipped.
func (in *Ingester) catchUp(ctx context.Context, host string, prev map[ServiceKey]FailureState) error {
	var applied int64
	for _, f := range prev {
		applied = max(applied, f.Cycle)
	}
	lost, err := in.hist.EventsAfterCycle(ctx, applied)
	if err != nil {
		return fmt.Errorf("read events the failure state missed: %w", err)
	}
	replayed := 0
	for _, e := range lost {
		k := ServiceKey{Host: e.Host, Service: e.Service}
		if e.Host != host || isHostEvent(e, prev) {
			continue
		}
		prev[k] = Replay(prev[k], e)
		replayed++
	}
	if replayed > 0 {
		in.logger.Warn("failure state lagged the history; replayed its events", "after_cycle", applied, "events", replayed)
	}
	return nil
}

// isHostEvent tells a fleet host's own event (STALE, and the RECOVERED that ends it, stored
// under InstanceService) from a checked service's: it is no failure state of a service, so
// the catch-up leaves it out. A checked service that Monit happens to call "Monit" has a
// failure state of its own, and its events are replayed.
func isHostEvent(e Event, prev map[ServiceKey]FailureState) bool {
	if e.Kind == StateStale {
		return true
	}
	_, checked := prev[ServiceKey{Host: e.Host, Service: e.Service}]
	return e.Service == InstanceService && !checked
}

// linkEvents points each classified service at the stored event of its transition.
func (in *Ingester) linkEvents(res *CycleResult) {
	byKey := make(map[ServiceKey]*Event, len(res.Events))
	for i := range res.Events {
		e := &res.Events[i]
		if e.Kind != StateChangeDetected {
			byKey[ServiceKey{Host: e.Host, Service: e.Service}] = e
		}
	}
	for i := range res.Services {
		c := &res.Services[i]
		c.Event = byKey[c.State.Key()]
	}
}
