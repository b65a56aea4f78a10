package sqliteexport

import (
	"context"
	"fmt"
	"math"
	"time"

	"monit-intel/engine"
)

var _ engine.History = (*DB)(nil)

// RecordCycle stores one cycle's snapshots and events in one transaction. A snapshot whose
// service and collected_at are already stored (Monit did not re-check it since the last poll)
// is skipped.
//
// The statements are prepared once on the single writer connection, and the IDs of services,
// ports and each service's last program output are cached, so a cycle is mostly inserts.
// IDs created in a transaction join the caches only once it has committed.
func (db *DB) RecordCycle(ctx context.Context, st engine.Status, events []engine.Event) ([]engine.Event, error) {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if err := db.prepareWriter(ctx); err != nil {
		return nil, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	w := db.cache.begin(ctx, tx)
	for i := range st.Services {
		if err := w.snapshot(ctx, &st.Services[i]); err != nil {
			return nil, fmt.Errorf("store %s: %w", st.Services[i].Name, err)
		}
	}
	out := make([]engine.Event, len(events))
	for i, e := range events {
		res, err := w.stmt(db.cache.event).ExecContext(ctx, e.At.Unix(), e.Host, e.Service, string(e.Kind), int64(e.Status), e.Detail)
		if err != nil {
			return nil, fmt.Errorf("store event for %s: %w", e.Service, err)
		}
		e.ID, _ = res.LastInsertId()
		out[i] = e
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	db.cache.commit(w)
	return out, nil
}

// sampleInserts are the per-type inserts; the first five values are always at, service_id,
// status, monitor and pending. OR IGNORE skips a snapshot Monit has not refreshed.
var sampleInserts = map[engine.ServiceType]string{
	engine.TypeProcess:    `INSERT OR IGNORE INTO proc_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	engine.TypeProgram:    `INSERT OR IGNORE INTO prog_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
	engine.TypeFilesystem: `INSERT OR IGNORE INTO fs_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	engine.TypeSystem:     `INSERT OR IGNORE INTO sys_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	engine.TypeFile:       `INSERT OR IGNORE INTO file_samples VALUES (?, ?, ?, ?, ?, ?, ?)`,
	engine.TypeNet:        `INSERT OR IGNORE INTO net_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	engine.TypeHost:       `INSERT OR IGNORE INTO host_samples VALUES (?, ?, ?, ?, ?)`,
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

// Prune deletes snapshots collected before the cut-off and program outputs no longer
// referenced, then returns free pages to the file system a little at
// a time.
func (db *DB) Prune(ctx context.Context, before time.Time) (int64, error) {
	cut := before.Unix()
	db.wmu.Lock()
	defer db.wmu.Unlock()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var deleted int64
	for _, t := range sampleTables {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE at < ?`, cut)
		if err != nil {
			return 0, fmt.Errorf("prune %s: %w", t, err)
		}
		n, _ := res.RowsAffected()
		deleted += n
	}
	if _, err := tx.ExecContext(ctx,
		`DELETE FROM port_samples WHERE at < ?`, cut); err != nil {
		return 0, fmt.Errorf("prune port_samples: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM parse_notes WHERE at < ?`, cut); err != nil {
		return 0, fmt.Errorf("prune parse_notes: %w", err)
	}
	if deleted > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outputs
			WHERE id NOT IN (SELECT output_id FROM prog_samples WHERE output_id IS NOT NULL)`); err != nil {
			return 0, fmt.Errorf("prune outputs: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune commit: %w", err)
	}
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
