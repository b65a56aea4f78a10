package sqliteexport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"monit-intel/engine"
)

var _ engine.History = (*DB)(nil)

// RecordCycle stores one cycle's snapshots and events in one transaction. A snapshot whose
// service and collected_at are already stored (Monit did not re-check it since the last poll)
// is skipped.
func (db *DB) RecordCycle(ctx context.Context, st engine.Status, events []engine.Event) ([]engine.Event, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	w, err := newCycleWriter(ctx, tx)
	if err != nil {
		return nil, err
	}
	defer w.close()
	for i := range st.Services {
		if err := w.snapshot(ctx, &st.Services[i]); err != nil {
			return nil, fmt.Errorf("store %s: %w", st.Services[i].Name, err)
		}
	}
	out := make([]engine.Event, len(events))
	for i, e := range events {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO failure_events (at, host, service, kind, status, detail) VALUES (?, ?, ?, ?, ?, ?)`,
			e.At.Unix(), e.Host, e.Service, string(e.Kind), int64(e.Status), e.Detail)
		if err != nil {
			return nil, fmt.Errorf("store event for %s: %w", e.Service, err)
		}
		e.ID, _ = res.LastInsertId()
		out[i] = e
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}
	return out, nil
}

// cycleWriter holds the prepared statements of one RecordCycle transaction.
type cycleWriter struct {
	service, output, outputID, port, portSample *sql.Stmt
	byType                                      map[engine.ServiceType]*sql.Stmt
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

func newCycleWriter(ctx context.Context, tx *sql.Tx) (*cycleWriter, error) {
	w := &cycleWriter{byType: map[engine.ServiceType]*sql.Stmt{}}
	prepare := func(dst **sql.Stmt, q string) error {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		*dst = st
		return nil
	}
	err := errors.Join(
		prepare(&w.service, `INSERT INTO services (host, name, type, last_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (host, name) DO UPDATE SET type = excluded.type,
				last_at = max(coalesce(last_at, 0), excluded.last_at) RETURNING id`),
		prepare(&w.output, `INSERT OR IGNORE INTO outputs (body) VALUES (?)`),
		prepare(&w.outputID, `SELECT id FROM outputs WHERE body = ?`),
		prepare(&w.port, `INSERT INTO ports (service_id, hostname, port, protocol) VALUES (?, ?, ?, ?)
			ON CONFLICT (service_id, hostname, port, protocol) DO UPDATE SET port = excluded.port RETURNING id`),
		prepare(&w.portSample, `INSERT OR IGNORE INTO port_samples VALUES (?, ?, ?)`),
	)
	for typ, q := range sampleInserts {
		var st *sql.Stmt
		err = errors.Join(err, prepare(&st, q))
		w.byType[typ] = st
	}
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *cycleWriter) close() {
	for _, s := range []*sql.Stmt{w.service, w.output, w.outputID, w.port, w.portSample} {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range w.byType {
		if s != nil {
			s.Close()
		}
	}
}

func (w *cycleWriter) snapshot(ctx context.Context, s *engine.Snapshot) error {
	var id int64
	at := s.CollectedAt.Unix()
	if err := w.service.QueryRowContext(ctx, s.Host, s.Name, int(s.Type), at).Scan(&id); err != nil {
		return err
	}
	args, err := w.figures(ctx, s)
	if err != nil {
		return err
	}
	typ := s.Type
	if typ == engine.TypeDirectory || typ == engine.TypeFifo {
		typ = engine.TypeFile
	}
	ins, ok := w.byType[typ]
	if !ok {
		return fmt.Errorf("unknown service type %d", s.Type)
	}
	res, err := ins.ExecContext(ctx, append([]any{at, id, int64(s.Status), int(s.Monitor), int(s.PendingAction)}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // already stored: Monit has not checked the service since
	}
	for _, p := range s.Ports {
		var pid int64
		if err := w.port.QueryRowContext(ctx, id, p.Hostname, p.Port, p.Protocol).Scan(&pid); err != nil {
			return err
		}
		us := int64(-1)
		if p.ResponseSec >= 0 {
			us = int64(math.Round(p.ResponseSec * 1e6))
		}
		if _, err := w.portSample.ExecContext(ctx, at, pid, us); err != nil {
			return err
		}
	}
	return nil
}

// figures returns the type-specific values of the snapshot's table, NULL where Monit sent
// nothing (unmonitored, initializing or missing services).
func (w *cycleWriter) figures(ctx context.Context, s *engine.Snapshot) ([]any, error) {
	switch s.Type {
	case engine.TypeProcess:
		p := s.Process
		if p == nil {
			return nulls(12), nil
		}
		return []any{p.PID, p.PPID, p.UptimeSec, p.Threads, p.Children,
			x10(p.CPUPercent), x10(p.CPUPercentTotal), x10(p.MemPercent), x10(p.MemPercentTotal),
			p.MemKB, p.MemKBTotal, p.FDOpen}, nil
	case engine.TypeProgram:
		g := s.Program
		if g == nil {
			return nulls(3), nil
		}
		oid, err := w.outputRef(ctx, g.Output)
		return []any{unixOrNil(g.Started), g.ExitStatus, oid}, err
	case engine.TypeFilesystem:
		f := s.Filesystem
		if f == nil {
			return nulls(6), nil
		}
		return []any{scale(f.BlockPercent, 10), scale(f.BlockUsageMB, 10), scale(f.BlockTotalMB, 10),
			x10(f.InodePercent), f.InodeUsage, f.InodeTotal}, nil
	case engine.TypeSystem:
		y := s.System
		if y == nil {
			return nulls(10), nil
		}
		return []any{scale(y.Load1, 100), scale(y.Load5, 100), scale(y.Load15, 100),
			x10(y.CPUUser), x10(y.CPUSystem), x10(y.CPUWait), scale(y.MemPercent, 10), y.MemKB,
			scale(y.SwapPercent, 10), y.SwapKB}, nil
	case engine.TypeFile, engine.TypeDirectory, engine.TypeFifo:
		f := s.File
		if f == nil {
			return nulls(2), nil
		}
		return []any{f.Size, unixOrNil(f.Modified)}, nil
	case engine.TypeNet:
		n := s.Net
		if n == nil {
			return nulls(4), nil
		}
		return []any{n.LinkState, n.SpeedBits, int64(math.Round(n.DownloadBytes)), int64(math.Round(n.UploadBytes))}, nil
	}
	return nil, nil
}

func nulls(n int) []any { return make([]any, n) }

func (w *cycleWriter) outputRef(ctx context.Context, body string) (int64, error) {
	if _, err := w.output.ExecContext(ctx, body); err != nil {
		return 0, err
	}
	var id int64
	err := w.outputID.QueryRowContext(ctx, body).Scan(&id)
	return id, err
}

func scale(v float64, by float64) int64 { return int64(math.Round(v * by)) }

func x10(v *float64) any {
	if v == nil {
		return nil
	}
	return scale(*v, 10)
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
	if deleted > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outputs
			WHERE id NOT IN (SELECT output_id FROM prog_samples WHERE output_id IS NOT NULL)`); err != nil {
			return 0, fmt.Errorf("prune outputs: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune commit: %w", err)
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
