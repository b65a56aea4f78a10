package sqliteexport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	_ "github.com/mattn/go-sqlite3" // the database/sql driver "sqlite3"
)

// FileName is the database's name inside the data directory.
const FileName = "monit_history.db"

// DB is the history database.
type DB struct {
	path  string
	w     *sql.DB // one connection: SQLite has one writer
	r     *sql.DB // read-only pool
	wmu   sync.Mutex
	cache *writerCache // prepared on the first write
	audit auditChain   // the audit log's key and head (auditchain.go)
	tiers Tiers        // guarded by wmu
	// rolledTo and trimmedTo are the raw and rollup cut-offs the last Prune applied: both
	// move once a bucket, so most Prunes skip the rollup statements. Guarded by wmu.
	rolledTo, trimmedTo int64
	pruneStmts          map[string]*sql.Stmt // prepared on the first Prune (prune.go)
}

// SetTiers sets how long Prune keeps raw samples before rolling them up.
func (db *DB) SetTiers(t Tiers) {
	db.wmu.Lock()
	db.tiers = t
	db.wmu.Unlock()
}

// Open opens (creating if needed) DATA_DIR/monit_history.db and migrates it.
func Open(ctx context.Context, dataDir string) (*DB, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dataDir, FileName)
	return OpenFile(ctx, path)
}

// OpenFile opens the database at an explicit path.
func OpenFile(ctx context.Context, path string) (*DB, error) {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_synchronous", "NORMAL")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	db := &DB{path: path, w: w}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	rq := url.Values{}
	rq.Set("mode", "ro")
	rq.Set("_busy_timeout", "5000")
	r, err := sql.Open("sqlite3", "file:"+path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s read-only: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	db.r = r
	return db, nil
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	db.wmu.Lock()
	if db.cache != nil {
		db.cache.close()
	}
	err := closeStmts(db.pruneStmts)
	db.wmu.Unlock()
	return errors.Join(err, db.r.Close(), db.w.Close())
}

// Size is the size in bytes of the database file and its WAL.
func (db *DB) Size() int64 {
	var n int64
	for _, p := range []string{db.path, db.path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	var version int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if version == 0 {
		// auto_vacuum must be chosen before the first table exists.
		if _, err := conn.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
			return fmt.Errorf("set auto_vacuum: %w", err)
		}
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this binary knows (%d)", version, len(migrations))
	}
	if version == len(migrations) {
		return nil
	}
	// A migration that copies a table (SQLite cannot alter a constraint) drops the original
	// while other tables refer to it: foreign keys are off meanwhile (the pragma is a no-op
	// inside a transaction) and checked before each commit.
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	for i := version; i < len(migrations); i++ {
		if err := migrateOne(ctx, conn, i); err != nil {
			return fmt.Errorf("migrate to version %d: %w", i+1, err)
		}
	}
	if version > 0 {
		// Migrations that copy or rewrite tables leave the file fragmented and larger;
		// an upgrade is rare enough to compact it once (2–3 s for 30 days of 30 services).
		if _, err := conn.ExecContext(ctx, "VACUUM"); err != nil {
			return fmt.Errorf("vacuum after migrating: %w", err)
		}
		// In WAL mode VACUUM writes the whole database to the WAL, which keeps its size
		// until it is truncated: the upgrade would otherwise leave the file twice as large.
		if _, err := conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return fmt.Errorf("checkpoint after migrating: %w", err)
		}
	}
	return nil
}

func migrateOne(ctx context.Context, conn *sql.Conn, i int) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	broken := rows.Next()
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if broken {
		return errors.New("a foreign key no longer matches")
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", i+1)); err != nil {
		return err
	}
	return tx.Commit()
}
