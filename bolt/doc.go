// Package bolt keeps monit-intel's hot state in bbolt (DATA_DIR/state.db): each service's
// failure state, Mother's conversations and pending action proposals.
//
// bbolt allows one process per file: Open waits at most a second for the lock and then says
// that the daemon holds it. Values are JSON with a version field, decoded inside their
// transaction (bbolt's byte slices die with it). It implements engine's storage interfaces
// and must not import sqliteexport.
package bolt
