package engine

import (
	"context"
	"fmt"
	"log/slog"
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
	// RecordCycle stores the snapshots and events of one cycle in one transaction and returns
	// the events with their IDs set.
	RecordCycle(ctx context.Context, st Status, events []Event) ([]Event, error)
	// Prune deletes snapshots collected before the cut-off and returns how many went.
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// Classified is one service's outcome of a cycle.
type Classified struct {
	Snapshot Snapshot
	State    FailureState
	Event    *Event
}

// CycleResult is what one ingest cycle did.
type CycleResult struct {
	Started  time.Time
	Duration time.Duration
	Host     string
	Services []Classified
	Events   []Event
	Pruned   int64
}

// Ingester runs ingest cycles: fetch, store, classify, prune.
type Ingester struct {
	src       StatusSource
	states    StateStore
	hist      History
	retention time.Duration
	now       func() time.Time
	logger    *slog.Logger
	notes     noteLog
}

// IngesterOptions configures an Ingester. Now defaults to time.Now.
type IngesterOptions struct {
	Retention time.Duration
	Now       func() time.Time
	Logger    *slog.Logger
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
		retention: opts.Retention, now: opts.Now,
		logger: opts.Logger.With("component", "ingest"),
	}
}

// RunCycle runs one cycle. When fetching or storing fails nothing is written: the history
// transaction is all or nothing, and the failure state is only saved after the history
// committed, so the next cycle sees the same transitions again.
func (in *Ingester) RunCycle(ctx context.Context) (CycleResult, error) {
	res := CycleResult{Started: in.now()}
	st, err := in.src.Fetch(ctx)
	if err != nil {
		return res, fmt.Errorf("fetch: %w", err)
	}
	res.Host = st.Host
	in.notes.log(in.logger, st.Services)
	prev, err := in.states.States(ctx)
	if err != nil {
		return res, fmt.Errorf("load failure state: %w", err)
	}
	var events []Event
	next := make([]FailureState, 0, len(st.Services))
	res.Services = make([]Classified, 0, len(st.Services))
	for _, snap := range st.Services {
		p, ok := prev[ServiceKey{Host: snap.Host, Service: snap.Name}]
		state, ev := Classify(p, ok, snap)
		next = append(next, state)
		if ev != nil {
			events = append(events, *ev)
		}
		res.Services = append(res.Services, Classified{Snapshot: snap, State: state})
	}
	stored, err := in.hist.RecordCycle(ctx, st, events)
	if err != nil {
		return res, fmt.Errorf("store history: %w", err)
	}
	res.Events = stored
	in.linkEvents(&res)
	if err := in.states.PutStates(ctx, next); err != nil {
		return res, fmt.Errorf("save failure state: %w", err)
	}
	if in.retention > 0 {
		n, err := in.hist.Prune(ctx, in.now().Add(-in.retention))
		if err != nil {
			return res, fmt.Errorf("prune history: %w", err)
		}
		res.Pruned = n
	}
	res.Duration = in.now().Sub(res.Started)
	in.logger.Info("cycle done", "host", res.Host, "services", len(res.Services),
		"events", len(res.Events), "pruned", res.Pruned, "duration_ms", res.Duration.Milliseconds())
	return res, nil
}

// linkEvents points each classified service at its stored event.
func (in *Ingester) linkEvents(res *CycleResult) {
	byKey := make(map[ServiceKey]*Event, len(res.Events))
	for i := range res.Events {
		e := &res.Events[i]
		byKey[ServiceKey{Host: e.Host, Service: e.Service}] = e
	}
	for i := range res.Services {
		c := &res.Services[i]
		c.Event = byKey[c.State.Key()]
	}
}
