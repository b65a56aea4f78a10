package sqliteexport

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

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
	rows, err := db.r.QueryContext(ctx, `SELECT l.host, l.name, l.at, n.notes FROM (`+latestAt+`) l
		JOIN services sv ON sv.host = l.host AND sv.name = l.name
		JOIN parse_notes n ON n.service_id = sv.id AND n.at = l.at`)
	if err != nil {
		return fmt.Errorf("latest parse notes: %w", err)
	}
	return attachNotes(rows, snaps)
}

// attachSeriesNotes sets the parse notes of a service's snapshots since a time (see Series).
func (db *DB) attachSeriesNotes(ctx context.Context, service string, since time.Time, snaps []engine.Snapshot) error {
	rows, err := db.r.QueryContext(ctx, `SELECT sv.host, sv.name, n.at, n.notes FROM parse_notes n
		JOIN services sv ON sv.id = n.service_id WHERE sv.name = ? AND n.at >= ?`, service, since.Unix())
	if err != nil {
		return fmt.Errorf("parse notes of %s: %w", service, err)
	}
	return attachNotes(rows, snaps)
}

// noteKey finds a snapshot by service and collection second.
type noteKey struct {
	service engine.ServiceKey
	at      int64
}

// attachNotes reads rows of (host, service, at, notes) into the matching snapshots. Most
// series have no notes: the snapshots are indexed only when a row comes.
func attachNotes(rows *sql.Rows, snaps []engine.Snapshot) error {
	defer rows.Close()
	var idx map[noteKey]int
	for rows.Next() {
		var k noteKey
		var body string
		if err := rows.Scan(&k.service.Host, &k.service.Service, &k.at, &body); err != nil {
			return fmt.Errorf("parse notes: %w", err)
		}
		if idx == nil {
			idx = make(map[noteKey]int, len(snaps))
			for i, s := range snaps {
				idx[noteKey{engine.ServiceKey{Host: s.Host, Service: s.Name}, s.CollectedAt.Unix()}] = i
			}
		}
		i, ok := idx[k]
		if !ok {
			continue
		}
		if err := json.Unmarshal([]byte(body), &snaps[i].ParseNotes); err != nil {
			return fmt.Errorf("parse notes of %s: %w", k.service.Service, err)
		}
	}
	return rows.Err()
}
