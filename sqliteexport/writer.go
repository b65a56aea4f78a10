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
	service, output, outputID, port, portSample, event, parseNotes *sql.Stmt
	byType                                                         map[engine.ServiceType]*sql.Stmt

	services map[engine.ServiceKey]serviceRow
	ports    map[portKey]int64
	outputs  map[int64]outputRow // by service ID: the last program output stored
}

type serviceRow struct {
	id  int64
	typ engine.ServiceType
}

type portKey struct {
	service  int64
	hostname string
	port     int
	protocol string
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
		prepare(&c.port, `INSERT INTO ports (service_id, hostname, port, protocol) VALUES (?, ?, ?, ?)
			ON CONFLICT (service_id, hostname, port, protocol) DO UPDATE SET port = excluded.port RETURNING id`),
		prepare(&c.portSample, `INSERT OR IGNORE INTO port_samples VALUES (?, ?, ?)`),
		prepare(&c.event, `INSERT INTO failure_events (at, host, service, kind, status, detail) VALUES (?, ?, ?, ?, ?, ?)`),
		prepare(&c.parseNotes, `INSERT OR IGNORE INTO parse_notes VALUES (?, ?, ?)`),
	)
	for typ, q := range sampleInserts {
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
	c.services, c.ports = map[engine.ServiceKey]serviceRow{}, map[portKey]int64{}
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
	rows, err = w.QueryContext(ctx, `SELECT id, service_id, hostname, port, protocol FROM ports`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k portKey
		if err := rows.Scan(&id, &k.service, &k.hostname, &k.port, &k.protocol); err != nil {
			return err
		}
		c.ports[k] = id
	}
	return rows.Err()
}

func (c *writerCache) close() {
	for _, s := range []*sql.Stmt{c.service, c.output, c.outputID, c.port, c.portSample, c.event, c.parseNotes} {
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
	ports    map[portKey]int64
	outputs  map[int64]outputRow
	bound    map[*sql.Stmt]*sql.Stmt
}

func (c *writerCache) begin(ctx context.Context, tx *sql.Tx) *cycleTx {
	return &cycleTx{c: c, tx: tx, ctx: ctx, services: map[engine.ServiceKey]serviceRow{},
		ports: map[portKey]int64{}, outputs: map[int64]outputRow{}, bound: map[*sql.Stmt]*sql.Stmt{}}
}

// commit adds what a committed transaction created to the caches.
func (c *writerCache) commit(w *cycleTx) {
	for k, v := range w.services {
		c.services[k] = v
	}
	for k, v := range w.ports {
		c.ports[k] = v
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
	res, err := w.stmt(ins).ExecContext(ctx, append([]any{at, id, int64(s.Status), int(s.Monitor), int(s.PendingAction)}, args...)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // already stored: Monit has not checked the service since
	}
	if err := w.storeParseNotes(ctx, at, id, s.ParseNotes); err != nil {
		return err
	}
	for _, p := range s.Ports {
		pid, err := w.portID(id, p)
		if err != nil {
			return err
		}
		us := int64(-1)
		if p.ResponseSec >= 0 {
			us = int64(math.Round(p.ResponseSec * 1e6))
		}
		if _, err := w.stmt(w.c.portSample).ExecContext(ctx, at, pid, us); err != nil {
			return err
		}
	}
	return nil
}

func (w *cycleTx) portID(service int64, p engine.PortCheck) (int64, error) {
	k := portKey{service: service, hostname: p.Hostname, port: p.Port, protocol: p.Protocol}
	if id, ok := w.ports[k]; ok {
		return id, nil
	}
	if id, ok := w.c.ports[k]; ok {
		return id, nil
	}
	var id int64
	if err := w.stmt(w.c.port).QueryRowContext(w.ctx, service, p.Hostname, p.Port, p.Protocol).Scan(&id); err != nil {
		return 0, err
	}
	w.ports[k] = id
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
