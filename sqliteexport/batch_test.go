package sqliteexport

import (
	"testing"
	"time"

	"monit-intel/engine"
)

// TestRecordCyclesSavepoints stores three hosts' cycles in one transaction, the second
// refused by the schema after its snapshots were written: it leaves nothing, the others are
// stored and numbered in turn, and its service's ID does not linger in the writer's cache.
func TestRecordCyclesSavepoints(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	at := time.Unix(1795507200, 0)
	cycle := func(host string, kind engine.State) engine.CycleRecord {
		st := engine.Status{Host: host, Services: []engine.Snapshot{{Host: host, Name: "job", Type: engine.TypeProgram,
			CollectedAt: at, Status: engine.BitStatus, Program: &engine.ProgramFigures{Started: at, ExitStatus: ptr(1)}}}}
		ev := engine.Event{At: at, Host: host, Service: "job", Kind: kind, Status: engine.BitStatus}
		return engine.CycleRecord{RecordedAt: at, Status: st, Events: []engine.Event{ev}}
	}
	out, errs, err := db.RecordCycles(ctx, []engine.CycleRecord{
		cycle("alpha", engine.StateNew), cycle("beta", "BOGUS"), cycle("gamma", engine.StateNew)})
	if err != nil {
		t.Fatalf("RecordCycles() error = %v", err)
	}
	if errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("RecordCycles() errs = %v, want only beta's", errs)
	}
	if out[0].ID == 0 || out[2].ID <= out[0].ID || out[2].Events[0].Cycle != out[2].ID {
		t.Errorf("cycles = %+v, want alpha then gamma numbered in turn", out)
	}
	for host, want := range map[string]int{"alpha": 1, "beta": 0, "gamma": 1} {
		series, err := db.SeriesOn(ctx, host, "job", at.Add(-time.Hour), 10)
		if err != nil || len(series) != want {
			t.Errorf("%s: %d snapshots stored (%v), want %d", host, len(series), err, want)
		}
	}
	var services int
	if err := db.w.QueryRowContext(ctx, "SELECT count(*) FROM services WHERE host = 'beta'").Scan(&services); err != nil || services != 0 {
		t.Errorf("beta's service rows = %d, %v; want none", services, err)
	}
	if _, err := db.RecordCycle(ctx, at, cycle("beta", engine.StateNew).Status, nil); err != nil {
		t.Fatalf("beta's next cycle: %v (a rolled-back service ID was cached)", err)
	}
	if series, _ := db.SeriesOn(ctx, "beta", "job", at.Add(-time.Hour), 10); len(series) != 1 {
		t.Errorf("beta's next cycle stored %d snapshots, want 1", len(series))
	}
}
