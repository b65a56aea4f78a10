package sqliteexport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
