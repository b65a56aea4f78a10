package sqliteexport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

var auditT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func auditEntry(i int) engine.AuditEntry {
	e := engine.AuditEntry{
		At:         auditT0.Add(time.Duration(i) * 1500 * time.Microsecond),
		ProposalID: fmt.Sprintf("p%d", i/3),
		Source:     engine.SourceMother,
		Proposer:   "session default",
		Action:     "systemctl_restart",
		Service:    "nordvpn_status",
		Command:    "systemctl restart nordvpnd.service",
		Result:     []string{engine.AuditProposed, engine.AuditApproved, engine.AuditExecuted}[i%3],
	}
	if e.Result != engine.AuditProposed {
		e.UserApproved = true
	}
	if e.Result == engine.AuditExecuted {
		e.ExitCode = ptr(0)
		e.Output = "restarted\n"
	}
	return e
}

// appendN appends n entries and returns them as stored (IDs, times and hashes set).
func appendN(t testing.TB, db *DB, n int) []engine.AuditEntry {
	t.Helper()
	for i := range n {
		if _, err := db.AppendAudit(context.Background(), auditEntry(i)); err != nil {
			t.Fatalf("AppendAudit(%d) error = %v", i, err)
		}
	}
	got, err := db.AuditEntries(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAuditRoundTrip(t *testing.T) {
	db := openTest(t)
	got := appendN(t, db, 5)
	if len(got) != 5 {
		t.Fatalf("AuditEntries(5) returned %d rows, want 5", len(got))
	}
	for k, e := range got {
		i := 4 - k // newest first
		want := auditEntry(i)
		want.ID = int64(i + 1)
		want.At = want.At.Truncate(time.Millisecond)
		if e.ID != want.ID || !e.At.Equal(want.At) || e.ProposalID != want.ProposalID || e.Source != want.Source ||
			e.Proposer != want.Proposer || e.Action != want.Action || e.Service != want.Service ||
			e.Command != want.Command || e.UserApproved != want.UserApproved || e.Result != want.Result ||
			(e.ExitCode == nil) != (want.ExitCode == nil) || e.Output != want.Output || e.Error != want.Error {
			t.Errorf("AuditEntries()[%d] = %+v, want %+v", k, e, want)
		}
		if e.Hash != auditHash(e) {
			t.Errorf("row %d: hash %s, want %s", e.ID, e.Hash, auditHash(e))
		}
		if k+1 < len(got) && e.PrevHash != got[k+1].Hash {
			t.Errorf("row %d: prev_hash %s, want row %d's hash %s", e.ID, e.PrevHash, got[k+1].ID, got[k+1].Hash)
		}
	}
	if got[4].PrevHash != "" {
		t.Errorf("row 1: prev_hash = %q, want empty", got[4].PrevHash)
	}
	if few, err := db.AuditEntries(t.Context(), 2); err != nil || len(few) != 2 || few[0].ID != 5 {
		t.Errorf("AuditEntries(2) = %d rows (first %v), %v; want rows 5 and 4", len(few), few, err)
	}
	if _, err := db.AppendAudit(t.Context(), engine.AuditEntry{Result: engine.AuditProposed}); err == nil {
		t.Error("AppendAudit(no timestamp) error = nil, want an error")
	}
	if _, err := db.AppendAudit(t.Context(), engine.AuditEntry{At: auditT0, Result: "deleted"}); err == nil {
		t.Error("AppendAudit(result \"deleted\") error = nil, want the CHECK constraint to refuse it")
	}
}

func TestAuditHashCoversEveryField(t *testing.T) {
	base := auditEntry(2)
	base.ID, base.PrevHash, base.Error = 7, "abc", "e"
	edits := map[string]func(e *engine.AuditEntry){
		"id":            func(e *engine.AuditEntry) { e.ID++ },
		"timestamp":     func(e *engine.AuditEntry) { e.At = e.At.Add(time.Millisecond) },
		"proposal_id":   func(e *engine.AuditEntry) { e.ProposalID += "x" },
		"source":        func(e *engine.AuditEntry) { e.Source = engine.SourceAPI },
		"proposer":      func(e *engine.AuditEntry) { e.Proposer += "x" },
		"action_type":   func(e *engine.AuditEntry) { e.Action += "x" },
		"service_name":  func(e *engine.AuditEntry) { e.Service += "x" },
		"command":       func(e *engine.AuditEntry) { e.Command += "x" },
		"user_approved": func(e *engine.AuditEntry) { e.UserApproved = !e.UserApproved },
		"result":        func(e *engine.AuditEntry) { e.Result = engine.AuditFailed },
		"exit_code":     func(e *engine.AuditEntry) { e.ExitCode = ptr(1) },
		"exit_code nil": func(e *engine.AuditEntry) { e.ExitCode = nil },
		"output":        func(e *engine.AuditEntry) { e.Output += "x" },
		"error_message": func(e *engine.AuditEntry) { e.Error += "x" },
		"prev_hash":     func(e *engine.AuditEntry) { e.PrevHash += "x" },
		// Length prefixes keep field boundaries: moving a byte between fields changes the hash.
		"boundary": func(e *engine.AuditEntry) { e.Action, e.Service = e.Action+"n", e.Service[1:] },
	}
	want := auditHash(base)
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			e := base
			edit(&e)
			if auditHash(e) == want {
				t.Errorf("auditHash() unchanged after editing %s", name)
			}
		})
	}
}

func TestAuditAppendOnly(t *testing.T) {
	db := openTest(t)
	appendN(t, db, 3)
	for _, q := range []string{
		`UPDATE action_audit_log SET result = 'rejected' WHERE id = 2`,
		`DELETE FROM action_audit_log WHERE id = 3`,
		`DELETE FROM action_audit_log`,
		`INSERT OR REPLACE INTO action_audit_log SELECT * FROM action_audit_log WHERE id = 2`,
		`INSERT INTO action_audit_log (timestamp, proposal_id, source, proposer, action_type, service_name,
			command, user_approved, result, output, error_message, prev_hash, hash)
			VALUES (0, '', '', '', '', '', '', 0, 'refused', '', '', '', '')`,
	} {
		if _, err := db.w.ExecContext(t.Context(), q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: error = %v, want append-only", q, err)
		}
	}
	if n, err := db.VerifyAudit(t.Context()); n != 3 || err != nil {
		t.Errorf("VerifyAudit() = %d, %v; want 3, nil", n, err)
	}
}

// tamper runs SQL on the writer with the append-only triggers dropped, as an intruder would.
func tamper(t *testing.T, db *DB, stmts ...string) {
	t.Helper()
	for _, trig := range auditTriggers {
		if _, err := db.w.ExecContext(t.Context(), "DROP TRIGGER IF EXISTS "+trig); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range stmts {
		if _, err := db.w.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestVerifyAudit(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(t *testing.T, db *DB, rows []engine.AuditEntry) // rows oldest first
		wantN   int
		wantRow int64 // -1: no error
		wantMsg string
	}{
		{name: "intact", wantN: 5, wantRow: -1},
		{name: "field edited", wantN: 2, wantRow: 3, wantMsg: "row 3 was edited",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) {
				tamper(t, db, `UPDATE action_audit_log SET result = 'rejected', user_approved = 0 WHERE id = 3`)
			}},
		{name: "exit code nulled", wantN: 2, wantRow: 3, wantMsg: "row 3 was edited",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) {
				tamper(t, db, `UPDATE action_audit_log SET exit_code = NULL WHERE id = 3`)
			}},
		{name: "hash edited", wantN: 1, wantRow: 2, wantMsg: "row 2 was edited",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) {
				tamper(t, db, `UPDATE action_audit_log SET hash = '00' WHERE id = 2`)
			}},
		{name: "edited and rehashed", wantN: 3, wantRow: 3, wantMsg: "row 3 was edited and its hash recomputed: row 4's prev_hash",
			tamper: func(t *testing.T, db *DB, rows []engine.AuditEntry) {
				e := rows[2]
				e.Command = "systemctl stop nordvpnd.service"
				tamper(t, db, fmt.Sprintf(`UPDATE action_audit_log SET command = '%s', hash = '%s' WHERE id = 3`,
					e.Command, auditHash(e)))
			}},
		{name: "middle row deleted", wantN: 2, wantRow: 3,
			wantMsg: "row 3 is missing: row 4's prev_hash does not match row 2's hash",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) {
				tamper(t, db, `DELETE FROM action_audit_log WHERE id = 3`)
			}},
		{name: "two rows deleted", wantN: 1, wantRow: 2, wantMsg: "rows 2 to 3 are missing: row 4's prev_hash",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) {
				tamper(t, db, `DELETE FROM action_audit_log WHERE id IN (2, 3)`)
			}},
		{name: "first row deleted", wantN: 0, wantRow: 1, wantMsg: "row 1 is missing",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) {
				tamper(t, db, `DELETE FROM action_audit_log WHERE id = 1`)
			}},
		{name: "newest row deleted", wantN: 4, wantRow: 5, wantMsg: "row 5 is missing: the newest rows were deleted",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) {
				tamper(t, db, `DELETE FROM action_audit_log WHERE id = 5`)
			}},
		{name: "everything deleted", wantN: 0, wantRow: 1, wantMsg: "rows 1 to 5 are missing",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) {
				tamper(t, db, `DELETE FROM action_audit_log`)
			}},
		{name: "newest deleted, then an append", wantN: 4, wantRow: 5,
			wantMsg: "row 5 is missing: deleted before row 6 was appended",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) {
				tamper(t, db, `DELETE FROM action_audit_log WHERE id = 5`)
				if _, err := db.AppendAudit(t.Context(), auditEntry(5)); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "triggers dropped", wantN: 5, wantRow: 0, wantMsg: "append-only triggers action_audit_log_no_update",
			tamper: func(t *testing.T, db *DB, _ []engine.AuditEntry) { tamper(t, db) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTest(t)
			rows := appendN(t, db, 5)
			for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
				rows[i], rows[j] = rows[j], rows[i]
			}
			if tt.tamper != nil {
				tt.tamper(t, db, rows)
			}
			n, err := db.VerifyAudit(t.Context())
			if n != tt.wantN {
				t.Errorf("VerifyAudit() n = %d, want %d", n, tt.wantN)
			}
			if tt.wantRow < 0 {
				if err != nil {
					t.Errorf("VerifyAudit() error = %v, want nil", err)
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

func TestVerifyAuditEmpty(t *testing.T) {
	db := openTest(t)
	if n, err := db.VerifyAudit(t.Context()); n != 0 || err != nil {
		t.Errorf("VerifyAudit() = %d, %v; want 0, nil", n, err)
	}
}

func BenchmarkAppendAudit(b *testing.B) {
	db := openTest(b)
	e := auditEntry(2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.AppendAudit(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}
}
