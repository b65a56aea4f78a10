package sqliteexport

// migrationTiers is migration 7: the storage tiers (rollup.go). Raw samples are kept for
// hours (Tiers.KeepRaw), then one row per service per 5 minutes with the min/avg/max of each
// figure, the state (status, monitor state, pending action) of the bucket's last sample, how
// many samples it had and how many of those failed. The raw tables stay keyed by time first
// (every push appends; by_service indexes serve per-service history); the rollups are keyed
// by service, so one service's 30 days are one range of pages, written once a bucket in
// service order (by_bucket indexes serve pruning).
//
// raw_snapshots and rollup_snapshots read like snapshots plus the service_id: a query that
// constrains service_id has it pushed down into each per-type table (the snapshots view,
// joined to services by name, scans every service's rows in the time range).
var migrationTiers = `
CREATE INDEX services_by_name ON services (name);
CREATE INDEX proc_samples_by_service ON proc_samples (service_id, at);
CREATE INDEX prog_samples_by_service ON prog_samples (service_id, at);
CREATE INDEX fs_samples_by_service ON fs_samples (service_id, at);
CREATE INDEX sys_samples_by_service ON sys_samples (service_id, at);
CREATE INDEX file_samples_by_service ON file_samples (service_id, at);
CREATE INDEX net_samples_by_service ON net_samples (service_id, at);
CREATE INDEX host_samples_by_service ON host_samples (service_id, at);
CREATE TABLE proc_rollups (
	service_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
	samples INTEGER NOT NULL, failed INTEGER NOT NULL,
	state INTEGER NOT NULL,
	pid_min INTEGER, pid_avg INTEGER, pid_max INTEGER,
	ppid_min INTEGER, ppid_avg INTEGER, ppid_max INTEGER,
	uptime_min INTEGER, uptime_avg INTEGER, uptime_max INTEGER,
	threads_min INTEGER, threads_avg INTEGER, threads_max INTEGER,
	children_min INTEGER, children_avg INTEGER, children_max INTEGER,
	cpu_x10_min INTEGER, cpu_x10_avg INTEGER, cpu_x10_max INTEGER,
	cpu_total_x10_min INTEGER, cpu_total_x10_avg INTEGER, cpu_total_x10_max INTEGER,
	mem_x10_min INTEGER, mem_x10_avg INTEGER, mem_x10_max INTEGER,
	mem_total_x10_min INTEGER, mem_total_x10_avg INTEGER, mem_total_x10_max INTEGER,
	mem_kb_min INTEGER, mem_kb_avg INTEGER, mem_kb_max INTEGER,
	mem_kb_total_min INTEGER, mem_kb_total_avg INTEGER, mem_kb_total_max INTEGER,
	fd_open_min INTEGER, fd_open_avg INTEGER, fd_open_max INTEGER,
	PRIMARY KEY (service_id, bucket)
) WITHOUT ROWID;
CREATE TABLE prog_rollups (
	service_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
	samples INTEGER NOT NULL, failed INTEGER NOT NULL,
	state INTEGER NOT NULL,
	started_min INTEGER, started_avg INTEGER, started_max INTEGER,
	exit_status_min INTEGER, exit_status_avg INTEGER, exit_status_max INTEGER,
	PRIMARY KEY (service_id, bucket)
) WITHOUT ROWID;
CREATE TABLE fs_rollups (
	service_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
	samples INTEGER NOT NULL, failed INTEGER NOT NULL,
	state INTEGER NOT NULL,
	block_x10_min INTEGER, block_x10_avg INTEGER, block_x10_max INTEGER,
	used_mb_x10_min INTEGER, used_mb_x10_avg INTEGER, used_mb_x10_max INTEGER,
	total_mb_x10_min INTEGER, total_mb_x10_avg INTEGER, total_mb_x10_max INTEGER,
	inode_x10_min INTEGER, inode_x10_avg INTEGER, inode_x10_max INTEGER,
	inode_used_min INTEGER, inode_used_avg INTEGER, inode_used_max INTEGER,
	inode_total_min INTEGER, inode_total_avg INTEGER, inode_total_max INTEGER,
	PRIMARY KEY (service_id, bucket)
) WITHOUT ROWID;
CREATE TABLE sys_rollups (
	service_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
	samples INTEGER NOT NULL, failed INTEGER NOT NULL,
	state INTEGER NOT NULL,
	load1_x100_min INTEGER, load1_x100_avg INTEGER, load1_x100_max INTEGER,
	load5_x100_min INTEGER, load5_x100_avg INTEGER, load5_x100_max INTEGER,
	load15_x100_min INTEGER, load15_x100_avg INTEGER, load15_x100_max INTEGER,
	user_x10_min INTEGER, user_x10_avg INTEGER, user_x10_max INTEGER,
	system_x10_min INTEGER, system_x10_avg INTEGER, system_x10_max INTEGER,
	wait_x10_min INTEGER, wait_x10_avg INTEGER, wait_x10_max INTEGER,
	mem_x10_min INTEGER, mem_x10_avg INTEGER, mem_x10_max INTEGER,
	mem_kb_min INTEGER, mem_kb_avg INTEGER, mem_kb_max INTEGER,
	swap_x10_min INTEGER, swap_x10_avg INTEGER, swap_x10_max INTEGER,
	swap_kb_min INTEGER, swap_kb_avg INTEGER, swap_kb_max INTEGER,
	PRIMARY KEY (service_id, bucket)
) WITHOUT ROWID;
CREATE TABLE file_rollups (
	service_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
	samples INTEGER NOT NULL, failed INTEGER NOT NULL,
	state INTEGER NOT NULL,
	size_min INTEGER, size_avg INTEGER, size_max INTEGER,
	modified_min INTEGER, modified_avg INTEGER, modified_max INTEGER,
	PRIMARY KEY (service_id, bucket)
) WITHOUT ROWID;
CREATE TABLE net_rollups (
	service_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
	samples INTEGER NOT NULL, failed INTEGER NOT NULL,
	state INTEGER NOT NULL,
	link_min INTEGER, link_avg INTEGER, link_max INTEGER,
	speed_min INTEGER, speed_avg INTEGER, speed_max INTEGER,
	download_min INTEGER, download_avg INTEGER, download_max INTEGER,
	upload_min INTEGER, upload_avg INTEGER, upload_max INTEGER,
	PRIMARY KEY (service_id, bucket)
) WITHOUT ROWID;
CREATE TABLE host_rollups (
	service_id INTEGER NOT NULL, bucket INTEGER NOT NULL,
	samples INTEGER NOT NULL, failed INTEGER NOT NULL,
	state INTEGER NOT NULL,
	PRIMARY KEY (service_id, bucket)
) WITHOUT ROWID;

CREATE VIEW rollups_all AS
SELECT bucket AS at, service_id, state,
	pid_avg AS pid, ppid_avg AS ppid, uptime_avg AS uptime, threads_avg AS threads, children_avg AS children, cpu_x10_avg AS cpu_x10, cpu_total_x10_avg AS cpu_total_x10, mem_x10_avg AS mem_x10, mem_total_x10_avg AS mem_total_x10, mem_kb_avg AS mem_kb, mem_kb_total_avg AS mem_kb_total, fd_open_avg AS fd_open, NULL AS started, NULL AS exit_status, NULL AS output_id, NULL AS block_x10, NULL AS used_mb_x10, NULL AS total_mb_x10, NULL AS inode_x10, NULL AS inode_used, NULL AS inode_total, NULL AS load1_x100, NULL AS load5_x100, NULL AS load15_x100, NULL AS user_x10, NULL AS system_x10, NULL AS wait_x10, NULL AS swap_x10, NULL AS swap_kb, NULL AS size, NULL AS modified, NULL AS link, NULL AS speed, NULL AS download, NULL AS upload
FROM proc_rollups
UNION ALL SELECT bucket AS at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, started_avg, exit_status_avg, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM prog_rollups
UNION ALL SELECT bucket AS at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, block_x10_avg, used_mb_x10_avg, total_mb_x10_avg, inode_x10_avg, inode_used_avg, inode_total_avg, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM fs_rollups
UNION ALL SELECT bucket AS at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, mem_x10_avg, NULL, mem_kb_avg, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, load1_x100_avg, load5_x100_avg, load15_x100_avg, user_x10_avg, system_x10_avg, wait_x10_avg, swap_x10_avg, swap_kb_avg, NULL, NULL, NULL, NULL, NULL, NULL
FROM sys_rollups
UNION ALL SELECT bucket AS at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, size_avg, modified_avg, NULL, NULL, NULL, NULL
FROM file_rollups
UNION ALL SELECT bucket AS at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, link_avg, speed_avg, download_avg, upload_avg
FROM net_rollups
UNION ALL SELECT bucket AS at, service_id, state,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM host_rollups
;
CREATE TABLE test_rollups (
	test_id INTEGER NOT NULL REFERENCES tests(id), bucket INTEGER NOT NULL,
	samples INTEGER NOT NULL, failed INTEGER NOT NULL,
	response_us_min INTEGER, response_us_avg INTEGER, response_us_max INTEGER,
	PRIMARY KEY (test_id, bucket)
) WITHOUT ROWID;
CREATE INDEX test_rollups_by_bucket ON test_rollups (bucket);
CREATE INDEX proc_rollups_by_bucket ON proc_rollups (bucket);
CREATE INDEX prog_rollups_by_bucket ON prog_rollups (bucket);
CREATE INDEX fs_rollups_by_bucket ON fs_rollups (bucket);
CREATE INDEX sys_rollups_by_bucket ON sys_rollups (bucket);
CREATE INDEX file_rollups_by_bucket ON file_rollups (bucket);
CREATE INDEX net_rollups_by_bucket ON net_rollups (bucket);
CREATE INDEX host_rollups_by_bucket ON host_rollups (bucket);

CREATE VIEW raw_snapshots AS
SELECT s.service_id,
` + snapshotFigures + `
	-- the slowest connection test, or -1 when any of them failed; NULL when no test has
	-- answered yet
	(SELECT CASE WHEN min(ts.response_us) < 0 THEN -1.0 ELSE max(ts.response_us) / 1e6 END
		FROM tests t JOIN test_samples ts ON ts.test_id = t.id AND ts.at = s.at
		WHERE t.service_id = s.service_id) AS response_time
FROM samples_all s
JOIN services sv ON sv.id = s.service_id
LEFT JOIN outputs o ON o.id = s.output_id;

-- one row per service per bucket, each figure its average, collected_at the bucket's start
CREATE VIEW rollup_snapshots AS
SELECT s.service_id,
` + snapshotFigures + `
	-- the slowest connection test on average, or -1 when any of them failed in the bucket
	(SELECT CASE WHEN sum(tr.failed) > 0 THEN -1.0 ELSE max(tr.response_us_avg) / 1e6 END
		FROM tests t JOIN test_rollups tr ON tr.test_id = t.id AND tr.bucket = s.at
		WHERE t.service_id = s.service_id) AS response_time
FROM rollups_all s
JOIN services sv ON sv.id = s.service_id
LEFT JOIN outputs o ON o.id = s.output_id;
`

// snapshotFigures is the snapshots view's column list (migration 6) up to the connection
// tests, over the
// samples_all (or rollups_all) columns as s, services as sv and outputs as o.
const snapshotFigures = `	s.at AS collected_at, sv.host, sv.name AS service,
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
	s.link AS link_state, s.speed AS link_speed, s.download AS download_bytes, s.upload AS upload_bytes,`
