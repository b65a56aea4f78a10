package sqliteexport

import (
	"context"
	"fmt"

	"monit-intel/engine"
)

var _ engine.BatchHistory = (*DB)(nil)

// RecordCycles stores several cycles (of different hosts, pushed at the same time) in one
// transaction: one commit for the lot. Each cycle is numbered in turn and stored under a
// savepoint of its own, so a cycle that fails (errs[i]) leaves nothing of itself and the
// others are still stored; err is the transaction's failure, which stores none of them.
func (db *DB) RecordCycles(ctx context.Context, cycles []engine.CycleRecord) ([]engine.RecordedCycle, []error, error) {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if err := db.prepareWriter(ctx); err != nil {
		return nil, nil, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	out := make([]engine.RecordedCycle, len(cycles))
	errs := make([]error, len(cycles))
	var stored []*cycleTx
	for i, c := range cycles {
		if _, err := tx.ExecContext(ctx, "SAVEPOINT cycle"); err != nil {
			return nil, nil, fmt.Errorf("savepoint: %w", err)
		}
		w := db.cache.begin(ctx, tx)
		out[i], errs[i] = w.record(c)
		end := "RELEASE cycle"
		if errs[i] != nil {
			end = "ROLLBACK TO cycle; RELEASE cycle"
		} else {
			stored = append(stored, w)
		}
		if _, err := tx.ExecContext(ctx, end); err != nil {
			return nil, nil, fmt.Errorf("end savepoint: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("commit: %w", err)
	}
	for _, w := range stored {
		db.cache.commit(w)
	}
	return out, errs, nil
}
