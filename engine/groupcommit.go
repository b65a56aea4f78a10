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

// batcher makes the writes that are ready together share one transaction: while one batch
// is being written (a transaction and its fsync), the items that arrive wait, and the first
// of them then writes them all at once. An item alone is written at once, with no added
// delay. Guarded by mu.
type batcher[T any] struct {
	mu    sync.Mutex
	cond  *sync.Cond
	busy  bool // a batch is being written
	queue []*batchItem[T]
}

type batchItem[T any] struct {
	v    *T
	done bool
}

// do has v written by write, in a batch with the items ready at the same time; write sets
// each item's result in it. The batch is written for every item in it: one caller hanging up
// does not abort the others' commit.
func (b *batcher[T]) do(ctx context.Context, v *T, write func(ctx context.Context, batch []*T)) {
	it := &batchItem[T]{v: v}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cond == nil {
		b.cond = sync.NewCond(&b.mu)
	}
	b.queue = append(b.queue, it)
	for b.busy && !it.done {
		b.cond.Wait()
	}
	if it.done {
		return
	}
	items := b.queue
	b.queue, b.busy = nil, true
	b.mu.Unlock()
	batch := make([]*T, len(items))
	for i, q := range items {
		batch[i] = q.v
	}
	write(context.WithoutCancel(ctx), batch)
	b.mu.Lock()
	for _, q := range items {
		q.done = true
	}
	b.busy = false
	b.cond.Broadcast()
}

// historyItem is one cycle in a history batch, and its result.
type historyItem struct {
	rec CycleRecord
	out RecordedCycle
	err error
}

// stateItem is one cycle's failure states in a state-store batch, and its result.
type stateItem struct {
	states []FailureState
	err    error
}

// commit stores the history and then the failure state of one cycle. Each of the two is a
// batch with the cycles ready at the same time (a push's state save overlaps the next
// batch's history transaction). The RecordedCycle's ID is the cycle number of next.
func (in *Ingester) commit(ctx context.Context, rec CycleRecord, next []FailureState) (RecordedCycle, error) {
	h := &historyItem{rec: rec}
	in.histBatch.do(ctx, h, in.recordBatch)
	if h.err != nil {
		return RecordedCycle{}, fmt.Errorf("store history: %w", h.err)
	}
	if in.afterHist != nil {
		if err := in.afterHist(ctx); err != nil {
			return h.out, fmt.Errorf("after history: %w", err)
		}
	}
	for i := range next {
		next[i].Cycle = h.out.ID
	}
	st := &stateItem{states: next}
	in.stateBatch.do(ctx, st, in.saveBatch)
	if st.err != nil {
		return h.out, fmt.Errorf("save failure state: %w", st.err)
	}
	return h.out, nil
}

// recordBatch stores the batch's cycles in the history: in one transaction when it is a
// BatchHistory, where a failed transaction fails every cycle of the batch.
func (in *Ingester) recordBatch(ctx context.Context, batch []*historyItem) {
	bh, ok := in.hist.(BatchHistory)
	if !ok {
		for _, h := range batch {
			h.out, h.err = in.hist.RecordCycle(ctx, h.rec.RecordedAt, h.rec.Status, h.rec.Events)
		}
		return
	}
	recs := make([]CycleRecord, len(batch))
	for i, h := range batch {
		recs[i] = h.rec
	}
	out, errs, err := bh.RecordCycles(ctx, recs)
	for i, h := range batch {
		if h.err = err; err == nil {
			h.out, h.err = out[i], errs[i]
		}
	}
}

// saveBatch saves the batch's failure states in one transaction; a failure fails every cycle
// of the batch, whose history is kept: the next cycle of each host replays its events
// (catchUp).
func (in *Ingester) saveBatch(ctx context.Context, batch []*stateItem) {
	var states []FailureState
	for _, s := range batch {
		states = append(states, s.states...)
	}
	err := in.states.PutStates(ctx, states)
	for _, s := range batch {
		s.err = err
	}
}
