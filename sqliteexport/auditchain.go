package sqliteexport

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"

	"monit-intel/engine"
)

// The chains a row may belong to (column chain).
const (
	chainSHA256 = "sha256"      // written before the audit key existed
	chainHMAC   = "hmac-sha256" // keyed with DATA_DIR/audit.key
)

// AuditHeadStore keeps the audit log's head outside the database (bolt.Store).
type AuditHeadStore interface {
	AuditHead(ctx context.Context) (engine.AuditHead, bool, error)
	PutAuditHead(ctx context.Context, h engine.AuditHead) error
}

// auditChain is what appending needs beyond the database: the key, the head's store, and a
// lock that keeps each append and its head write in order.
type auditChain struct {
	mu        sync.Mutex
	key       []byte
	heads     AuditHeadStore
	log       *slog.Logger
	keyedFrom int64
	head      engine.AuditHead // the last head stored; AppendAudit checks the log still ends there
}

// errNotKeyed refuses an append before KeyAudit.
var errNotKeyed = errors.New("the audit log has no key (KeyAudit was not called)")

// UseAuditKey sets the key VerifyAudit checks keyed rows with, for a reader beside the daemon.
func (db *DB) UseAuditKey(key []byte) {
	db.audit.mu.Lock()
	defer db.audit.mu.Unlock()
	db.audit.key = key
}

// KeyAudit makes appends keyed and records each new head in heads (and in a log line). It
// checks the log against the stored head first and returns the *ChainError it finds, after
// which appends still work (logged, the daemon keeps running):
//   - no head stored yet (the first start with a key): the log so far is checked, and a
//     log written before the key keeps its SHA-256 rows, anchored by the first keyed row that
//     follows them; the note is logged. A missing head while keyed rows exist is reported:
//     the end of the log cannot be confirmed.
//   - a head behind the log (a crash between the two writes): the rows past it are checked by
//     their MACs, and the head is brought up to date.
func (db *DB) KeyAudit(ctx context.Context, key []byte, heads AuditHeadStore, logger *slog.Logger) (AuditReport, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db.UseAuditKey(key)
	c := &db.audit
	c.mu.Lock()
	defer c.mu.Unlock()
	c.heads, c.log = heads, logger.With("component", "audit")
	h, ok, err := heads.AuditHead(ctx)
	if err != nil {
		return AuditReport{}, fmt.Errorf("key audit log: read head: %w", err)
	}
	var head *engine.AuditHead
	if ok {
		head = &h
	}
	rep, verr := db.VerifyAudit(ctx, head)
	var chainErr *ChainError
	if verr != nil && !errors.As(verr, &chainErr) {
		return rep, verr
	}
	next := engine.AuditHead{Rows: int64(rep.Rows), LastID: rep.LastID, LastMAC: rep.LastHash, KeyedFrom: rep.KeyedFrom}
	if next.KeyedFrom == 0 {
		next.KeyedFrom = rep.LastID + 1
	}
	switch {
	case !ok && rep.KeyedRows > 0:
		c.log.Error("audit head missing though the log has keyed rows: the state file was replaced or the head deleted; "+
			"the end of the log cannot be confirmed, head re-created from the log", "rows", rep.Rows, "last_row", rep.LastID)
	case !ok && rep.Rows > 0:
		c.log.Warn("audit log keyed: the rows written before the key keep their SHA-256 chain, anchored by the first keyed row",
			"sha256_rows", rep.Rows, "keyed_from_row", next.KeyedFrom, "key", AuditKeyFile)
	case ok && rep.HeadBehind > 0:
		c.log.Warn("audit head was behind the log (a stop between the row and the head write); the rows past it carry valid MACs",
			"rows_behind", rep.HeadBehind)
	}
	c.keyedFrom = next.KeyedFrom
	if verr != nil {
		c.log.Error("audit log tampered with", "err", verr)
		if ok {
			c.head = h
			return rep, verr // keep the head that proves it
		}
	}
	if err := c.putHead(ctx, next); err != nil {
		return rep, errors.Join(verr, err)
	}
	return rep, verr
}

// putHead keeps h as the head the log must end at, stores it and logs it: a third copy of
// the head, in the journal. A head that could not be stored is still the log's end in memory.
func (c *auditChain) putHead(ctx context.Context, h engine.AuditHead) error {
	c.head = h
	if err := c.heads.PutAuditHead(ctx, h); err != nil {
		return fmt.Errorf("store audit head: %w", err)
	}
	c.log.Info("audit head", "rows", h.Rows, "last_row", h.LastID, "mac", h.LastMAC)
	return nil
}

// auditEncoding is a row's canonical encoding: a version tag, then every field and prev_hash,
// each as a uvarint length and its bytes (integers in decimal, user_approved as "0" or "1", a
// NULL exit code as the empty string), so no two rows encode the same way. Keyed rows (v2)
// add the chain and the actor. A row that names its host (actions in a fleet) adds it last;
// rows without one, as every row from before, encode as they always did (the field count
// tells the two apart).
func auditEncoding(e engine.AuditEntry, chain string) []byte {
	buf := make([]byte, 0, 256+len(e.Command)+len(e.Output)+len(e.Error))
	field := func(s string) {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	if chain == chainHMAC {
		buf = append(buf, "monit-intel action_audit_log v2"...)
		field(chain)
		field(e.Actor)
	} else {
		buf = append(buf, "monit-intel action_audit_log v1"...)
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
	if e.Host != "" {
		field(e.Host)
	}
	return buf
}

// auditHash is the hex SHA-256 of a row of the chain from before the key.
func auditHash(e engine.AuditEntry) string {
	sum := sha256.Sum256(auditEncoding(e, chainSHA256))
	return hex.EncodeToString(sum[:])
}

// auditMAC is the hex HMAC-SHA256 of a keyed row.
func auditMAC(key []byte, e engine.AuditEntry) string {
	m := hmac.New(sha256.New, key)
	m.Write(auditEncoding(e, chainHMAC))
	return hex.EncodeToString(m.Sum(nil))
}

// KeyedAuditRows counts the rows of the keyed chain: a missing key with keyed rows is a lost
// key, never a reason to make a new one.
func (db *DB) KeyedAuditRows(ctx context.Context) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM action_audit_log WHERE chain = ?`, chainHMAC).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count keyed audit rows: %w", err)
	}
	return n, nil
}
