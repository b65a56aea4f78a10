package sqliteexport

// migrations[i] takes the schema from version i to i+1. Append only: a released migration
// never changes.
//
// Each snapshot is one row in the table of its service type, keyed (at, service_id) until
// migrationTiers keys them (service_id, at), so one service's history is one range
// (schema_tiers.go). Figures are scaled integers (percent×10, load×100, megabytes×10,
// response time in microseconds): SQLite stores small integers in 1–3 bytes but every REAL
// in 8. The view `snapshots` scales them back and joins the types into one wide table.
var migrations = []string{
	`
CREATE TABLE services (
	id      INTEGER PRIMARY KEY,
	host    TEXT NOT NULL,
	name    TEXT NOT NULL,
	type    INTEGER NOT NULL,
	UNIQUE (host, name)
);
CREATE TABLE proc_samples (
	at INTEGER NOT NULL, service_id INTEGER NOT NULL,
	status INTEGER NOT NULL, monitor INTEGER NOT NULL, pending INTEGER NOT NULL,
	pid INTEGER, ppid INTEGER, uptime INTEGER, threads INTEGER, children INTEGER,
	cpu_x10 INTEGER, cpu_total_x10 INTEGER, mem_x10 INTEGER, mem_total_x10 INTEGER,
	mem_kb INTEGER, mem_kb_total INTEGER, fd_open INTEGER,
	PRIMARY KEY (at, service_id)
) WITHOUT ROWID;
CREATE TABLE outputs (
	id   INTEGER PRIMARY KEY,
	body TEXT NOT NULL UNIQUE
);
CREATE TABLE prog_samples (
	at INTEGER NOT NULL, service_id INTEGER NOT NULL,
	status INTEGER NOT NULL, monitor INTEGER NOT NULL, pending INTEGER NOT NULL,
	started INTEGER, exit_status INTEGER, output_id INTEGER REFERENCES outputs(id),
	PRIMARY KEY (at, service_id)
) WITHOUT ROWID;
CREATE TABLE fs_samples (
	at INTEGER NOT NULL, service_id INTEGER NOT NULL,
	status INTEGER NOT NULL, monitor INTEGER NOT NULL, pending INTEGER NOT NULL,
	block_x10 INTEGER, used_mb_x10 INTEGER, total_mb_x10 INTEGER,
	inode_x10 INTEGER, inode_used INTEGER, inode_total INTEGER,
	PRIMARY KEY (at, service_id)
) WITHOUT ROWID;
CREATE TABLE sys_samples (
	at INTEGER NOT NULL, service_id INTEGER NOT NULL,
	status INTEGER NOT NULL, monitor INTEGER NOT NULL, pending INTEGER NOT NULL,
	load1_x100 INTEGER, load5_x100 INTEGER, load15_x100 INTEGER,
	user_x10 INTEGER, system_x10 INTEGER, wait_x10 INTEGER,
	mem_x10 INTEGER, mem_kb INTEGER, swap_x10 INTEGER, swap_kb INTEGER,
	PRIMARY KEY (at, service_id)
) WITHOUT ROWID;
-- file, directory and fifo checks
CREATE TABLE file_samples (
	at INTEGER NOT NULL, service_id INTEGER NOT NULL,
	status INTEGER NOT NULL, monitor INTEGER NOT NULL, pending INTEGER NOT NULL,
	size INTEGER, modified INTEGER,
	PRIMARY KEY (at, service_id)
) WITHOUT ROWID;
CREATE TABLE net_samples (
	at INTEGER NOT NULL, service_id INTEGER NOT NULL,
	status INTEGER NOT NULL, monitor INTEGER NOT NULL, pending INTEGER NOT NULL,
	link INTEGER, speed INTEGER, download INTEGER, upload INTEGER,
	PRIMARY KEY (at, service_id)
) WITHOUT ROWID;
-- remote hosts: their figures are the port checks
CREATE TABLE host_samples (
	at INTEGER NOT NULL, service_id INTEGER NOT NULL,
	status INTEGER NOT NULL, monitor INTEGER NOT NULL, pending INTEGER NOT NULL,
	PRIMARY KEY (at, service_id)
) WITHOUT ROWID;
CREATE TABLE ports (
	id         INTEGER PRIMARY KEY,
	service_id INTEGER NOT NULL REFERENCES services(id),
	hostname   TEXT NOT NULL,
	port       INTEGER NOT NULL,
	protocol   TEXT NOT NULL,
	UNIQUE (service_id, hostname, port, protocol)
);
CREATE TABLE port_samples (
	at          INTEGER NOT NULL,
	port_id     INTEGER NOT NULL REFERENCES ports(id),
	response_us INTEGER NOT NULL,
	PRIMARY KEY (at, port_id)
) WITHOUT ROWID;

CREATE VIEW samples_all AS
SELECT at, service_id, status, monitor, pending,
	pid, ppid, uptime, threads, children, cpu_x10, cpu_total_x10, mem_x10, mem_total_x10,
	mem_kb, mem_kb_total, fd_open,
	NULL AS started, NULL AS exit_status, NULL AS output_id,
	NULL AS block_x10, NULL AS used_mb_x10, NULL AS total_mb_x10, NULL AS inode_x10, NULL AS inode_used, NULL AS inode_total,
	NULL AS load1_x100, NULL AS load5_x100, NULL AS load15_x100, NULL AS user_x10, NULL AS system_x10, NULL AS wait_x10,
	NULL AS swap_x10, NULL AS swap_kb, NULL AS size, NULL AS modified,
	NULL AS link, NULL AS speed, NULL AS download, NULL AS upload
FROM proc_samples
UNION ALL SELECT at, service_id, status, monitor, pending,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	started, exit_status, output_id,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL
FROM prog_samples
UNION ALL SELECT at, service_id, status, monitor, pending,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	block_x10, used_mb_x10, total_mb_x10, inode_x10, inode_used, inode_total,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM fs_samples
UNION ALL SELECT at, service_id, status, monitor, pending,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, mem_x10, NULL, mem_kb, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL,
	load1_x100, load5_x100, load15_x100, user_x10, system_x10, wait_x10, swap_x10, swap_kb,
	NULL, NULL, NULL, NULL, NULL, NULL
FROM sys_samples
UNION ALL SELECT at, service_id, status, monitor, pending,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	size, modified, NULL, NULL, NULL, NULL
FROM file_samples
UNION ALL SELECT at, service_id, status, monitor, pending,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	link, speed, download, upload
FROM net_samples
UNION ALL SELECT at, service_id, status, monitor, pending,
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
	s.status, s.monitor, s.pending AS pending_action,
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
	-- the slowest port check, or -1 when any of them failed
	(SELECT CASE WHEN min(ps.response_us) < 0 THEN -1.0 ELSE max(ps.response_us) / 1e6 END
		FROM ports pt JOIN port_samples ps ON ps.port_id = pt.id AND ps.at = s.at
		WHERE pt.service_id = s.service_id) AS response_time
FROM samples_all s
JOIN services sv ON sv.id = s.service_id
LEFT JOIN outputs o ON o.id = s.output_id;

CREATE VIEW port_checks AS
SELECT ps.at AS collected_at, sv.host, sv.name AS service, pt.hostname, pt.port, pt.protocol,
	CASE WHEN ps.response_us < 0 THEN -1.0 ELSE ps.response_us / 1e6 END AS response_time
FROM port_samples ps JOIN ports pt ON pt.id = ps.port_id JOIN services sv ON sv.id = pt.service_id;

CREATE TABLE failure_events (
	id      INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	host    TEXT NOT NULL,
	service TEXT NOT NULL,
	kind    TEXT NOT NULL CHECK (kind IN ('NEW', 'CHANGED', 'RECOVERED')),
	status  INTEGER NOT NULL,
	detail  TEXT NOT NULL
);
CREATE INDEX failure_events_by_service ON failure_events (service, at);
`,
	`
CREATE TABLE analyses (
	id              INTEGER PRIMARY KEY,
	at              INTEGER NOT NULL,
	host            TEXT NOT NULL,
	service         TEXT NOT NULL,
	event_id        INTEGER REFERENCES failure_events(id),
	source          TEXT NOT NULL CHECK (source IN ('llm', 'rules')),
	model           TEXT NOT NULL DEFAULT '',
	duration_ms     INTEGER NOT NULL,
	prompt_tokens   INTEGER,
	response_tokens INTEGER,
	truncated       INTEGER NOT NULL DEFAULT 0,
	fingerprint     TEXT NOT NULL,
	prompt_version  TEXT NOT NULL,
	summary         TEXT NOT NULL,
	causes          TEXT NOT NULL,  -- the rules' cause IDs, comma-separated
	probable_cause  TEXT NOT NULL DEFAULT '',
	actions         TEXT NOT NULL DEFAULT '[]', -- suggested actions, JSON
	llm_error       TEXT NOT NULL DEFAULT '',
	cached          INTEGER NOT NULL DEFAULT 0,
	text            TEXT NOT NULL
);
CREATE INDEX analyses_by_service ON analyses (service, at);
CREATE INDEX analyses_by_fingerprint ON analyses (fingerprint, model, prompt_version);
`,
	`
-- The action audit log: append-only and hash-chained (see audit.go). timestamp is Unix
-- milliseconds; exit_code is NULL except on result rows of a command that ran. The
-- triggers refuse UPDATE, DELETE and any insert that does not extend the chain at the end
-- (INSERT OR REPLACE deletes without firing DELETE triggers).
CREATE TABLE action_audit_log (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	timestamp     INTEGER NOT NULL,
	proposal_id   TEXT NOT NULL,
	source        TEXT NOT NULL CHECK (source IN ('', 'user', 'mother', 'analysis', 'api')),
	proposer      TEXT NOT NULL,
	action_type   TEXT NOT NULL,
	service_name  TEXT NOT NULL,
	command       TEXT NOT NULL,
	user_approved INTEGER NOT NULL CHECK (user_approved IN (0, 1)),
	result        TEXT NOT NULL CHECK (result IN
		('proposed', 'refused', 'rejected', 'dry_run', 'approved', 'executed', 'failed')),
	exit_code     INTEGER,
	output        TEXT NOT NULL,
	error_message TEXT NOT NULL,
	prev_hash     TEXT NOT NULL,
	hash          TEXT NOT NULL
);
CREATE INDEX action_audit_log_by_proposal ON action_audit_log (proposal_id);
CREATE TRIGGER action_audit_log_no_update BEFORE UPDATE ON action_audit_log
BEGIN SELECT RAISE(ABORT, 'action_audit_log is append-only'); END;
CREATE TRIGGER action_audit_log_no_delete BEFORE DELETE ON action_audit_log
BEGIN SELECT RAISE(ABORT, 'action_audit_log is append-only'); END;
CREATE TRIGGER action_audit_log_append_only BEFORE INSERT ON action_audit_log
WHEN NEW.id <= (SELECT coalesce(max(id), 0) FROM action_audit_log)
BEGIN SELECT RAISE(ABORT, 'action_audit_log is append-only'); END;
`,
	`
-- Mother's conversations, one row per turn, for ad-hoc queries (bbolt holds the live memory).
CREATE TABLE conversations (
	id              INTEGER PRIMARY KEY,
	timestamp       INTEGER NOT NULL, -- Unix seconds
	session         TEXT NOT NULL,
	user_query      TEXT NOT NULL,
	agent_response  TEXT NOT NULL,
	service_context TEXT NOT NULL DEFAULT '', -- the data given to the model, as in the prompt
	logs_provided   TEXT NOT NULL DEFAULT '', -- the redacted log lines read, one per line
	intent          TEXT NOT NULL DEFAULT '',
	services        TEXT NOT NULL DEFAULT '', -- comma-separated
	proposed        TEXT NOT NULL DEFAULT '[]', -- proposed actions, JSON
	model           TEXT NOT NULL DEFAULT '',
	model_note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX conversations_by_session ON conversations (session, timestamp);
-- "what changed since …" reads events by time across services.
CREATE INDEX failure_events_by_at ON failure_events (at);
`,
	`
-- Figures Monit printed that could not be read (engine.ParseNote), as a JSON array, for the
-- snapshots that have any: the figure itself is NULL in its sample table.
CREATE TABLE parse_notes (
	at         INTEGER NOT NULL,
	service_id INTEGER NOT NULL,
	notes      TEXT NOT NULL,
	PRIMARY KEY (at, service_id)
) WITHOUT ROWID;
`,
	migrationTests,
	`
-- The keyed audit chain (audit.go): who took each step, and which chain a row belongs to.
-- Rows from before the key keep 'sha256'; every row from the first keyed one on is
-- 'hmac-sha256', its hash an HMAC with DATA_DIR/audit.key.
ALTER TABLE action_audit_log ADD COLUMN actor TEXT NOT NULL DEFAULT '';
ALTER TABLE action_audit_log ADD COLUMN chain TEXT NOT NULL DEFAULT 'sha256'
	CHECK (chain IN ('sha256', 'hmac-sha256'));
`,
	`
-- The fleet (engine/fleet): a host silent for 3 of its intervals gets a STALE event. SQLite
-- cannot ALTER a CHECK; widening one changes no stored row, so the table's SQL is edited in
-- place (SQLite's documented procedure for such changes, "ALTER TABLE" section 7), and
-- writable_schema=RESET reloads the schema on this connection too. The new kind goes before
-- 'NEW', the first of the list, so that this works whatever other migrations appended to it.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '(''NEW'',', '(''STALE'', ''NEW'',')
WHERE type = 'table' AND name = 'failure_events' AND sql NOT LIKE '%''STALE''%';
PRAGMA writable_schema = RESET;
-- A host's events (history?host=).
CREATE INDEX failure_events_by_host ON failure_events (host, service, at);
`,
	`
-- Actions on other hosts' Monits: the host of each audited step ('' in rows from before).
-- The MAC covers it when it is set (auditchain.go).
ALTER TABLE action_audit_log ADD COLUMN host TEXT NOT NULL DEFAULT '';
`,
	migrationConversationHosts,
	migrationTiers,
}
