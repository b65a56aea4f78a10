package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"monit-intel/engine/fleet"
)

// bucketHosts holds the fleet's host registry, one value per Monit id.
var bucketHosts = []byte("fleet_hosts")

var _ fleet.HostStore = (*Store)(nil)

// hostV1 is the stored form of fleet.Host. Times are Unix nanoseconds, 0 for none.
type hostV1 struct {
	V          int    `json:"v"`
	ID         string `json:"id"`
	Name       string `json:"name"`
	Source     string `json:"source"`
	IntervalNS int64  `json:"interval_ns"`
	LastSeen   int64  `json:"last_seen"`
	Stale      bool   `json:"stale,omitempty"`
	StaleSince int64  `json:"stale_since,omitempty"`
	Messages   int64  `json:"messages"`
	// User is the collector user the host is bound to; absent in a registry written before
	// hosts were bound (the host is bound at its next push).
	User string `json:"user,omitempty"`
}

// LoadHosts returns the host registry as last saved, in Monit id order.
func (s *Store) LoadHosts(ctx context.Context) ([]fleet.Host, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []fleet.Host
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketHosts).ForEach(func(k, v []byte) error {
			var h hostV1
			if err := json.Unmarshal(v, &h); err != nil {
				return fmt.Errorf("decode host %q: %w", k, err)
			}
			out = append(out, fleet.Host{ID: h.ID, Name: h.Name, Source: h.Source,
				Interval: time.Duration(h.IntervalNS), LastSeen: timeOrZero(h.LastSeen), Stale: h.Stale,
				StaleSince: timeOrZero(h.StaleSince), Messages: h.Messages, User: h.User})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read host registry: %w", err)
	}
	return out, nil
}

// SaveHosts replaces the host registry with hosts in one transaction (one fsync): hosts
// that are no longer in it (a name taken over by another Monit id) are deleted.
func (s *Store) SaveHosts(ctx context.Context, hosts []fleet.Host) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		if err := tx.DeleteBucket(bucketHosts); err != nil {
			return err
		}
		b, err := tx.CreateBucket(bucketHosts)
		if err != nil {
			return err
		}
		for _, h := range hosts {
			v, err := json.Marshal(hostV1{V: 1, ID: h.ID, Name: h.Name, Source: h.Source,
				IntervalNS: int64(h.Interval), LastSeen: unixNanoOrZero(h.LastSeen), Stale: h.Stale,
				StaleSince: unixNanoOrZero(h.StaleSince), Messages: h.Messages, User: h.User})
			if err != nil {
				return err
			}
			if err := b.Put([]byte(h.ID), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save host registry: %w", err)
	}
	return nil
}
