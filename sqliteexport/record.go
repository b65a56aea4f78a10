package sqliteexport

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"monit-intel/engine"
)

var _ engine.History = (*DB)(nil)

// RecordCycle stores one cycle's snapshots and events in one transaction, numbered as a new
// cycle (RecordCycles with one cycle).
func (db *DB) RecordCycle(ctx context.Context, recordedAt time.Time, st engine.Status, events []engine.Event) (engine.RecordedCycle, error) {
	out, errs, err := db.RecordCycles(ctx, []engine.CycleRecord{{RecordedAt: recordedAt, Status: st, Events: events}})
	if err != nil {
		return engine.RecordedCycle{}, err
	}
	if errs[0] != nil {
		return engine.RecordedCycle{}, errs[0]
	}
	return out[0], nil
}

// record stores one cycle in the transaction. A snapshot whose service and collected_at are
// already stored (Monit did not re-check it since the last poll) is skipped, unless Monit's
// status, monitor state or pending action changed meanwhile ("monit unmonitor" keeps the
// collection time): then the stored snapshot takes the new state.
//
// The statements are prepared once on the single writer connection, and the IDs of services,
// tests and each service's last program output are cached, so a cycle is mostly inserts.
// IDs created in a transaction join the caches only once it has committed.
func (w *cycleTx) record(c engine.CycleRecord) (engine.RecordedCycle, error) {
	ctx, st := w.ctx, c.Status
	for i := range st.Services {
		if err := w.snapshot(ctx, &st.Services[i]); err != nil {
			return engine.RecordedCycle{}, fmt.Errorf("store %s: %w", st.Services[i].Name, err)
		}
	}
	var oldest, newest any
	if w.oldest != 0 {
		oldest, newest = w.oldest, w.newest
	}
	res, err := w.stmt(w.c.cycle).ExecContext(ctx, c.RecordedAt.Unix(), oldest, newest)
	if err != nil {
		return engine.RecordedCycle{}, fmt.Errorf("number the cycle: %w", err)
	}
	out := engine.RecordedCycle{Events: make([]engine.Event, len(c.Events))}
	out.ID, _ = res.LastInsertId()
	for i, e := range c.Events {
		e.Cycle = out.ID
		if err := w.event(&e); err != nil {
			return engine.RecordedCycle{}, fmt.Errorf("store event for %s: %w", e.Service, err)
		}
		out.Events[i] = e
	}
	return out, nil
}

// event stores e and sets its ID. An event already stored (the same service, kind and
// collection time) keeps its row: the stored ID and cycle are returned instead.
func (w *cycleTx) event(e *engine.Event) error {
	res, err := w.stmt(w.c.event).ExecContext(w.ctx, e.At.Unix(), e.Host, e.Service, string(e.Kind),
		int64(e.Status), e.Detail, e.Cycle)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		e.ID, _ = res.LastInsertId()
		return nil
	}
	return w.stmt(w.c.eventID).QueryRowContext(w.ctx, e.Service, e.At.Unix(), string(e.Kind), e.Host).Scan(&e.ID, &e.Cycle)
}

// EventsAfterCycle returns the events recorded by cycles after the given one, oldest first.
func (db *DB) EventsAfterCycle(ctx context.Context, cycle int64) ([]engine.Event, error) {
	events, err := db.queryEvents(ctx, `SELECT `+eventColumns+` FROM failure_events
		WHERE cycle > ? ORDER BY id`, cycle)
	if err != nil {
		return nil, fmt.Errorf("events after cycle %d: %w", cycle, err)
	}
	return events, nil
}

// sampleColumns are each per-type table's figure columns, after at, service_id and state.
var sampleColumns = map[engine.ServiceType]struct {
	table   string
	figures []string
}{
	engine.TypeProcess: {"proc_samples", []string{"pid", "ppid", "uptime", "threads", "children", "cpu_x10",
		"cpu_total_x10", "mem_x10", "mem_total_x10", "mem_kb", "mem_kb_total", "fd_open"}},
	engine.TypeProgram: {"prog_samples", []string{"started", "exit_status", "output_id"}},
	engine.TypeFilesystem: {"fs_samples", []string{"block_x10", "used_mb_x10", "total_mb_x10",
		"inode_x10", "inode_used", "inode_total"}},
	engine.TypeSystem: {"sys_samples", []string{"load1_x100", "load5_x100", "load15_x100", "user_x10",
		"system_x10", "wait_x10", "mem_x10", "mem_kb", "swap_x10", "swap_kb"}},
	engine.TypeFile: {"file_samples", []string{"size", "modified"}},
	engine.TypeNet:  {"net_samples", []string{"link", "speed", "download", "upload"}},
	engine.TypeHost: {"host_samples", nil},
}

// sampleUpserts are the per-type inserts. A row already stored for (at, service_id) is left
// alone unless its state (status, monitor state, pending action) differs: then the new
// snapshot replaces it.
func sampleUpserts() map[engine.ServiceType]string {
	out := make(map[engine.ServiceType]string, len(sampleColumns))
	for typ, t := range sampleColumns {
		cols := append([]string{"at", "service_id", "state"}, t.figures...)
		set := make([]string, 0, len(cols)-2)
		for _, c := range cols[2:] {
			set = append(set, c+" = excluded."+c)
		}
		out[typ] = `INSERT INTO ` + t.table + ` (` + strings.Join(cols, ", ") + `) VALUES (?` +
			strings.Repeat(", ?", len(cols)-1) + `) ON CONFLICT (at, service_id) DO UPDATE SET ` +
			strings.Join(set, ", ") + ` WHERE state IS NOT excluded.state`
	}
	return out
}

// sampleTables lists every per-type table, for pruning.
var sampleTables = []string{"proc_samples", "prog_samples", "fs_samples", "sys_samples", "file_samples", "net_samples", "host_samples"}

func nulls(n int) []any { return make([]any, n) }

func scale(v float64, by float64) int64 { return int64(math.Round(v * by)) }

func x10(v *float64) any { return scaled(v, 10) }

func x100(v *float64) any { return scaled(v, 100) }

func x1(v *float64) any { return scaled(v, 1) }

// scaled is v×by as a rounded integer, or NULL for a figure Monit did not report or that
// could not be read.
func scaled(v *float64, by float64) any {
	if v == nil || math.Abs(*v*by) >= 1<<62 {
		return nil
	}
	return scale(*v, by)
}

func unixOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// lateAfter is how far from its recording a cycle's stored snapshots may be collected before
// the cycle counts as abnormal: late (a replayed document, a host that was offline, a clock
// behind) or ahead (a clock ahead). Only abnormal cycles keep their row in cycles, with the
// range of collection times they stored: Prune keeps those ranges while the cycle is within
// the retention and deletes them when it expires. Every other snapshot was collected within
// lateAfter of its recording, so Prune deletes it by collection time, lateAfter late.
const lateAfter = time.Hour

// Prune deletes snapshots recorded before the cut-off and program outputs no longer
// referenced, then returns free pages to the file system a little at a time. Retention
// counts from when monit-intel recorded a snapshot, not from Monit's collection time: a
// late document recorded now stays its full retention.
//
// Raw samples older than the tiers' KeepRaw are first rolled up into 5-minute buckets, and
// rollups of buckets that start before the cut-off are deleted. Failure events are kept.
func (db *DB) Prune(ctx context.Context, before time.Time) (int64, error) {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if err := db.preparePrune(ctx); err != nil {
		return 0, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	rolled, rolledTo, trimmedTo, err := db.pruneTiers(ctx, tx, before)
	if err != nil {
		return 0, err
	}
	deleted, err := db.pruneSamples(ctx, tx, before)
	if err != nil {
		return 0, err
	}
	deleted += rolled
	if deleted > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outputs
			WHERE id NOT IN (SELECT output_id FROM prog_samples WHERE output_id IS NOT NULL)`); err != nil {
			return 0, fmt.Errorf("prune outputs: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune commit: %w", err)
	}
	db.rolledTo, db.trimmedTo = rolledTo, trimmedTo
	if deleted > 0 && db.cache != nil {
		clear(db.cache.outputs) // an output may have gone with its last sample
	}
	if deleted > 0 {
		if err := db.vacuumSome(ctx); err != nil {
			return deleted, err
		}
	}
	return deleted, nil
}

// pruneSamples deletes the snapshots and test samples recorded before the cut-off: those
// collected more than lateAfter before it, and those collected ahead of our clock by an
// expired cycle, unless a retained cycle's range holds them. Then it forgets the cycles no
// later prune needs.
func (db *DB) pruneSamples(ctx context.Context, tx *sql.Tx, before time.Time) (int64, error) {
	ranges, err := expiredRanges(ctx, tx, before)
	if err != nil {
		return 0, err
	}
	recorded, slack := before.Unix(), int64(lateAfter/time.Second)
	var deleted int64
	for _, r := range ranges {
		for _, t := range append(sampleTables, "test_samples", "parse_notes") {
			res, err := db.execPrune(ctx, tx, "prune "+t, r[0], r[1], recorded)
			if err != nil {
				return 0, fmt.Errorf("prune %s: %w", t, err)
			}
			if n, _ := res.RowsAffected(); t != "test_samples" && t != "parse_notes" {
				deleted += n
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM cycles WHERE id < (SELECT max(id) FROM cycles)
		AND (recorded_at < ? OR oldest_at IS NULL
			OR (recorded_at - oldest_at <= ? AND newest_at - recorded_at <= ?))`, recorded, slack, slack); err != nil {
		return 0, fmt.Errorf("prune cycles: %w", err)
	}
	return deleted, nil
}

// vacuumSome frees up to 256 unused pages. incremental_vacuum through Exec frees one page
// only: it must be run as a query and its rows drained.
func (db *DB) vacuumSome(ctx context.Context) error {
	rows, err := db.w.QueryContext(ctx, "PRAGMA incremental_vacuum(256)")
	if err != nil {
		return fmt.Errorf("incremental vacuum: %w", err)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return fmt.Errorf("incremental vacuum: %w", err)
	}
	return rows.Close()
}
