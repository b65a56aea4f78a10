package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/sqliteexport"
)

// TestAuditTruncationEndToEnd: the daemon's stores key the audit log (DATA_DIR/audit.key, mode
// 0600) and keep its head in state.db; someone who deletes the newest rows and rewinds
// sqlite_sequence is named by `audit verify`, the next start logs it and refuses to append, and
// a lost key is never silently replaced.
func TestAuditTruncationEndToEnd(t *testing.T) {
	dataDir := t.TempDir()
	cfgPath := writeConfig(t, fmt.Sprintf("monit:\n  url: http://127.0.0.1:1\ndata_dir: %s\n", dataDir))
	cfg, err := loadConfig(&env{getenv: func(string) string { return "" }}, cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	s, err := openStores(t.Context(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		e := engine.AuditEntry{At: time.Now(), ProposalID: fmt.Sprintf("p%d", i), Source: engine.SourceAPI, Actor: "api",
			Result: engine.AuditProposed}
		if _, err := s.history.AppendAudit(t.Context(), e); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if info, err := os.Stat(filepath.Join(dataDir, sqliteexport.AuditKeyFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("audit.key: %v, %v; want mode 0600", info, err)
	}
	if !strings.Contains(logs.String(), "audit key created") || !strings.Contains(logs.String(), "msg=\"audit head\" component=audit rows=3 last_row=3") {
		t.Errorf("logs = %s, want the key's creation and a head line per append", logs.String())
	}
	if code, out, errOut := runCmd(t, nil, "audit", "verify", "--config", cfgPath); code != 0 || !strings.Contains(out, "3 rows (3 keyed") {
		t.Fatalf("audit verify (intact) = %d %s %s", code, out, errOut)
	}

	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dataDir, sqliteexport.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER action_audit_log_no_delete`, `DELETE FROM action_audit_log WHERE id = 3`,
		`UPDATE sqlite_sequence SET seq = 2 WHERE name = 'action_audit_log'`,
		`CREATE TRIGGER action_audit_log_no_delete BEFORE DELETE ON action_audit_log
		BEGIN SELECT RAISE(ABORT, 'action_audit_log is append-only'); END`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, _, errOut := runCmd(t, nil, "audit", "verify", "--config", cfgPath)
	if code == 0 || !strings.Contains(errOut, "row 3 is missing: the newest rows were deleted (the head kept outside the database records 3 rows") {
		t.Errorf("audit verify (truncated) = %d %s, want row 3 named", code, errOut)
	}

	logs.Reset()
	s, err = openStores(t.Context(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.history.AppendAudit(t.Context(), engine.AuditEntry{At: time.Now(), Result: engine.AuditProposed})
	s.Close()
	if err == nil || !strings.Contains(logs.String(), "audit log tampered with") {
		t.Errorf("after the truncation: append error = %v, logs = %s; want the start to log it and appends refused", err, logs.String())
	}

	if err := os.Remove(filepath.Join(dataDir, sqliteexport.AuditKeyFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := openStores(t.Context(), cfg, logger); err == nil || !strings.Contains(err.Error(), "restore the key") {
		t.Errorf("openStores() without the key = %v, want a refusal to make a new one", err)
	}
}

// TestAuditVerifyBeforeTheKey: on a data directory the daemon has not started on since the
// keyed chain, verify checks the old chain and says that no key exists yet.
func TestAuditVerifyBeforeTheKey(t *testing.T) {
	dataDir := t.TempDir()
	db, err := sqliteexport.Open(t.Context(), dataDir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	cfgPath := writeConfig(t, fmt.Sprintf("monit:\n  url: http://127.0.0.1:1\ndata_dir: %s\n", dataDir))
	code, out, errOut := runCmd(t, nil, "audit", "verify", "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "intact: 0 rows") || !strings.Contains(out, "no audit.key yet") {
		t.Errorf("audit verify = %d %q %q, want intact and a note that no key exists yet", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dataDir, sqliteexport.AuditKeyFile)); err == nil {
		t.Error("audit verify made a key; only the daemon does")
	}
}
