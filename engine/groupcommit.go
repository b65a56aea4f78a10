package engine

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// CycleRecord is one cycle for History.RecordCycle, as an item of a batch.
type CycleRecord struct {
	RecordedAt time.Time
	Status     Status
	Events     []Event
}

// BatchHistory is a History that stores the cycles of several hosts in one transaction (one
// commit for the lot). Each cycle gets its own result: errs[i] is the error of cycles[i]
// alone, which stored nothing of it and did not stop the others; err is the transaction's
// own failure, which stored none of them.
type BatchHistory interface {
	RecordCycles(ctx context.Context, cycles []CycleRecord) (out []RecordedCycle, errs []error, err error)
}

// groupCommit makes the cycles that are ready together share their commits: while one batch
// is being written (a history transaction, then a failure-state transaction, each with its
// fsync), the cycles that arrive wait, and the first of them then writes them all at once.
// A cycle alone is written at once, with no added delay. Guarded by mu.
type groupCommit struct {
	mu    sync.Mutex
	cond  *sync.Cond
	busy  bool // a batch is being written
	queue []*pendingCycle
}

// pendingCycle is one cycle waiting in a batch, and its result.
type pendingCycle struct {
	rec  CycleRecord
	next []FailureState // the failure states to save once the history has the cycle
	done bool

	out   RecordedCycle
	err   error
	after bool // err is AfterHistory's (the history committed)
}

// commit stores the history and then the failure state of one cycle, in a batch with the
// cycles ready at the same time. The stored RecordedCycle's ID is the cycle number of next.
func (in *Ingester) commit(ctx context.Context, rec CycleRecord, next []FailureState) (RecordedCycle, error) {
	g := &in.group
	p := &pendingCycle{rec: rec, next: next}
	g.mu.Lock()
	if g.cond == nil {
		g.cond = sync.NewCond(&g.mu)
	}
	g.queue = append(g.queue, p)
	for g.busy && !p.done {
		g.cond.Wait()
	}
	if !p.done {
		batch := g.queue
		g.queue, g.busy = nil, true
		g.mu.Unlock()
		// The batch is written for every cycle in it: one sender hanging up does not
		// abort the others' commit.
		in.writeBatch(context.WithoutCancel(ctx), batch)
		g.mu.Lock()
		for _, q := range batch {
			q.done = true
		}
		g.busy = false
		g.cond.Broadcast()
	}
	g.mu.Unlock()
	switch {
	case p.err == nil:
		return p.out, nil
	case p.after:
		return p.out, fmt.Errorf("after history: %w", p.err)
	}
	return p.out, p.err
}

// writeBatch records the batch's cycles in the history, then saves the failure states of
// those the history stored, in one transaction. A state store that fails fails every cycle
// of the batch; their history is kept and the next cycle of each host replays its events
// (catchUp).
func (in *Ingester) writeBatch(ctx context.Context, batch []*pendingCycle) {
	stored := in.recordBatch(ctx, batch)
	if len(stored) == 0 {
		return
	}
	if in.afterHist != nil {
		if err := in.afterHist(ctx); err != nil {
			for _, p := range stored {
				p.err, p.after = err, true
			}
			return
		}
	}
	var states []FailureState
	for _, p := range stored {
		for i := range p.next {
			p.next[i].Cycle = p.out.ID
		}
		states = append(states, p.next...)
	}
	if err := in.states.PutStates(ctx, states); err != nil {
		for _, p := range stored {
			p.err = fmt.Errorf("save failure state: %w", err)
		}
	}
}

// recordBatch stores the batch's cycles in the history (in one transaction when it is a
// BatchHistory) and returns those stored.
func (in *Ingester) recordBatch(ctx context.Context, batch []*pendingCycle) []*pendingCycle {
	stored := make([]*pendingCycle, 0, len(batch))
	bh, ok := in.hist.(BatchHistory)
	if !ok {
		for _, p := range batch {
			p.out, p.err = in.hist.RecordCycle(ctx, p.rec.RecordedAt, p.rec.Status, p.rec.Events)
			if p.err != nil {
				p.err = fmt.Errorf("store history: %w", p.err)
				continue
			}
			stored = append(stored, p)
		}
		return stored
	}
	recs := make([]CycleRecord, len(batch))
	for i, p := range batch {
		recs[i] = p.rec
	}
	out, errs, err := bh.RecordCycles(ctx, recs)
	for i, p := range batch {
		switch {
		case err != nil:
			p.err = fmt.Errorf("store history: %w", err)
		case errs[i] != nil:
			p.err = fmt.Errorf("store history: %w", errs[i])
		default:
			p.out = out[i]
			stored = append(stored, p)
		}
	}
	return stored
}
