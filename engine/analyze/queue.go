package analyze

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"monit-intel/engine"
)

// drainTimeout bounds storing the rules' analyses of the failures still waiting at shutdown.
const drainTimeout = 10 * time.Second

// Queue runs the analyses of a cycle's new failures off the ingest path, so that a slow or
// busy model never delays the next cycle. It holds at most a fixed number of waiting
// analyses; beyond that a failure gets the rules' analysis at once. It is safe for concurrent
// use.
type Queue struct {
	a    *Analyzer
	size int
	log  *slog.Logger
	wake chan struct{}

	mu      sync.Mutex
	pending []job
}

// job is one failure waiting for its analysis.
type job struct {
	snap    engine.Snapshot
	eventID int64
}

// NewQueue returns a Queue for a, holding at most size waiting analyses (at least 1). Run
// works through it.
func NewQueue(a *Analyzer, size int) *Queue {
	return &Queue{a: a, size: max(size, 1), log: a.log.With("queue", "analysis"), wake: make(chan struct{}, 1)}
}

// AfterCycle queues the analyses of the services the cycle classified NEW or CHANGED and
// returns without waiting for them. A service already waiting keeps its place with the newer
// snapshot. When the queue is full, the rules' analysis is stored at once and says the model
// was busy; the error is about storing those.
func (q *Queue) AfterCycle(ctx context.Context, res engine.CycleResult) (queued int, err error) {
	var overflow []job
	q.mu.Lock()
	for _, c := range res.Services {
		if !needsAnalysis(c) {
			continue
		}
		j := job{snap: c.Snapshot, eventID: eventID(c)}
		switch {
		case q.replace(j):
			queued++
		case len(q.pending) < q.size:
			q.pending = append(q.pending, j)
			queued++
		default:
			overflow = append(overflow, j)
		}
	}
	q.mu.Unlock()
	if queued > 0 {
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
	why := fmt.Sprintf("%v: %d analyses were already waiting", engine.ErrLLMBusy, q.size)
	return queued, q.rulesFor(ctx, overflow, why)
}

// replace puts j in place of a waiting job of the same service (host and name); q.mu is
// held. The newer failure is the one worth explaining.
func (q *Queue) replace(j job) bool {
	for i := range q.pending {
		if p := q.pending[i].snap; p.Host == j.snap.Host && p.Name == j.snap.Name {
			q.pending[i] = j
			return true
		}
	}
	return false
}

// Len is the number of analyses waiting.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// Run analyses the waiting failures one after another, oldest first, until ctx ends; an
// analysis that fails is logged and the next one goes on. The failures still waiting then get
// the rules' analysis, so none is left unexplained. It returns ctx's error.
func (q *Queue) Run(ctx context.Context) error {
	for {
		if ctx.Err() != nil {
			return q.drain(ctx)
		}
		j, ok := q.pop()
		if !ok {
			select {
			case <-q.wake:
				continue
			case <-ctx.Done():
				return q.drain(ctx)
			}
		}
		_, err := q.a.Analyze(ctx, j.snap, j.eventID, false)
		switch {
		case err != nil && ctx.Err() != nil:
			q.push(j) // cut short by shutdown: it gets the rules' analysis below
			return q.drain(ctx)
		case err != nil:
			q.log.Error("analysis failed", "service", j.snap.Name, "err", err)
		}
	}
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

func (q *Queue) push(j job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending = append(q.pending, j)
}

// drain stores the rules' analysis of every waiting failure, within drainTimeout of shutdown.
func (q *Queue) drain(ctx context.Context) error {
	q.mu.Lock()
	left := q.pending
	q.pending = nil
	q.mu.Unlock()
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	if err := q.rulesFor(dctx, left, "the daemon stopped before the model was asked"); err != nil {
		q.log.Error("analyses at shutdown", "err", err)
	}
	return ctx.Err()
}

// rulesFor stores the rules' analysis of each job, saying why the model was not asked.
func (q *Queue) rulesFor(ctx context.Context, jobs []job, why string) error {
	var errs []error
	for _, j := range jobs {
		if _, err := q.a.AnalyzeRules(ctx, j.snap, j.eventID, why); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
