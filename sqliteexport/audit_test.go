package sqliteexport

import (
	"context"
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
	if i%2 == 1 {
		e.Host = "web2" // rows with and without a host chain together
	}
	if e.Result == engine.AuditExecuted {
		e.ExitCode = ptr(0)
		e.Output = "restarted\n"
	}
	return e
}

// auditTestKey is the audit key of the tests.
var auditTestKey = []byte("0123456789abcdef0123456789abcdef")

// memHead is an AuditHeadStore in memory.
type memHead struct {
	h  engine.AuditHead
	ok bool
}

func (m *memHead) AuditHead(context.Context) (engine.AuditHead, bool, error) { return m.h, m.ok, nil }
func (m *memHead) PutAuditHead(_ context.Context, h engine.AuditHead) error {
	m.h, m.ok = h, true
	return nil
}

// openKeyed opens a test database keyed with auditTestKey and returns it with its head store.
func openKeyed(t testing.TB) (*DB, *memHead) {
	t.Helper()
	db := openTest(t)
	heads := &memHead{}
	if _, err := db.KeyAudit(context.Background(), auditTestKey, heads, nil); err != nil {
		t.Fatal(err)
	}
	return db, heads
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
	db, heads := openKeyed(t)
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
			(e.ExitCode == nil) != (want.ExitCode == nil) || e.Output != want.Output || e.Error != want.Error ||
			e.Host != want.Host {
			t.Errorf("AuditEntries()[%d] = %+v, want %+v", k, e, want)
		}
		if e.Hash != auditMAC(auditTestKey, e) {
			t.Errorf("row %d: hash %s, want the MAC %s", e.ID, e.Hash, auditMAC(auditTestKey, e))
		}
		if k+1 < len(got) && e.PrevHash != got[k+1].Hash {
			t.Errorf("row %d: prev_hash %s, want row %d's hash %s", e.ID, e.PrevHash, got[k+1].ID, got[k+1].Hash)
		}
	}
	if got[4].PrevHash != "" {
		t.Errorf("row 1: prev_hash = %q, want empty", got[4].PrevHash)
	}
	if want := (engine.AuditHead{Rows: 5, LastID: 5, LastMAC: got[0].Hash, KeyedFrom: 1}); heads.h != want {
		t.Errorf("head = %+v, want %+v", heads.h, want)
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
	base.ID, base.PrevHash, base.Error, base.Actor, base.Host = 7, "abc", "e", "alice", "web2"
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
		"actor":         func(e *engine.AuditEntry) { e.Actor = "api" },
		"host":          func(e *engine.AuditEntry) { e.Host = "web3" },
		"host removed":  func(e *engine.AuditEntry) { e.Host = "" },
		"host moved":    func(e *engine.AuditEntry) { e.PrevHash, e.Host = e.PrevHash+"web2", "" },
		// Length prefixes keep field boundaries: moving a byte between fields changes the hash.
		"boundary": func(e *engine.AuditEntry) { e.Action, e.Service = e.Action+"n", e.Service[1:] },
	}
	want := auditMAC(auditTestKey, base)
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			e := base
			edit(&e)
			if auditMAC(auditTestKey, e) == want {
				t.Errorf("auditMAC() unchanged after editing %s", name)
			}
		})
	}
	if auditMAC([]byte("another key, also thirty-two b.."), base) == want {
		t.Error("auditMAC() is the same under another key")
	}
}

func TestAuditAppendOnly(t *testing.T) {
	db, _ := openKeyed(t)
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
	if rep, err := db.VerifyAudit(t.Context(), nil); rep.Rows != 3 || err != nil {
		t.Errorf("VerifyAudit() = %+v, %v; want 3 rows, nil", rep, err)
	}
	if _, err := openTest(t).AppendAudit(t.Context(), auditEntry(0)); err == nil {
		t.Error("AppendAudit() on a database without a key: error = nil, want one")
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

func BenchmarkAppendAudit(b *testing.B) {
	db, _ := openKeyed(b)
	e := auditEntry(2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.AppendAudit(context.Background(), e); err != nil {
			b.Fatal(err)
		}
	}
}
