package sqliteexport

import (
	"context"
	"encoding/json"
	"fmt"

	"monit-intel/engine"
)

// storeParseNotes keeps a snapshot's parse notes beside its sample, when it has any.
func (w *cycleTx) storeParseNotes(ctx context.Context, at, service int64, notes []engine.ParseNote) error {
	if len(notes) == 0 {
		return nil
	}
	body, err := json.Marshal(notes)
	if err != nil {
		return fmt.Errorf("parse notes: %w", err)
	}
	_, err = w.stmt(w.c.parseNotes).ExecContext(ctx, at, service, string(body))
	return err
}

// attachParseNotes sets the parse notes of the latest snapshots (see Latest).
func (db *DB) attachParseNotes(ctx context.Context, snaps []engine.Snapshot) error {
	rows, err := db.r.QueryContext(ctx, `SELECT l.host, l.name, n.notes FROM (`+latestAt+`) l
		JOIN services sv ON sv.host = l.host AND sv.name = l.name
		JOIN parse_notes n ON n.service_id = sv.id AND n.at = l.at`)
	if err != nil {
		return fmt.Errorf("latest parse notes: %w", err)
	}
	defer rows.Close()
	idx := indexByService(snaps)
	for rows.Next() {
		var k engine.ServiceKey
		var body string
		if err := rows.Scan(&k.Host, &k.Service, &body); err != nil {
			return fmt.Errorf("latest parse notes: %w", err)
		}
		i, ok := idx[k]
		if !ok {
			continue
		}
		if err := json.Unmarshal([]byte(body), &snaps[i].ParseNotes); err != nil {
			return fmt.Errorf("latest parse notes of %s: %w", k.Service, err)
		}
	}
	return rows.Err()
}
