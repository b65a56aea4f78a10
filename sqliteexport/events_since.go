package sqliteexport

import (
	"context"
	"fmt"
	"time"

	"monit-intel/engine"
)

// EventsSince returns the failure events of every service at or after since, newest first, at
// most limit of them ("what changed since yesterday?").
func (db *DB) EventsSince(ctx context.Context, since time.Time, limit int) ([]engine.Event, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, at, host, service, kind, status, detail FROM failure_events
		WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?`, since.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("failure events since %s: %w", since.Format(time.RFC3339), err)
	}
	defer rows.Close()
	var out []engine.Event
	for rows.Next() {
		var e engine.Event
		var at, status int64
		var kind string
		if err := rows.Scan(&e.ID, &at, &e.Host, &e.Service, &kind, &status, &e.Detail); err != nil {
			return nil, fmt.Errorf("failure events since %s: %w", since.Format(time.RFC3339), err)
		}
		e.At, e.Kind, e.Status = time.Unix(at, 0).UTC(), engine.State(kind), engine.StatusBits(status)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failure events since %s: %w", since.Format(time.RFC3339), err)
	}
	return out, nil
}
