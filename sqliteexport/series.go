package sqliteexport

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"monit-intel/engine"
)

// SeriesOn returns a service's snapshots of one host (empty: every host) collected at or
// after since, newest first: the raw samples where they are still kept, and one per 5-minute
// bucket before that, each figure the bucket's average and collected_at its start (Tiers).
//
// Each service is read from its own type's tables only, with the columns of its type, the
// two tiers merged by SQLite from their keys (service_id, at) and (service_id, bucket): the
// work is the rows returned, whatever the size of the fleet and the span.
func (db *DB) SeriesOn(ctx context.Context, host, service string, since time.Time, limit int) ([]engine.Snapshot, error) {
	if service == "" {
		return nil, fmt.Errorf("snapshots: no service named")
	}
	owners, err := db.servicesNamed(ctx, host, service)
	if err != nil {
		return nil, fmt.Errorf("snapshots of %s: %w", service, err)
	}
	var snaps []engine.Snapshot
	for _, o := range owners {
		s, err := db.serviceSeries(ctx, o, since, limit)
		if err != nil {
			return nil, fmt.Errorf("snapshots of %s on %s: %w", service, o.host, err)
		}
		if snaps == nil {
			snaps = s // one host: no copy
		} else {
			snaps = append(snaps, s...)
		}
	}
	if len(owners) > 1 {
		slices.SortStableFunc(snaps, func(a, b engine.Snapshot) int { return b.CollectedAt.Compare(a.CollectedAt) })
		snaps = snaps[:min(len(snaps), limit)]
	}
	if err := db.attachSeriesNotes(ctx, service, since, snaps); err != nil {
		return nil, err
	}
	return snaps, nil
}

// seriesOwner is one service of that name: its ID, host, name and type.
type seriesOwner struct {
	id         int64
	host, name string
	typ        engine.ServiceType
}

func (db *DB) servicesNamed(ctx context.Context, host, service string) ([]seriesOwner, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, host, name, type FROM services WHERE name = ? AND ? IN ('', host)
		ORDER BY host`, service, host)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []seriesOwner
	for rows.Next() {
		var o seriesOwner
		if err := rows.Scan(&o.id, &o.host, &o.name, &o.typ); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// serviceSeries reads one service's two tiers, newest first, and the status hints of its
// raw samples (Monit's change events at the same collection time).
func (db *DB) serviceSeries(ctx context.Context, o seriesOwner, since time.Time, limit int) ([]engine.Snapshot, error) {
	q, figures := seriesQuery(o.typ)
	rows, err := db.r.QueryContext(ctx, q, o.id, since.Unix(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	base := snapshotRow{host: o.host, service: o.name, typ: o.typ.String()}
	var rolled int64
	// The figures are scanned into interfaces, which database/sql fills without converting
	// (an int64, a string or nil), and their setters are looked up once.
	vals := make([]any, len(figures))
	setters := make([]func(*snapshotRow, sql.NullInt64), len(figures))
	dest := []any{&base.at, &base.status, &rolled}
	for i, f := range figures {
		dest, setters[i] = append(dest, &vals[i]), figureSetters[f]
	}
	// Growing a slice of snapshots copies them: room for the REST API's largest page.
	out := make([]engine.Snapshot, 0, min(limit, 10_000))
	var raw []int // indexes of raw samples in out
	// One row for every row: the setters' pointer makes it escape, and snapshot copies
	// out of it.
	r := new(snapshotRow)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		*r = base
		r.status, r.monitor, r.pending = base.status>>6, base.status&7, (base.status>>3)&7
		for i, v := range vals {
			switch v := v.(type) {
			case int64:
				setters[i](r, sql.NullInt64{Int64: v, Valid: true})
			case float64: // a figure written by hand into an INTEGER column
				setters[i](r, sql.NullInt64{Int64: int64(math.Round(v)), Valid: true})
			case string: // the program's output
				r.output = sql.NullString{String: v, Valid: true}
			case []byte:
				r.output = sql.NullString{String: string(v), Valid: true}
			}
		}
		if rolled == 0 {
			raw = append(raw, len(out))
		}
		out = append(out, r.snapshot())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.attachHints(ctx, o, since, out, raw)
}

// attachHints sets the status hint of the raw samples out[raw...]: the bits of the service's
// CHANGE_DETECTED event at the same collection time, as the snapshots view does.
func (db *DB) attachHints(ctx context.Context, o seriesOwner, since time.Time, out []engine.Snapshot, raw []int) error {
	if len(raw) == 0 {
		return nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT at, status FROM failure_events
		WHERE host = ? AND service = ? AND at >= ? AND kind = 'CHANGE_DETECTED'`, o.host, o.name, since.Unix())
	if err != nil {
		return fmt.Errorf("status hints: %w", err)
	}
	defer rows.Close()
	hints := map[int64]engine.StatusBits{}
	for rows.Next() {
		var at int64
		var bits engine.StatusBits
		if err := rows.Scan(&at, &bits); err != nil {
			return fmt.Errorf("status hints: %w", err)
		}
		hints[at] = bits
	}
	for _, i := range raw {
		out[i].StatusHint = hints[out[i].CollectedAt.Unix()]
	}
	return rows.Err()
}

// seriesQuery is the statement that reads a service of type typ from both tiers, newest
// first (?1 the service ID, ?2 since, ?3 the limit), and the figure columns it selects after
// at, state and whether the row is a rollup. The order of a compound SELECT is a merge of
// its arms, each read backwards along its key: nothing is sorted.
func seriesQuery(typ engine.ServiceType) (string, []string) {
	t := sampleColumns[tableType(typ)]
	raw := make([]string, len(t.figures))
	rolled := make([]string, len(t.figures))
	for i, f := range t.figures {
		raw[i], rolled[i] = f, f+"_avg"
		if f == "output_id" { // the program's output is not rolled up
			raw[i], rolled[i] = "(SELECT body FROM outputs WHERE id = output_id)", "NULL"
		}
	}
	rollups := strings.TrimSuffix(t.table, "_samples") + "_rollups"
	return `SELECT at, state, 0` + prefixed(raw) + ` FROM ` + t.table + ` WHERE service_id = ?1 AND at >= ?2
		UNION ALL SELECT bucket, state, 1` + prefixed(rolled) + ` FROM ` + rollups + ` WHERE service_id = ?1 AND bucket >= ?2
		ORDER BY 1 DESC LIMIT ?3`, t.figures
}

func prefixed(cols []string) string {
	if len(cols) == 0 {
		return ""
	}
	return ", " + strings.Join(cols, ", ")
}

// tableType is the type whose table holds a service of type typ (see cycleTx.snapshot).
func tableType(typ engine.ServiceType) engine.ServiceType {
	switch typ {
	case engine.TypeDirectory, engine.TypeFifo:
		return engine.TypeFile
	}
	if _, ok := sampleColumns[typ]; !ok {
		return engine.TypeHost
	}
	return typ
}

// figureSetters put a stored figure into a snapshotRow, scaled back as the snapshots view
// does (output_id is read as the output's text).
var figureSetters = map[string]func(*snapshotRow, sql.NullInt64){
	"pid":           func(r *snapshotRow, v sql.NullInt64) { r.pid = v },
	"ppid":          func(r *snapshotRow, v sql.NullInt64) { r.ppid = v },
	"uptime":        func(r *snapshotRow, v sql.NullInt64) { r.uptime = v },
	"threads":       func(r *snapshotRow, v sql.NullInt64) { r.threads = v },
	"children":      func(r *snapshotRow, v sql.NullInt64) { r.children = v },
	"cpu_x10":       func(r *snapshotRow, v sql.NullInt64) { r.cpu = unscale(v, 10) },
	"cpu_total_x10": func(r *snapshotRow, v sql.NullInt64) { r.cpuTotal = unscale(v, 10) },
	"mem_x10":       func(r *snapshotRow, v sql.NullInt64) { r.mem = unscale(v, 10) },
	"mem_total_x10": func(r *snapshotRow, v sql.NullInt64) { r.memTotal = unscale(v, 10) },
	"mem_kb":        func(r *snapshotRow, v sql.NullInt64) { r.memKB = v },
	"mem_kb_total":  func(r *snapshotRow, v sql.NullInt64) { r.memKBTotal = v },
	"fd_open":       func(r *snapshotRow, v sql.NullInt64) { r.fdOpen = v },
	"started":       func(r *snapshotRow, v sql.NullInt64) { r.started = v },
	"exit_status":   func(r *snapshotRow, v sql.NullInt64) { r.exitStatus = v },
	"block_x10":     func(r *snapshotRow, v sql.NullInt64) { r.fsPct = unscale(v, 10) },
	"used_mb_x10":   func(r *snapshotRow, v sql.NullInt64) { r.fsUsed = unscale(v, 10) },
	"total_mb_x10":  func(r *snapshotRow, v sql.NullInt64) { r.fsTotal = unscale(v, 10) },
	"inode_x10":     func(r *snapshotRow, v sql.NullInt64) { r.inodePct = unscale(v, 10) },
	"inode_used":    func(r *snapshotRow, v sql.NullInt64) { r.inodeUsed = v },
	"inode_total":   func(r *snapshotRow, v sql.NullInt64) { r.inodeTotal = v },
	"load1_x100":    func(r *snapshotRow, v sql.NullInt64) { r.load1 = unscale(v, 100) },
	"load5_x100":    func(r *snapshotRow, v sql.NullInt64) { r.load5 = unscale(v, 100) },
	"load15_x100":   func(r *snapshotRow, v sql.NullInt64) { r.load15 = unscale(v, 100) },
	"user_x10":      func(r *snapshotRow, v sql.NullInt64) { r.cpuUser = unscale(v, 10) },
	"system_x10":    func(r *snapshotRow, v sql.NullInt64) { r.cpuSystem = unscale(v, 10) },
	"wait_x10":      func(r *snapshotRow, v sql.NullInt64) { r.cpuWait = unscale(v, 10) },
	"swap_x10":      func(r *snapshotRow, v sql.NullInt64) { r.swapPct = unscale(v, 10) },
	"swap_kb":       func(r *snapshotRow, v sql.NullInt64) { r.swapKB = v },
	"size":          func(r *snapshotRow, v sql.NullInt64) { r.size = v },
	"modified":      func(r *snapshotRow, v sql.NullInt64) { r.modified = v },
	"link":          func(r *snapshotRow, v sql.NullInt64) { r.link = v },
	"speed":         func(r *snapshotRow, v sql.NullInt64) { r.speed = v },
	"download":      func(r *snapshotRow, v sql.NullInt64) { r.download = v },
	"upload":        func(r *snapshotRow, v sql.NullInt64) { r.upload = v },
}

// unscale is a stored scaled integer as the figure it stands for.
func unscale(v sql.NullInt64, by float64) sql.NullFloat64 {
	return sql.NullFloat64{Float64: float64(v.Int64) / by, Valid: v.Valid}
}
