package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bbolt "go.etcd.io/bbolt"

	"monit-intel/engine"
	"monit-intel/engine/approve"
)

var bucketProposals = []byte("proposals")

var _ approve.Proposals = (*Store)(nil)

// proposalV1 is the stored form of engine.Proposal. Times are Unix nanoseconds so expiry is
// exact.
type proposalV1 struct {
	V         int                  `json:"v"`
	ID        string               `json:"id"`
	Action    string               `json:"action"`
	Service   string               `json:"service"`
	Unit      string               `json:"unit,omitempty"`
	Argv      []string             `json:"argv"`
	Command   string               `json:"command"`
	Source    string               `json:"source"`
	Proposer  string               `json:"proposer,omitempty"`
	CreatedAt int64                `json:"created_at"`
	ExpiresAt int64                `json:"expires_at"`
	State     engine.ProposalState `json:"state"`
	DecidedAt int64                `json:"decided_at,omitempty"`
	// Simulated was added without a new version: absent in older values, where it is false.
	Simulated bool `json:"simulated,omitempty"`
	// Host was added the same way: absent in older values, which were all this machine's.
	Host string `json:"host,omitempty"`
}

func encodeProposal(p engine.Proposal) ([]byte, error) {
	v := proposalV1{V: 1, ID: p.ID, Action: p.Action, Service: p.Service, Unit: p.Unit, Argv: p.Argv,
		Command: p.Command, Source: p.Source, Proposer: p.Proposer, CreatedAt: p.CreatedAt.UnixNano(),
		ExpiresAt: p.ExpiresAt.UnixNano(), State: p.State, Simulated: p.Simulated, Host: p.Host}
	if !p.DecidedAt.IsZero() {
		v.DecidedAt = p.DecidedAt.UnixNano()
	}
	return json.Marshal(v)
}

func decodeProposal(b []byte) (engine.Proposal, error) {
	var v proposalV1
	if err := json.Unmarshal(b, &v); err != nil {
		return engine.Proposal{}, err
	}
	if v.V != 1 {
		return engine.Proposal{}, fmt.Errorf("unknown proposal version %d", v.V)
	}
	p := engine.Proposal{ID: v.ID, Action: v.Action, Service: v.Service, Unit: v.Unit, Argv: v.Argv,
		Command: v.Command, Source: v.Source, Proposer: v.Proposer,
		CreatedAt: time.Unix(0, v.CreatedAt).UTC(), ExpiresAt: time.Unix(0, v.ExpiresAt).UTC(), State: v.State,
		Simulated: v.Simulated, Host: v.Host}
	if v.DecidedAt != 0 {
		p.DecidedAt = time.Unix(0, v.DecidedAt).UTC()
	}
	return p, nil
}

// PutProposal stores a new proposal. An existing ID is an error: proposals are never
// overwritten, so a decided one cannot be made pending again.
func (s *Store) PutProposal(ctx context.Context, p engine.Proposal) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.ID == "" {
		return fmt.Errorf("save proposal: empty id")
	}
	v, err := encodeProposal(p)
	if err != nil {
		return fmt.Errorf("save proposal %s: %w", p.ID, err)
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketProposals)
		if b.Get([]byte(p.ID)) != nil {
			return fmt.Errorf("id already exists")
		}
		return b.Put([]byte(p.ID), v)
	})
	if err != nil {
		return fmt.Errorf("save proposal %s: %w", p.ID, err)
	}
	return nil
}

// Proposal returns the proposal with the ID, in whatever state it is.
func (s *Store) Proposal(ctx context.Context, id string) (engine.Proposal, bool, error) {
	if err := ctx.Err(); err != nil {
		return engine.Proposal{}, false, err
	}
	var p engine.Proposal
	var found bool
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketProposals).Get([]byte(id))
		if v == nil {
			return nil
		}
		found = true
		var err error
		p, err = decodeProposal(v)
		return err
	})
	if err != nil {
		return engine.Proposal{}, false, fmt.Errorf("read proposal: %w", err)
	}
	return p, found, nil
}

// Claim moves a pending, unexpired proposal to state (approved or rejected) in one write
// transaction and returns it. bbolt runs one write transaction at a time, so of two claims of
// the same ID exactly one succeeds; the other gets engine.ErrProposalUsed.
//
// The errors wrap engine.ErrUnknownProposal, engine.ErrProposalExpired or
// engine.ErrProposalUsed; with the last two the stored proposal is returned too.
func (s *Store) Claim(ctx context.Context, id string, state engine.ProposalState, now time.Time) (engine.Proposal, error) {
	if state != engine.ProposalApproved && state != engine.ProposalRejected {
		return engine.Proposal{}, fmt.Errorf("claim proposal: invalid state %q", state)
	}
	if err := ctx.Err(); err != nil {
		return engine.Proposal{}, err
	}
	var p engine.Proposal
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketProposals)
		v := b.Get([]byte(id))
		if v == nil {
			return engine.ErrUnknownProposal
		}
		var err error
		if p, err = decodeProposal(v); err != nil {
			return err
		}
		if err := p.CheckPending(now); err != nil {
			return err
		}
		p.State, p.DecidedAt = state, now.UTC()
		if v, err = encodeProposal(p); err != nil {
			return err
		}
		return b.Put([]byte(id), v)
	})
	if err != nil {
		return p, fmt.Errorf("claim proposal: %w", err)
	}
	return p, nil
}

// Pending returns the proposals still waiting for a decision at now, oldest first.
func (s *Store) Pending(ctx context.Context, now time.Time) ([]engine.Proposal, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []engine.Proposal
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketProposals).ForEach(func(k, v []byte) error {
			p, err := decodeProposal(v)
			if err != nil {
				return fmt.Errorf("decode proposal %q: %w", k, err)
			}
			if p.State == engine.ProposalPending && !p.Expired(now) {
				out = append(out, p)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("pending proposals: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// PruneProposals deletes proposals decided, or expired, before the cut-off, and returns how
// many went. Keep the cut-off well behind the expiry so that using an old ID still says
// "expired" or "already used" rather than "unknown" for a while.
func (s *Store) PruneProposals(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketProposals)
		var old [][]byte
		err := b.ForEach(func(k, v []byte) error {
			p, err := decodeProposal(v)
			if err != nil {
				return fmt.Errorf("decode proposal %q: %w", k, err)
			}
			end := p.ExpiresAt
			if p.State != engine.ProposalPending {
				end = p.DecidedAt
			}
			if end.Before(before) {
				old = append(old, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune proposals: %w", err)
	}
	return n, nil
}
