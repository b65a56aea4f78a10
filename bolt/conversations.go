package bolt

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"monit-intel/engine"
)

// bucketConversations holds one nested bucket per session; each key in it is the turn's time
// (Unix nanoseconds) and then its ID, both big-endian, so a cursor walks a session in time
// order and two turns in the same nanosecond keep their order.
var bucketConversations = []byte("conversations")

// MaxTurnsPerSession bounds a session's memory in the state file: when a session grows past
// it, its oldest turns are dropped. The SQLite export keeps every turn.
const MaxTurnsPerSession = 200

// turnV1 is the stored form of engine.Turn.
type turnV1 struct {
	V         int                      `json:"v"`
	ID        int64                    `json:"id"`
	At        int64                    `json:"at"` // Unix nanoseconds
	Query     string                   `json:"query"`
	Answer    string                   `json:"answer"`
	Intent    string                   `json:"intent,omitempty"`
	Services  []string                 `json:"services,omitempty"`
	Hosts     []string                 `json:"hosts,omitempty"` // added within version 1: absent means none
	Context   string                   `json:"context,omitempty"`
	Logs      []string                 `json:"logs,omitempty"`
	Proposed  []engine.SuggestedAction `json:"proposed,omitempty"`
	Model     string                   `json:"model,omitempty"`
	ModelNote string                   `json:"model_note,omitempty"`
	// Since and Until (Unix nanoseconds) were added later within version 1: absent means no
	// window, which is what a turn stored before them had.
	Since int64 `json:"since,omitempty"`
	Until int64 `json:"until,omitempty"`
}

func unixNanoOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func timeOrZero(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

func turnKey(at time.Time, id uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(at.UnixNano()))
	binary.BigEndian.PutUint64(k[8:], id)
	return k
}

// AppendTurn stores a turn at the end of its session. The ID comes from a sequence shared by
// all sessions, so it is unique in the file.
func (s *Store) AppendTurn(ctx context.Context, t engine.Turn) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.Session == "" {
		return fmt.Errorf("save turn: empty session name")
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		root := tx.Bucket(bucketConversations)
		id, err := root.NextSequence()
		if err != nil {
			return err
		}
		b, err := root.CreateBucketIfNotExists([]byte(t.Session))
		if err != nil {
			return err
		}
		v, err := json.Marshal(turnV1{V: 1, ID: int64(id), At: t.At.UnixNano(), Query: t.Query, Answer: t.Answer,
			Intent: t.Intent, Services: t.Services, Hosts: t.Hosts, Context: t.Context, Logs: t.Logs, Proposed: t.Proposed,
			Model: t.Model, ModelNote: t.ModelNote, Since: unixNanoOrZero(t.Since), Until: unixNanoOrZero(t.Until)})
		if err != nil {
			return err
		}
		if err := b.Put(turnKey(t.At, id), v); err != nil {
			return err
		}
		return trimSession(b, MaxTurnsPerSession)
	})
	if err != nil {
		return fmt.Errorf("save turn of session %q: %w", t.Session, err)
	}
	return nil
}

// trimSession deletes the oldest turns until at most keep are left.
func trimSession(b *bbolt.Bucket, keep int) error {
	c := b.Cursor()
	n := 0 // counted with the cursor: Stats does not see this transaction's writes
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	for k, _ := c.First(); k != nil && n > keep; k, _ = c.First() {
		if err := c.Delete(); err != nil {
			return err
		}
		n--
	}
	return nil
}

// Turns returns the last limit turns of a session, oldest first; limit <= 0 means all. An
// unknown session has none.
func (s *Store) Turns(ctx context.Context, session string, limit int) ([]engine.Turn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []engine.Turn
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketConversations).Bucket([]byte(session))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var st turnV1
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("decode turn %x: %w", k, err)
			}
			out = append(out, engine.Turn{ID: st.ID, At: time.Unix(0, st.At).UTC(), Session: session,
				Query: st.Query, Answer: st.Answer, Intent: st.Intent, Services: st.Services, Hosts: st.Hosts,
				Context: st.Context, Logs: st.Logs, Proposed: st.Proposed, Model: st.Model, ModelNote: st.ModelNote,
				Since: timeOrZero(st.Since), Until: timeOrZero(st.Until)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read turns of session %q: %w", session, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// ClearSession forgets a session's turns. Clearing an unknown session is not an error.
func (s *Store) ClearSession(ctx context.Context, session string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		root := tx.Bucket(bucketConversations)
		if root.Bucket([]byte(session)) == nil {
			return nil
		}
		return root.DeleteBucket([]byte(session))
	})
	if err != nil {
		return fmt.Errorf("clear session %q: %w", session, err)
	}
	return nil
}
