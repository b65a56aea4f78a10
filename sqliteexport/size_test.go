package sqliteexport

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"monit-intel/engine"
)

// fleet returns one cycle of a realistic 30-service host: 1 system, 12 processes, 5 programs,
// 4 filesystems, 4 hosts with a port check and 4 files, with figures that move a little.
func fleet(at time.Time, rng *rand.Rand) engine.Status {
	st := engine.Status{Host: "nas"}
	add := func(s engine.Snapshot) {
		s.Host, s.CollectedAt, s.Monitor = "nas", at, 1
		st.Services = append(st.Services, s)
	}
	add(engine.Snapshot{Name: "nas", Type: engine.TypeSystem, System: &engine.SystemFigures{
		Load1: new(rng.Float64() * 4), Load5: new(rng.Float64() * 3), Load15: new(rng.Float64() * 2),
		CPUUser: ptr(rng.Float64() * 50), CPUSystem: ptr(rng.Float64() * 10), CPUWait: ptr(rng.Float64()),
		MemPercent: new(40 + rng.Float64()*10), MemKB: new(8_000_000 + rng.Int64N(500_000)), SwapPercent: new(0.5), SwapKB: new(int64(20_000))}})
	for i := range 12 {
		add(engine.Snapshot{Name: fmt.Sprintf("proc%02d", i), Type: engine.TypeProcess, Process: &engine.ProcessFigures{
			PID: new(1000 + i*37), PPID: new(1), UptimeSec: new(at.Unix() - 1_700_000_000), Threads: ptr(4), Children: ptr(0),
			CPUPercent: ptr(rng.Float64() * 5), CPUPercentTotal: ptr(rng.Float64() * 5),
			MemPercent: ptr(rng.Float64() * 3), MemPercentTotal: ptr(rng.Float64() * 3),
			MemKB: ptr(100_000 + rng.Int64N(5000)), MemKBTotal: ptr(100_000 + rng.Int64N(5000)), FDOpen: ptr(40)}})
	}
	for i := range 5 {
		out := "backup ok"
		status := engine.StatusBits(0)
		if rng.IntN(50) == 0 {
			out, status = fmt.Sprintf("rsync error %d at %s", rng.IntN(30), at.Format(time.RFC3339)), engine.BitStatus
		}
		add(engine.Snapshot{Name: fmt.Sprintf("prog%d", i), Type: engine.TypeProgram, Status: status,
			Program: &engine.ProgramFigures{Started: at.Add(-time.Minute), ExitStatus: new(int(status >> 21)), Output: out}})
	}
	for i := range 4 {
		add(engine.Snapshot{Name: fmt.Sprintf("fs%d", i), Type: engine.TypeFilesystem, Filesystem: &engine.FilesystemFigures{
			BlockPercent: new(50 + rng.Float64()), BlockUsageMB: new(500_000 + rng.Float64()*1000), BlockTotalMB: new(1_000_000.0),
			InodePercent: ptr(2.5), InodeUsage: ptr(int64(400_000)), InodeTotal: ptr(int64(16_000_000))}})
	}
	for i := range 4 {
		add(engine.Snapshot{Name: fmt.Sprintf("host%d", i), Type: engine.TypeHost, Ports: []engine.PortCheck{{
			Hostname: fmt.Sprintf("10.0.0.%d", i), Port: 443, Protocol: "HTTP", Type: "TCP", ResponseSec: rng.Float64() / 100}}})
	}
	for i := range 4 {
		add(engine.Snapshot{Name: fmt.Sprintf("file%d", i), Type: engine.TypeFile, File: &engine.FileFigures{
			Mode: "644", Size: ptr(int64(4096 + i)), Modified: at.Add(-time.Hour)}})
	}
	return st
}

// TestThirtyDaysSize simulates 31 days of a 30-service host polled every 5 minutes with
// pruning at 30 days, and checks the file stays within 10 MB (issue 11; the Python version
// needed 20–25 MB). The figure goes into BENCHMARKS.md.
func TestThirtyDaysSize(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 8,928 cycles; skipped with -short")
	}
	ctx := t.Context()
	db := openTest(t)
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var at time.Time
	db.SetTiers(Tiers{Now: func() time.Time { return at }})
	const cycles = 31 * 24 * 12
	for i := range cycles {
		at = start.Add(time.Duration(i) * 5 * time.Minute)
		if _, err := db.RecordCycle(ctx, at, fleet(at, rng), nil); err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		if _, err := db.Prune(ctx, at.Add(-30*24*time.Hour)); err != nil {
			t.Fatalf("prune %d: %v", i, err)
		}
	}
	if _, err := db.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	rows := count(t, db, "SELECT count(*) FROM snapshots") + count(t, db, "SELECT count(*) FROM rollups_all")
	size := db.Size()
	t.Logf("30 days × 30 services every 5 min: %d snapshot rows, %.2f MB on disk (%.1f bytes/row)",
		rows, float64(size)/1e6, float64(size)/float64(rows))
	// Prune keeps what was collected within lateAfter (1 h) before its cut-off.
	if want := (30*24*12+12)*30 + 30; rows > want {
		t.Errorf("rows = %d, want at most %d after pruning", rows, want)
	}
	if size > 10_000_000 {
		t.Errorf("database is %.2f MB, want at most 10 MB (issue 11)", float64(size)/1e6)
	}
}
