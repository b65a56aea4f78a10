package sqliteexport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// pruneStatements are Prune's statements over the sample and rollup tables, by name.
func pruneStatements() map[string]string {
	m := map[string]string{
		"roll up test_samples": testRollup + mergeFigure("response_us"),
		"trim test_rollups":    trimSQL("test_rollups"),
	}
	for _, t := range append(sampleTables, "test_samples", "parse_notes") {
		m["prune "+t] = pruneSQL(t)
	}
	for _, t := range rollupTables {
		m["roll up "+t.raw], m["trim "+t.rollup] = t.rollupSQL(), trimSQL(t.rollup)
	}
	for _, t := range append(rollupTables, rollupTable{raw: "test_samples"}) {
		m["delete rolled-up "+t.raw] = t.deleteRolledSQL()
	}
	return m
}

// preparePrune prepares pruneStatements on the writer connection once, before Prune's
// transaction takes the connection: preparing the long rollup statements at every Prune
// took most of its time (a 5-minute poll's prune went from ~5 ms to ~1 ms of CPU).
func (db *DB) preparePrune(ctx context.Context) error {
	if db.pruneStmts != nil {
		return nil
	}
	stmts := map[string]*sql.Stmt{}
	for name, q := range pruneStatements() {
		st, err := db.w.PrepareContext(ctx, q)
		if err != nil {
			return errors.Join(fmt.Errorf("prepare %s: %w", name, err), closeStmts(stmts))
		}
		stmts[name] = st
	}
	db.pruneStmts = stmts
	return nil
}

// execPrune runs the prepared statement name in tx.
func (db *DB) execPrune(ctx context.Context, tx *sql.Tx, name string, args ...any) (sql.Result, error) {
	return tx.StmtContext(ctx, db.pruneStmts[name]).ExecContext(ctx, args...)
}

func closeStmts(stmts map[string]*sql.Stmt) error {
	var errs []error
	for _, st := range stmts {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// pruneSQL deletes table's rows collected between ? and ? that no cycle recorded at or
// after ? stored.
func pruneSQL(table string) string {
	return `DELETE FROM ` + table + ` AS s WHERE ` + everyOwner(table) + ` AND at BETWEEN ? AND ? AND ` + keptByNoCycle
}

// everyOwner is the condition that makes a statement over a time range of table seek each
// service's (or connection test's) range of its key, (service_id, at) or (test_id, at),
// instead of reading the whole table (migrationTiers).
func everyOwner(table string) string {
	if table == "test_samples" || table == "test_rollups" {
		return "test_id IN (SELECT id FROM tests)"
	}
	return "service_id IN (SELECT id FROM services)"
}

// keptByNoCycle is true of a row s (column at) that no cycle recorded at or after ?
// stored. Its ? follows the statement's other parameters.
const keptByNoCycle = `NOT EXISTS (
	SELECT 1 FROM cycles c WHERE c.recorded_at >= ? AND s.at BETWEEN c.oldest_at AND c.newest_at)`

// expiredRanges are the ranges of collection times whose rows were recorded before the
// cut-off: those collected more than lateAfter before it, and those collected ahead of our
// clock by an expired cycle. A row in them goes unless keptByNoCycle is false.
func expiredRanges(ctx context.Context, tx *sql.Tx, before time.Time) ([][2]int64, error) {
	cut, recorded, slack := before.Add(-lateAfter).Unix(), before.Unix(), int64(lateAfter/time.Second)
	ranges := [][2]int64{{math.MinInt64, cut - 1}}
	// Of an expired cycle's range, what lies past the newest recording (and its slack) can
	// only be that cycle's; below that, a recent cycle may have stored snapshots too, and
	// they go by collection time once they fall behind the cut-off.
	rows, err := tx.QueryContext(ctx, `SELECT max(oldest_at, (SELECT max(recorded_at) FROM cycles) + ? + 1), newest_at
		FROM cycles WHERE recorded_at < ? AND newest_at >= ?`, slack, recorded, cut)
	if err != nil {
		return nil, fmt.Errorf("prune: expired cycles: %w", err)
	}
	for rows.Next() {
		var r [2]int64
		if err := rows.Scan(&r[0], &r[1]); err != nil {
			rows.Close()
			return nil, fmt.Errorf("prune: expired cycles: %w", err)
		}
		ranges = append(ranges, r)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("prune: expired cycles: %w", err)
	}
	return ranges, nil
}
