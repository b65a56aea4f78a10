package sqliteexport

import (
	"fmt"
	"strings"
)

// migrationTiers is issue 16's migration: the storage tiers (rollup.go) and per-service keys.
//
//   - Every per-type sample table, test_samples and parse_notes is keyed by service (or test)
//     first, (service_id, at), instead of by time: one service's history is one contiguous
//     range of pages, found by one B-tree descent, whatever the size of the fleet; no
//     secondary index stores the keys twice. Pruning by time then seeks each service's
//     range (see everyService). The rows are copied in key order.
//   - Raw samples are kept for hours (Tiers.KeepRaw), then one row per service per 5 minutes
//     in the per-type _rollups tables, keyed (service_id, bucket) the same way, with the
//     min/avg/max of each figure, the state (status, monitor state, pending action) of the
//     bucket's last sample, how many samples it had and how many of those failed.
//   - The views that read the tables are dropped and created again (SQLite checks them when a
//     table they name is renamed). snapshots is a UNION ALL of one join per type, so that a
//     condition on the service or the collection time is pushed into each arm and answered
//     from the arm's key (through services_by_name, or one seek per service).
//     rollup_snapshots reads the rollups the same way.
var migrationTiers = `
DROP VIEW connection_tests;
DROP VIEW snapshots;
DROP VIEW samples_all;
CREATE INDEX services_by_name ON services (name);
` + rekeySQL + rollupTablesSQL + `
CREATE VIEW samples_all AS
` + unionAll(samplesArms) + `;

CREATE VIEW rollups_all AS
` + unionAll(rollupArms) + `;

CREATE VIEW snapshots AS
` + unionAll(snapshotArms) + `;

CREATE VIEW rollup_snapshots AS
` + unionAll(rollupSnapshotArms) + `;

CREATE VIEW connection_tests AS
SELECT ts.at AS collected_at, sv.host, sv.name AS service, t.kind, t.hostname, t.port, t.path,
	t.type, t.protocol, t.request,
	CASE WHEN ts.response_us < 0 THEN -1.0 ELSE ts.response_us / 1e6 END AS response_time,
	ts.response_us < 0 AS failed
FROM services sv JOIN tests t ON t.service_id = sv.id JOIN test_samples ts ON ts.test_id = t.id;
`

// tierTable is one per-type table of migrationTiers: its prefix (proc for proc_samples and
// proc_rollups) and its figure columns.
type tierTable struct {
	prefix  string
	figures []string
}

// tierTables is fixed here, not taken from sampleColumns: a released migration never changes.
var tierTables = []tierTable{
	{"proc", []string{"pid", "ppid", "uptime", "threads", "children", "cpu_x10", "cpu_total_x10", "mem_x10",
		"mem_total_x10", "mem_kb", "mem_kb_total", "fd_open"}},
	{"prog", []string{"started", "exit_status", "output_id"}},
	{"fs", []string{"block_x10", "used_mb_x10", "total_mb_x10", "inode_x10", "inode_used", "inode_total"}},
	{"sys", []string{"load1_x100", "load5_x100", "load15_x100", "user_x10", "system_x10", "wait_x10",
		"mem_x10", "mem_kb", "swap_x10", "swap_kb"}},
	{"file", []string{"size", "modified"}},
	{"net", []string{"link", "speed", "download", "upload"}},
	{"host", nil},
}

// wideColumns are the columns of samples_all after at, service_id and state, in order.
var wideColumns = []string{"pid", "ppid", "uptime", "threads", "children", "cpu_x10", "cpu_total_x10",
	"mem_x10", "mem_total_x10", "mem_kb", "mem_kb_total", "fd_open", "started", "exit_status", "output_id",
	"block_x10", "used_mb_x10", "total_mb_x10", "inode_x10", "inode_used", "inode_total",
	"load1_x100", "load5_x100", "load15_x100", "user_x10", "system_x10", "wait_x10", "swap_x10", "swap_kb",
	"size", "modified", "link", "speed", "download", "upload"}

// rekeySQL copies each table into one keyed by service first, in key order.
var rekeySQL = func() string {
	var b strings.Builder
	copyTable := func(name, cols, key string) {
		fmt.Fprintf(&b, `CREATE TABLE %[1]s_v9 (%[2]s,
	PRIMARY KEY (%[3]s)
) WITHOUT ROWID;
INSERT INTO %[1]s_v9 SELECT * FROM %[1]s ORDER BY %[3]s;
DROP TABLE %[1]s;
ALTER TABLE %[1]s_v9 RENAME TO %[1]s;
`, name, cols, key)
	}
	for _, t := range tierTables {
		cols := []string{"at INTEGER NOT NULL", "service_id INTEGER NOT NULL", "state INTEGER NOT NULL"}
		for _, f := range t.figures {
			if f == "output_id" {
				f += " INTEGER REFERENCES outputs(id)"
			} else {
				f += " INTEGER"
			}
			cols = append(cols, f)
		}
		copyTable(t.prefix+"_samples", strings.Join(cols, ", "), "service_id, at")
	}
	copyTable("test_samples", "at INTEGER NOT NULL, test_id INTEGER NOT NULL REFERENCES tests(id), response_us INTEGER",
		"test_id, at")
	copyTable("parse_notes", "at INTEGER NOT NULL, service_id INTEGER NOT NULL, notes TEXT NOT NULL", "service_id, at")
	return b.String()
}()

// rollupTablesSQL creates the rollup tables: a figure's minimum or maximum equal to its
// (rounded) average is stored as NULL, which takes no bytes (rollup.go).
var rollupTablesSQL = func() string {
	var b strings.Builder
	for _, t := range tierTables {
		fmt.Fprintf(&b, "CREATE TABLE %s_rollups (\n\tservice_id INTEGER NOT NULL, bucket INTEGER NOT NULL,\n"+
			"\tsamples INTEGER NOT NULL, failed INTEGER NOT NULL, state INTEGER NOT NULL,\n", t.prefix)
		for _, f := range t.figures {
			if f != "output_id" { // program output stays with the raw rows
				fmt.Fprintf(&b, "\t%[1]s_min INTEGER, %[1]s_avg INTEGER, %[1]s_max INTEGER,\n", f)
			}
		}
		b.WriteString("\tPRIMARY KEY (service_id, bucket)\n) WITHOUT ROWID;\n")
	}
	b.WriteString(`CREATE TABLE test_rollups (
	test_id INTEGER NOT NULL REFERENCES tests(id), bucket INTEGER NOT NULL,
	samples INTEGER NOT NULL, failed INTEGER NOT NULL,
	response_us_min INTEGER, response_us_avg INTEGER, response_us_max INTEGER,
	PRIMARY KEY (test_id, bucket)
) WITHOUT ROWID;
`)
	return b.String()
}()

// unionAll joins one SELECT per tierTable with UNION ALL.
func unionAll(arm func(tierTable) string) string {
	arms := make([]string, len(tierTables))
	for i, t := range tierTables {
		arms[i] = arm(t)
	}
	return strings.Join(arms, "\nUNION ALL ")
}

// wide lists t's columns as samples_all's: each of wideColumns, or NULL where t has none;
// col maps a figure to its expression (the raw column, or the rollup's average).
func wide(t tierTable, col func(string) string) string {
	have := map[string]bool{}
	for _, f := range t.figures {
		have[f] = true
	}
	out := make([]string, len(wideColumns))
	for i, c := range wideColumns {
		switch {
		case have[c]:
			out[i] = col(c) + " AS " + c
		default:
			out[i] = "NULL AS " + c
		}
	}
	return strings.Join(out, ", ")
}

func samplesArms(t tierTable) string {
	return "SELECT at, service_id, state, " + wide(t, func(c string) string { return c }) + " FROM " + t.prefix + "_samples"
}

// rollupArms read a bucket as a sample: its start and each figure's average.
func rollupArms(t tierTable) string {
	return "SELECT bucket AS at, service_id, state, " + wide(t, func(c string) string {
		if c == "output_id" {
			return "NULL"
		}
		return c + "_avg"
	}) + " FROM " + t.prefix + "_rollups"
}

// snapshotArms are the snapshots view's arms: migration 5's columns, from one type's table
// joined to its services.
func snapshotArms(t tierTable) string { return snapshotArm(t, false) }

// rollupSnapshotArms are rollup_snapshots' arms: the same columns from the rollups, each
// figure its bucket's average, collected_at the bucket's start, no status hint (a change is
// an event of one collection) and the response time the slowest test's average, or -1 when
// a test failed in the bucket.
func rollupSnapshotArms(t tierTable) string { return snapshotArm(t, true) }

func snapshotArm(t tierTable, rolled bool) string {
	cols := wide(t, func(c string) string { return "s." + c })
	output := "NULL"
	at, table, hint := "s.at", t.prefix+"_samples", `coalesce((SELECT e.status FROM failure_events e
		WHERE e.service = w.service AND e.at = w.collected_at AND e.host = w.host AND e.kind = 'CHANGE_DETECTED'), 0)`
	response := `(SELECT CASE WHEN min(ts.response_us) < 0 THEN -1.0 ELSE max(ts.response_us) / 1e6 END
		FROM tests t JOIN test_samples ts ON ts.test_id = t.id AND ts.at = w.collected_at
		WHERE t.service_id = w.service_id)`
	if rolled {
		cols = wide(t, func(c string) string {
			if c == "output_id" {
				return "NULL"
			}
			return "s." + c + "_avg"
		})
		at, table, hint = "s.bucket", t.prefix+"_rollups", "0"
		response = `(SELECT CASE WHEN sum(tr.failed) > 0 THEN -1.0 ELSE max(tr.response_us_avg) / 1e6 END
		FROM tests t JOIN test_rollups tr ON tr.test_id = t.id AND tr.bucket = w.collected_at
		WHERE t.service_id = w.service_id)`
	} else if t.prefix == "prog" {
		output = "(SELECT o.body FROM outputs o WHERE o.id = s.output_id)"
	}
	return fmt.Sprintf(`SELECT collected_at, host, service, type, state >> 6 AS status, %s AS status_hint,
	state & 7 AS monitor, (state >> 3) & 7 AS pending_action,
	pid, ppid, uptime, threads, children,
	cpu_x10 / 10.0 AS cpu_percent, cpu_total_x10 / 10.0 AS cpu_percent_total,
	mem_x10 / 10.0 AS mem_percent, mem_total_x10 / 10.0 AS mem_percent_total,
	mem_kb, mem_kb_total, fd_open,
	started AS program_started, exit_status, program_output,
	block_x10 / 10.0 AS fs_percent, used_mb_x10 / 10.0 AS fs_used_mb, total_mb_x10 / 10.0 AS fs_total_mb,
	inode_x10 / 10.0 AS inode_percent, inode_used, inode_total,
	load1_x100 / 100.0 AS load1, load5_x100 / 100.0 AS load5, load15_x100 / 100.0 AS load15,
	user_x10 / 10.0 AS cpu_user, system_x10 / 10.0 AS cpu_system, wait_x10 / 10.0 AS cpu_wait,
	swap_x10 / 10.0 AS swap_percent, swap_kb,
	size AS file_size, modified AS file_modified,
	link AS link_state, speed AS link_speed, download AS download_bytes, upload AS upload_bytes,
	%s AS response_time
FROM (SELECT %s AS collected_at, sv.id AS service_id, sv.host, sv.name AS service, %s AS type, s.state,
	%s AS program_output, %s FROM services sv CROSS JOIN %s s ON s.service_id = sv.id) w`,
		hint, response, at, typeName, output, cols, table)
}

// typeName is services.type as Monit's word for it.
const typeName = `CASE sv.type WHEN 0 THEN 'filesystem' WHEN 1 THEN 'directory' WHEN 2 THEN 'file'
		WHEN 3 THEN 'process' WHEN 4 THEN 'host' WHEN 5 THEN 'system' WHEN 6 THEN 'fifo'
		WHEN 7 THEN 'program' WHEN 8 THEN 'net' ELSE 'unknown' END`
