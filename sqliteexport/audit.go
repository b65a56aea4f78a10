package sqliteexport

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/approve"
)

var _ approve.Audit = (*DB)(nil)

// The action audit log is append-only twice over: triggers refuse UPDATE and DELETE (and an
// INSERT OR REPLACE, which deletes without firing them), and every row carries prev_hash, the
// hash of the row before it, and hash, a SHA-256 over its own fields and prev_hash. Someone
// who drops the triggers and edits or deletes rows breaks the chain, and VerifyAudit names
// the first broken row.
//
// What the chain cannot catch alone: a writer who rewrites every hash after an edit, since
// there is no secret key. A copy of the newest hash kept somewhere else (AuditEntries(ctx, 1))
// detects that too.

// auditColumns are the columns read back, in the order scanAudit expects.
const auditColumns = `id, timestamp, proposal_id, source, proposer, action_type, service_name, command,
	user_approved, result, exit_code, output, error_message, prev_hash, hash`

// auditTriggers must exist for the table to be append-only at the SQL level.
var auditTriggers = []string{"action_audit_log_no_update", "action_audit_log_no_delete", "action_audit_log_append_only"}

// ChainError is VerifyAudit's report of tampering: the first row where the chain breaks, or
// (Row 0) dropped append-only triggers.
type ChainError struct {
	Row    int64  // the row edited, or the first one missing; 0 when no row is to blame
	Reason string // a full sentence naming the row
}

func (e *ChainError) Error() string { return "audit log tampered with: " + e.Reason }

// auditHash is the hex SHA-256 of a row's canonical encoding: a version tag, then every field
// and prev_hash, each as a uvarint length and its bytes (integers in decimal, user_approved as
// "0" or "1", a NULL exit code as the empty string), so no two rows encode the same way.
func auditHash(e engine.AuditEntry) string {
	buf := make([]byte, 0, 256+len(e.Command)+len(e.Output)+len(e.Error))
	buf = append(buf, "monit-intel action_audit_log v1"...)
	field := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	field(strconv.FormatInt(e.ID, 10))
	field(strconv.FormatInt(e.At.UnixMilli(), 10))
	for _, s := range []string{e.ProposalID, e.Source, e.Proposer, e.Action, e.Service, e.Command} {
		field(s)
	}
	approved := "0"
	if e.UserApproved {
		approved = "1"
	}
	field(approved)
	field(e.Result)
	if e.ExitCode != nil {
		field(strconv.Itoa(*e.ExitCode))
	} else {
		field("")
	}
	field(e.Output)
	field(e.Error)
	field(e.PrevHash)
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// AppendAudit appends one row to the action audit log, chained to the newest row, and
// returns its ID. The ID is chosen here (the hash covers it): one past both the newest row and
// the AUTOINCREMENT sequence, so a deleted newest row leaves a gap VerifyAudit reports.
func (db *DB) AppendAudit(ctx context.Context, e engine.AuditEntry) (int64, error) {
	if e.At.IsZero() {
		return 0, fmt.Errorf("append audit: no timestamp")
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("append audit: begin: %w", err)
	}
	defer tx.Rollback()
	var last int64
	err = tx.QueryRowContext(ctx, `SELECT max(
			coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'action_audit_log'), 0),
			coalesce((SELECT max(id) FROM action_audit_log), 0)),
		coalesce((SELECT hash FROM action_audit_log ORDER BY id DESC LIMIT 1), '')`).Scan(&last, &e.PrevHash)
	if err != nil {
		return 0, fmt.Errorf("append audit: read chain head: %w", err)
	}
	e.ID = last + 1
	e.At = time.UnixMilli(e.At.UnixMilli()).UTC()
	e.Hash = auditHash(e)
	var exit any
	if e.ExitCode != nil {
		exit = *e.ExitCode
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO action_audit_log (`+auditColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.At.UnixMilli(), e.ProposalID, e.Source, e.Proposer, e.Action, e.Service, e.Command,
		e.UserApproved, e.Result, exit, e.Output, e.Error, e.PrevHash, e.Hash)
	if err != nil {
		return 0, fmt.Errorf("append audit (%s %s): %w", e.Result, e.ProposalID, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("append audit: commit: %w", err)
	}
	return e.ID, nil
}

func scanAudit(row interface{ Scan(...any) error }) (engine.AuditEntry, error) {
	var e engine.AuditEntry
	var at int64
	var exit sql.NullInt64
	err := row.Scan(&e.ID, &at, &e.ProposalID, &e.Source, &e.Proposer, &e.Action, &e.Service, &e.Command,
		&e.UserApproved, &e.Result, &exit, &e.Output, &e.Error, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, err
	}
	e.At = time.UnixMilli(at).UTC()
	if exit.Valid {
		code := int(exit.Int64)
		e.ExitCode = &code
	}
	return e, nil
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
		e, err := scanAudit(rows)
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

// VerifyAudit walks the whole chain, oldest first, in one read transaction and returns how
// many rows it checked. The first break is a *ChainError naming the row: edited (its hash does
// not match its fields), missing (a gap in the IDs where the next row's prev_hash does not
// match), rewritten (its hash was recomputed after an edit, so the next row's prev_hash does
// not match), or the newest rows deleted (the ID sequence is ahead of the last row). An intact
// chain whose append-only triggers were dropped is reported too.
func (db *DB) VerifyAudit(ctx context.Context) (n int, err error) {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("verify audit: begin: %w", err)
	}
	defer tx.Rollback()
	var seq int64
	err = tx.QueryRowContext(ctx,
		`SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'action_audit_log'), 0)`).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("verify audit: read sequence: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM action_audit_log ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	var prevID int64
	var prevHash string
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return n, fmt.Errorf("verify audit: row after %d: %w", prevID, err)
		}
		if err := chainLink(e, prevID, prevHash); err != nil {
			return n, err
		}
		prevID, prevHash = e.ID, e.Hash
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("verify audit: %w", err)
	}
	if seq > prevID {
		return n, &ChainError{Row: prevID + 1, Reason: fmt.Sprintf(
			"%s: the newest rows were deleted (rows were numbered up to %d, the log ends at %d)",
			missing(prevID+1, seq), seq, prevID)}
	}
	return n, checkTriggers(ctx, tx)
}

// chainLink checks row e against the row before it (prevID 0 for the first row).
func chainLink(e engine.AuditEntry, prevID int64, prevHash string) error {
	if auditHash(e) != e.Hash {
		return &ChainError{Row: e.ID, Reason: fmt.Sprintf("row %d was edited: its hash does not match its contents", e.ID)}
	}
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
