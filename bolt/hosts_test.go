package bolt

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"monit-intel/engine"
	"monit-intel/engine/fleet"
)

type nopIngest struct{}

func (nopIngest) Ingest(_ context.Context, st engine.Status) (engine.CycleResult, error) {
	return engine.CycleResult{Host: st.Host}, nil
}

func (nopIngest) AfterCycle(context.Context, engine.CycleResult, error) {}

type hostEvents struct{ got []engine.Event }

func (h *hostEvents) RecordCycle(_ context.Context, _ time.Time, _ engine.Status, evs []engine.Event) (engine.RecordedCycle, error) {
	h.got = append(h.got, evs...)
	return engine.RecordedCycle{Events: evs}, nil
}

func TestHostsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1795507200, 123).UTC()
	want := []fleet.Host{
		{ID: "a1", Name: "alpha", Source: fleet.SourcePush, Interval: 30 * time.Second, LastSeen: at, Messages: 7},
		{ID: "a2", Name: "gamma", Source: fleet.SourcePush, Interval: time.Second, LastSeen: at, Messages: 1, User: "mönit"},
		{ID: "poll:beta", Name: "beta", Source: fleet.SourcePoll, Interval: time.Minute, LastSeen: at,
			Stale: true, StaleSince: at.Add(time.Minute), Messages: 2},
	}
	if err := s.SaveHosts(t.Context(), want); err != nil {
		t.Fatalf("SaveHosts() = %v", err)
	}
	if err := s.SaveHosts(t.Context(), want[1:]); err != nil { // alpha's name was taken over
		t.Fatalf("SaveHosts() = %v", err)
	}
	s.Close()
	if s, err = Open(dir, time.Second); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.LoadHosts(t.Context())
	if err != nil {
		t.Fatalf("LoadHosts() = %v", err)
	}
	if !slices.Equal(got, want[1:]) {
		t.Errorf("LoadHosts() = %+v, want %+v", got, want[1:])
	}
}

// TestHostWithoutUser: a host saved before hosts were bound to their collector user reads
// back without one (the fleet binds it at its next push).
func TestHostWithoutUser(t *testing.T) {
	s, err := Open(t.TempDir(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old := `{"v":1,"id":"a1","name":"alpha","source":"push","interval_ns":30000000000,"last_seen":1,"messages":7}`
	if err := s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketHosts).Put([]byte("a1"), []byte(old)) }); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadHosts(t.Context())
	if err != nil || len(got) != 1 || got[0].Name != "alpha" || got[0].User != "" {
		t.Errorf("LoadHosts() = %+v, %v; want alpha without a user", got, err)
	}
}

// TestFleetRegistryAcrossRestart runs a Fleet over a real state file, closes it and starts
// another over the same file: the host silent since is STALE once, then RECOVERED.
func TestFleetRegistryAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	msg, err := os.ReadFile("../engine/fleet/testdata/heartbeat.xml") // <poll>5</poll>
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1795507200, 0)
	clock := func() time.Time { return now }
	start := func() (*fleet.Fleet, *hostEvents, *Store) {
		s, err := Open(dir, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		ev := &hostEvents{}
		f := fleet.New(nopIngest{}, nopIngest{}, ev, fleet.Options{Now: clock, Store: s})
		if _, err := f.Restore(t.Context()); err != nil {
			t.Fatalf("Restore() = %v", err)
		}
		return f, ev, s
	}
	f, _, s := start()
	if _, err := f.Push(t.Context(), "monit", msg); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	now = now.Add(2 * time.Second)
	for i := range 2 { // two restarts while the host stays silent
		f, ev, s := start()
		now = now.Add(20 * time.Second)
		if _, err := f.CheckStale(t.Context()); err != nil {
			t.Fatal(err)
		}
		wantEvents := 1 - i // STALE after the first restart only
		if len(ev.got) != wantEvents || len(f.Stale()) != 1 {
			t.Fatalf("restart %d: events %+v, stale %+v; want %d STALE event(s) and vm stale", i+1, ev.got, f.Stale(), wantEvents)
		}
		s.Close()
	}
	f, ev, s := start()
	defer s.Close()
	if _, err := f.Push(t.Context(), "monit", msg); err != nil {
		t.Fatal(err)
	}
	if len(ev.got) != 1 || ev.got[0].Kind != engine.StateRecovered || len(f.Stale()) != 0 {
		t.Errorf("after the host speaks: events %+v, stale %+v; want RECOVERED", ev.got, f.Stale())
	}
	if _, err := f.Push(t.Context(), "eve", msg); !errors.Is(err, fleet.ErrOtherUser) {
		t.Errorf("Push() as another collector user after restarts = %v, want ErrOtherUser", err)
	}
}
