package analyze

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"monit-intel/engine"
)

// Queue runs the model's part of a cycle's analyses off the ingest path, so that a slow or
// busy model never delays the next cycle. The rules' analysis of each new failure is stored at
// once (with the model's earlier answer to the same failure when there is one); the model's
// analysis follows from the queue, as a newer analysis, when the model answers. The queue holds at most a fixed number
// of failures; beyond that the rules' analysis says the model was busy. It is safe for
// concurrent use.
type Queue struct {
	a    *Analyzer
	size int
	log  *slog.Logger
	wake chan struct{}

	mu      sync.Mutex
	pending []job
}

// job is one failure waiting for the model.
type job struct {
	snap    engine.Snapshot
	eventID int64
}

// Why the model's part of an analysis stored by AfterCycle is missing.
const whyQueued = "the model was not asked yet: its analysis is queued and, when it answers, follows as a newer analysis"

// NewQueue returns a Queue for a, holding at most size failures (at least 1). Run works
// through it.
func NewQueue(a *Analyzer, size int) *Queue {
	return &Queue{a: a, size: max(size, 1), log: a.log.With("queue", "analysis"), wake: make(chan struct{}, 1)}
}

// AfterCycle stores the rules' analysis of each service the cycle classified NEW or CHANGED
// and queues those that need the model, without waiting for it. A service already waiting
// keeps its place with the newer snapshot. It returns how many it queued; the error is about
// storing. AfterCycle is meant for one caller at a time (the ingest job).
func (q *Queue) AfterCycle(ctx context.Context, res engine.CycleResult) (queued int, err error) {
	var errs []error
	for _, c := range res.Services {
		if !needsAnalysis(c) {
			continue
		}
		j := job{snap: c.Snapshot, eventID: eventID(c)}
		room := q.hasRoom(j)
		why := whyQueued
		if !room {
			why = fmt.Sprintf("%v: %d analyses were already waiting for it", engine.ErrLLMBusy, q.size)
		}
		_, ask, err := q.a.AnalyzeNow(ctx, j.snap, j.eventID, why)
		if err != nil {
			errs = append(errs, err)
		}
		if ask && room && q.add(j) {
			queued++
		}
	}
	if queued > 0 {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
	return queued, errors.Join(errs...)
}

// hasRoom reports whether j can be queued: its service is already waiting or there is space.
func (q *Queue) hasRoom(j job) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.index(j) >= 0 || len(q.pending) < q.size
}

// add queues j in place of a waiting job of the same service, or at the end.
func (q *Queue) add(j job) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if i := q.index(j); i >= 0 {
		q.pending[i] = j // the newer failure is the one worth explaining
		return true
	}
	if len(q.pending) >= q.size {
		return false
	}
	q.pending = append(q.pending, j)
	return true
}

// index is the place of j's service (host and name) in the queue, -1 when it is not waiting;
// q.mu is held.
func (q *Queue) index(j job) int {
	for i, p := range q.pending {
		if p.snap.Host == j.snap.Host && p.snap.Name == j.snap.Name {
			return i
		}
	}
	return -1
}

// Len is the number of failures waiting for the model.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// Run asks the model about the waiting failures one after another, oldest first, until ctx
// ends. Each answer is stored as a newer, whole analysis; a failure the model did not answer
// keeps the rules' analysis AfterCycle stored (the reason is logged), and so do the failures
// still waiting at the end. It returns ctx's error.
func (q *Queue) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		j, ok := q.pop()
		if !ok {
			select {
			case <-q.wake:
			case <-ctx.Done():
			}
			continue
		}
		_, err := q.a.AnalyzeModel(ctx, j.snap, j.eventID)
		switch {
		case err == nil || ctx.Err() != nil:
		case errors.Is(err, errNoAnswer):
			// The rules' analysis stands; /health says when the model is down.
			q.log.Warn("the model did not answer; the rules' analysis stands", "host", j.snap.Host, "service", j.snap.Name, "err", err)
		default:
			q.log.Error("analysis failed", "host", j.snap.Host, "service", j.snap.Name, "err", err)
		}
	}
	if n := q.Len(); n > 0 {
		q.log.Info("stopped with failures waiting for the model; they keep the rules' analysis", "waiting", n)
	}
	return ctx.Err()
}

func (q *Queue) pop() (job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return job{}, false
	}
	j := q.pending[0]
	q.pending = q.pending[1:]
	return j, true
}
