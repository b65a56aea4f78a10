package sqliteexport

import (
	"regexp"
	"strings"
	"testing"

	"monit-intel/engine/trend"
)

// scanned names a table or alias a query plan reads whole: "SCAN s", "SCAN proc_samples".
var scanned = regexp.MustCompile(`^SCAN (\w+)`)

// notScanned are what a plan may read whole: the services, the cycles (a few rows), the
// co-routines of views and subqueries (their rows were sought) and constants.
var notScanned = map[string]bool{"sv": true, "services": true, "c": true, "cycles": true, "g": true,
	"snapshots": true, "rollup_snapshots": true, "samples_all": true, "rollups_all": true, "CONSTANT": true}

// TestQueriesSeekByService: with the sample tables keyed by service first (migrationTiers), every
// statement that reads them for one service or for a time range seeks each service's range:
// none scans a sample or rollup table whole (which for a fleet is millions of rows).
func TestQueriesSeekByService(t *testing.T) {
	db := openTest(t)
	queries := map[string]string{
		"snapshots of a service": `SELECT * FROM snapshots WHERE service = ?1 AND collected_at >= ?2
			ORDER BY collected_at DESC LIMIT ?3`,
		"snapshots since":               `SELECT * FROM snapshots WHERE collected_at >= ?1`,
		"connection tests of a service": `SELECT * FROM connection_tests WHERE service = ?1 AND collected_at >= ?2`,
		"latest collection times":       latestAt,
		"rollups since":                 `SELECT * FROM rollup_snapshots WHERE collected_at >= ?1`,
		"parse notes of a series":       `SELECT * FROM parse_notes n JOIN services sv ON sv.id = n.service_id WHERE sv.name = ? AND n.at >= ?`,
	}
	for typ := range sampleColumns {
		q, _ := seriesQuery(typ)
		queries["series of "+typ.String()] = q
	}
	for _, f := range []trend.Figure{trend.CPU, trend.ResponseTime} {
		q, err := samplesQuery(f)
		if err != nil {
			t.Fatal(err)
		}
		queries["trend "+string(f)] = q
	}
	for name, q := range pruneStatements() {
		queries[name] = q
	}
	for name, q := range queries {
		rows, err := db.w.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q, 1, 2, 3, 4, 5)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
			if m := scanned.FindStringSubmatch(detail); m != nil && !notScanned[m[1]] {
				t.Errorf("%s reads %s whole:\n%s", name, m[1], strings.Join(plan, "\n"))
			}
		}
		rows.Close()
	}
}
