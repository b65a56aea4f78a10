package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"monit-intel/engine"
)

// FileName is the state file's name inside the data directory.
const FileName = "state.db"

// ErrLocked means another process (normally the daemon) has the state file open.
var ErrLocked = errors.New("state file is locked by another process")

var bucketStates = []byte("failure_states")

// buckets are created by Open, so transactions never have to.
var buckets = [][]byte{bucketStates, bucketProposals, bucketConversations, bucketOutbox, bucketUsers, bucketSessions,
	bucketHosts}

// Store is the bbolt state file.
type Store struct {
	db *bbolt.DB
}

var _ engine.StateStore = (*Store)(nil)

// Open opens DATA_DIR/state.db, waiting at most lockTimeout for another process to let go.
func Open(dataDir string, lockTimeout time.Duration) (*Store, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dataDir, FileName)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w (is `monit-intel serve` running? the daemon holds it; use the REST API or stop the daemon)", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range buckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("create buckets in %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close releases the file and its lock.
func (s *Store) Close() error { return s.db.Close() }

// Path is the state file.
func (s *Store) Path() string { return s.db.Path() }

// Size is the state file's size in bytes.
func (s *Store) Size() int64 {
	fi, err := os.Stat(s.db.Path())
	if err != nil {
		return 0
	}
	return fi.Size()
}

// stateV1 is the stored form of engine.FailureState. Version 2 added changed, monitor and
// cycle; a version 1 value reads with them zero (monitor 0 is then taken as monitored).
type stateV1 struct {
	V        int                `json:"v"`
	Host     string             `json:"host"`
	Service  string             `json:"service"`
	Type     engine.ServiceType `json:"type"`
	Status   uint32             `json:"status"`
	State    engine.State       `json:"state"`
	Since    int64              `json:"since,omitempty"`
	LastSeen int64              `json:"last_seen"`
	Failures int                `json:"failures"`
	Changed  uint32             `json:"changed,omitempty"`
	Monitor  *uint8             `json:"monitor,omitempty"`
	Cycle    int64              `json:"cycle,omitempty"`
}

func stateKey(k engine.ServiceKey) []byte { return []byte(k.Host + "\x00" + k.Service) }

// States returns every remembered failure state.
func (s *Store) States(ctx context.Context) (map[engine.ServiceKey]engine.FailureState, error) {
	return s.readStates(ctx, nil)
}

// HostStates returns the remembered failure states of one host's services: a range scan
// over the keys that start with the host.
func (s *Store) HostStates(ctx context.Context, host string) (map[engine.ServiceKey]engine.FailureState, error) {
	return s.readStates(ctx, []byte(host+"\x00"))
}

func (s *Store) readStates(ctx context.Context, prefix []byte) (map[engine.ServiceKey]engine.FailureState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := map[engine.ServiceKey]engine.FailureState{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketStates).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			f, err := decodeState(k, v)
			if err != nil {
				return err
			}
			out[f.Key()] = f
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read failure states: %w", err)
	}
	return out, nil
}

func decodeState(k, v []byte) (engine.FailureState, error) {
	var st stateV1
	if err := json.Unmarshal(v, &st); err != nil {
		return engine.FailureState{}, fmt.Errorf("decode state %q: %w", k, err)
	}
	f := engine.FailureState{Host: st.Host, Service: st.Service, Type: st.Type,
		Status: engine.StatusBits(st.Status), State: st.State, Failures: st.Failures,
		LastSeen: time.Unix(st.LastSeen, 0).UTC(), Changed: engine.StatusBits(st.Changed),
		Monitor: engine.MonitorYes, Cycle: st.Cycle}
	if st.Monitor != nil {
		f.Monitor = engine.MonitorState(*st.Monitor)
	}
	if st.Since != 0 {
		f.Since = time.Unix(st.Since, 0).UTC()
	}
	return f, nil
}

// PutStates stores the states of one cycle in one transaction (one fsync).
func (s *Store) PutStates(ctx context.Context, states []engine.FailureState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketStates)
		for _, f := range states {
			monitor := uint8(f.Monitor)
			st := stateV1{V: 2, Host: f.Host, Service: f.Service, Type: f.Type, Status: uint32(f.Status),
				State: f.State, LastSeen: f.LastSeen.Unix(), Failures: f.Failures,
				Changed: uint32(f.Changed), Monitor: &monitor, Cycle: f.Cycle}
			if !f.Since.IsZero() {
				st.Since = f.Since.Unix()
			}
			v, err := json.Marshal(st)
			if err != nil {
				return err
			}
			if err := b.Put(stateKey(f.Key()), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save failure states: %w", err)
	}
	return nil
}
