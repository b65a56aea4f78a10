package engine

import (
	"context"
	"errors"
	"testing"
	"time"
)

type fakeSource struct {
	fetch func(ctx context.Context) (Status, error)
}

func (f fakeSource) Fetch(ctx context.Context) (Status, error) { return f.fetch(ctx) }

type fakeStates struct {
	states map[ServiceKey]FailureState
	putErr error
	puts   int
}

func (f *fakeStates) States(context.Context) (map[ServiceKey]FailureState, error) {
	out := map[ServiceKey]FailureState{}
	for k, v := range f.states {
		out[k] = v
	}
	return out, nil
}

func (f *fakeStates) PutStates(_ context.Context, s []FailureState) error {
	if f.putErr != nil {
		return f.putErr
	}
	f.puts++
	for _, st := range s {
		f.states[st.Key()] = st
	}
	return nil
}

type fakeHistory struct {
	recordErr error
	cycles    int
	events    []Event
	prunedAt  time.Time
}

func (f *fakeHistory) RecordCycle(_ context.Context, _ Status, ev []Event) ([]Event, error) {
	if f.recordErr != nil {
		return nil, f.recordErr
	}
	f.cycles++
	for i := range ev {
		ev[i].ID = int64(len(f.events) + 1)
		f.events = append(f.events, ev[i])
	}
	return ev, nil
}

func (f *fakeHistory) Prune(_ context.Context, before time.Time) (int64, error) {
	f.prunedAt = before
	return 0, nil
}

func statusWith(bits StatusBits, at time.Time) Status {
	return Status{Host: "vm", Services: []Snapshot{
		{Host: "vm", Name: "job", Type: TypeProgram, Status: bits, CollectedAt: at},
		{Host: "vm", Name: "web", Type: TypeProcess, CollectedAt: at},
	}}
}

func TestIngesterLifecycle(t *testing.T) {
	now := time.Unix(1795507134, 0)
	sequence := []StatusBits{BitStatus, BitStatus, BitStatus | BitTimeout, 0, 0}
	wantStates := []State{StateNew, StateOngoing, StateChanged, StateRecovered, StateOK}
	i := 0
	src := fakeSource{fetch: func(context.Context) (Status, error) {
		return statusWith(sequence[i], now.Add(time.Duration(i)*time.Minute)), nil
	}}
	states, hist := &fakeStates{states: map[ServiceKey]FailureState{}}, &fakeHistory{}
	in := NewIngester(src, states, hist, IngesterOptions{Retention: time.Hour, Now: func() time.Time { return now }})
	for i = range sequence {
		res, err := in.RunCycle(t.Context())
		if err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		if got := res.Services[0].State.State; got != wantStates[i] {
			t.Errorf("cycle %d: job is %s, want %s", i, got, wantStates[i])
		}
		if ev := res.Services[0].Event; (ev != nil) != wantStates[i].IsEvent() || (ev != nil && ev.ID == 0) {
			t.Errorf("cycle %d: event = %+v", i, ev)
		}
	}
	if len(hist.events) != 3 {
		t.Errorf("events = %d, want NEW, CHANGED, RECOVERED", len(hist.events))
	}
	if !hist.prunedAt.Equal(now.Add(-time.Hour)) {
		t.Errorf("pruned before %v, want %v", hist.prunedAt, now.Add(-time.Hour))
	}
}

func TestIngesterWritesNothingPartial(t *testing.T) {
	now := time.Unix(1795507134, 0)
	boom := errors.New("boom")
	t.Run("fetch fails", func(t *testing.T) {
		states, hist := &fakeStates{states: map[ServiceKey]FailureState{}}, &fakeHistory{}
		in := NewIngester(fakeSource{fetch: func(context.Context) (Status, error) { return Status{}, boom }},
			states, hist, IngesterOptions{})
		if _, err := in.RunCycle(t.Context()); !errors.Is(err, boom) {
			t.Fatalf("RunCycle() error = %v, want boom", err)
		}
		if hist.cycles != 0 || states.puts != 0 {
			t.Errorf("wrote %d cycles and %d state saves after a failed fetch", hist.cycles, states.puts)
		}
	})
	t.Run("history fails, state untouched, next cycle repeats the event", func(t *testing.T) {
		states, hist := &fakeStates{states: map[ServiceKey]FailureState{}}, &fakeHistory{recordErr: boom}
		src := fakeSource{fetch: func(context.Context) (Status, error) { return statusWith(BitStatus, now), nil }}
		in := NewIngester(src, states, hist, IngesterOptions{})
		if _, err := in.RunCycle(t.Context()); !errors.Is(err, boom) {
			t.Fatalf("RunCycle() error = %v, want boom", err)
		}
		if states.puts != 0 {
			t.Fatal("failure state saved although the history was not")
		}
		hist.recordErr = nil
		res, err := in.RunCycle(t.Context())
		if err != nil || res.Services[0].State.State != StateNew || len(hist.events) != 1 {
			t.Errorf("retry: %v, state %s, %d events; want the NEW event recorded", err, res.Services[0].State.State, len(hist.events))
		}
	})
}
