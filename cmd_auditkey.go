package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"monit-intel/sqliteexport"
)

// keyAudit loads DATA_DIR/audit.key (making it on the first start) and keys the audit log with
// it; the head is kept in the state file. A log found tampered with is logged by KeyAudit and
// the daemon goes on (the head that proves it is kept). A lost key while keyed rows exist
// stops the start: a new key could not verify them.
func keyAudit(ctx context.Context, dataDir string, s *stores, logger *slog.Logger) error {
	key, _, err := sqliteexport.LoadAuditKey(dataDir, false)
	if errors.Is(err, sqliteexport.ErrNoAuditKey) {
		keyed, cerr := s.history.KeyedAuditRows(ctx)
		if cerr != nil {
			return cerr
		}
		if keyed > 0 {
			return fmt.Errorf("%w, yet the audit log has %d keyed rows: restore the key (a new one could not verify them)", err, keyed)
		}
		var created bool
		if key, created, err = sqliteexport.LoadAuditKey(dataDir, true); err == nil && created {
			logger.Info("audit key created", "path", filepath.Join(dataDir, sqliteexport.AuditKeyFile))
		}
	}
	if err != nil {
		return err
	}
	_, err = s.history.KeyAudit(ctx, key, s.state, logger)
	var chain *sqliteexport.ChainError
	if errors.As(err, &chain) {
		return nil // logged by KeyAudit; audit verify names it
	}
	return err
}
