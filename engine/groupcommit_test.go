package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// batchHistory is a BatchHistory whose first batch waits for release, so that the cycles
// arriving meanwhile queue up into the next batch. fail decides each later batch's
// transaction error and failItem each cycle's own.
type batchHistory struct {
	fakeHistory
	mu       sync.Mutex
	entered  chan struct{}
	release  chan struct{}
	batches  [][]string // the hosts of each batch
	fail     error
	failItem string // the host whose cycle fails alone
}

func (h *batchHistory) RecordCycles(_ context.Context, cycles []CycleRecord) ([]RecordedCycle, []error, error) {
	h.mu.Lock()
	first := len(h.batches) == 0
	var hosts []string
	for _, c := range cycles {
		hosts = append(hosts, c.Status.Host)
	}
	h.batches = append(h.batches, hosts)
	h.mu.Unlock()
	if first {
		close(h.entered)
		<-h.release
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !first && h.fail != nil {
		return nil, nil, h.fail
	}
	out, errs := make([]RecordedCycle, len(cycles)), make([]error, len(cycles))
	for i, c := range cycles {
		if c.Status.Host == h.failItem {
			errs[i] = fmt.Errorf("%s refused", c.Status.Host)
			continue
		}
		out[i], _ = h.RecordCycle(context.Background(), c.RecordedAt, c.Status, c.Events)
	}
	return out, errs, nil
}

// lockedStates is fakeStates safe for the concurrent cycles.
type lockedStates struct {
	mu sync.Mutex
	fakeStates
}

func (s *lockedStates) States(ctx context.Context) (map[ServiceKey]FailureState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fakeStates.States(ctx)
}

func (s *lockedStates) PutStates(ctx context.Context, st []FailureState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fakeStates.PutStates(ctx, st)
}

func hostStatus(host string, at time.Time) Status {
	return Status{Host: host, Services: []Snapshot{{Host: host, Name: "job", Type: TypeProgram,
		Status: BitStatus, CollectedAt: at, Monitor: MonitorYes}}}
}

// TestGroupCommitBatches ingests one host while eight others arrive: the eight share the
// next batch, and each gets its batch's outcome: a failed transaction fails exactly them
// and saves none of their failure states, one failing cycle fails alone, a failed state
// save fails its whole batch.
func TestGroupCommitBatches(t *testing.T) {
	boom := errors.New("disk I/O error")
	cases := []struct {
		name            string
		fail, putErr    error
		failItem        string
		wantFailed      []string
		wantStatesSaved []string
	}{
		{name: "all stored", wantStatesSaved: hostNames(0, 9)},
		{name: "transaction fails", fail: boom, wantFailed: hostNames(1, 9), wantStatesSaved: hostNames(0, 1)},
		{name: "one cycle fails", failItem: "h3", wantFailed: []string{"h3"},
			wantStatesSaved: append(hostNames(0, 3), hostNames(4, 9)...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hist := &batchHistory{entered: make(chan struct{}), release: make(chan struct{}), failItem: c.failItem}
			states := &lockedStates{fakeStates: fakeStates{states: map[ServiceKey]FailureState{}}}
			in := NewIngester(nil, states, hist, IngesterOptions{})
			errs := make(map[string]error)
			var mu sync.Mutex
			var wg sync.WaitGroup
			ingest := func(host string) {
				defer wg.Done()
				res, err := in.Ingest(t.Context(), hostStatus(host, time.Unix(1795507200, 0)))
				mu.Lock()
				errs[host] = err
				mu.Unlock()
				if err == nil && (res.Cycle == 0 || res.Services[0].State.Cycle != res.Cycle || len(res.Events) != 1) {
					t.Errorf("%s: result %+v without its cycle or event", host, res)
				}
			}
			wg.Add(1)
			go ingest("h0")
			<-hist.entered
			for _, h := range hostNames(1, 9) {
				wg.Add(1)
				go ingest(h)
			}
			waitQueued(t, in, 8)
			hist.mu.Lock()
			hist.fail = c.fail
			hist.mu.Unlock()
			close(hist.release)
			wg.Wait()
			if len(hist.batches) != 2 || len(hist.batches[1]) != 8 {
				t.Fatalf("batches = %v, want h0 then the other eight together", hist.batches)
			}
			for host, err := range errs {
				failed := slices.Contains(c.wantFailed, host)
				if (err != nil) != failed {
					t.Errorf("%s: Ingest() error = %v, want failed %v", host, err, failed)
				}
			}
			for _, h := range hostNames(0, 9) {
				_, saved := states.states[ServiceKey{Host: h, Service: "job"}]
				if saved != slices.Contains(c.wantStatesSaved, h) {
					t.Errorf("%s: failure state saved = %v", h, saved)
				}
			}
		})
	}
}

// TestGroupCommitStateSaveFails fails the failure-state save of a batch: every cycle of the
// batch is an error (the sender sends again), and the history kept them for catchUp.
func TestGroupCommitStateSaveFails(t *testing.T) {
	hist := &batchHistory{entered: make(chan struct{}), release: make(chan struct{})}
	close(hist.release)
	states := &lockedStates{fakeStates: fakeStates{states: map[ServiceKey]FailureState{}, putErr: errors.New("bolt: tx closed")}}
	in := NewIngester(nil, states, hist, IngesterOptions{})
	_, err := in.Ingest(t.Context(), hostStatus("h0", time.Unix(1795507200, 0)))
	if err == nil || !errors.Is(err, states.putErr) {
		t.Fatalf("Ingest() error = %v, want the state store's", err)
	}
	if hist.cycles != 1 {
		t.Errorf("history cycles = %d, want the one kept for catchUp", hist.cycles)
	}
}

func waitQueued(t *testing.T, in *Ingester, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		in.histBatch.mu.Lock()
		queued := len(in.histBatch.queue)
		in.histBatch.mu.Unlock()
		if queued == n {
			return
		}
	}
	t.Fatalf("%d cycles never queued", n)
}

func hostNames(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("h%d", i))
	}
	return out
}
