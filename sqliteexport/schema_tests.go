package sqliteexport

import (
	"fmt"
	"strings"
)

// migrationTests is migration 5 (issue 11): every connection test is its own row, state
// changes Monit made without re-collecting are stored, Monit's change events and monitoring
// transitions are events, and retention counts from when monit-intel recorded a snapshot.
//
//   - tests replaces ports: a test is keyed by its kind (port, unix socket, ping), address,
//     type, protocol and request path, so two HTTP tests on one port with different paths are
//     two rows. test_samples.response_us is -1 when Monit reports the test failed and NULL
//     when it has not run yet.
//   - cycles numbers the ingest cycles (the failure state in bbolt remembers the last one it
//     saved, so a crash between the two stores is found and repaired) and keeps, for late
//     documents only, when they were recorded and the range of collection times they
//     stored: pruning never deletes what was recorded within the retention (see Prune).
//   - the per-type tables keep Monit's status, monitor state and pending action in one column,
//     state = monitor | pending << 3 | status << 6: a healthy monitored service is 1, which
//     SQLite stores in no byte at all, and two columns fewer save two header bytes a row (the
//     30-day budget). The bits Monit reports as changes are those of the CHANGE_DETECTED
//     event of the same service and collection time. The snapshots view decodes them.
//   - failure_events takes the new kinds and the cycle that recorded each event. SQLite
//     cannot change a CHECK constraint, so the table is copied (migrate runs with foreign
//     keys off and checks them before committing).
var migrationTests = `
CREATE TABLE tests (
	id         INTEGER PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services(id),
	kind       TEXT NOT NULL CHECK (kind IN ('port', 'unix', 'icmp')),
	hostname   TEXT NOT NULL DEFAULT '',
	port       INTEGER NOT NULL DEFAULT 0,
	path       TEXT NOT NULL DEFAULT '',
	type       TEXT NOT NULL DEFAULT '',
	protocol   TEXT NOT NULL DEFAULT '',
	request    TEXT NOT NULL DEFAULT '',
	UNIQUE (service_id, kind, hostname, port, path, type, protocol, request)
);
CREATE TABLE test_samples (
	at          INTEGER NOT NULL,
	test_id     INTEGER NOT NULL REFERENCES tests(id),
	response_us INTEGER,
	PRIMARY KEY (at, test_id)
) WITHOUT ROWID;
INSERT INTO tests (id, service_id, kind, hostname, port, type, protocol)
	SELECT id, service_id, 'port', hostname, port, 'TCP', protocol FROM ports;
INSERT INTO test_samples SELECT at, port_id, response_us FROM port_samples;
DROP VIEW port_checks;
DROP VIEW snapshots;
DROP VIEW samples_all;
DROP TABLE port_samples;
DROP TABLE ports;

` + packStateSQL + `
CREATE TABLE cycles (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	recorded_at INTEGER NOT NULL, -- Unix seconds, monit-intel's clock
	oldest_at   INTEGER,          -- the oldest and newest collected_at the cycle stored; NULL
	newest_at   INTEGER           -- when it stored none
);

CREATE TABLE failure_events_v5 (
	id      INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL, -- Monit's collection time of the snapshot that showed it
	host    TEXT NOT NULL,
	service TEXT NOT NULL,
	kind    TEXT NOT NULL CHECK (kind IN
		('NEW', 'CHANGED', 'RECOVERED', 'UNMONITORED', 'MONITORED', 'CHANGE_DETECTED')),
	status  INTEGER NOT NULL,
	detail  TEXT NOT NULL,
	cycle   INTEGER           -- NULL for events recorded before cycles were numbered
);
INSERT INTO failure_events_v5 (id, at, host, service, kind, status, detail)
	SELECT id, at, host, service, kind, status, detail FROM failure_events;
DROP TABLE failure_events;
ALTER TABLE failure_events_v5 RENAME TO failure_events;
CREATE INDEX failure_events_by_service ON failure_events (service, at);
CREATE INDEX failure_events_by_at ON failure_events (at);
CREATE INDEX failure_events_by_cycle ON failure_events (cycle) WHERE cycle IS NOT NULL;
-- The same transition of a service at the same collection time is one event, however often a
-- cycle is retried (events recorded before cycles were numbered are left as they are).
CREATE UNIQUE INDEX failure_events_once ON failure_events (service, at, kind, host) WHERE cycle IS NOT NULL;

CREATE VIEW samples_all AS
SELECT at, service_id, state,
	pid, ppid, uptime, threads, children, cpu_x10, cpu_total_x10, mem_x10, mem_total_x10,
	mem_kb, mem_kb_total, fd_open,
	NULL AS started, NULL AS exit_status, NULL AS output_id,
	NULL AS block_x10, NULL AS used_mb_x10, NULL AS total_mb_x10, NULL AS inode_x10, NULL AS inode_used, NULL AS inode_total,
	NULL AS load1_x100, NULL AS load5_x100, NULL AS load15_x100, NULL AS user_x10, NULL AS system_x10, NULL AS wait_x10,
	NULL AS swap_x10, NULL AS swap_kb, NULL AS size, NULL AS modified,
	NULL AS link, NULL AS speed, NULL AS download, NULL AS upload
FROM proc_samples
UNION ALL SELECT at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	started, exit_status, output_id,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL
FROM prog_samples
UNION ALL SELECT at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	block_x10, used_mb_x10, total_mb_x10, inode_x10, inode_used, inode_total,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM fs_samples
UNION ALL SELECT at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, mem_x10, NULL, mem_kb, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL,
	load1_x100, load5_x100, load15_x100, user_x10, system_x10, wait_x10, swap_x10, swap_kb,
	NULL, NULL, NULL, NULL, NULL, NULL
FROM sys_samples
UNION ALL SELECT at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	size, modified, NULL, NULL, NULL, NULL
FROM file_samples
UNION ALL SELECT at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	link, speed, download, upload
FROM net_samples
UNION ALL SELECT at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL
FROM host_samples;

CREATE VIEW snapshots AS
SELECT
	s.at AS collected_at, sv.host, sv.name AS service,
	CASE sv.type WHEN 0 THEN 'filesystem' WHEN 1 THEN 'directory' WHEN 2 THEN 'file'
		WHEN 3 THEN 'process' WHEN 4 THEN 'host' WHEN 5 THEN 'system' WHEN 6 THEN 'fifo'
		WHEN 7 THEN 'program' WHEN 8 THEN 'net' ELSE 'unknown' END AS type,
	s.state >> 6 AS status,
	-- the bits Monit reported as changes are those of the change event at that collection
	coalesce((SELECT e.status FROM failure_events e WHERE e.service = sv.name AND e.at = s.at
		AND e.host = sv.host AND e.kind = 'CHANGE_DETECTED'), 0) AS status_hint,
	s.state & 7 AS monitor, (s.state >> 3) & 7 AS pending_action,
	s.pid, s.ppid, s.uptime, s.threads, s.children,
	s.cpu_x10 / 10.0 AS cpu_percent, s.cpu_total_x10 / 10.0 AS cpu_percent_total,
	s.mem_x10 / 10.0 AS mem_percent, s.mem_total_x10 / 10.0 AS mem_percent_total,
	s.mem_kb, s.mem_kb_total, s.fd_open,
	s.started AS program_started, s.exit_status, o.body AS program_output,
	s.block_x10 / 10.0 AS fs_percent, s.used_mb_x10 / 10.0 AS fs_used_mb, s.total_mb_x10 / 10.0 AS fs_total_mb,
	s.inode_x10 / 10.0 AS inode_percent, s.inode_used, s.inode_total,
	s.load1_x100 / 100.0 AS load1, s.load5_x100 / 100.0 AS load5, s.load15_x100 / 100.0 AS load15,
	s.user_x10 / 10.0 AS cpu_user, s.system_x10 / 10.0 AS cpu_system, s.wait_x10 / 10.0 AS cpu_wait,
	s.swap_x10 / 10.0 AS swap_percent, s.swap_kb,
	s.size AS file_size, s.modified AS file_modified,
	s.link AS link_state, s.speed AS link_speed, s.download AS download_bytes, s.upload AS upload_bytes,
	-- the slowest connection test, or -1 when any of them failed: a passing figure never
	-- hides a failing test; NULL when no test has answered yet
	(SELECT CASE WHEN min(ts.response_us) < 0 THEN -1.0 ELSE max(ts.response_us) / 1e6 END
		FROM tests t JOIN test_samples ts ON ts.test_id = t.id AND ts.at = s.at
		WHERE t.service_id = s.service_id) AS response_time
FROM samples_all s
JOIN services sv ON sv.id = s.service_id
LEFT JOIN outputs o ON o.id = s.output_id;


CREATE VIEW connection_tests AS
SELECT ts.at AS collected_at, sv.host, sv.name AS service, t.kind, t.hostname, t.port, t.path,
	t.type, t.protocol, t.request,
	CASE WHEN ts.response_us < 0 THEN -1.0 ELSE ts.response_us / 1e6 END AS response_time,
	ts.response_us < 0 AS failed
FROM test_samples ts JOIN tests t ON t.id = ts.test_id JOIN services sv ON sv.id = t.service_id;
`

// packStateSQL folds each per-type table's status, monitor and pending columns into state.
// The tables are listed here, not taken from sampleTables: a released migration never changes.
var packStateSQL = func() string {
	var b strings.Builder
	for _, t := range []string{"proc_samples", "prog_samples", "fs_samples", "sys_samples", "file_samples",
		"net_samples", "host_samples"} {
		fmt.Fprintf(&b, `ALTER TABLE %[1]s RENAME COLUMN status TO state;
UPDATE %[1]s SET state = monitor | (pending << 3) | (state << 6);
ALTER TABLE %[1]s DROP COLUMN monitor;
ALTER TABLE %[1]s DROP COLUMN pending;
`, t)
	}
	return b.String()
}()
