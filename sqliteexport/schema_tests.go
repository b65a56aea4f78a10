package sqliteexport

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
//   - the per-type tables' status keeps Monit's status in its low 32 bits and the bits Monit
//     reports as changes (status & status_hint) above them: zero cost for the usual snapshot
//     without changes; the snapshots view splits them into status and status_hint.
//   - failure_events takes the new kinds and the cycle that recorded each event. SQLite
//     cannot change a CHECK constraint, so the table is copied (migrate runs with foreign
//     keys off and checks them before committing).
const migrationTests = `
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
DROP TABLE port_samples;
DROP TABLE ports;

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

CREATE VIEW snapshots AS
SELECT
	s.at AS collected_at, sv.host, sv.name AS service,
	CASE sv.type WHEN 0 THEN 'filesystem' WHEN 1 THEN 'directory' WHEN 2 THEN 'file'
		WHEN 3 THEN 'process' WHEN 4 THEN 'host' WHEN 5 THEN 'system' WHEN 6 THEN 'fifo'
		WHEN 7 THEN 'program' WHEN 8 THEN 'net' ELSE 'unknown' END AS type,
	s.status & 4294967295 AS status, s.status >> 32 AS status_hint, s.monitor, s.pending AS pending_action,
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
