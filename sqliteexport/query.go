package sqliteexport

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"monit-intel/engine"
)

// snapshotColumns are read from the snapshots view by scanSnapshot, in this order.
const snapshotColumns = `collected_at, host, service, type, status, status_hint, monitor, pending_action,
	pid, ppid, uptime, threads, children, cpu_percent, cpu_percent_total, mem_percent,
	mem_percent_total, mem_kb, mem_kb_total, fd_open,
	program_started, exit_status, program_output,
	fs_percent, fs_used_mb, fs_total_mb, inode_percent, inode_used, inode_total,
	load1, load5, load15, cpu_user, cpu_system, cpu_wait, swap_percent, swap_kb,
	file_size, file_modified, link_state, link_speed, download_bytes, upload_bytes`

type snapshotRow struct {
	at                                                         int64
	host, service, typ                                         string
	status, hint, monitor, pending                             int64
	pid, ppid, uptime, threads, children                       sql.NullInt64
	cpu, cpuTotal, mem, memTotal                               sql.NullFloat64
	memKB, memKBTotal, fdOpen                                  sql.NullInt64
	started, exitStatus                                        sql.NullInt64
	output                                                     sql.NullString
	fsPct, fsUsed, fsTotal, inodePct                           sql.NullFloat64
	inodeUsed, inodeTotal                                      sql.NullInt64
	load1, load5, load15, cpuUser, cpuSystem, cpuWait, swapPct sql.NullFloat64
	swapKB, size, modified, link, speed, download, upload      sql.NullInt64
}

func scanSnapshot(rows *sql.Rows) (engine.Snapshot, error) {
	var r snapshotRow
	err := rows.Scan(&r.at, &r.host, &r.service, &r.typ, &r.status, &r.hint, &r.monitor, &r.pending,
		&r.pid, &r.ppid, &r.uptime, &r.threads, &r.children, &r.cpu, &r.cpuTotal, &r.mem,
		&r.memTotal, &r.memKB, &r.memKBTotal, &r.fdOpen,
		&r.started, &r.exitStatus, &r.output,
		&r.fsPct, &r.fsUsed, &r.fsTotal, &r.inodePct, &r.inodeUsed, &r.inodeTotal,
		&r.load1, &r.load5, &r.load15, &r.cpuUser, &r.cpuSystem, &r.cpuWait, &r.swapPct, &r.swapKB,
		&r.size, &r.modified, &r.link, &r.speed, &r.download, &r.upload)
	if err != nil {
		return engine.Snapshot{}, err
	}
	return r.snapshot(), nil
}

func (r *snapshotRow) snapshot() engine.Snapshot {
	t, ok := engine.ParseServiceType(r.typ)
	if !ok {
		t = engine.TypeUnknown
	}
	a := new(figureArena)
	s := engine.Snapshot{
		Host: r.host, Name: r.service, Type: t, CollectedAt: time.Unix(r.at, 0).UTC(),
		Status: engine.StatusBits(r.status), StatusHint: engine.StatusBits(r.hint), Monitor: engine.MonitorState(r.monitor),
		PendingAction: engine.PendingAction(r.pending),
	}
	if anyValid(r.pid, r.ppid, r.uptime, r.threads, r.children, r.memKB, r.memKBTotal, r.fdOpen) && s.Type == engine.TypeProcess {
		s.Process = &engine.ProcessFigures{
			PID: a.intp(r.pid), PPID: a.intp(r.ppid), UptimeSec: a.int64p(r.uptime),
			Threads: a.intp(r.threads), Children: a.intp(r.children),
			CPUPercent: a.floatp(r.cpu), CPUPercentTotal: a.floatp(r.cpuTotal),
			MemPercent: a.floatp(r.mem), MemPercentTotal: a.floatp(r.memTotal),
			MemKB: a.int64p(r.memKB), MemKBTotal: a.int64p(r.memKBTotal), FDOpen: a.intp(r.fdOpen),
		}
	}
	if r.exitStatus.Valid || r.started.Valid || r.output.Valid {
		s.Program = &engine.ProgramFigures{ExitStatus: a.intp(r.exitStatus), Output: r.output.String}
		if r.started.Valid {
			s.Program.Started = time.Unix(r.started.Int64, 0).UTC()
		}
	}
	if anyValidFloat(r.fsPct, r.fsUsed, r.fsTotal, r.inodePct) || anyValid(r.inodeUsed, r.inodeTotal) {
		s.Filesystem = &engine.FilesystemFigures{
			BlockPercent: a.floatp(r.fsPct), BlockUsageMB: a.floatp(r.fsUsed), BlockTotalMB: a.floatp(r.fsTotal),
			InodePercent: a.floatp(r.inodePct), InodeUsage: a.int64p(r.inodeUsed), InodeTotal: a.int64p(r.inodeTotal),
		}
	}
	if s.Type == engine.TypeSystem && (anyValidFloat(r.load1, r.load5, r.load15, r.cpuUser, r.cpuSystem, r.cpuWait, r.mem, r.swapPct) ||
		anyValid(r.memKB, r.swapKB)) {
		s.System = &engine.SystemFigures{
			Load1: a.floatp(r.load1), Load5: a.floatp(r.load5), Load15: a.floatp(r.load15),
			CPUUser: a.floatp(r.cpuUser), CPUSystem: a.floatp(r.cpuSystem), CPUWait: a.floatp(r.cpuWait),
			MemPercent: a.floatp(r.mem), MemKB: a.int64p(r.memKB), SwapPercent: a.floatp(r.swapPct), SwapKB: a.int64p(r.swapKB),
		}
	}
	if r.size.Valid || r.modified.Valid {
		s.File = &engine.FileFigures{Size: a.int64p(r.size)}
		if r.modified.Valid {
			s.File.Modified = time.Unix(r.modified.Int64, 0).UTC()
		}
	}
	if anyValid(r.link, r.speed, r.download, r.upload) {
		s.Net = &engine.NetFigures{LinkState: a.intp(r.link), SpeedBits: a.int64p(r.speed),
			DownloadBytes: a.int64Floatp(r.download), UploadBytes: a.int64Floatp(r.upload)}
	}
	return s
}

// figureArena holds the figures a snapshot points to, one allocation per snapshot instead of
// one per figure: a long series (10,000 rows) spent a third of its time allocating them. A
// snapshot has the figures of one type; should more be set, they are allocated one by one.
type figureArena struct {
	ints        [5]int
	int64s      [3]int64
	floats      [8]float64
	ni, n64, nf int
}

func (a *figureArena) intp(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	return take(a.ints[:], &a.ni, int(v.Int64))
}

func (a *figureArena) int64p(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return take(a.int64s[:], &a.n64, v.Int64)
}

func (a *figureArena) floatp(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	return take(a.floats[:], &a.nf, v.Float64)
}

// take puts v in the next free slot of buf (n counts the used ones) and points to it, or
// allocates it when buf is full.
func take[T any](buf []T, n *int, v T) *T {
	if *n == len(buf) {
		x := v // not &v: v would be moved to the heap at every call
		return &x
	}
	p := &buf[*n]
	*p, *n = v, *n+1
	return p
}

func (a *figureArena) int64Floatp(v sql.NullInt64) *float64 {
	if !v.Valid {
		return nil
	}
	return a.floatp(sql.NullFloat64{Float64: float64(v.Int64), Valid: true})
}

func anyValid(vs ...sql.NullInt64) bool {
	for _, v := range vs {
		if v.Valid {
			return true
		}
	}
	return false
}

func anyValidFloat(vs ...sql.NullFloat64) bool {
	for _, v := range vs {
		if v.Valid {
			return true
		}
	}
	return false
}

// latestAt selects each service's newest collected_at: one seek to the end of the service's
// range in each sample table (keyed (service_id, at)), not a scan of every sample. It runs
// at start-up, so that is cheaper than keeping a "last seen" column up to date on every cycle.
var latestAt = func() string {
	const none = "-9223372036854775808"
	maxes := make([]string, len(sampleTables))
	for i, t := range sampleTables {
		maxes[i] = "coalesce((SELECT max(at) FROM " + t + " WHERE service_id = sv.id), " + none + ")"
	}
	return `SELECT host, name, at FROM (SELECT sv.host, sv.name, max(` + strings.Join(maxes, ", ") + `) AS at
		FROM services sv) WHERE at > ` + none
}()

// Latest returns every service's most recent snapshot, with its port checks.
func (db *DB) Latest(ctx context.Context) ([]engine.Snapshot, error) {
	rows, err := db.r.QueryContext(ctx, `WITH latest AS MATERIALIZED (`+latestAt+`)
		SELECT `+snapshotColumns+` FROM snapshots
		WHERE (host, service, collected_at) IN (SELECT host, name, at FROM latest)
		ORDER BY host, service`)
	if err != nil {
		return nil, fmt.Errorf("latest snapshots: %w", err)
	}
	snaps, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("latest snapshots: %w", err)
	}
	if err := db.attachTests(ctx, snaps); err != nil {
		return nil, err
	}
	if err := db.attachParseNotes(ctx, snaps); err != nil {
		return nil, err
	}
	return snaps, nil
}

// indexByService maps each snapshot's service to its index in snaps.
func indexByService(snaps []engine.Snapshot) map[engine.ServiceKey]int {
	idx := make(map[engine.ServiceKey]int, len(snaps))
	for i, s := range snaps {
		idx[engine.ServiceKey{Host: s.Host, Service: s.Name}] = i
	}
	return idx
}

func (db *DB) attachTests(ctx context.Context, snaps []engine.Snapshot) error {
	rows, err := db.r.QueryContext(ctx, `SELECT host, service, kind, hostname, port, path, type, protocol, request,
		coalesce(response_time, -1) FROM connection_tests WHERE (host, service, collected_at) IN (`+latestAt+`)
		ORDER BY host, service, kind, hostname, port, path, request`)
	if err != nil {
		return fmt.Errorf("latest connection tests: %w", err)
	}
	defer rows.Close()
	idx := indexByService(snaps)
	for rows.Next() {
		var k engine.ServiceKey
		var t engine.ConnTest
		if err := rows.Scan(&k.Host, &k.Service, &t.Kind, &t.Hostname, &t.Port, &t.Path, &t.Type,
			&t.Protocol, &t.Request, &t.ResponseSec); err != nil {
			return fmt.Errorf("latest connection tests: %w", err)
		}
		if i, ok := idx[k]; ok {
			addTest(&snaps[i], t)
		}
	}
	return rows.Err()
}

// addTest puts a stored test back where the parser puts it.
func addTest(s *engine.Snapshot, t engine.ConnTest) {
	switch t.Kind {
	case engine.TestUnix:
		s.Sockets = append(s.Sockets, engine.SocketCheck{Path: t.Path, Protocol: t.Protocol, ResponseSec: t.ResponseSec})
	case engine.TestIcmp:
		s.Icmp = append(s.Icmp, engine.IcmpCheck{Type: t.Type, ResponseSec: t.ResponseSec})
	default:
		s.Ports = append(s.Ports, engine.PortCheck{Hostname: t.Hostname, Port: t.Port, Protocol: t.Protocol,
			Type: t.Type, Request: t.Request, ResponseSec: t.ResponseSec})
	}
}

// Series returns a service's snapshots collected at or after since, newest first, on every
// host (SeriesOn names one).
func (db *DB) Series(ctx context.Context, service string, since time.Time, limit int) ([]engine.Snapshot, error) {
	return db.SeriesOn(ctx, "", service, since, limit)
}

func collect(rows *sql.Rows) ([]engine.Snapshot, error) {
	defer rows.Close()
	var out []engine.Snapshot
	for rows.Next() {
		s, err := scanSnapshot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Events returns failure events, newest first; an empty service means every service.
func (db *DB) Events(ctx context.Context, service string, limit int) ([]engine.Event, error) {
	return db.EventsOn(ctx, "", service, limit)
}

// eventColumns are what queryEvents scans.
const eventColumns = `id, at, host, service, kind, status, detail, coalesce(cycle, 0)`

// queryEvents runs a query over failure_events selecting eventColumns.
func (db *DB) queryEvents(ctx context.Context, q string, args ...any) ([]engine.Event, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []engine.Event
	for rows.Next() {
		var e engine.Event
		var at, status int64
		var kind string
		if err := rows.Scan(&e.ID, &at, &e.Host, &e.Service, &kind, &status, &e.Detail, &e.Cycle); err != nil {
			return nil, err
		}
		e.At, e.Kind, e.Status = time.Unix(at, 0).UTC(), engine.State(kind), engine.StatusBits(status)
		out = append(out, e)
	}
	return out, rows.Err()
}
