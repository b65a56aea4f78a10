package user

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Role is what a user may do. A viewer reads; an operator can also propose, approve and
// reject actions.
type Role string

// The roles.
const (
	RoleViewer   Role = "viewer"
	RoleOperator Role = "operator"
)

// ParseRole accepts "viewer" or "operator".
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleViewer, RoleOperator:
		return r, nil
	}
	return "", fmt.Errorf("%w: role %q (want viewer or operator)", ErrInvalid, s)
}

// CanApprove reports whether the role may decide proposals.
func (r Role) CanApprove() bool { return r == RoleOperator }

// User is one account. Hash is an argon2id PHC string; it never leaves the server.
type User struct {
	Name      string
	Role      Role
	Hash      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Errors, checked with errors.Is.
var (
	ErrInvalid     = errors.New("invalid user")
	ErrExists      = errors.New("user already exists")
	ErrUnknown     = errors.New("unknown user")
	ErrBadPassword = errors.New("wrong name or password")
)

// Store keeps users (bolt.Store).
type Store interface {
	// CreateUser stores a new user; an existing name wraps ErrExists.
	CreateUser(ctx context.Context, u User) error
	// UpdateUser replaces a user; an unknown name wraps ErrUnknown.
	UpdateUser(ctx context.Context, u User) error
	// DeleteUser removes a user; an unknown name wraps ErrUnknown.
	DeleteUser(ctx context.Context, name string) error
	// User returns one user; an unknown name wraps ErrUnknown.
	User(ctx context.Context, name string) (User, error)
	// Users returns every user, by name.
	Users(ctx context.Context) ([]User, error)
}

// APIUser is the name the API token acts under in the audit log; no account may take it.
const APIUser = "api"

var namePattern = regexp.MustCompile(`^[a-z_][a-z0-9_.-]{0,31}$`)

// CheckName accepts Unix-like login names: lower case, digits, '_', '.', '-', 1–32
// characters, not starting with a digit, '.' or '-'. "api" is reserved for the API token.
func CheckName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("%w: name %q (lower case letters, digits, _ . -; up to 32; starting with a letter or _)", ErrInvalid, name)
	}
	if name == APIUser {
		return fmt.Errorf("%w: %q is the API token's name", ErrInvalid, name)
	}
	return nil
}

// MinPassword is the shortest password accepted.
const MinPassword = 8

// CheckPassword refuses passwords shorter than MinPassword characters or longer than 1024
// bytes (argon2 would hash anything; a megabyte paste is a mistake).
func CheckPassword(pw string) error {
	if len([]rune(pw)) < MinPassword {
		return fmt.Errorf("%w: the password must have at least %d characters", ErrInvalid, MinPassword)
	}
	if len(pw) > 1024 {
		return fmt.Errorf("%w: the password is longer than 1024 bytes", ErrInvalid)
	}
	return nil
}
