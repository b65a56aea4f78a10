package sqliteexport

import (
	"testing"
	"time"

	"monit-intel/engine"
)

func TestRecent(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	start := time.Unix(1795507200, 0).UTC() // a multiple of 30 minutes
	for i := range 12 {                     // every 10 minutes for 2 hours
		at := start.Add(time.Duration(i) * 10 * time.Minute)
		st := sampleStatus(at)
		st.Services[0].System.Load1 = ptr(float64(i)) // changes every cycle, so every cycle is stored
		if _, err := db.RecordCycle(ctx, at, st, nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Recent(ctx, start.Add(30*time.Minute), 30*time.Minute)
	if err != nil {
		t.Fatalf("Recent() error = %v", err)
	}
	if len(got) != len(sampleStatus(start).Services) {
		t.Errorf("Recent() has %d services, want every one", len(got))
	}
	vm := got[engine.ServiceKey{Host: "vm", Service: "vm"}]
	var loads []float64
	for i, s := range vm {
		loads = append(loads, *s.System.Load1)
		if i > 0 && !s.CollectedAt.After(vm[i-1].CollectedAt) {
			t.Errorf("Recent()[vm] not oldest first: %v after %v", s.CollectedAt, vm[i-1].CollectedAt)
		}
	}
	// Buckets 30–60, 60–90, 90–120 min: the latest cycle of each (minutes 50, 80, 110).
	if want := []float64{5, 8, 11}; len(loads) != len(want) || loads[0] != want[0] || loads[1] != want[1] || loads[2] != want[2] {
		t.Errorf("Recent()[vm] loads = %v, want %v", loads, want)
	}
}
