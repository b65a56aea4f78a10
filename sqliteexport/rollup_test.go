package sqliteexport

import (
	"context"
	"fmt"
	"testing"
	"time"

	"monit-intel/engine"
)

// procAt is one process snapshot with the given CPU percentage (nil: Monit sent none).
func procAt(at time.Time, cpu *float64, status engine.StatusBits) engine.Status {
	return engine.Status{Host: "vm", Services: []engine.Snapshot{{Host: "vm", Name: "web", Type: engine.TypeProcess,
		CollectedAt: at, Monitor: 1, Status: status,
		Process: &engine.ProcessFigures{PID: new(100), CPUPercent: cpu, MemKB: new(int64(1000))}},
		{Host: "vm", Name: "site", Type: engine.TypeHost, CollectedAt: at, Monitor: 1, Status: siteStatus(status),
			Ports: []engine.PortCheck{{Hostname: "127.0.0.1", Port: 80, Protocol: "HTTP", Type: "TCP",
				ResponseSec: responseFor(status)}}}}}
}

// record stores one cycle, recorded when its snapshots were collected.
func record(ctx context.Context, db *DB, st engine.Status, events []engine.Event) error {
	_, err := db.RecordCycle(ctx, st.Services[0].CollectedAt, st, events)
	return err
}

// siteStatus is the connection failure that goes with a failing web process.
func siteStatus(status engine.StatusBits) engine.StatusBits {
	if status != 0 {
		return engine.BitConnection
	}
	return 0
}

func responseFor(status engine.StatusBits) float64 {
	if status != 0 {
		return -1
	}
	return 0.002
}

type bucketRow struct {
	samples, failed, status          int64
	cpuMin, cpuAvg, cpuMax           *int64
	portSamples, portFailed, portMax int64
}

func readBucket(t *testing.T, db *DB, bucket time.Time) bucketRow {
	t.Helper()
	var r bucketRow
	err := db.r.QueryRowContext(t.Context(), `SELECT samples, failed, state >> 6,
		coalesce(cpu_x10_min, cpu_x10_avg), cpu_x10_avg, coalesce(cpu_x10_max, cpu_x10_avg)
		FROM proc_rollups WHERE bucket = ?`, bucket.Unix()).Scan(&r.samples, &r.failed, &r.status, &r.cpuMin, &r.cpuAvg, &r.cpuMax)
	if err != nil {
		t.Fatalf("read proc bucket: %v", err)
	}
	err = db.r.QueryRowContext(t.Context(), `SELECT samples, failed, coalesce(response_us_max, response_us_avg, -1)
		FROM test_rollups WHERE bucket = ?`, bucket.Unix()).Scan(&r.portSamples, &r.portFailed, &r.portMax)
	if err != nil {
		t.Fatalf("read port bucket: %v", err)
	}
	return r
}

func TestRollup(t *testing.T) {
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) // a bucket boundary
	type sample struct {
		offset time.Duration
		cpu    *float64
		status engine.StatusBits
	}
	tests := []struct {
		name    string
		samples []sample
		want    bucketRow
	}{
		{"min avg max", []sample{{0, new(1.0), 0}, {30 * time.Second, new(3.0), 0}, {4 * time.Minute, new(8.0), 0}},
			bucketRow{samples: 3, cpuMin: new(int64(10)), cpuAvg: new(int64(40)), cpuMax: new(int64(80)), portSamples: 3, portMax: 2000}},
		{"NULL figures ignored", []sample{{0, nil, 0}, {time.Minute, new(2.0), 0}, {2 * time.Minute, nil, 0}},
			bucketRow{samples: 3, cpuMin: new(int64(20)), cpuAvg: new(int64(20)), cpuMax: new(int64(20)), portSamples: 3, portMax: 2000}},
		{"all NULL", []sample{{0, nil, 0}, {time.Minute, nil, 0}},
			bucketRow{samples: 2, portSamples: 2, portMax: 2000}},
		{"failures counted, last status kept", []sample{{0, new(1.0), 0}, {time.Minute, new(1.0), engine.BitConnection},
			{2 * time.Minute, new(1.0), engine.BitStatus}},
			bucketRow{samples: 3, failed: 2, status: int64(engine.BitStatus), cpuMin: new(int64(10)), cpuAvg: new(int64(10)),
				cpuMax: new(int64(10)), portSamples: 3, portFailed: 2, portMax: 2000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTest(t)
			now := base.Add(2 * time.Hour) // raw rows go lateAfter (1 h) after KeepRaw
			db.SetTiers(Tiers{KeepRaw: 30 * time.Minute, Now: func() time.Time { return now }})
			for _, s := range tt.samples {
				if err := record(t.Context(), db, procAt(base.Add(s.offset), s.cpu, s.status), nil); err != nil {
					t.Fatal(err)
				}
			}
			// a raw sample newer than KeepRaw stays raw
			if err := record(t.Context(), db, procAt(now.Add(-time.Minute), new(50.0), 0), nil); err != nil {
				t.Fatal(err)
			}
			n, err := db.Prune(t.Context(), base.Add(-24*time.Hour))
			if err != nil {
				t.Fatalf("Prune() error = %v", err)
			}
			if want := int64(2 * len(tt.samples)); n != want {
				t.Errorf("Prune() = %d, want %d raw samples rolled up", n, want)
			}
			if got := readBucket(t, db, base); !equalBucket(got, tt.want) {
				t.Errorf("bucket = %s, want %s", fmtBucket(got), fmtBucket(tt.want))
			}
			// the PID never moved: its minimum and maximum are the average, stored as NULL
			if n := count(t, db, "SELECT count(*) FROM proc_rollups WHERE pid_avg = 100 AND pid_min IS NULL AND pid_max IS NULL"); n != 1 {
				t.Errorf("buckets with a constant PID stored once = %d, want 1", n)
			}
			if raw := count(t, db, "SELECT count(*) FROM proc_samples"); raw != 1 {
				t.Errorf("raw process samples = %d, want 1 (the recent one)", raw)
			}
		})
	}
}

func equalBucket(a, b bucketRow) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.samples == b.samples && a.failed == b.failed && a.status == b.status && eq(a.cpuMin, b.cpuMin) &&
		eq(a.cpuAvg, b.cpuAvg) && eq(a.cpuMax, b.cpuMax) && a.portSamples == b.portSamples &&
		a.portFailed == b.portFailed && a.portMax == b.portMax
}

func fmtBucket(r bucketRow) string {
	f := func(p *int64) any {
		if p == nil {
			return "NULL"
		}
		return *p
	}
	return fmt.Sprintf("{samples %d failed %d status %d cpu %v/%v/%v port %d/%d max %d}", r.samples, r.failed, r.status,
		f(r.cpuMin), f(r.cpuAvg), f(r.cpuMax), r.portSamples, r.portFailed, r.portMax)
}

// TestRollupIdempotent: pruning again never doubles a bucket; a late raw sample of a rolled
// bucket is merged into it.
func TestRollupIdempotent(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	now := base.Add(2 * time.Hour)
	db.SetTiers(Tiers{KeepRaw: 30 * time.Minute, Now: func() time.Time { return now }})
	for i, cpu := range []float64{2, 4} {
		if err := record(ctx, db, procAt(base.Add(time.Duration(i)*time.Minute), &cpu, 0), nil); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if _, err := db.Prune(ctx, base.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if got := readBucket(t, db, base); got.samples != 2 || *got.cpuAvg != 30 || got.portSamples != 2 {
		t.Fatalf("after three prunes bucket = %s, want 2 samples, avg 30", fmtBucket(got))
	}
	// a restarted daemon knows no cut-off and runs the rollup again: nothing doubles
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := OpenFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetTiers(Tiers{KeepRaw: 30 * time.Minute, Now: func() time.Time { return now }})
	if _, err := db.Prune(ctx, base.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := readBucket(t, db, base); got.samples != 2 || *got.cpuAvg != 30 || got.portSamples != 2 {
		t.Fatalf("after a restart bucket = %s, want 2 samples, avg 30", fmtBucket(got))
	}
	// a late document, recorded now: raw for KeepRaw from its recording, then merged
	if _, err := db.RecordCycle(ctx, now, procAt(base.Add(3*time.Minute), new(9.0), 0), nil); err != nil {
		t.Fatal(err)
	}
	now = now.Add(30*time.Minute + Bucket)
	if _, err := db.Prune(ctx, base.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	got := readBucket(t, db, base)
	if got.samples != 3 || *got.cpuMin != 20 || *got.cpuAvg != 50 || *got.cpuMax != 90 || got.portSamples != 3 {
		t.Errorf("after a late sample bucket = %s, want 3 samples, cpu 20/50/90", fmtBucket(got))
	}
}

// TestRetentionTiers: raw rows within KeepRaw, rollups up to the retention cut-off, failure
// events always; Series reads both tiers, newest first.
func TestRetentionTiers(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var now time.Time
	db.SetTiers(Tiers{KeepRaw: 2 * time.Hour, Now: func() time.Time { return now }})
	const retention = 6 * time.Hour
	for i := range 10 * 60 { // ten hours, a sample a minute
		now = start.Add(time.Duration(i) * time.Minute)
		ev := []engine.Event{{At: now, Host: "vm", Service: "web", Kind: engine.StateNew, Detail: "x"}}
		if err := record(ctx, db, procAt(now, new(float64(i%5)), 0), ev[:min(1, i%60)]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Prune(ctx, now.Add(-retention)); err != nil {
			t.Fatal(err)
		}
	}
	raw := count(t, db, "SELECT count(*) FROM proc_samples")
	rolled := count(t, db, "SELECT count(*) FROM proc_rollups")
	// Rows go lateAfter (1 h) after their cut-off, once it has moved into a new bucket. Raw:
	// KeepRaw + 1 h; rollups: from retention + 1 h back to there, 4 hours.
	if raw < 180 || raw > 185 {
		t.Errorf("raw samples = %d, want 3 hours' worth (180–185)", raw)
	}
	if rolled < 48 || rolled > 50 {
		t.Errorf("rollups = %d, want about 4 hours of 5-minute buckets (48–50)", rolled)
	}
	if events := count(t, db, "SELECT count(*) FROM failure_events"); events != 590 {
		t.Errorf("failure events = %d, want all 590 kept", events)
	}
	since := now.Add(-retention)
	inRange := count(t, db, fmt.Sprintf("SELECT count(*) FROM proc_rollups WHERE bucket >= %d", since.Unix()))
	series, err := db.Series(ctx, "web", since, 1000)
	if err != nil {
		t.Fatalf("Series() error = %v", err)
	}
	if len(series) != raw+inRange {
		t.Fatalf("Series() = %d snapshots, want %d raw + %d rolled up", len(series), raw, inRange)
	}
	for i := 1; i < len(series); i++ {
		if !series[i].CollectedAt.Before(series[i-1].CollectedAt) {
			t.Fatalf("Series()[%d] at %s not before %s", i, series[i].CollectedAt, series[i-1].CollectedAt)
		}
	}
	last := series[len(series)-1]
	if last.Process == nil || last.Process.CPUPercent == nil || *last.Process.CPUPercent != 2 ||
		last.CollectedAt.Unix()%300 != 0 {
		t.Errorf("oldest Series() row = %+v, want a bucket start with the average CPU 2", last)
	}
}

// TestRollupSingleSample: a bucket of one sample (a 5-minute poll) stays raw, which is
// smaller; a second sample of it rolls both up.
func TestRollupSingleSample(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	now := base.Add(2 * time.Hour)
	db.SetTiers(Tiers{KeepRaw: 30 * time.Minute, Now: func() time.Time { return now }})
	if err := record(ctx, db, procAt(base, new(1.0), 0), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Prune(ctx, base.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if raw, rolled := count(t, db, "SELECT count(*) FROM proc_samples"), count(t, db, "SELECT count(*) FROM proc_rollups"); raw != 1 || rolled != 0 {
		t.Fatalf("one sample: raw %d rollups %d, want it raw", raw, rolled)
	}
	// a late document, recorded now: raw for KeepRaw from its recording, then rolled up
	if _, err := db.RecordCycle(ctx, now, procAt(base.Add(time.Minute), new(3.0), 0), nil); err != nil {
		t.Fatal(err)
	}
	now = now.Add(30*time.Minute + Bucket)
	if _, err := db.Prune(ctx, base.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := readBucket(t, db, base); got.samples != 2 || *got.cpuAvg != 20 {
		t.Errorf("bucket = %s, want 2 samples, cpu avg 20", fmtBucket(got))
	}
	if raw := count(t, db, "SELECT count(*) FROM proc_samples"); raw != 0 {
		t.Errorf("raw samples = %d, want 0 once rolled up", raw)
	}
}
