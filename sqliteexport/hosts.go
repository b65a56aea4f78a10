package sqliteexport

import (
	"context"
	"fmt"
	"strings"

	"monit-intel/engine"
)

// where builds a WHERE clause from the filters that are set (an empty value filters
// nothing).
func where(filters ...string) (string, []any) {
	var conds []string
	var args []any
	for i := 0; i+1 < len(filters); i += 2 {
		if filters[i+1] != "" {
			conds = append(conds, filters[i]+" = ?")
			args = append(args, filters[i+1])
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// EventsOn returns failure events of one host (empty: every host), newest first; an empty
// service means every service.
func (db *DB) EventsOn(ctx context.Context, host, service string, limit int) ([]engine.Event, error) {
	w, args := where("host", host, "service", service)
	q := `SELECT ` + eventColumns + ` FROM failure_events` + w +
		` ORDER BY at DESC, id DESC LIMIT ?`
	events, err := db.queryEvents(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("failure events: %w", err)
	}
	return events, nil
}

// AnalysesOn returns stored analyses of one host (empty: every host), newest first; an
// empty service means every service.
func (db *DB) AnalysesOn(ctx context.Context, host, service string, limit int) ([]engine.Analysis, error) {
	w, args := where("host", host, "service", service)
	rows, err := db.r.QueryContext(ctx, `SELECT `+analysisColumns+` FROM analyses`+w+
		` ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("analyses: %w", err)
	}
	defer rows.Close()
	var out []engine.Analysis
	for rows.Next() {
		a, err := scanAnalysis(rows)
		if err != nil {
			return nil, fmt.Errorf("analyses: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
