package bolt

import (
	"errors"
	"testing"
	"time"

	"monit-intel/engine/user"
)

func TestUsersPersist(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	alice := user.User{Name: "alice", Role: user.RoleOperator, Hash: "$argon2id$x", CreatedAt: at, UpdatedAt: at}
	if err := s.CreateUser(ctx, alice); err != nil {
		t.Fatalf("CreateUser() = %v", err)
	}
	if err := s.CreateUser(ctx, alice); !errors.Is(err, user.ErrExists) {
		t.Errorf("CreateUser(again) = %v, want ErrExists", err)
	}
	if err := s.UpdateUser(ctx, user.User{Name: "bob"}); !errors.Is(err, user.ErrUnknown) {
		t.Errorf("UpdateUser(unknown) = %v, want ErrUnknown", err)
	}
	s.Close()
	if s, err = Open(dir, time.Second); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.User(ctx, "alice"); err != nil || got != alice {
		t.Errorf("User() after reopen = %+v, %v; want %+v", got, err, alice)
	}
	if err := s.DeleteUser(ctx, "alice"); err != nil {
		t.Fatalf("DeleteUser() = %v", err)
	}
	if _, err := s.User(ctx, "alice"); !errors.Is(err, user.ErrUnknown) {
		t.Errorf("User(deleted) = %v, want ErrUnknown", err)
	}
	if err := s.DeleteUser(ctx, "alice"); !errors.Is(err, user.ErrUnknown) {
		t.Errorf("DeleteUser(again) = %v, want ErrUnknown", err)
	}
}

func TestSessions(t *testing.T) {
	s, err := Open(t.TempDir(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	if err := s.CommitSession("tok-a", []byte("data-a"), now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.CommitSession("tok-b", []byte("data-b"), now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := s.FindSession("tok-a", now); err != nil || !ok || string(b) != "data-a" {
		t.Errorf("FindSession(live) = %q, %v, %v", b, ok, err)
	}
	if _, ok, _ := s.FindSession("tok-b", now); ok {
		t.Error("FindSession(expired) found it")
	}
	if _, ok, _ := s.FindSession("tok-a", now.Add(2*time.Minute)); ok {
		t.Error("FindSession(after expiry) found it")
	}
	if n, err := s.PruneSessions(now); err != nil || n != 1 {
		t.Errorf("PruneSessions() = %d, %v; want 1", n, err)
	}
	if err := s.DeleteSession("tok-a"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.FindSession("tok-a", now); ok {
		t.Error("FindSession(deleted) found it")
	}
}
