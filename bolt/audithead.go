package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"monit-intel/engine"
)

// bucketAudit holds the action audit log's head, kept here so that a writer of the SQLite
// database cannot delete the newest audit rows unnoticed.
var bucketAudit = []byte("audit")

var keyAuditHead = []byte("head")

// auditHeadV1 is the stored form of engine.AuditHead.
type auditHeadV1 struct {
	V         int    `json:"v"`
	Rows      int64  `json:"rows"`
	LastID    int64  `json:"last_id"`
	LastMAC   string `json:"last_mac"`
	KeyedFrom int64  `json:"keyed_from"`
}

// AuditHead returns the stored head; ok is false when none was stored yet.
func (s *Store) AuditHead(ctx context.Context) (h engine.AuditHead, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return h, false, err
	}
	err = s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		if b == nil {
			return nil
		}
		raw := b.Get(keyAuditHead)
		if raw == nil {
			return nil
		}
		var v auditHeadV1
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode audit head: %w", err)
		}
		if v.V != 1 {
			return fmt.Errorf("audit head: unknown version %d", v.V)
		}
		h, ok = engine.AuditHead{Rows: v.Rows, LastID: v.LastID, LastMAC: v.LastMAC, KeyedFrom: v.KeyedFrom}, true
		return nil
	})
	return h, ok, err
}

// PutAuditHead stores the head.
func (s *Store) PutAuditHead(ctx context.Context, h engine.AuditHead) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	raw, err := json.Marshal(auditHeadV1{V: 1, Rows: h.Rows, LastID: h.LastID, LastMAC: h.LastMAC, KeyedFrom: h.KeyedFrom})
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketAudit)
		if err != nil {
			return err
		}
		return b.Put(keyAuditHead, raw)
	})
}
