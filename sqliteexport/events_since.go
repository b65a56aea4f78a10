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
	events, err := db.queryEvents(ctx, `SELECT `+eventColumns+` FROM failure_events
		WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?`, since.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("failure events since %s: %w", since.Format(time.RFC3339), err)
	}
	return events, nil
}
