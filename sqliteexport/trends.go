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
// (empty: the service of that name on any host), oldest first: the raw samples, and the
// average of each 5-minute bucket rolled up (at the bucket's start). Failed port tests are no
// reading of the response time, nor is a bucket in which one failed.
func (db *DB) SamplesOn(ctx context.Context, host, service string, f trend.Figure, since, until time.Time) ([]trend.Sample, error) {
	q, err := samplesQuery(f)
	if err != nil {
		return nil, fmt.Errorf("samples of %s: %w", service, err)
	}
	rows, err := db.r.QueryContext(ctx, q, service, since.Unix(), until.Unix(), maxSamples, host)
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

// samplesQuery reads a figure of the service named ?1 on the host ?5 (empty: any host)
// collected between ?2 and ?3, oldest first, at most ?4 of them.
func samplesQuery(f trend.Figure) (string, error) {
	if f == trend.ResponseTime {
		return `SELECT ts.at, max(ts.response_us) / 1e6 FROM services sv
			JOIN tests t ON t.service_id = sv.id JOIN test_samples ts ON ts.test_id = t.id
			WHERE sv.name = ?1 AND (?5 = '' OR sv.host = ?5) AND ts.at BETWEEN ?2 AND ?3 AND ts.response_us IS NOT NULL
			GROUP BY ts.at HAVING min(ts.response_us) >= 0
			UNION ALL SELECT tr.bucket, max(tr.response_us_avg) / 1e6 FROM services sv
			JOIN tests t ON t.service_id = sv.id JOIN test_rollups tr ON tr.test_id = t.id
			WHERE sv.name = ?1 AND (?5 = '' OR sv.host = ?5) AND tr.bucket BETWEEN ?2 AND ?3
			GROUP BY tr.bucket HAVING sum(tr.failed) = 0 AND max(tr.response_us_avg) IS NOT NULL
			ORDER BY 1 LIMIT ?4`, nil
	}
	expr, ok := figureExpr[f]
	if !ok {
		return "", fmt.Errorf("unknown figure %q", f)
	}
	// service_id IN (…) is pushed into each per-type table of the views and answered
	// from its key (service_id, at).
	return `SELECT at, v FROM (SELECT at, ` + expr + ` AS v FROM samples_all
				WHERE service_id IN (SELECT id FROM services WHERE name = ?1 AND (?5 = '' OR host = ?5)) AND at BETWEEN ?2 AND ?3
			UNION ALL SELECT at, ` + expr + ` AS v FROM rollups_all
				WHERE service_id IN (SELECT id FROM services WHERE name = ?1 AND (?5 = '' OR host = ?5)) AND at BETWEEN ?2 AND ?3)
			WHERE v IS NOT NULL ORDER BY at LIMIT ?4`, nil
}
