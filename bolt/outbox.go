package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"monit-intel/engine/notify"
)

// bucketOutbox holds the notifications not yet confirmed by their targets. Keys are
// time-ordered: NextAt (big-endian Unix nanoseconds), the target's ID, CreatedAt and the
// message ID, so the due items are a prefix scan in the order they are to go out.
var bucketOutbox = []byte("notify_outbox")

var _ notify.Outbox = (*Store)(nil)

// outboxV1 is the stored form of notify.Item; the target is its ID (a hash), never its URL.
type outboxV1 struct {
	V         int            `json:"v"`
	ID        string         `json:"id"`
	Target    string         `json:"target"`
	Message   notify.Message `json:"message"`
	NextAt    int64          `json:"next_at"`
	Held      bool           `json:"held,omitempty"`
	Attempts  int            `json:"attempts,omitempty"`
	LastError string         `json:"last_error,omitempty"`
	CreatedAt int64          `json:"created_at"`
}

func outboxKey(it notify.Item) []byte {
	k := binary.BigEndian.AppendUint64(nil, uint64(it.NextAt.UnixNano()))
	k = append(k, []byte("\x00"+it.Target+"\x00")...)
	k = binary.BigEndian.AppendUint64(k, uint64(it.CreatedAt.UnixNano()))
	return append(k, []byte("\x00"+it.ID)...)
}

func putItem(b *bbolt.Bucket, it notify.Item) error {
	v, err := json.Marshal(outboxV1{V: 1, ID: it.ID, Target: it.Target, Message: it.Message,
		NextAt: it.NextAt.UnixNano(), Held: it.Held, Attempts: it.Attempts, LastError: it.LastError,
		CreatedAt: it.CreatedAt.UnixNano()})
	if err != nil {
		return err
	}
	return b.Put(outboxKey(it), v)
}

func decodeItem(k, v []byte) (notify.Item, error) {
	var o outboxV1
	if err := json.Unmarshal(v, &o); err != nil {
		return notify.Item{}, fmt.Errorf("decode outbox item %x: %w", k, err)
	}
	if o.V != 1 {
		return notify.Item{}, fmt.Errorf("decode outbox item %x: unknown version %d", k, o.V)
	}
	return notify.Item{ID: o.ID, Target: o.Target, Message: o.Message, NextAt: time.Unix(0, o.NextAt).UTC(),
		Held: o.Held, Attempts: o.Attempts, LastError: o.LastError, CreatedAt: time.Unix(0, o.CreatedAt).UTC()}, nil
}

// Enqueue stores the items in one transaction. An item already there (same time, target and
// message) is overwritten, not doubled.
func (s *Store) Enqueue(ctx context.Context, items []notify.Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		b.FillPercent = 0.9 // keys mostly grow with time
		for _, it := range items {
			if err := putItem(b, it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("enqueue notifications: %w", err)
	}
	return nil
}

// Due returns up to limit items due by now, oldest first.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]notify.Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	end := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano()))
	var out []notify.Item
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit && bytes.Compare(k[:8], end) <= 0; k, v = c.Next() {
			it, err := decodeItem(k, v)
			if err != nil {
				return err
			}
			out = append(out, it)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return out, nil
}

// Delivered deletes a delivered item.
func (s *Store) Delivered(ctx context.Context, it notify.Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket(bucketOutbox).Delete(outboxKey(it)) }); err != nil {
		return fmt.Errorf("delete delivered notification: %w", err)
	}
	return nil
}

// Reschedule moves old to its new time in one transaction.
func (s *Store) Reschedule(ctx context.Context, old, it notify.Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if err := b.Delete(outboxKey(old)); err != nil {
			return err
		}
		return putItem(b, it)
	})
	if err != nil {
		return fmt.Errorf("reschedule notification: %w", err)
	}
	return nil
}

// CancelHeld deletes the target's held items about host/service whose hold ends after now.
func (s *Store) CancelHeld(ctx context.Context, target, host, service string, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	start := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano())+1)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		var gone [][]byte // deleting through the cursor would skip the next key
		c := b.Cursor()
		for k, v := c.Seek(start); k != nil; k, v = c.Next() {
			it, err := decodeItem(k, v)
			if err != nil {
				return err
			}
			if it.Held && it.Target == target && it.Message.Host == host && it.Message.Service == service {
				gone = append(gone, bytes.Clone(k))
			}
		}
		for _, k := range gone {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(gone)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("cancel held notifications: %w", err)
	}
	return n, nil
}

// OutboxDepth is how many notifications wait.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.View(func(tx *bbolt.Tx) error {
		n = tx.Bucket(bucketOutbox).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}
