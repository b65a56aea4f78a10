package bolt

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Web UI sessions survive a daemon restart: the key is the SHA-256 of the session token (a
// copy of state.db lets no one take over a session), the value the expiry in Unix
// nanoseconds followed by the session's encoded data. The methods are those of
// github.com/alexedwards/scs/v2's Store.
var bucketSessions = []byte("sessions")

func sessionKey(token string) []byte {
	k := sha256.Sum256([]byte(token))
	return k[:]
}

// FindSession returns a session's data; an expired or unknown token is not found.
func (s *Store) FindSession(token string, now time.Time) ([]byte, bool, error) {
	var out []byte
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketSessions).Get(sessionKey(token))
		if len(v) < 8 || int64(binary.BigEndian.Uint64(v)) <= now.UnixNano() {
			return nil
		}
		out = append([]byte(nil), v[8:]...)
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("read session: %w", err)
	}
	return out, out != nil, nil
}

// CommitSession stores a session until expiry.
func (s *Store) CommitSession(token string, data []byte, expiry time.Time) error {
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(data)), uint64(expiry.UnixNano()))
	v = append(v, data...)
	if err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketSessions).Put(sessionKey(token), v)
	}); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// DeleteSession forgets a session (logout).
func (s *Store) DeleteSession(token string) error {
	if err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete(sessionKey(token))
	}); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// PruneSessions deletes the sessions expired at now and returns how many.
func (s *Store) PruneSessions(now time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketSessions).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(v) < 8 || int64(binary.BigEndian.Uint64(v)) <= now.UnixNano() {
				if err := c.Delete(); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune sessions: %w", err)
	}
	return n, nil
}
