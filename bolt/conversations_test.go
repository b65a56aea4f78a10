package bolt

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/mother"
)

var _ mother.Memory = (*Store)(nil)

func openStore(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatalf("Open() error = %v", err)
	}
	return s
}

func TestConversationsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	t0 := time.Unix(1795507134, 123456789).UTC()
	full := engine.Turn{At: t0, Session: "ops", Query: "why is system_backup failing?",
		Answer: "system_backup is failing since 02:14.\nModel (tiny):\nThe disk is full.", Intent: "why",
		Services: []string{"system_backup"}, Hosts: []string{"web2"}, Since: t0.Add(-10 * time.Hour), Until: t0.Add(-2 * time.Hour),
		Context:  "<<<BEGIN LOGS n>>>\nno space\n<<<END LOGS n>>>",
		Logs:     []string{"rsync: No space left on device", "password=[REDACTED]"},
		Proposed: []engine.SuggestedAction{{Action: "restart", Service: "system_backup"}},
		Model:    "tiny", ModelNote: "answer cut at the length limit"}
	// Appended out of time order: the store orders by At, not by arrival.
	turns := []engine.Turn{
		{At: t0.Add(2 * time.Minute), Session: "ops", Query: "third", Answer: "c"},
		full,
		{At: t0.Add(time.Minute), Session: "ops", Query: "second", Answer: "b"},
		{At: t0, Session: "other", Query: "elsewhere", Answer: "x"},
	}
	for _, tt := range turns {
		if err := s.AppendTurn(t.Context(), tt); err != nil {
			t.Fatalf("AppendTurn(%q) error = %v", tt.Query, err)
		}
	}
	s.Close()
	s = openStore(t, dir)
	defer s.Close()

	got, err := s.Turns(t.Context(), "ops", 0)
	if err != nil {
		t.Fatalf("Turns() error = %v", err)
	}
	if len(got) != 3 || got[0].Query != full.Query || got[1].Query != "second" || got[2].Query != "third" {
		t.Fatalf("Turns(ops) = %+v, want the three ops turns in time order", got)
	}
	want := full
	want.ID = got[0].ID
	if !reflect.DeepEqual(got[0], want) || want.ID == 0 {
		t.Errorf("Turns(ops)[0] = %+v, want %+v with an ID", got[0], want)
	}
	ids := map[int64]bool{got[0].ID: true, got[1].ID: true, got[2].ID: true}
	if len(ids) != 3 {
		t.Errorf("IDs %d %d %d, want distinct", got[0].ID, got[1].ID, got[2].ID)
	}

	last, err := s.Turns(t.Context(), "ops", 2)
	if err != nil || len(last) != 2 || last[0].Query != "second" || last[1].Query != "third" {
		t.Errorf("Turns(ops, 2) = %+v, %v; want the last two, oldest first", last, err)
	}
	if none, err := s.Turns(t.Context(), "nobody", 5); err != nil || len(none) != 0 {
		t.Errorf("Turns(nobody) = %+v, %v; want none", none, err)
	}
}

func TestClearSession(t *testing.T) {
	s := openStore(t, t.TempDir())
	defer s.Close()
	at := time.Unix(1795507134, 0).UTC()
	for _, session := range []string{"a", "b"} {
		if err := s.AppendTurn(t.Context(), engine.Turn{At: at, Session: session, Query: "q", Answer: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ClearSession(t.Context(), "a"); err != nil {
		t.Fatalf("ClearSession(a) error = %v", err)
	}
	if err := s.ClearSession(t.Context(), "never-used"); err != nil {
		t.Errorf("ClearSession(never-used) error = %v, want nil", err)
	}
	if got, _ := s.Turns(t.Context(), "a", 0); len(got) != 0 {
		t.Errorf("Turns(a) after clear = %+v, want none", got)
	}
	if got, _ := s.Turns(t.Context(), "b", 0); len(got) != 1 {
		t.Errorf("Turns(b) after clearing a = %+v, want its one turn", got)
	}
	if err := s.AppendTurn(t.Context(), engine.Turn{At: at, Session: "a", Query: "again"}); err != nil {
		t.Errorf("AppendTurn after clear: %v", err)
	}
}

func TestTurnsAreBounded(t *testing.T) {
	s := openStore(t, t.TempDir())
	defer s.Close()
	at := time.Unix(1795507134, 0).UTC()
	for i := range MaxTurnsPerSession + 5 {
		q := fmt.Sprintf("q%d", i)
		if err := s.AppendTurn(t.Context(), engine.Turn{At: at.Add(time.Duration(i) * time.Second), Session: "s", Query: q}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Turns(t.Context(), "s", 0)
	if err != nil || len(got) != MaxTurnsPerSession || got[0].Query != "q5" {
		t.Errorf("Turns() = %d turns from %q, %v; want %d from q5", len(got), first(got), err, MaxTurnsPerSession)
	}
}

func first(ts []engine.Turn) string {
	if len(ts) == 0 {
		return ""
	}
	return ts[0].Query
}

func TestAppendTurnRefuses(t *testing.T) {
	s := openStore(t, t.TempDir())
	defer s.Close()
	if err := s.AppendTurn(t.Context(), engine.Turn{Query: "no session"}); err == nil {
		t.Error("AppendTurn() without a session = nil, want an error")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.AppendTurn(ctx, engine.Turn{Session: "s"}); err == nil {
		t.Error("AppendTurn() with a cancelled context = nil, want an error")
	}
	if got, _ := s.Turns(t.Context(), "s", 0); len(got) != 0 {
		t.Errorf("Turns() = %+v after refused appends, want none", got)
	}
}
