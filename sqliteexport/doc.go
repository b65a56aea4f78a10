// Package sqliteexport is monit-intel's long-term record in SQLite (monit_history.db): every
// service snapshot, failure events, analyses, conversations and the action audit log.
//
// Snapshots are kept compact so 30 days of history stay small: a services dimension table, one
// narrow row per snapshot, per-type figure tables with scaled integers, and program output
// stored once per distinct text. The view `snapshots` presents them as one wide table with
// real numbers for ad-hoc SQL; `connection_tests` has every connection test of every snapshot.
// Cycles are numbered (`cycles`) so the failure state in bbolt can tell it missed one, and
// retention counts from when a snapshot was recorded, not from Monit's collection time.
//
// One writer connection (BEGIN IMMEDIATE), a separate read-only pool, WAL so `sqlite3` can
// read while the daemon writes, migrations by PRAGMA user_version. It implements the storage
// interfaces declared in engine and must not import bolt: the audit log's head, kept outside
// the database, goes through the AuditHeadStore it is handed. The audit key is read from
// DATA_DIR/audit.key and never written to the database.
package sqliteexport
