package user

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Accounts adds, changes and checks users over a Store.
type Accounts struct {
	store  Store
	params Params
	now    func() time.Time
	dummy  string // hash checked for unknown names, so that timing does not tell them apart
}

// NewAccounts returns Accounts hashing with p (DefaultParams when zero).
func NewAccounts(s Store, p Params, now func() time.Time) *Accounts {
	if p == (Params{}) {
		p = DefaultParams
	}
	if now == nil {
		now = time.Now
	}
	return &Accounts{store: s, params: p, now: now, dummy: Hash("not a password", p)}
}

// Add creates a user.
func (a *Accounts) Add(ctx context.Context, name string, role Role, password string) error {
	if err := errors.Join(CheckName(name), CheckPassword(password)); err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	now := a.now().UTC()
	u := User{Name: name, Role: role, Hash: Hash(password, a.params), CreatedAt: now, UpdatedAt: now}
	if err := a.store.CreateUser(ctx, u); err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	return nil
}

// Change sets a user's password (when not empty) and role (when not empty).
func (a *Accounts) Change(ctx context.Context, name string, role Role, password string) error {
	u, err := a.store.User(ctx, name)
	if err != nil {
		return fmt.Errorf("change user %s: %w", name, err)
	}
	if password != "" {
		if err := CheckPassword(password); err != nil {
			return fmt.Errorf("change user %s: %w", name, err)
		}
		u.Hash = Hash(password, a.params)
	}
	if role != "" {
		if _, err := ParseRole(string(role)); err != nil {
			return fmt.Errorf("change user %s: %w", name, err)
		}
		u.Role = role
	}
	u.UpdatedAt = a.now().UTC()
	if err := a.store.UpdateUser(ctx, u); err != nil {
		return fmt.Errorf("change user %s: %w", name, err)
	}
	return nil
}

// Delete removes a user.
func (a *Accounts) Delete(ctx context.Context, name string) error {
	if err := a.store.DeleteUser(ctx, name); err != nil {
		return fmt.Errorf("delete user %s: %w", name, err)
	}
	return nil
}

// List returns every user, by name (with their hashes: callers show only names and roles).
func (a *Accounts) List(ctx context.Context) ([]User, error) {
	us, err := a.store.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

// Authenticate checks a name and password. Any mismatch, an unknown name included, is
// ErrBadPassword after the same amount of hashing work.
func (a *Accounts) Authenticate(ctx context.Context, name, password string) (User, error) {
	u, err := a.store.User(ctx, name)
	if errors.Is(err, ErrUnknown) {
		Verify(password, a.dummy)
		return User{}, ErrBadPassword
	}
	if err != nil {
		return User{}, fmt.Errorf("log in: %w", err)
	}
	ok, err := Verify(password, u.Hash)
	if err != nil {
		return User{}, fmt.Errorf("log in %s: %w", name, err)
	}
	if !ok {
		return User{}, ErrBadPassword
	}
	return u, nil
}

// Lookup returns one user; an unknown name wraps ErrUnknown.
func (a *Accounts) Lookup(ctx context.Context, name string) (User, error) {
	return a.store.User(ctx, name)
}
