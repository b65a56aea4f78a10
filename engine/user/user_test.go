package user

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fast hashing for tests; the parameters are read back from the hash.
var testParams = Params{Memory: 64, Time: 1, Threads: 1}

type memStore struct {
	mu    sync.Mutex
	users map[string]User
}

func (m *memStore) CreateUser(_ context.Context, u User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.Name]; ok {
		return ErrExists
	}
	m.users[u.Name] = u
	return nil
}

func (m *memStore) UpdateUser(_ context.Context, u User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.Name]; !ok {
		return ErrUnknown
	}
	m.users[u.Name] = u
	return nil
}

func (m *memStore) DeleteUser(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[name]; !ok {
		return ErrUnknown
	}
	delete(m.users, name)
	return nil
}

func (m *memStore) User(_ context.Context, name string) (User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[name]
	if !ok {
		return User{}, ErrUnknown
	}
	return u, nil
}

func (m *memStore) Users(context.Context) ([]User, error) { return nil, nil }

func TestHashVerify(t *testing.T) {
	h := Hash("correct horse", testParams)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("Hash() = %q, want an argon2id PHC string", h)
	}
	if h2 := Hash("correct horse", testParams); h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name, pw, hash string
		want           bool
		wantErr        bool
	}{
		{"right", "correct horse", h, true, false},
		{"wrong", "correct horsf", h, false, false},
		{"empty", "", h, false, false},
		{"bcrypt hash", "x", "$2a$10$abcdefghijklmnopqrstuv", false, true},
		{"truncated", "x", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA", false, true},
		{"huge memory", "x", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5", false, true},
		{"zero threads", "x", "$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHQ$a2V5", false, true},
		{"empty key", "x", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$", false, true},
		{"other version", "x", "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(tt.pw, tt.hash)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("Verify() = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"alice", "bob_2", "_svc", "a.b-c", strings.Repeat("a", 32)} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "api", "Alice", "1abc", "-x", ".x", "a b", "a/b", "<script>", strings.Repeat("a", 33), "ä"} {
		if err := CheckName(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("CheckName(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestAccounts(t *testing.T) {
	ctx := t.Context()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	a := NewAccounts(&memStore{users: map[string]User{}}, testParams, func() time.Time { return now })
	if err := a.Add(ctx, "alice", RoleOperator, "password1"); err != nil {
		t.Fatalf("Add() = %v", err)
	}
	steps := []struct {
		name string
		err  error
		want error
	}{
		{"duplicate", a.Add(ctx, "alice", RoleViewer, "password2"), ErrExists},
		{"short password", a.Add(ctx, "bob", RoleViewer, "short"), ErrInvalid},
		{"bad role", a.Add(ctx, "bob", "admin", "password2"), ErrInvalid},
		{"reserved name", a.Add(ctx, "api", RoleViewer, "password2"), ErrInvalid},
		{"change unknown", a.Change(ctx, "carol", "", "password3"), ErrUnknown},
		{"delete unknown", a.Delete(ctx, "carol"), ErrUnknown},
	}
	for _, s := range steps {
		if !errors.Is(s.err, s.want) {
			t.Errorf("%s: error = %v, want %v", s.name, s.err, s.want)
		}
	}
	if u, err := a.Authenticate(ctx, "alice", "password1"); err != nil || u.Role != RoleOperator {
		t.Fatalf("Authenticate(right) = %+v, %v", u, err)
	}
	for _, c := range [][2]string{{"alice", "password2"}, {"nobody", "password1"}, {"alice", ""}} {
		if _, err := a.Authenticate(ctx, c[0], c[1]); !errors.Is(err, ErrBadPassword) {
			t.Errorf("Authenticate(%q, %q) = %v, want ErrBadPassword", c[0], c[1], err)
		}
	}
	if err := a.Change(ctx, "alice", RoleViewer, "password2"); err != nil {
		t.Fatalf("Change() = %v", err)
	}
	if u, err := a.Authenticate(ctx, "alice", "password2"); err != nil || u.Role != RoleViewer {
		t.Errorf("after Change, Authenticate = %+v, %v; want a viewer", u, err)
	}
	if _, err := a.Authenticate(ctx, "alice", "password1"); !errors.Is(err, ErrBadPassword) {
		t.Errorf("the old password still works: %v", err)
	}
	if err := a.Delete(ctx, "alice"); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	if _, err := a.Authenticate(ctx, "alice", "password2"); !errors.Is(err, ErrBadPassword) {
		t.Errorf("a deleted user logs in: %v", err)
	}
}
