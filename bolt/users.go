package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"monit-intel/engine/user"
)

var bucketUsers = []byte("users")

var _ user.Store = (*Store)(nil)

// userV1 is the stored form of user.User.
type userV1 struct {
	V         int       `json:"v"`
	Name      string    `json:"name"`
	Role      user.Role `json:"role"`
	Hash      string    `json:"hash"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (u userV1) user() user.User {
	return user.User{Name: u.Name, Role: u.Role, Hash: u.Hash, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func putUser(b *bbolt.Bucket, u user.User) error {
	v, err := json.Marshal(userV1{V: 1, Name: u.Name, Role: u.Role, Hash: u.Hash, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt})
	if err != nil {
		return err
	}
	return b.Put([]byte(u.Name), v)
}

// CreateUser stores a new user.
func (s *Store) CreateUser(ctx context.Context, u user.User) error {
	return s.writeUser(ctx, u, true)
}

// UpdateUser replaces an existing user.
func (s *Store) UpdateUser(ctx context.Context, u user.User) error {
	return s.writeUser(ctx, u, false)
}

func (s *Store) writeUser(ctx context.Context, u user.User, create bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		exists := b.Get([]byte(u.Name)) != nil
		switch {
		case create && exists:
			return user.ErrExists
		case !create && !exists:
			return user.ErrUnknown
		}
		return putUser(b, u)
	})
	if err != nil {
		return fmt.Errorf("save user: %w", err)
	}
	return nil
}

// DeleteUser removes a user.
func (s *Store) DeleteUser(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		if b.Get([]byte(name)) == nil {
			return user.ErrUnknown
		}
		return b.Delete([]byte(name))
	})
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	return nil
}

// User returns one user.
func (s *Store) User(ctx context.Context, name string) (user.User, error) {
	if err := ctx.Err(); err != nil {
		return user.User{}, err
	}
	var out user.User
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketUsers).Get([]byte(name))
		if v == nil {
			return user.ErrUnknown
		}
		var u userV1
		if err := json.Unmarshal(v, &u); err != nil {
			return fmt.Errorf("decode user %q: %w", name, err)
		}
		out = u.user()
		return nil
	})
	if err != nil {
		return user.User{}, fmt.Errorf("read user: %w", err)
	}
	return out, nil
}

// Users returns every user, by name.
func (s *Store) Users(ctx context.Context) ([]user.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []user.User
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			var u userV1
			if err := json.Unmarshal(v, &u); err != nil {
				return fmt.Errorf("decode user %q: %w", k, err)
			}
			out = append(out, u.user())
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	return out, nil
}
