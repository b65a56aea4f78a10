package sqliteexport

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/approve"
)

var _ approve.Audit = (*DB)(nil)

// The action audit log is append-only three times over: triggers refuse UPDATE and DELETE
// (and an INSERT OR REPLACE, which deletes without firing them); every row carries prev_hash,
// the MAC of the row before it, and hash, an HMAC-SHA256 over its own fields and prev_hash
// keyed with DATA_DIR/audit.key, which never enters the database; and the head (row count,
// last row, last MAC) is kept outside the database, in bbolt and in a log line at each append.
// Someone who can write the database but not read the key cannot edit a row or recompute the
// chain after deleting one (the MACs no longer match), nor delete the newest rows and rewind
// sqlite_sequence (the head no longer matches). VerifyAudit names what it finds.
//
// What the key's holder can still do: rewrite the log and the head together (the key, the
// database and the state file sit in one directory, readable by the daemon's user). The log
// lines of each head, in the journal, are the copy such a person must also rewrite.

// auditColumns are the columns read back, in the order scanAudit expects.
const auditColumns = `id, timestamp, proposal_id, source, proposer, action_type, service_name, command,
	user_approved, result, exit_code, output, error_message, prev_hash, hash, actor, chain, host`

// auditTriggers must exist for the table to be append-only at the SQL level.
var auditTriggers = []string{"action_audit_log_no_update", "action_audit_log_no_delete", "action_audit_log_append_only"}

// ChainError is VerifyAudit's report of tampering: the first row where the chain breaks, or
// (Row 0) dropped append-only triggers.
type ChainError struct {
	Row    int64  // the row edited, or the first one missing; 0 when no row is to blame
	Reason string // a full sentence naming the row
}

func (e *ChainError) Error() string { return "audit log tampered with: " + e.Reason }

// AppendAudit appends one row to the action audit log, chained to the newest row and keyed,
// records the new head outside the database and returns the row's ID. The ID is chosen here
// (the MAC covers it): one past both the newest row and the AUTOINCREMENT sequence, so a
// deleted newest row leaves a gap VerifyAudit reports. It needs KeyAudit first.
func (db *DB) AppendAudit(ctx context.Context, e engine.AuditEntry) (int64, error) {
	if e.At.IsZero() {
		return 0, fmt.Errorf("append audit: no timestamp")
	}
	c := &db.audit
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.key == nil || c.heads == nil {
		return 0, fmt.Errorf("append audit: %w", errNotKeyed)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("append audit: begin: %w", err)
	}
	defer tx.Rollback()
	var last, rows int64
	err = tx.QueryRowContext(ctx, `SELECT max(
			coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'action_audit_log'), 0),
			coalesce((SELECT max(id) FROM action_audit_log), 0)),
		coalesce((SELECT hash FROM action_audit_log ORDER BY id DESC LIMIT 1), ''),
		(SELECT count(*) FROM action_audit_log)`).Scan(&last, &e.PrevHash, &rows)
	if err != nil {
		return 0, fmt.Errorf("append audit: read chain head: %w", err)
	}
	if h := c.head; rows != h.Rows || e.PrevHash != h.LastMAC {
		// Appending now would write a head that hides what changed: refuse until someone looks.
		return 0, fmt.Errorf("append audit: %w", &ChainError{Row: h.LastID, Reason: fmt.Sprintf(
			"the log changed outside the daemon: the head records %d rows ending at row %d, the log has %d rows; "+
				"nothing is appended (run `monit-intel audit verify`)", h.Rows, h.LastID, rows)})
	}
	e.ID = last + 1
	e.At = time.UnixMilli(e.At.UnixMilli()).UTC()
	e.Hash = auditMAC(c.key, e)
	var exit any
	if e.ExitCode != nil {
		exit = *e.ExitCode
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO action_audit_log (`+auditColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.At.UnixMilli(), e.ProposalID, e.Source, e.Proposer, e.Action, e.Service, e.Command,
		e.UserApproved, e.Result, exit, e.Output, e.Error, e.PrevHash, e.Hash, e.Actor, chainHMAC, e.Host)
	if err != nil {
		return 0, fmt.Errorf("append audit (%s %s): %w", e.Result, e.ProposalID, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("append audit: commit: %w", err)
	}
	if c.keyedFrom == 0 {
		c.keyedFrom = e.ID
	}
	// The row is stored: a head that could not be written is behind, which KeyAudit repairs at
	// the next start from the rows' MACs. Not an error of the append.
	if err := c.putHead(ctx, engine.AuditHead{Rows: rows + 1, LastID: e.ID, LastMAC: e.Hash, KeyedFrom: c.keyedFrom}); err != nil {
		c.log.Error("audit head not stored", "row", e.ID, "err", err)
	}
	return e.ID, nil
}

// scanAudit reads one row and the chain it belongs to.
func scanAudit(row interface{ Scan(...any) error }) (engine.AuditEntry, string, error) {
	var e engine.AuditEntry
	var at int64
	var exit sql.NullInt64
	var chain string
	err := row.Scan(&e.ID, &at, &e.ProposalID, &e.Source, &e.Proposer, &e.Action, &e.Service, &e.Command,
		&e.UserApproved, &e.Result, &exit, &e.Output, &e.Error, &e.PrevHash, &e.Hash, &e.Actor, &chain, &e.Host)
	if err != nil {
		return e, chain, err
	}
	e.At = time.UnixMilli(at).UTC()
	if exit.Valid {
		code := int(exit.Int64)
		e.ExitCode = &code
	}
	return e, chain, nil
}

// AuditEntries returns the newest limit rows of the action audit log, newest first; a limit
// of zero or less means 100.
func (db *DB) AuditEntries(ctx context.Context, limit int) ([]engine.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+auditColumns+` FROM action_audit_log ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	defer rows.Close()
	var out []engine.AuditEntry
	for rows.Next() {
		e, _, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("audit entries: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	return out, nil
}

// AuditReport is what VerifyAudit checked.
type AuditReport struct {
	Rows      int    // rows checked
	KeyedRows int    // of which keyed (HMAC-SHA256)
	LastID    int64  // the newest row
	LastHash  string // its MAC (or hash)
	KeyedFrom int64  // the first keyed row; 0 when there is none yet
	// HeadChecked says the log's end was compared with a head kept outside the database;
	// HeadBehind counts the rows past that head (each checked by its MAC).
	HeadChecked bool
	HeadBehind  int64
}

// VerifyAudit walks the whole chain, oldest first, in one read transaction. The first break is
// a *ChainError naming the row: edited (its MAC does not match its contents; without the key
// it cannot be recomputed), missing (a gap in the IDs where the next row's prev_hash does not
// match), the newest rows deleted (the head kept outside the database, when given, or the ID
// sequence is ahead of the last row), or rewritten without the key (a SHA-256 row where the
// keyed chain had begun). An intact chain whose append-only triggers were dropped is reported
// too. head may be nil (the daemon holds the state file): the log's end is then checked
// against sqlite_sequence only, which a writer of the database can rewind.
func (db *DB) VerifyAudit(ctx context.Context, head *engine.AuditHead) (AuditReport, error) {
	rep := AuditReport{HeadChecked: head != nil}
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return rep, fmt.Errorf("verify audit: begin: %w", err)
	}
	defer tx.Rollback()
	var seq int64
	err = tx.QueryRowContext(ctx,
		`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'action_audit_log'), 0)`).Scan(&seq)
	if err != nil {
		return rep, fmt.Errorf("verify audit: read sequence: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM action_audit_log ORDER BY id`)
	if err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	v := verifier{key: db.audit.key, head: head}
	for rows.Next() {
		e, chain, err := scanAudit(rows)
		if err != nil {
			return rep, fmt.Errorf("verify audit: row after %d: %w", rep.LastID, err)
		}
		if err := v.row(e, chain, &rep); err != nil {
			return rep, err
		}
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	if err := v.end(&rep); err != nil {
		return rep, err
	}
	if seq > rep.LastID {
		return rep, &ChainError{Row: rep.LastID + 1, Reason: fmt.Sprintf(
			"%s: the newest rows were deleted (rows were numbered up to %d, the log ends at %d)",
			missing(rep.LastID+1, seq), seq, rep.LastID)}
	}
	return rep, checkTriggers(ctx, tx)
}

// verifier checks rows one by one, oldest first.
type verifier struct {
	key        []byte
	head       *engine.AuditHead
	headMAC    string // the MAC of the row at head.LastID, once seen
	headRowSet bool
}

// row checks e against its contents and the row before it (rep.LastID 0 for the first row).
func (v *verifier) row(e engine.AuditEntry, chain string, rep *AuditReport) error {
	if err := v.contents(e, chain, rep); err != nil {
		return err
	}
	if err := chainLink(e, rep.LastID, rep.LastHash); err != nil {
		return err
	}
	if v.head != nil && e.ID == v.head.LastID {
		v.headMAC, v.headRowSet = e.Hash, true
	}
	if v.head != nil && e.ID > v.head.LastID {
		rep.HeadBehind++
	}
	rep.Rows++
	rep.LastID, rep.LastHash = e.ID, e.Hash
	return nil
}

// contents checks a row's MAC (or, before the keyed chain, its hash).
func (v *verifier) contents(e engine.AuditEntry, chain string, rep *AuditReport) error {
	keyedFrom := rep.KeyedFrom
	if keyedFrom == 0 && v.head != nil && v.head.KeyedFrom > 0 {
		keyedFrom = v.head.KeyedFrom
	}
	switch {
	case chain == chainHMAC && v.key == nil:
		return fmt.Errorf("verify audit: row %d is keyed and no audit key was given", e.ID)
	case chain == chainHMAC:
		if !hmac.Equal([]byte(auditMAC(v.key, e)), []byte(e.Hash)) {
			return &ChainError{Row: e.ID, Reason: fmt.Sprintf(
				"row %d was edited: its MAC does not match its contents (and cannot be recomputed without %s)", e.ID, AuditKeyFile)}
		}
		rep.KeyedRows++
		if rep.KeyedFrom == 0 {
			rep.KeyedFrom = e.ID
		}
	case keyedFrom > 0 && e.ID >= keyedFrom:
		return &ChainError{Row: e.ID, Reason: fmt.Sprintf(
			"row %d was rewritten without the key: it carries a plain SHA-256 where the keyed chain had begun (row %d)", e.ID, keyedFrom)}
	case auditHash(e) != e.Hash || e.Actor != "":
		return &ChainError{Row: e.ID, Reason: fmt.Sprintf("row %d was edited: its hash does not match its contents", e.ID)}
	}
	return nil
}

// end compares the log's end with the head kept outside the database.
func (v *verifier) end(rep *AuditReport) error {
	h := v.head
	if h == nil || (h.Rows == 0 && h.LastID == 0) {
		return nil
	}
	where := fmt.Sprintf("the head kept outside the database records %d rows ending at row %d", h.Rows, h.LastID)
	switch {
	case rep.LastID < h.LastID:
		return &ChainError{Row: rep.LastID + 1, Reason: fmt.Sprintf("%s: the newest rows were deleted (%s; the log has %d rows ending at row %d)",
			missing(rep.LastID+1, h.LastID), where, rep.Rows, rep.LastID)}
	case !v.headRowSet:
		return &ChainError{Row: h.LastID, Reason: fmt.Sprintf("row %d is missing (%s)", h.LastID, where)}
	case v.headMAC != h.LastMAC:
		return &ChainError{Row: h.LastID, Reason: fmt.Sprintf("row %d was replaced: its MAC is not the one the head records (%s)", h.LastID, where)}
	case int64(rep.Rows)-rep.HeadBehind < h.Rows:
		return &ChainError{Row: 0, Reason: fmt.Sprintf("%d rows were deleted (%s; the log has %d up to it)",
			h.Rows-(int64(rep.Rows)-rep.HeadBehind), where, int64(rep.Rows)-rep.HeadBehind)}
	}
	return nil
}

// chainLink checks row e's place after the row before it (prevID 0 for the first row).
func chainLink(e engine.AuditEntry, prevID int64, prevHash string) error {
	gap := e.ID != prevID+1
	switch {
	case e.PrevHash != prevHash && gap && prevID == 0:
		return &ChainError{Row: 1, Reason: fmt.Sprintf("%s: the log starts at row %d, whose prev_hash does not match the start of a log",
			missing(1, e.ID-1), e.ID)}
	case e.PrevHash != prevHash && gap:
		return &ChainError{Row: prevID + 1, Reason: fmt.Sprintf("%s: row %d's prev_hash does not match row %d's hash",
			missing(prevID+1, e.ID-1), e.ID, prevID)}
	case e.PrevHash != prevHash && prevID == 0:
		return &ChainError{Row: e.ID, Reason: fmt.Sprintf("row %d was edited: the first row's prev_hash is not empty", e.ID)}
	case e.PrevHash != prevHash:
		return &ChainError{Row: prevID, Reason: fmt.Sprintf(
			"row %d was edited and its hash recomputed: row %d's prev_hash does not match it", prevID, e.ID)}
	case gap:
		// The chain links, yet IDs are skipped: rows were deleted at the end of the log and
		// this row was appended after them.
		return &ChainError{Row: prevID + 1, Reason: fmt.Sprintf("%s: deleted before row %d was appended",
			missing(prevID+1, e.ID-1), e.ID)}
	}
	return nil
}

// missing phrases the absence of rows from..to.
func missing(from, to int64) string {
	if from == to {
		return fmt.Sprintf("row %d is missing", from)
	}
	return fmt.Sprintf("rows %d to %d are missing", from, to)
}

func checkTriggers(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'action_audit_log'`)
	if err != nil {
		return fmt.Errorf("verify audit: triggers: %w", err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("verify audit: triggers: %w", err)
		}
		have[name] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("verify audit: triggers: %w", err)
	}
	var gone []string
	for _, name := range auditTriggers {
		if !have[name] {
			gone = append(gone, name)
		}
	}
	if len(gone) > 0 {
		return &ChainError{Reason: fmt.Sprintf("the chain is intact but the append-only triggers %s were dropped",
			strings.Join(gone, ", "))}
	}
	return nil
}
