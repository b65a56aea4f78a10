// Package sqliteexport is monit-intel's long-term record in SQLite (monit_history.db): every
// service snapshot, failure events, analyses, conversations and the action audit log.
//
// Snapshots are kept compact so 30 days of history stay small: a services dimension table, one
// narrow row per snapshot, per-type figure tables with scaled integers, and program output
// stored once per distinct text. Every sample table is keyed by service first, so one
// service's history is one range of pages however large the fleet. Raw samples are kept for
// Tiers.KeepRaw (48 h), then rolled up into one row per service per 5 minutes with the
// min/avg/max of each figure (rollup.go); events are kept as they are. The view `snapshots`
// presents the raw samples as one wide table with real numbers for ad-hoc SQL,
// `rollup_snapshots` the rollups the same way; `connection_tests` has every connection test of
// every snapshot.
// Cycles are numbered (`cycles`) so the failure state in bbolt can tell it missed one, and
// retention counts from when a snapshot was recorded, not from Monit's collection time.
//
// One writer connection (BEGIN IMMEDIATE), a separate read-only pool, WAL so `sqlite3` can
// read while the daemon writes, migrations by PRAGMA user_version. It implements the storage
// interfaces declared in engine and must not import bolt: the audit log's head, kept outside
// the database, goes through the AuditHeadStore it is handed. The audit key is read from
// DATA_DIR/audit.key and never written to the database.
package sqliteexport
