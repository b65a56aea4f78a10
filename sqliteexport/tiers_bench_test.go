package sqliteexport

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time the process has used: on a shared machine wall time says more
// about the neighbours than about the query.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// usedBytes is the size of the pages in use, after the WAL is checkpointed: free pages left
// by deletes do not count.
func usedBytes(tb testing.TB, db *DB) int64 {
	tb.Helper()
	ctx := context.Background()
	if _, err := db.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		tb.Fatal(err)
	}
	var pages, free, size int64
	for q, dst := range map[string]*int64{"PRAGMA page_count": &pages, "PRAGMA freelist_count": &free, "PRAGMA page_size": &size} {
		if err := db.w.QueryRowContext(ctx, q).Scan(dst); err != nil {
			tb.Fatal(err)
		}
	}
	return (pages - free) * size
}

// BenchmarkStorageTiers records one simulated day of the 30-service host of TestThirtyDaysSize
// pushing every 30 s through RecordCycle, then rolls the day up one bucket at a time as the
// daemon's prunes do (each bucket's rows go into every service's range of the rollup
// tables, raw rows leave from the front of theirs), and reports the bytes per service-day of
// each tier (pages in use, free pages not counted) and the 30-day size of 500 hosts × 30
// services: two days raw and 28 rolled up. Run it once: the day takes tens of seconds.
func BenchmarkStorageTiers(b *testing.B) {
	const services, push, day = 30, 30 * time.Second, 24 * time.Hour
	for b.Loop() {
		db := openTest(b)
		start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		now := start.Add(day)
		db.SetTiers(Tiers{KeepRaw: day, Now: func() time.Time { return now }})
		empty := usedBytes(b, db)
		rng := rand.New(rand.NewPCG(1, 2))
		for at := start; at.Before(start.Add(day)); at = at.Add(push) {
			if _, err := db.RecordCycle(b.Context(), at, fleet(at, rng), nil); err != nil {
				b.Fatal(err)
			}
		}
		raw := float64(usedBytes(b, db)-empty) / services
		// The rollup takes what was collected lateAfter before Now - KeepRaw.
		for now = start.Add(day + lateAfter); !now.After(start.Add(2*day + lateAfter)); now = now.Add(Bucket) {
			if _, err := db.Prune(b.Context(), start.Add(-day)); err != nil {
				b.Fatal(err)
			}
		}
		if n := count(b, db, "SELECT count(*) FROM samples_all"); n != 0 {
			b.Fatalf("%d raw samples left after rolling the day up", n)
		}
		rolled := float64(usedBytes(b, db)-empty) / services
		b.ReportMetric(raw, "raw-B/service-day")
		b.ReportMetric(rolled, "rollup-B/service-day")
		b.ReportMetric((2*raw+28*rolled)*500*services/1e9, "GB-30d-500x30")
	}
}

// benchHosts is the fleet size BenchmarkSeriesFleet builds: MONIT_INTEL_BENCH_HOSTS hosts of
// 30 services, 20 unless set (500 is the whole fleet of issue 16; see BENCHMARKS.md).
func benchHosts(b *testing.B) int {
	if v := os.Getenv("MONIT_INTEL_BENCH_HOSTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("MONIT_INTEL_BENCH_HOSTS=%q: want a positive number", v)
		}
		return n
	}
	return 20
}

// fleetDB opens the database BenchmarkSeriesFleet reads: MONIT_INTEL_BENCH_DB names a file
// kept between runs (the whole fleet takes many minutes to build), built there when it does
// not hold the fleet yet; unset, a new one in the benchmark's temporary directory.
func fleetDB(b *testing.B, hosts int, now time.Time) *DB {
	path := os.Getenv("MONIT_INTEL_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), FileName)
	}
	db, err := OpenFile(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	var have int
	if err := db.r.QueryRowContext(b.Context(), "SELECT count(*) FROM services").Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have == 0 { // the build needs the file to itself (no WAL)
		db.Close()
		start := time.Now()
		fillFleet(b, path, hosts, now)
		b.Logf("built %d hosts × 30 services in %s", hosts, time.Since(start).Round(time.Second))
		if db, err = OpenFile(b.Context(), path); err != nil {
			b.Fatal(err)
		}
		have = hosts * 30
	}
	b.Cleanup(func() { db.Close() })
	if have != hosts*30 {
		b.Fatalf("%s holds %d services, not %d hosts × 30: remove it", path, have, hosts)
	}
	return db
}

// fillFleet writes hosts × 30 process services straight into the tables, as the tiers hold
// them 30 days after the first push every 30 s: 48 h of raw samples, 28 days of 5-minute
// rollups. Service names are unique (Series reads one name on every host). Every service is
// a process: that table is the widest, the worst case for one service's rows.
//
// The rows go in key order, (service_id, at): the CROSS JOIN makes services the outer loop
// (by id) and the times the inner one. The build has no journal and no fsync: a crash
// leaves a file to delete, and the WAL would otherwise hold the whole database once more.
func fillFleet(b *testing.B, path string, hosts int, now time.Time) {
	ctx := b.Context()
	w, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=OFF&_synchronous=OFF")
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	rawFrom := now.Add(-DefaultKeepRaw).Unix()
	rollFrom := now.Add(-30 * 24 * time.Hour).Unix()
	stmts := []string{
		fmt.Sprintf(`WITH RECURSIVE h(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM h WHERE i < %d - 1),
			s(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM s WHERE j < 29)
			INSERT INTO services (host, name, type) SELECT printf('host%%03d', i), printf('svc%%03d-%%02d', i, j), 3 FROM h, s`, hosts),
		fmt.Sprintf(`WITH RECURSIVE t(at) AS (SELECT %d UNION ALL SELECT at + 300 FROM t WHERE at + 300 < %d)
			INSERT INTO proc_rollups SELECT id, at, 10, 0, 1,
				1000, NULL, NULL, 1, NULL, NULL, at - 900, at - 1000, at - 700, 4, NULL, NULL, 0, NULL, NULL,
				abs(random() %% 20), abs(random() %% 50), abs(random() %% 200), 10, 20, 30, 25, 28, 30, 25, 28, 30,
				100000, 102000, 105000, 100000, 102000, 105000, 40, NULL, 42
			FROM services CROSS JOIN t`, rollFrom, rawFrom),
		fmt.Sprintf(`WITH RECURSIVE t(at) AS (SELECT %d UNION ALL SELECT at + 30 FROM t WHERE at + 30 < %d)
			INSERT INTO proc_samples SELECT at, id, 1, 1000, 1, at - 1000, 4, 0,
				abs(random() %% 200), abs(random() %% 200), 28, 28, 100000 + abs(random() %% 5000), 102000, 40
			FROM services CROSS JOIN t`, rawFrom, now.Unix()),
	}
	for _, q := range stmts {
		if _, err := w.ExecContext(ctx, q); err != nil {
			b.Fatalf("fill the fleet: %v", err)
		}
	}
}

// BenchmarkSeriesFleet reads one service's history over 1, 7 and 30 days, newest first, with
// the REST API's default limit (288) and its maximum (10,000), from a database holding the
// tiers of a whole fleet (benchHosts, fleetDB). cpu-ns/op is the process's CPU time per
// query: on a shared machine the wall time says as much about the neighbours.
func BenchmarkSeriesFleet(b *testing.B) {
	hosts := benchHosts(b)
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	db := fleetDB(b, hosts, now)
	b.Logf("%d hosts × 30 services: %.2f GB", hosts, float64(db.Size())/1e9)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		span  time.Duration
		limit int
	}{{24 * time.Hour, 288}, {7 * 24 * time.Hour, 288}, {30 * 24 * time.Hour, 288},
		{24 * time.Hour, 10_000}, {7 * 24 * time.Hour, 10_000}, {30 * 24 * time.Hour, 10_000}} {
		b.Run(fmt.Sprintf("hosts=%d/span=%s/limit=%d", hosts, c.span, c.limit), func(b *testing.B) {
			var rows int
			cpu0 := cpuTime(b)
			for b.Loop() {
				service := fmt.Sprintf("svc%03d-%02d", rng.IntN(hosts), rng.IntN(30))
				snaps, err := db.Series(b.Context(), service, now.Add(-c.span), c.limit)
				if err != nil {
					b.Fatal(err)
				}
				rows = len(snaps)
			}
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}
