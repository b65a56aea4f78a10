package sqliteexport

import (
	"context"
	"fmt"
	"time"

	"monit-intel/engine/trend"
)

// figureExpr is the column expression of samples_all that holds each figure, scaled back.
// A figure not listed here (response_time) is read from test_samples.
var figureExpr = map[trend.Figure]string{
	trend.Load1:      `load1_x100 / 100.0`,
	trend.Load5:      `load5_x100 / 100.0`,
	trend.Load15:     `load15_x100 / 100.0`,
	trend.CPU:        `CASE WHEN user_x10 IS NOT NULL THEN (user_x10 + system_x10) / 10.0 WHEN cpu_total_x10 >= 0 THEN cpu_total_x10 / 10.0 WHEN cpu_x10 >= 0 THEN cpu_x10 / 10.0 END`,
	trend.Memory:     `coalesce(mem_total_x10, mem_x10) / 10.0`,
	trend.Swap:       `swap_x10 / 10.0`,
	trend.Disk:       `block_x10 / 10.0`,
	trend.Inodes:     `inode_x10 / 10.0`,
	trend.ExitStatus: `exit_status`,
}

// maxSamples bounds one series: 30 days of one-minute cycles.
const maxSamples = 30 * 24 * 60

// SamplesOn returns a service's readings of a figure collected in [since, until] on one host
// (empty: the service of that name on any host), oldest first. Failed port tests are no
// reading of the response time.
func (db *DB) SamplesOn(ctx context.Context, host, service string, f trend.Figure, since, until time.Time) ([]trend.Sample, error) {
	var q string
	if f == trend.ResponseTime {
		q = `SELECT ts.at, max(ts.response_us) / 1e6 FROM services sv
			JOIN tests t ON t.service_id = sv.id JOIN test_samples ts ON ts.test_id = t.id
			WHERE sv.name = ? AND (? = '' OR sv.host = ?) AND ts.at >= ? AND ts.at <= ? AND ts.response_us IS NOT NULL
			GROUP BY ts.at HAVING min(ts.response_us) >= 0 ORDER BY ts.at LIMIT ?`
	} else {
		expr, ok := figureExpr[f]
		if !ok {
			return nil, fmt.Errorf("samples of %s: unknown figure %q", service, f)
		}
		q = `SELECT at, v FROM (SELECT s.at AS at, ` + expr + ` AS v FROM samples_all s
			JOIN services sv ON sv.id = s.service_id
			WHERE sv.name = ? AND (? = '' OR sv.host = ?) AND s.at >= ? AND s.at <= ?) WHERE v IS NOT NULL ORDER BY at LIMIT ?`
	}
	rows, err := db.r.QueryContext(ctx, q, service, host, host, since.Unix(), until.Unix(), maxSamples)
	if err != nil {
		return nil, fmt.Errorf("samples of %s %s: %w", service, f, err)
	}
	defer rows.Close()
	var out []trend.Sample
	for rows.Next() {
		var at int64
		var v float64
		if err := rows.Scan(&at, &v); err != nil {
			return nil, fmt.Errorf("samples of %s %s: %w", service, f, err)
		}
		out = append(out, trend.Sample{At: time.Unix(at, 0).UTC(), Value: v})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("samples of %s %s: %w", service, f, err)
	}
	return out, nil
}
