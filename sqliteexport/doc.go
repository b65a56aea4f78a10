// Package sqliteexport is monit-intel's long-term record in SQLite (monit_history.db): every
// service snapshot, failure events, analyses, conversations and the action audit log.
//
// Snapshots are kept compact so 30 days of history stay small: a services dimension table, one
// narrow row per snapshot, per-type figure tables with scaled integers, and program output
// stored once per distinct text. The view `snapshots` presents them as one wide table with
// real numbers for ad-hoc SQL.
//
// One writer connection (BEGIN IMMEDIATE), a separate read-only pool, WAL so `sqlite3` can
// read while the daemon writes, migrations by PRAGMA user_version. It implements the storage
// interfaces declared in engine and must not import bolt.
package sqliteexport
