package bolt

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/notify"
)

var ob0 = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)

func outboxItem(id, target string, next time.Time, held bool) notify.Item {
	return notify.Item{ID: id, Target: target, NextAt: next, Held: held, CreatedAt: next,
		Message: notify.Message{Version: 1, ID: id, Kind: "NEW", At: ob0, Host: "box", Service: "nginx", Title: "NEW box/nginx"}}
}

func ids(items []notify.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestOutboxOrderHoldsAndReschedule(t *testing.T) {
	s, err := Open(t.TempDir(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	err = s.Enqueue(ctx, []notify.Item{
		outboxItem("late", "t1", ob0.Add(time.Hour), false),
		outboxItem("first", "t1", ob0, false),
		outboxItem("held", "t1", ob0.Add(2*time.Minute), true),
		outboxItem("held-other", "t2", ob0.Add(2*time.Minute), true),
	})
	if err != nil {
		t.Fatal(err)
	}
	due, err := s.Due(ctx, ob0.Add(time.Minute), 10)
	if err != nil || !slices.Equal(ids(due), []string{"first"}) {
		t.Fatalf("Due(+1m) = %v, %v; want [first]", ids(due), err)
	}
	if n, err := s.CancelHeld(ctx, "t1", "box", "nginx", ob0.Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("CancelHeld() = %d, %v; want 1 (the other target's hold stays)", n, err)
	}
	next := due[0]
	next.NextAt, next.Attempts, next.LastError = ob0.Add(3*time.Hour), 1, "500 Internal Server Error"
	if err := s.Reschedule(ctx, due[0], next); err != nil {
		t.Fatal(err)
	}
	due, _ = s.Due(ctx, ob0.Add(24*time.Hour), 10)
	if want := []string{"held-other", "late", "first"}; !slices.Equal(ids(due), want) {
		t.Errorf("Due(+24h) = %v, want %v", ids(due), want)
	}
	if last := due[2]; last.Attempts != 1 || last.LastError == "" || last.Message.Title != "NEW box/nginx" {
		t.Errorf("rescheduled item = %+v", last)
	}
	if n, _ := s.OutboxDepth(ctx); n != 3 {
		t.Errorf("OutboxDepth() = %d, want 3", n)
	}
}

// TestOutboxSurvivesARestart: messages queued before a crash are in the reopened file and
// reach the target once.
func TestOutboxSurvivesARestart(t *testing.T) {
	var mu sync.Mutex
	keys := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys[r.Header.Get("Idempotency-Key")]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	targets := []notify.Target{{URL: srv.URL + "/hook"}}
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	n := notify.New(targets, s, notify.Options{Now: func() time.Time { return ob0 }})
	res := engine.CycleResult{Started: ob0, Events: []engine.Event{
		{ID: 1, At: ob0, Host: "box", Service: "nginx", Kind: engine.StateNew, Detail: "Does not exist"},
		{ID: 2, At: ob0, Host: "box", Service: "cron", Kind: engine.StateNew, Detail: "Does not exist"}}}
	if err := n.AfterCycle(t.Context(), res); err != nil {
		t.Fatal(err)
	}
	s.Close() // the daemon stops before the dispatcher ran

	s, err = Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if d, _ := s.OutboxDepth(t.Context()); d != 2 {
		t.Fatalf("outbox depth after restart %d, want 2", d)
	}
	d := notify.NewDispatcher(s, targets, notify.DispatcherOptions{Now: func() time.Time { return ob0.Add(time.Second) }})
	for range 3 {
		if err := d.Flush(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(keys) != 2 {
		t.Errorf("delivered %d distinct messages, want 2", len(keys))
	}
	for k, c := range keys {
		if c != 1 {
			t.Errorf("message %s delivered %d times, want once", k, c)
		}
	}
	if depth, _ := s.OutboxDepth(t.Context()); depth != 0 {
		t.Errorf("outbox depth after delivery %d, want 0", depth)
	}
}
