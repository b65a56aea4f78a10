package sqliteexport

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"monit-intel/engine"
)

func ptr[T any](v T) *T { return &v }

func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// sampleStatus is one cycle of a small fleet with every figure type.
func sampleStatus(at time.Time) engine.Status {
	return engine.Status{Host: "vm", Services: []engine.Snapshot{
		{Host: "vm", Name: "vm", Type: engine.TypeSystem, CollectedAt: at, Monitor: 1,
			System: &engine.SystemFigures{Load1: new(0.5), Load5: new(0.23), Load15: new(0.09), CPUUser: ptr(6.2),
				CPUSystem: ptr(5.2), CPUWait: ptr(0.1), MemPercent: new(1.5), MemKB: new(int64(382104))}},
		{Host: "vm", Name: "sleeper", Type: engine.TypeProcess, CollectedAt: at, Monitor: 1,
			Process: &engine.ProcessFigures{PID: new(11473), PPID: new(1), UptimeSec: new(int64(16)), Threads: ptr(1),
				Children: ptr(0), CPUPercent: ptr(0.0), MemPercent: ptr(0.1), MemKB: ptr(int64(1652))}},
		{Host: "vm", Name: "failing", Type: engine.TypeProgram, CollectedAt: at, Monitor: 1, Status: engine.BitStatus,
			Program: &engine.ProgramFigures{Started: at, ExitStatus: new(1), Output: "check failed: something is wrong"}},
		{Host: "vm", Name: "rootfs", Type: engine.TypeFilesystem, CollectedAt: at, Monitor: 1,
			Filesystem: &engine.FilesystemFigures{BlockPercent: new(4.9), BlockUsageMB: new(12688.6), BlockTotalMB: new(258019.6),
				InodePercent: ptr(2.6), InodeUsage: ptr(int64(428344)), InodeTotal: ptr(int64(16777216))}},
		{Host: "vm", Name: "localhost-closed", Type: engine.TypeHost, CollectedAt: at, Monitor: 1, Status: engine.BitConnection,
			Ports: []engine.PortCheck{{Hostname: "127.0.0.1", Port: 65000, Protocol: "HTTP", Type: "TCP", ResponseSec: -1},
				{Hostname: "127.0.0.1", Port: 2812, Protocol: "HTTP", Type: "TCP", ResponseSec: 0.000412}}},
		{Host: "vm", Name: "missing", Type: engine.TypeFile, CollectedAt: at, Monitor: 1, Status: engine.BitNonExist},
	}}
}

func TestRecordCycleRoundTrip(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	at := time.Unix(1795507134, 0).UTC()
	st := sampleStatus(at)
	events := []engine.Event{{At: at, Host: "vm", Service: "failing", Kind: engine.StateNew,
		Status: engine.BitStatus, Detail: "Status failed"}}
	got, err := db.RecordCycle(ctx, time.Now(), st, events)
	if err != nil {
		t.Fatalf("RecordCycle() error = %v", err)
	}
	if len(got.Events) != 1 || got.Events[0].ID == 0 || got.Events[0].Cycle != got.ID || got.ID == 0 {
		t.Fatalf("RecordCycle() events = %+v, want one with an ID", got)
	}
	latest, err := db.Latest(ctx)
	if err != nil {
		t.Fatalf("Latest() error = %v", err)
	}
	if len(latest) != len(st.Services) {
		t.Fatalf("Latest() = %d snapshots, want %d", len(latest), len(st.Services))
	}
	byName := map[string]engine.Snapshot{}
	for _, s := range latest {
		byName[s.Name] = s
	}
	if p := byName["sleeper"].Process; p == nil || engine.ValueOr(p.PID, 0) != 11473 || *p.MemKB != 1652 || *p.MemPercent != 0.1 {
		t.Errorf("sleeper process = %+v, want pid 11473, 1652 kB, 0.1%%", p)
	}
	if g := byName["failing"].Program; g == nil || engine.ValueOr(g.ExitStatus, 0) != 1 || g.Output != "check failed: something is wrong" {
		t.Errorf("failing program = %+v", g)
	}
	if f := byName["rootfs"].Filesystem; f == nil || *f.BlockPercent != 4.9 || *f.BlockTotalMB != 258019.6 {
		t.Errorf("rootfs = %+v", f)
	}
	if y := byName["vm"].System; y == nil || *y.Load1 != 0.5 || *y.Load5 != 0.23 || *y.CPUUser != 6.2 || *y.MemKB != 382104 {
		t.Errorf("system = %+v", y)
	}
	if ports := byName["localhost-closed"].Ports; len(ports) != 2 || ports[1].ResponseSec != -1 || ports[0].ResponseSec != 0.000412 {
		t.Errorf("ports = %+v", ports)
	}
	if m := byName["missing"]; m.Status != engine.BitNonExist || m.File != nil || m.Process != nil {
		t.Errorf("missing = %+v, want status 512 and no figures", m)
	}
	evs, err := db.Events(ctx, "failing", 5)
	if err != nil || len(evs) != 1 || evs[0].Kind != engine.StateNew || evs[0].Detail != "Status failed" {
		t.Errorf("Events() = %+v, %v", evs, err)
	}
}

func TestRecordCycleSkipsUnchangedSnapshot(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	at := time.Unix(1795507134, 0)
	for range 2 {
		if _, err := db.RecordCycle(ctx, at, sampleStatus(at), nil); err != nil {
			t.Fatalf("RecordCycle() error = %v", err)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM snapshots"); n != 6 {
		t.Errorf("snapshots = %d rows after the same cycle twice, want 6", n)
	}
}

func TestPruneKeepsNewerRows(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	now := time.Now()
	old, fresh := now.Add(-31*24*time.Hour), now.Add(-time.Hour)
	for _, at := range []time.Time{old, fresh} {
		if _, err := db.RecordCycle(ctx, at, sampleStatus(at), nil); err != nil {
			t.Fatalf("RecordCycle() error = %v", err)
		}
	}
	n, err := db.Prune(ctx, now.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatalf("Prune() error = %v", err)
	}
	if n != 6 {
		t.Errorf("Prune() = %d, want 6", n)
	}
	if got := count(t, db, fmt.Sprintf("SELECT count(*) FROM snapshots WHERE collected_at = %d", fresh.Unix())); got != 6 {
		t.Errorf("fresh rows = %d, want 6", got)
	}
	if got := count(t, db, "SELECT count(*) FROM snapshots"); got != 6 {
		t.Errorf("rows = %d, want only the 6 fresh ones", got)
	}
	for _, table := range []string{"proc_samples", "prog_samples", "test_samples", "sys_samples"} {
		if got := count(t, db, fmt.Sprintf("SELECT count(*) FROM %s WHERE at = %d", table, old.Unix())); got != 0 {
			t.Errorf("%s keeps %d old rows", table, got)
		}
	}
}

func TestReadableWhileWriterOpen(t *testing.T) {
	db := openTest(t)
	if _, err := db.RecordCycle(t.Context(), time.Now(), sampleStatus(time.Now()), nil); err != nil {
		t.Fatal(err)
	}
	// A second process (the sqlite3 shell) opening the file while the daemon holds it.
	other, err := sql.Open("sqlite3", "file:"+filepath.Clean(db.Path())+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n int
	if err := other.QueryRow("SELECT count(*) FROM snapshots").Scan(&n); err != nil || n != 6 {
		t.Errorf("second reader: %d rows, err %v", n, err)
	}
	var mode string
	if err := other.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func count(t testing.TB, db *DB, q string) int {
	t.Helper()
	var n int
	if err := db.r.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
