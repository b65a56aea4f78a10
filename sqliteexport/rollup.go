package sqliteexport

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"
)

// Bucket is the width of a rolled-up row: one row per service per 5 minutes.
const Bucket = 5 * time.Minute

// DefaultKeepRaw is how long raw samples are kept before Prune rolls them up.
const DefaultKeepRaw = 48 * time.Hour

// Tiers says how long raw samples are kept (then rolled up into 5-minute buckets, kept until
// Prune's cut-off) and the clock that measures it. Zero values take DefaultKeepRaw and
// time.Now.
type Tiers struct {
	KeepRaw time.Duration
	Now     func() time.Time
}

// rollupTable is a sample table, its rollup table and the figures rolled up (each gets
// _min, _avg and _max columns). A minimum or maximum equal to the (rounded) average is
// stored as NULL, which takes no bytes: most figures do not move within 5 minutes, and a
// bucket of one sample would otherwise store its figures three times. Program output is not
// rolled up: it stays with the raw rows.
type rollupTable struct {
	raw, rollup string
	figures     []string
}

// rollupTables match migrationTiers (schema_tiers.go).
var rollupTables = []rollupTable{
	{"proc_samples", "proc_rollups", []string{"pid", "ppid", "uptime", "threads", "children", "cpu_x10",
		"cpu_total_x10", "mem_x10", "mem_total_x10", "mem_kb", "mem_kb_total", "fd_open"}},
	{"prog_samples", "prog_rollups", []string{"started", "exit_status"}},
	{"fs_samples", "fs_rollups", []string{"block_x10", "used_mb_x10", "total_mb_x10", "inode_x10",
		"inode_used", "inode_total"}},
	{"sys_samples", "sys_rollups", []string{"load1_x100", "load5_x100", "load15_x100", "user_x10",
		"system_x10", "wait_x10", "mem_x10", "mem_kb", "swap_x10", "swap_kb"}},
	{"file_samples", "file_rollups", []string{"size", "modified"}},
	{"net_samples", "net_rollups", []string{"link", "speed", "download", "upload"}},
	{"host_samples", "host_rollups", nil},
}

// testRollup rolls the connection tests: failures (response_us < 0) are counted, the times
// are the successful tests'.
var testRollup = `INSERT INTO test_rollups (test_id, bucket, samples, failed,
	response_us_min, response_us_avg, response_us_max)
SELECT test_id, bucket, samples, failed, nullif(lo, av), av, nullif(hi, av) FROM (
	SELECT test_id, at - at % ?1 AS bucket, count(*) AS samples, sum(response_us < 0) AS failed,
		min(CASE WHEN response_us >= 0 THEN response_us END) AS lo,
		CAST(round(avg(CASE WHEN response_us >= 0 THEN response_us END)) AS INTEGER) AS av,
		max(CASE WHEN response_us >= 0 THEN response_us END) AS hi
	FROM test_samples AS s WHERE ` + everyOwner("test_samples") + ` AND at BETWEEN ?2 AND ?3 AND ` + keptByNoCycle4 + `
	GROUP BY 1, 2 HAVING count(*) > 1 OR ` + rolledTest + `)
WHERE true
ON CONFLICT (test_id, bucket) DO UPDATE SET ` + mergeCounts + `, `

// mergeCounts adds a late bucket's counts to the stored one.
const mergeCounts = `samples = samples + excluded.samples, failed = failed + excluded.failed`

// rollupSQL is the statement that rolls t's raw rows collected between ?2 and ?3 and stored
// by no cycle recorded at or after ?4 into buckets of ?1 seconds, each service's rows read
// from its own key range. Each bucket takes the state (status, monitor, pending action) of
// its last sample. Raw rows of a bucket already rolled up (they arrived late) are merged into it, the
// average weighted by sample counts.
func (t rollupTable) rollupSQL() string {
	cols := []string{"service_id", "bucket", "samples", "failed", "state"}
	aggs := []string{"service_id", "at - at % ?1 AS bucket", "max(at) AS last_at", "count(*) AS samples",
		"sum(state >> 6 != 0) AS failed"}
	outs := []string{"g.service_id", "g.bucket", "g.samples", "g.failed", "l.state"}
	merge := []string{mergeCounts, "state = excluded.state"}
	for _, f := range t.figures {
		cols = append(cols, f+"_min", f+"_avg", f+"_max")
		aggs = append(aggs, fmt.Sprintf(`nullif(min(%[1]s), CAST(round(avg(%[1]s)) AS INTEGER)) AS %[1]s_min,
	CAST(round(avg(%[1]s)) AS INTEGER) AS %[1]s_avg, nullif(max(%[1]s), CAST(round(avg(%[1]s)) AS INTEGER)) AS %[1]s_max`, f))
		outs = append(outs, "g."+f+"_min", "g."+f+"_avg", "g."+f+"_max")
		merge = append(merge, mergeFigure(f))
	}
	return fmt.Sprintf(`INSERT INTO %[1]s (%[2]s)
SELECT %[3]s FROM (SELECT %[4]s FROM %[5]s AS s WHERE `+everyOwner(t.raw)+` AND at BETWEEN ?2 AND ?3 AND `+keptByNoCycle4+`
	GROUP BY service_id, bucket HAVING count(*) > 1 OR %[6]s) g
JOIN %[5]s l ON l.at = g.last_at AND l.service_id = g.service_id
WHERE true
ON CONFLICT (service_id, bucket) DO UPDATE SET %[7]s`,
		t.rollup, strings.Join(cols, ", "), strings.Join(outs, ", "), strings.Join(aggs, ", "), t.raw,
		rolledBucket(t.rollup, "service_id"), strings.Join(merge, ", "))
}

// mergeFigure combines a stored bucket's figure with a late one's. A NULL minimum or
// maximum next to an average is that average (see rollupTable); min() and max() of two values
// are NULL when either is, and coalesce then keeps the one that is not.
func mergeFigure(f string) string {
	avg := fmt.Sprintf(`coalesce(CAST(round((%[1]s_avg * samples + excluded.%[1]s_avg * excluded.samples) * 1.0 /
		(samples + excluded.samples)) AS INTEGER), %[1]s_avg, excluded.%[1]s_avg)`, f)
	bound := func(fn, col string) string {
		old, late := fmt.Sprintf("coalesce(%s, %s_avg)", col, f), fmt.Sprintf("coalesce(excluded.%s, excluded.%s_avg)", col, f)
		return fmt.Sprintf("%s = nullif(coalesce(%s(%s, %s), %s, %s), %s)", col, fn, old, late, old, late, avg)
	}
	return bound("min", f+"_min") + ",\n\t" + bound("max", f+"_max") + ",\n\t" + f + "_avg = " + avg
}

// rolledBucket is true of a raw row s whose bucket the rollup table holds already; its
// parameter ?1 is the bucket width.
func rolledBucket(rollup, key string) string {
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM %s r WHERE r.%s = s.%s AND r.bucket = s.at - s.at %% ?1)`, rollup, key, key)
}

// rolledTest is rolledBucket of the connection tests.
var rolledTest = rolledBucket("test_rollups", "test_id")

// keptByNoCycle4 is keptByNoCycle with its parameter numbered 4.
const keptByNoCycle4 = `NOT EXISTS (
	SELECT 1 FROM cycles c WHERE c.recorded_at >= ?4 AND s.at BETWEEN c.oldest_at AND c.newest_at)`

// rollUp rolls the raw samples recorded before rawBefore (see expiredRanges) into their
// buckets and deletes them, in the caller's transaction: a bucket is rolled up once
// (samples of it that come later are merged into it), and a crash leaves both tiers as they
// were. Of the rows collected before the cut-off, only those from on are read (a Prune
// before read the older ones), each service's from its own key range. A bucket of one sample
// (a poll every 5 minutes or slower) stays raw, which is smaller, until the retention; so do
// parse notes. It returns how many raw samples went.
func (db *DB) rollUp(ctx context.Context, tx *sql.Tx, rawBefore time.Time, from int64) (int64, error) {
	ranges, err := expiredRanges(ctx, tx, rawBefore)
	if err != nil {
		return 0, err
	}
	ranges[0][0] = from
	width, recorded := int64(Bucket/time.Second), rawBefore.Unix()
	var moved int64
	for _, r := range ranges {
		for _, t := range rollupTables {
			if _, err := db.execPrune(ctx, tx, "roll up "+t.raw, width, r[0], r[1], recorded); err != nil {
				return 0, fmt.Errorf("roll up %s: %w", t.raw, err)
			}
		}
		if _, err := db.execPrune(ctx, tx, "roll up test_samples", width, r[0], r[1], recorded); err != nil {
			return 0, fmt.Errorf("roll up test_samples: %w", err)
		}
		for _, t := range append(rollupTables, rollupTable{raw: "test_samples"}) {
			res, err := db.execPrune(ctx, tx, "delete rolled-up "+t.raw, width, r[0], r[1], recorded)
			if err != nil {
				return 0, fmt.Errorf("delete rolled-up %s: %w", t.raw, err)
			}
			if n, _ := res.RowsAffected(); t.rollup != "" {
				moved += n
			}
		}
	}
	return moved, nil
}

// pruneTiers rolls up the raw samples recorded before the tiers' KeepRaw and deletes the
// rollups of buckets recorded before the cut-off (as pruneSamples does raw rows), each only
// when its cut-off has moved to a new bucket since the last Prune. It returns how many raw
// samples went and the cut-offs applied.
func (db *DB) pruneTiers(ctx context.Context, tx *sql.Tx, before time.Time) (moved, rolledTo, trimmedTo int64, err error) {
	rolledTo, trimmedTo = db.rolledTo, db.trimmedTo
	if raw := db.tiers.rawBefore(); raw.After(before) && bucketOf(raw) > rolledTo {
		from, err := rollFrom(ctx, tx, rolledTo, raw)
		if err != nil {
			return 0, 0, 0, err
		}
		if moved, err = db.rollUp(ctx, tx, raw, from); err != nil {
			return 0, 0, 0, err
		}
		rolledTo = bucketOf(raw)
	}
	if bucketOf(before) > trimmedTo {
		if err := db.trimRollups(ctx, tx, before); err != nil {
			return 0, 0, 0, err
		}
		trimmedTo = bucketOf(before)
	}
	return moved, rolledTo, trimmedTo, nil
}

// rollFrom is the oldest collection time the rollup up to raw must read, the last one having
// reached prev: what was collected lateAfter before prev, and what the cycles recorded
// since prev stored (late documents). After a start (prev 0) it reads every raw row once.
func rollFrom(ctx context.Context, tx *sql.Tx, prev int64, raw time.Time) (int64, error) {
	if prev == 0 {
		return math.MinInt64, nil
	}
	from := prev - int64((lateAfter+Bucket)/time.Second)
	var oldest sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT min(oldest_at) FROM cycles WHERE recorded_at >= ? AND recorded_at < ?`,
		prev, raw.Unix()).Scan(&oldest); err != nil {
		return 0, fmt.Errorf("roll up: late cycles: %w", err)
	}
	if oldest.Valid && oldest.Int64 < from {
		from = oldest.Int64 - oldest.Int64%int64(Bucket/time.Second) // its whole bucket
	}
	return from, nil
}

// deleteRolledSQL deletes t's raw rows that rollupSQL rolled up (the same parameters).
func (t rollupTable) deleteRolledSQL() string {
	rolled := rolledTest
	if t.rollup != "" {
		rolled = rolledBucket(t.rollup, "service_id")
	}
	return `DELETE FROM ` + t.raw + ` AS s WHERE ` + everyOwner(t.raw) + ` AND at BETWEEN ?2 AND ?3 AND ` +
		keptByNoCycle4 + ` AND ` + rolled
}

// trimSQL deletes the rollups of buckets between ?1 and ?2 - ?3 (the width less a second)
// that no cycle recorded at or after ?4 stored a sample of (?5 is the width).
func trimSQL(rollup string) string {
	return `DELETE FROM ` + rollup + ` AS s WHERE ` + everyOwner(rollup) + ` AND bucket BETWEEN ?1 AND ?2 - ?3
		AND NOT EXISTS (SELECT 1 FROM cycles c WHERE c.recorded_at >= ?4
			AND s.bucket + ?5 > c.oldest_at AND s.bucket <= c.newest_at)`
}

// trimRollups deletes the rollups whose whole bucket was recorded before the cut-off.
func (db *DB) trimRollups(ctx context.Context, tx *sql.Tx, before time.Time) error {
	ranges, err := expiredRanges(ctx, tx, before)
	if err != nil {
		return err
	}
	for _, r := range ranges {
		for _, t := range append(rollupTables, rollupTable{rollup: "test_rollups"}) {
			if _, err := db.execPrune(ctx, tx, "trim "+t.rollup, r[0], r[1], int64(Bucket/time.Second)-1, before.Unix(), int64(Bucket/time.Second)); err != nil {
				return fmt.Errorf("prune %s: %w", t.rollup, err)
			}
		}
	}
	return nil
}

// bucketOf is the start of t's bucket, in Unix seconds.
func bucketOf(t time.Time) int64 {
	s := t.Unix()
	return s - s%int64(Bucket/time.Second)
}

// rawBefore is the time before which raw samples are rolled up.
func (t Tiers) rawBefore() time.Time {
	keep, now := t.KeepRaw, t.Now
	if keep <= 0 {
		keep = DefaultKeepRaw
	}
	if now == nil {
		now = time.Now
	}
	return now().Add(-keep)
}
