package analyze

import (
	"context"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm/ollamafake"
)

// dayHistory is an in-memory engine.History over memStore's events.
type dayHistory struct{ *memStore }

func (h dayHistory) RecordCycle(_ context.Context, _ time.Time, _ engine.Status, ev []engine.Event) (engine.RecordedCycle, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range ev {
		ev[i].ID = int64(len(h.events) + 1)
		h.events = append(h.events, ev[i])
	}
	return engine.RecordedCycle{Events: ev}, nil
}

func (h dayHistory) EventsAfterCycle(context.Context, int64) ([]engine.Event, error) { return nil, nil }

func (h dayHistory) Prune(context.Context, time.Time) (int64, error) { return 0, nil }

type dayStates map[engine.ServiceKey]engine.FailureState

func (d dayStates) States(context.Context) (map[engine.ServiceKey]engine.FailureState, error) {
	out := make(map[engine.ServiceKey]engine.FailureState, len(d))
	for k, v := range d {
		out[k] = v
	}
	return out, nil
}

func (d dayStates) PutStates(_ context.Context, s []engine.FailureState) error {
	for _, st := range s {
		d[st.Key()] = st
	}
	return nil
}

// dayOfCycles is 288 five-minute cycles of three services: a backup that fails for a while, a
// web check whose failure changes before it recovers, and a VPN that fails twice differently.
func dayOfCycles(i int, at time.Time) engine.Status {
	snap := func(name string, typ engine.ServiceType, bits engine.StatusBits) engine.Snapshot {
		return engine.Snapshot{Host: "nas", Name: name, Type: typ, Status: bits, CollectedAt: at, Monitor: engine.MonitorYes}
	}
	backup := snap("system_backup", engine.TypeProgram, 0)
	backup.Program = &engine.ProgramFigures{Started: at, Output: "ok"}
	if i >= 10 && i <= 40 {
		backup.Status = engine.BitStatus
		backup.Program.ExitStatus, backup.Program.Output = new(11), "rsync: No space left on device"
	}
	web := snap("web", engine.TypeHost, 0)
	switch {
	case i >= 100 && i < 120:
		web.Status = engine.BitConnection
	case i >= 120 && i < 150:
		web.Status = engine.BitConnection | engine.BitTimeout
	}
	vpn := snap("vpn", engine.TypeProcess, 0)
	switch {
	case i >= 200 && i < 205:
		vpn.Status = engine.BitNonExist
	case i >= 250 && i < 260:
		vpn.Status = engine.BitPID
	}
	return engine.Status{Host: "nas", Services: []engine.Snapshot{backup, web, vpn}}
}

// TestOngoingMakesNoCall replays a day of cycles: the model is called once per NEW or CHANGED
// event and never for ONGOING, OK or RECOVERED.
func TestOngoingMakesNoCall(t *testing.T) {
	fake := ollamafake.New(t, ollamafake.Reply{Content: goodAnswer})
	store := &memStore{}
	a := newAnalyzer(t, fake, store, 5*time.Second)
	start := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	i := 0
	src := sourceFunc(func(context.Context) (engine.Status, error) {
		return dayOfCycles(i, start.Add(time.Duration(i)*5*time.Minute)), nil
	})
	in := engine.NewIngester(src, dayStates{}, dayHistory{store}, engine.IngesterOptions{})
	for i = range 288 {
		res, err := in.RunCycle(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.AfterCycle(t.Context(), res); err != nil {
			t.Fatal(err)
		}
	}
	kinds := map[engine.State]int{}
	for _, e := range store.events {
		kinds[e.Kind]++
	}
	want := kinds[engine.StateNew] + kinds[engine.StateChanged]
	if kinds[engine.StateNew] != 4 || kinds[engine.StateChanged] != 1 || kinds[engine.StateRecovered] != 4 {
		t.Fatalf("events = %v, want 4 NEW, 1 CHANGED, 4 RECOVERED", kinds)
	}
	if fake.Calls() != want {
		t.Errorf("model calls = %d, want %d (NEW + CHANGED)", fake.Calls(), want)
	}
	if len(store.analyses) != want {
		t.Errorf("analyses = %d, want %d", len(store.analyses), want)
	}
}

type sourceFunc func(context.Context) (engine.Status, error)

func (f sourceFunc) Fetch(ctx context.Context) (engine.Status, error) { return f(ctx) }
