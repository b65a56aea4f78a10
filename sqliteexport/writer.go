package sqliteexport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"monit-intel/engine"
)

// writerCache is the writer connection's state between cycles: statements prepared once and
// the IDs of rows that every cycle refers to. Guarded by DB.wmu.
type writerCache struct {
	service, output, outputID, test, testSample, event, eventID, cycle, parseNotes *sql.Stmt
	byType                                                                         map[engine.ServiceType]*sql.Stmt

	services map[engine.ServiceKey]serviceRow
	tests    map[testKey]int64
	outputs  map[int64]outputRow // by service ID: the last program output stored
}

type serviceRow struct {
	id  int64
	typ engine.ServiceType
}

// testKey is what tells two connection tests of a service apart.
type testKey struct {
	service int64
	kind    engine.TestKind
	host    string
	port    int
	path    string
	typ     string
	proto   string
	request string
}

func keyOf(service int64, t engine.ConnTest) testKey {
	return testKey{service: service, kind: t.Kind, host: t.Hostname, port: t.Port, path: t.Path,
		typ: t.Type, proto: t.Protocol, request: t.Request}
}

type outputRow struct {
	body string
	id   int64
}

// prepareWriter prepares the statements and loads the ID caches on first use.
func (db *DB) prepareWriter(ctx context.Context) error {
	if db.cache != nil {
		return nil
	}
	c := &writerCache{byType: map[engine.ServiceType]*sql.Stmt{}, outputs: map[int64]outputRow{}}
	prepare := func(dst **sql.Stmt, q string) error {
		st, err := db.w.PrepareContext(ctx, q)
		*dst = st
		return err
	}
	err := errors.Join(
		prepare(&c.service, `INSERT INTO services (host, name, type) VALUES (?, ?, ?)
			ON CONFLICT (host, name) DO UPDATE SET type = excluded.type RETURNING id`),
		prepare(&c.output, `INSERT OR IGNORE INTO outputs (body) VALUES (?)`),
		prepare(&c.outputID, `SELECT id FROM outputs WHERE body = ?`),
		prepare(&c.test, `INSERT INTO tests (service_id, kind, hostname, port, path, type, protocol, request)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (service_id, kind, hostname, port, path, type, protocol, request)
			DO UPDATE SET port = excluded.port RETURNING id`),
		prepare(&c.testSample, `INSERT INTO test_samples VALUES (?, ?, ?)
			ON CONFLICT (at, test_id) DO UPDATE SET response_us = excluded.response_us`),
		prepare(&c.event, `INSERT INTO failure_events (at, host, service, kind, status, detail, cycle)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		prepare(&c.eventID, `SELECT id, cycle FROM failure_events
			WHERE service = ? AND at = ? AND kind = ? AND host = ? AND cycle IS NOT NULL`),
		prepare(&c.cycle, `INSERT INTO cycles (recorded_at, oldest_at, newest_at) VALUES (?, ?, ?)`),
		prepare(&c.parseNotes, `INSERT OR IGNORE INTO parse_notes VALUES (?, ?, ?)`),
	)
	for typ, q := range sampleUpserts() {
		var st *sql.Stmt
		err = errors.Join(err, prepare(&st, q))
		c.byType[typ] = st
	}
	if err == nil {
		err = c.load(ctx, db.w)
	}
	if err != nil {
		c.close()
		return fmt.Errorf("prepare the writer: %w", err)
	}
	db.cache = c
	return nil
}

func (c *writerCache) load(ctx context.Context, w *sql.DB) error {
	c.services, c.tests = map[engine.ServiceKey]serviceRow{}, map[testKey]int64{}
	rows, err := w.QueryContext(ctx, `SELECT id, host, name, type FROM services`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r serviceRow
		var k engine.ServiceKey
		if err := rows.Scan(&r.id, &k.Host, &k.Service, &r.typ); err != nil {
			rows.Close()
			return err
		}
		c.services[k] = r
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	rows, err = w.QueryContext(ctx, `SELECT id, service_id, kind, hostname, port, path, type, protocol, request FROM tests`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k testKey
		if err := rows.Scan(&id, &k.service, &k.kind, &k.host, &k.port, &k.path, &k.typ, &k.proto, &k.request); err != nil {
			return err
		}
		c.tests[k] = id
	}
	return rows.Err()
}

func (c *writerCache) close() {
	for _, s := range []*sql.Stmt{c.service, c.output, c.outputID, c.test, c.testSample, c.event, c.eventID, c.cycle, c.parseNotes} {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range c.byType {
		if s != nil {
			s.Close()
		}
	}
}

// cycleTx is one RecordCycle transaction and the IDs it created.
type cycleTx struct {
	c        *writerCache
	tx       *sql.Tx
	ctx      context.Context
	services map[engine.ServiceKey]serviceRow
	tests    map[testKey]int64
	outputs  map[int64]outputRow
	bound    map[*sql.Stmt]*sql.Stmt
	oldest   int64 // the oldest collected_at stored in this transaction, 0 when none
	newest   int64
}

func (c *writerCache) begin(ctx context.Context, tx *sql.Tx) *cycleTx {
	return &cycleTx{c: c, tx: tx, ctx: ctx, services: map[engine.ServiceKey]serviceRow{},
		tests: map[testKey]int64{}, outputs: map[int64]outputRow{}, bound: map[*sql.Stmt]*sql.Stmt{}}
}

// commit adds what a committed transaction created to the caches.
func (c *writerCache) commit(w *cycleTx) {
	for k, v := range w.services {
		c.services[k] = v
	}
	for k, v := range w.tests {
		c.tests[k] = v
	}
	for k, v := range w.outputs {
		c.outputs[k] = v
	}
}

// stmt binds a prepared statement to the transaction; on the one writer connection this does
// not prepare it again.
func (w *cycleTx) stmt(s *sql.Stmt) *sql.Stmt {
	if b, ok := w.bound[s]; ok {
		return b
	}
	b := w.tx.StmtContext(w.ctx, s)
	w.bound[s] = b
	return b
}

func (w *cycleTx) serviceID(s *engine.Snapshot) (int64, error) {
	k := engine.ServiceKey{Host: s.Host, Service: s.Name}
	if r, ok := w.services[k]; ok {
		return r.id, nil
	}
	if r, ok := w.c.services[k]; ok && r.typ == s.Type {
		return r.id, nil
	}
	var id int64
	if err := w.stmt(w.c.service).QueryRowContext(w.ctx, s.Host, s.Name, int(s.Type)).Scan(&id); err != nil {
		return 0, err
	}
	w.services[k] = serviceRow{id: id, typ: s.Type}
	return id, nil
}

func (w *cycleTx) snapshot(ctx context.Context, s *engine.Snapshot) error {
	id, err := w.serviceID(s)
	if err != nil {
		return err
	}
	at := s.CollectedAt.Unix()
	args, err := w.figures(ctx, id, s)
	if err != nil {
		return err
	}
	typ := s.Type
	if typ == engine.TypeDirectory || typ == engine.TypeFifo {
		typ = engine.TypeFile
	}
	ins, ok := w.c.byType[typ]
	if !ok {
		// A type this Monit knows and monit-intel does not: its common figures are kept
		// with the remote hosts', which have no figures of their own either.
		ins = w.c.byType[engine.TypeHost]
	}
	res, err := w.stmt(ins).ExecContext(ctx, append([]any{at, id, packState(s)}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // already stored: Monit has not checked the service since, nor changed its state
	}
	if w.oldest == 0 || at < w.oldest {
		w.oldest = at
	}
	w.newest = max(w.newest, at)
	if err := w.storeParseNotes(ctx, at, id, s.ParseNotes); err != nil {
		return err
	}
	for _, t := range s.Tests() {
		tid, err := w.testID(id, t)
		if err != nil {
			return err
		}
		var us any // NULL: not tested yet
		switch {
		case t.Failed:
			us = int64(-1)
		case t.ResponseSec >= 0:
			us = int64(math.Round(t.ResponseSec * 1e6))
		}
		if _, err := w.stmt(w.c.testSample).ExecContext(ctx, at, tid, us); err != nil {
			return err
		}
	}
	return nil
}

// packState is the stored state column: monitor | pending << 3 | status << 6 (see
// migrationTests). The changed bits are kept by the CHANGE_DETECTED event.
func packState(s *engine.Snapshot) int64 {
	return int64(s.Monitor&7) | int64(s.PendingAction&7)<<3 | int64(s.Status)<<6
}

func (w *cycleTx) testID(service int64, t engine.ConnTest) (int64, error) {
	k := keyOf(service, t)
	if id, ok := w.tests[k]; ok {
		return id, nil
	}
	if id, ok := w.c.tests[k]; ok {
		return id, nil
	}
	var id int64
	err := w.stmt(w.c.test).QueryRowContext(w.ctx, service, string(t.Kind), t.Hostname, t.Port, t.Path,
		t.Type, t.Protocol, t.Request).Scan(&id)
	if err != nil {
		return 0, err
	}
	w.tests[k] = id
	return id, nil
}

// outputRef returns the ID of a program output, storing it once.
func (w *cycleTx) outputRef(service int64, body string) (int64, error) {
	if o, ok := w.c.outputs[service]; ok && o.body == body {
		return o.id, nil
	}
	if _, err := w.stmt(w.c.output).ExecContext(w.ctx, body); err != nil {
		return 0, err
	}
	var id int64
	if err := w.stmt(w.c.outputID).QueryRowContext(w.ctx, body).Scan(&id); err != nil {
		return 0, err
	}
	w.outputs[service] = outputRow{body: body, id: id}
	return id, nil
}

// figures returns the type-specific values of the snapshot's table, NULL where Monit sent
// nothing (unmonitored, initializing or missing services).
func (w *cycleTx) figures(_ context.Context, service int64, s *engine.Snapshot) ([]any, error) {
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
		oid, err := w.outputRef(service, g.Output)
		return []any{unixOrNil(g.Started), g.ExitStatus, oid}, err
	case engine.TypeFilesystem:
		f := s.Filesystem
		if f == nil {
			return nulls(6), nil
		}
		return []any{x10(f.BlockPercent), x10(f.BlockUsageMB), x10(f.BlockTotalMB),
			x10(f.InodePercent), f.InodeUsage, f.InodeTotal}, nil
	case engine.TypeSystem:
		y := s.System
		if y == nil {
			return nulls(10), nil
		}
		return []any{x100(y.Load1), x100(y.Load5), x100(y.Load15),
			x10(y.CPUUser), x10(y.CPUSystem), x10(y.CPUWait), x10(y.MemPercent), y.MemKB,
			x10(y.SwapPercent), y.SwapKB}, nil
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
		return []any{n.LinkState, n.SpeedBits, x1(n.DownloadBytes), x1(n.UploadBytes)}, nil
	}
	return nil, nil
}
