package sqliteexport

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"monit-intel/engine"
)

// rewind sets sqlite_sequence back to the newest remaining row, as an intruder hiding a
// deletion at the end would.
// all is the last row rechain may rewrite: every one.
const all = 1 << 62

const rewind = `UPDATE sqlite_sequence SET seq = (SELECT coalesce(max(id), 0) FROM action_audit_log)
	WHERE name = 'action_audit_log'`

// restoreTriggers puts the append-only triggers back, as a careful intruder would.
func restoreTriggers(t *testing.T, db *DB) {
	t.Helper()
	for _, q := range []string{
		`CREATE TRIGGER action_audit_log_no_update BEFORE UPDATE ON action_audit_log
		BEGIN SELECT RAISE(ABORT, 'action_audit_log is append-only'); END`,
		`CREATE TRIGGER action_audit_log_no_delete BEFORE DELETE ON action_audit_log
		BEGIN SELECT RAISE(ABORT, 'action_audit_log is append-only'); END`,
		`CREATE TRIGGER action_audit_log_append_only BEFORE INSERT ON action_audit_log
		WHEN NEW.id <= (SELECT coalesce(max(id), 0) FROM action_audit_log)
		BEGIN SELECT RAISE(ABORT, 'action_audit_log is append-only'); END`,
	} {
		if _, err := db.w.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
}

// rechain rewrites rows from..to (oldest first) with hash computed by mac, each chained to the
// one before: what someone who can write the database does to make an edit or a deletion fit.
func rechain(t *testing.T, db *DB, from, to int64, chain string, mac func(engine.AuditEntry) string) {
	t.Helper()
	rows, err := db.AuditEntries(t.Context(), 100000)
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i := len(rows) - 1; i >= 0; i-- {
		e := rows[i]
		if e.ID >= from && e.ID <= to {
			e.PrevHash = prev
			if chain == chainSHA256 {
				e.Actor = ""
			}
			e.Hash = mac(e)
			tamper(t, db, fmt.Sprintf(`UPDATE action_audit_log SET prev_hash = '%s', hash = '%s', chain = '%s', actor = '%s' WHERE id = %d`,
				e.PrevHash, e.Hash, chain, e.Actor, e.ID))
		}
		prev = e.Hash
	}
}

// TestVerifyAuditAttacks: each way of rewriting the log that someone who can write the database
// (but not read DATA_DIR/audit.key) has is detected and named, the end of the log checked
// against the head kept outside the database.
func TestVerifyAuditAttacks(t *testing.T) {
	wrongKey := []byte("not the key, but thirty-two byte")
	tests := []struct {
		name    string
		rows    int
		tamper  func(t *testing.T, db *DB)
		wantRow int64 // -1: no error
		wantMsg string
	}{
		{name: "intact", rows: 5, wantRow: -1},
		{name: "field edited", rows: 5, wantRow: 3, wantMsg: "row 3 was edited: its MAC does not match",
			tamper: func(t *testing.T, db *DB) {
				tamper(t, db, `UPDATE action_audit_log SET result = 'rejected', user_approved = 0 WHERE id = 3`)
			}},
		{name: "actor edited", rows: 5, wantRow: 2, wantMsg: "row 2 was edited",
			tamper: func(t *testing.T, db *DB) { tamper(t, db, `UPDATE action_audit_log SET actor = 'alice' WHERE id = 2`) }},
		{name: "edited, chain recomputed with SHA-256", rows: 5, wantRow: 3, wantMsg: "row 3 was rewritten without the key",
			tamper: func(t *testing.T, db *DB) {
				tamper(t, db, `UPDATE action_audit_log SET command = 'systemctl stop sshd.service' WHERE id = 3`)
				rechain(t, db, 3, all, chainSHA256, auditHash)
			}},
		{name: "edited, chain recomputed with a guessed key", rows: 5, wantRow: 3, wantMsg: "row 3 was edited: its MAC",
			tamper: func(t *testing.T, db *DB) {
				tamper(t, db, `UPDATE action_audit_log SET command = 'systemctl stop sshd.service' WHERE id = 3`)
				rechain(t, db, 3, all, chainHMAC, func(e engine.AuditEntry) string { return auditMAC(wrongKey, e) })
			}},
		{name: "whole log downgraded to SHA-256", rows: 5, wantRow: 1, wantMsg: "row 1 was rewritten without the key",
			tamper: func(t *testing.T, db *DB) { rechain(t, db, 1, all, chainSHA256, auditHash) }},
		{name: "middle row deleted", rows: 5, wantRow: 3, wantMsg: "row 3 is missing: row 4's prev_hash does not match row 2's hash",
			tamper: func(t *testing.T, db *DB) { tamper(t, db, `DELETE FROM action_audit_log WHERE id = 3`) }},
		{name: "middle row deleted, chain recomputed with a guessed key", rows: 5, wantRow: 4, wantMsg: "row 4 was edited: its MAC",
			tamper: func(t *testing.T, db *DB) {
				tamper(t, db, `DELETE FROM action_audit_log WHERE id = 3`)
				rechain(t, db, 4, all, chainHMAC, func(e engine.AuditEntry) string { return auditMAC(wrongKey, e) })
			}},
		{name: "last row deleted, sequence rewound", rows: 5, wantRow: 5,
			wantMsg: "row 5 is missing: the newest rows were deleted (the head kept outside the database records 5 rows ending at row 5",
			tamper:  func(t *testing.T, db *DB) { tamper(t, db, `DELETE FROM action_audit_log WHERE id = 5`, rewind) }},
		{name: "last 500 rows deleted, sequence rewound", rows: 600, wantRow: 101,
			wantMsg: "rows 101 to 600 are missing: the newest rows were deleted (the head kept outside the database records 600 rows",
			tamper:  func(t *testing.T, db *DB) { tamper(t, db, `DELETE FROM action_audit_log WHERE id > 100`, rewind) }},
		{name: "everything deleted, sequence rewound", rows: 5, wantRow: 1, wantMsg: "rows 1 to 5 are missing",
			tamper: func(t *testing.T, db *DB) {
				tamper(t, db, `DELETE FROM action_audit_log`, `DELETE FROM sqlite_sequence`)
			}},
		{name: "last row replaced by an older row's copy", rows: 5, wantRow: 5, wantMsg: "row 5 was edited",
			tamper: func(t *testing.T, db *DB) {
				tamper(t, db, `UPDATE action_audit_log SET (timestamp, proposal_id, result, user_approved, exit_code, output) =
					(SELECT timestamp, proposal_id, result, user_approved, exit_code, output FROM action_audit_log WHERE id = 2) WHERE id = 5`)
			}},
		{name: "triggers dropped", rows: 5, wantRow: 0, wantMsg: "append-only triggers action_audit_log_no_update",
			tamper: func(t *testing.T, db *DB) { tamper(t, db) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, heads := openKeyed(t)
			appendN(t, db, tt.rows)
			if tt.tamper != nil {
				tt.tamper(t, db)
			}
			head := heads.h
			rep, err := db.VerifyAudit(t.Context(), &head)
			if tt.wantRow < 0 {
				if err != nil || rep.Rows != tt.rows || rep.KeyedRows != tt.rows || !rep.HeadChecked {
					t.Errorf("VerifyAudit() = %+v, %v; want %d keyed rows, head checked, nil", rep, err, tt.rows)
				}
				return
			}
			var ce *ChainError
			if !errors.As(err, &ce) {
				t.Fatalf("VerifyAudit() error = %v, want *ChainError", err)
			}
			if ce.Row != tt.wantRow || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("VerifyAudit() error = row %d %q, want row %d containing %q", ce.Row, err, tt.wantRow, tt.wantMsg)
			}
		})
	}
}

// TestAuditTruncationThenAppend: the daemon refuses to append to a log whose end is no longer
// the head's (its head would hide the deletion), and verify still names the deleted row.
func TestAuditTruncationThenAppend(t *testing.T) {
	db, heads := openKeyed(t)
	appendN(t, db, 5)
	tamper(t, db, `DELETE FROM action_audit_log WHERE id = 5`, rewind)
	var ce *ChainError
	if _, err := db.AppendAudit(t.Context(), auditEntry(5)); !errors.As(err, &ce) || !strings.Contains(err.Error(), "changed outside the daemon") {
		t.Errorf("AppendAudit() after a truncation: error = %v, want a ChainError saying the log changed", err)
	}
	head := heads.h
	if _, err := db.VerifyAudit(t.Context(), &head); !errors.As(err, &ce) || ce.Row != 5 {
		t.Errorf("VerifyAudit() = %v, want row 5 missing", err)
	}
}

// TestVerifyAuditWithoutHead shows why the head exists: without it (the daemon holds the state
// file), a truncation with a rewound sequence is not visible in the database alone.
func TestVerifyAuditWithoutHead(t *testing.T) {
	db, _ := openKeyed(t)
	appendN(t, db, 5)
	tamper(t, db, `DELETE FROM action_audit_log WHERE id = 5`, rewind)
	restoreTriggers(t, db)
	rep, err := db.VerifyAudit(t.Context(), nil)
	if err != nil || rep.Rows != 4 || rep.HeadChecked {
		t.Errorf("VerifyAudit(no head) = %+v, %v; want 4 rows, head not checked", rep, err)
	}
}

// legacyAppend writes rows as the unkeyed SHA-256 chain did before the key existed.
func legacyAppend(t *testing.T, db *DB, n int) {
	t.Helper()
	prev := ""
	for i := range n {
		e := auditEntry(i)
		e.ID, e.PrevHash, e.Host = int64(i+1), prev, "" // rows from before the key had no host
		e.At = e.At.Truncate(1e6)
		e.Hash = auditHash(e)
		var exit any
		if e.ExitCode != nil {
			exit = *e.ExitCode
		}
		_, err := db.w.ExecContext(t.Context(), `INSERT INTO action_audit_log (id, timestamp, proposal_id, source, proposer,
			action_type, service_name, command, user_approved, result, exit_code, output, error_message, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, e.At.UnixMilli(), e.ProposalID, e.Source, e.Proposer,
			e.Action, e.Service, e.Command, e.UserApproved, e.Result, exit, e.Output, e.Error, e.PrevHash, e.Hash)
		if err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
}

// TestKeyAuditMigratesALegacyLog: a log from before the key keeps its SHA-256 rows; the keyed
// chain starts after them, its first row anchoring them, and the head records where.
func TestKeyAuditMigratesALegacyLog(t *testing.T) {
	db := openTest(t)
	legacyAppend(t, db, 3)
	heads := &memHead{}
	rep, err := db.KeyAudit(t.Context(), auditTestKey, heads, nil)
	if err != nil || rep.Rows != 3 || heads.h != (engine.AuditHead{Rows: 3, LastID: 3, LastMAC: rep.LastHash, KeyedFrom: 4}) {
		t.Fatalf("KeyAudit() = %+v, %v, head %+v; want 3 SHA-256 rows, head keyed from row 4", rep, err, heads.h)
	}
	for i := 3; i < 5; i++ {
		if _, err := db.AppendAudit(t.Context(), auditEntry(i)); err != nil {
			t.Fatal(err)
		}
	}
	head := heads.h
	if rep, err := db.VerifyAudit(t.Context(), &head); err != nil || rep.Rows != 5 || rep.KeyedRows != 2 || rep.KeyedFrom != 4 {
		t.Errorf("VerifyAudit() = %+v, %v; want 5 rows, 2 keyed from row 4", rep, err)
	}
	// An old row edited and the old chain recomputed no longer fits the first keyed row.
	tamper(t, db, `UPDATE action_audit_log SET command = 'systemctl stop sshd.service' WHERE id = 2`)
	rechain(t, db, 2, 3, chainSHA256, auditHash)
	var ce *ChainError
	if _, err := db.VerifyAudit(t.Context(), &head); !errors.As(err, &ce) || ce.Row != 3 ||
		!strings.Contains(err.Error(), "row 3 was edited and its hash recomputed: row 4's prev_hash") {
		t.Errorf("VerifyAudit() = %v, want row 3's recomputed hash to break row 4's link", err)
	}
}

// TestKeyAuditRepairsAHeadBehind: a stop between a row and its head leaves the head behind;
// the next start checks the rows past it by their MACs and moves the head.
func TestKeyAuditRepairsAHeadBehind(t *testing.T) {
	db, heads := openKeyed(t)
	appendN(t, db, 3)
	stale := heads.h
	appendN(t, db, 2)
	heads.h = stale
	rep, err := db.KeyAudit(t.Context(), auditTestKey, heads, nil)
	if err != nil || rep.HeadBehind != 2 || heads.h.LastID != 5 || heads.h.Rows != 5 {
		t.Errorf("KeyAudit() = %+v, %v, head %+v; want 2 rows behind, head at row 5", rep, err, heads.h)
	}
}
