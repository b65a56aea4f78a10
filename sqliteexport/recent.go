package sqliteexport

import (
	"context"
	"fmt"
	"strings"
	"time"

	"monit-intel/engine"
)

// Recent returns, for every service, its snapshots collected at or after since, oldest first,
// at most one per step (the latest of each step, raw or rolled up): one query for the web
// UI's overview instead of one Series per service.
func (db *DB) Recent(ctx context.Context, since time.Time, step time.Duration) (map[engine.ServiceKey][]engine.Snapshot, error) {
	secs := max(int64(step.Seconds()), 1)
	cols := strings.Replace(snapshotColumns, "collected_at,", "max(collected_at),", 1)
	rows, err := db.r.QueryContext(ctx, `SELECT `+cols+` FROM (
			SELECT * FROM snapshots WHERE collected_at >= ?1
			UNION ALL SELECT * FROM rollup_snapshots WHERE collected_at >= ?1)
		GROUP BY host, service, collected_at / ?2 ORDER BY 1`, since.Unix(), secs)
	if err != nil {
		return nil, fmt.Errorf("recent snapshots: %w", err)
	}
	snaps, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("recent snapshots: %w", err)
	}
	out := map[engine.ServiceKey][]engine.Snapshot{}
	for _, s := range snaps {
		k := engine.ServiceKey{Host: s.Host, Service: s.Name}
		out[k] = append(out[k], s)
	}
	return out, nil
}
