package engine

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
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

func (f *fakeHistory) RecordCycle(_ context.Context, _ time.Time, _ Status, ev []Event) (RecordedCycle, error) {
	if f.recordErr != nil {
		return RecordedCycle{}, f.recordErr
	}
	f.cycles++
	for i := range ev {
		ev[i].ID = int64(len(f.events) + 1)
		ev[i].Cycle = int64(f.cycles)
		f.events = append(f.events, ev[i])
	}
	return RecordedCycle{ID: int64(f.cycles), Events: ev}, nil
}

func (f *fakeHistory) EventsAfterCycle(_ context.Context, cycle int64) ([]Event, error) {
	var out []Event
	for _, e := range f.events {
		if e.Cycle > cycle {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeHistory) Prune(_ context.Context, before time.Time) (int64, error) {
	f.prunedAt = before
	return 0, nil
}

func statusWith(bits StatusBits, at time.Time) Status {
	return Status{Host: "vm", Services: []Snapshot{
		{Host: "vm", Name: "job", Type: TypeProgram, Status: bits, CollectedAt: at, Monitor: MonitorYes},
		{Host: "vm", Name: "web", Type: TypeProcess, CollectedAt: at, Monitor: MonitorYes},
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

// TestIngesterCrashBetweenStores stops a cycle exactly between the history commit and the
// state save (the AfterHistory failpoint), at every step of a failure's life: the next cycle
// must not record any transition twice.
func TestIngesterCrashBetweenStores(t *testing.T) {
	now := time.Unix(1795507134, 0)
	sequence := []StatusBits{0, BitStatus, BitStatus, BitStatus | BitExec, 0, 0, BitStatus, 0}
	for crashAt := range sequence {
		states, hist := &fakeStates{states: map[ServiceKey]FailureState{}}, &fakeHistory{}
		i := 0
		src := fakeSource{fetch: func(context.Context) (Status, error) {
			return statusWith(sequence[i], now.Add(time.Duration(i)*time.Minute)), nil
		}}
		crash := errors.New("crash")
		for i = range sequence {
			opts := IngesterOptions{Now: func() time.Time { return now }}
			if i == crashAt {
				opts.AfterHistory = func(context.Context) error { return crash }
			}
			_, err := NewIngester(src, states, hist, opts).RunCycle(t.Context())
			if i == crashAt != errors.Is(err, crash) {
				t.Fatalf("crash at %d, cycle %d: %v", crashAt, i, err)
			}
		}
		var kinds []State
		for _, e := range hist.events {
			if e.Service == "job" {
				kinds = append(kinds, e.Kind)
			}
		}
		want := []State{StateNew, StateChanged, StateRecovered, StateNew, StateRecovered}
		if !slices.Equal(kinds, want) {
			t.Errorf("crash at cycle %d: events %v, want %v", crashAt, kinds, want)
		}
		if f := states.states[ServiceKey{"vm", "job"}].Failures; f != 2 {
			t.Errorf("crash at cycle %d: failures = %d, want 2", crashAt, f)
		}
	}
}

func TestCheckClock(t *testing.T) {
	now := time.Unix(1795507134, 0)
	doc := func(poll int, at ...time.Time) Status {
		st := Status{Host: "vm", PollSec: poll}
		for _, a := range at {
			st.Services = append(st.Services, Snapshot{CollectedAt: a})
		}
		return st
	}
	tests := []struct {
		name       string
		st         Status
		wantSkewed bool
		wantOffset int64
	}{
		{"in step", doc(30, now.Add(-10*time.Second)), false, 0},
		{"one poll interval old", doc(120, now.Add(-2*time.Minute)), false, 0},
		{"a stale service beside a fresh one", doc(30, now.Add(-time.Hour), now.Add(-time.Second)), false, 0},
		{"ahead by 4 minutes", doc(30, now.Add(4*time.Minute)), false, 240},
		{"ahead by 6 minutes", doc(30, now.Add(6*time.Minute)), true, 360},
		{"behind by 10 minutes", doc(60, now.Add(-11*time.Minute)), true, -600},
		{"a replayed document", doc(30, now.Add(-40*24*time.Hour)), true, -40*24*3600 + 30},
		{"no services", doc(30), false, 0},
	}
	for _, tt := range tests {
		got := CheckClock(tt.st, now)
		if got.Skewed != tt.wantSkewed || got.OffsetSec != tt.wantOffset || (got.Detail != "") != tt.wantSkewed {
			t.Errorf("%s: CheckClock() = %+v, want skewed %v offset %d", tt.name, got, tt.wantSkewed, tt.wantOffset)
		}
	}
}

// TestHostEventsAreNotReplayed: a fleet host's STALE and RECOVERED, stored between two of its
// cycles under InstanceService, are no failure state the state store missed: the next cycle
// neither replays them nor warns that the state lagged. An event of a checked service that
// Monit calls "Monit" still is.
func TestHostEventsAreNotReplayed(t *testing.T) {
	now := time.Unix(1795507134, 0)
	for _, tc := range []struct {
		name       string
		checked    bool // the host has a checked service called "Monit" with a stored state
		events     []State
		wantReplay bool
	}{
		{"STALE then RECOVERED", false, []State{StateStale, StateRecovered}, false},
		{"STALE alone", false, []State{StateStale}, false},
		{"a checked service named Monit", true, []State{StateNew}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			states, hist := &fakeStates{states: map[ServiceKey]FailureState{}}, &fakeHistory{}
			src := fakeSource{fetch: func(context.Context) (Status, error) { return statusWith(0, now), nil }}
			var log bytes.Buffer
			in := NewIngester(src, states, hist, IngesterOptions{Now: func() time.Time { return now },
				Logger: slog.New(slog.NewTextHandler(&log, nil))})
			if _, err := in.RunCycle(t.Context()); err != nil {
				t.Fatal(err)
			}
			monit := ServiceKey{Host: "vm", Service: InstanceService}
			if tc.checked {
				st := states.states[ServiceKey{Host: "vm", Service: "web"}]
				st.Service = InstanceService
				states.states[monit] = st
			}
			var evs []Event
			for _, k := range tc.events {
				evs = append(evs, Event{At: now, Host: "vm", Service: InstanceService, Kind: k, Status: BitStatus})
			}
			if _, err := hist.RecordCycle(t.Context(), now, Status{Host: "vm"}, evs); err != nil {
				t.Fatal(err)
			}
			if _, err := in.RunCycle(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(log.String(), "lagged"); got != tc.wantReplay {
				t.Errorf("replayed = %v, want %v; log:\n%s", got, tc.wantReplay, log.String())
			}
			if _, ok := states.states[monit]; ok != tc.checked {
				t.Errorf("failure state of %s stored = %v, want %v", InstanceService, ok, tc.checked)
			}
		})
	}
}
