package sqliteexport

import (
	"reflect"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/mother"
)

var _ mother.Memory = (*DB)(nil)

func TestConversationsExport(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	t0 := time.Unix(1795507134, 0).UTC()
	full := engine.Turn{At: t0, Session: "ops", Query: "show logs for gamma_conn",
		Answer: "gamma_conn: last 2 lines", Intent: "logs", Services: []string{"gamma_conn", "beta"}, Hosts: []string{"vm", "web2"},
		Context: "<<<BEGIN LOGS n>>>\nline\n<<<END LOGS n>>>", Logs: []string{"connect failed", "token=[REDACTED]"},
		Proposed: []engine.SuggestedAction{{Action: "restart", Service: "gamma_conn"}},
		Model:    "tiny", ModelNote: "model unavailable"}
	for _, tt := range []engine.Turn{
		full,
		{At: t0, Session: "ops", Query: "same second, later", Answer: "b"},
		{At: t0.Add(time.Hour), Session: "ops", Query: "last", Answer: "c"},
		{At: t0, Session: "other", Query: "elsewhere", Answer: "x"},
	} {
		if err := db.AppendTurn(ctx, tt); err != nil {
			t.Fatalf("AppendTurn(%q) error = %v", tt.Query, err)
		}
	}
	got, err := db.Turns(ctx, "ops", 0)
	if err != nil {
		t.Fatalf("Turns() error = %v", err)
	}
	if len(got) != 3 || got[1].Query != "same second, later" || got[2].Query != "last" {
		t.Fatalf("Turns(ops) = %+v, want 3 in time order", got)
	}
	want := full
	want.ID = got[0].ID
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("Turns(ops)[0] = %+v, want %+v", got[0], want)
	}
	if got[1].Proposed != nil || got[1].Logs != nil || got[1].Services != nil {
		t.Errorf("a turn without extras read back as %+v, want nil slices", got[1])
	}
	if last, _ := db.Turns(ctx, "ops", 1); len(last) != 1 || last[0].Query != "last" {
		t.Errorf("Turns(ops, 1) = %+v, want the newest", last)
	}

	// The table answers ad-hoc queries with the documented columns.
	var n int
	var logs string
	err = db.r.QueryRowContext(ctx, `SELECT count(*), max(logs_provided) FROM conversations
		WHERE session = 'ops' AND user_query LIKE '%gamma_conn%' AND agent_response != ''
		AND service_context LIKE '%LOGS%' AND timestamp = ? AND id > 0`, t0.Unix()).Scan(&n, &logs)
	if err != nil || n != 1 || logs != "connect failed\ntoken=[REDACTED]" {
		t.Errorf("ad-hoc query = %d rows, logs %q, %v; want 1 row with both lines", n, logs, err)
	}

	if err := db.ClearSession(ctx, "ops"); err != nil {
		t.Fatalf("ClearSession() error = %v", err)
	}
	if left, _ := db.Turns(ctx, "ops", 0); len(left) != 0 {
		t.Errorf("Turns(ops) after clear = %+v, want none", left)
	}
	if other, _ := db.Turns(ctx, "other", 0); len(other) != 1 {
		t.Errorf("Turns(other) = %+v, want it kept", other)
	}
}

func TestEventsSince(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	t0 := time.Unix(1795507134, 0).UTC()
	var events []engine.Event
	for i, svc := range []string{"failing", "missing", "failing", "localhost-closed"} {
		events = append(events, engine.Event{At: t0.Add(time.Duration(i) * time.Hour), Host: "vm", Service: svc,
			Kind: engine.StateNew, Status: engine.BitStatus, Detail: "Status failed"})
	}
	for i, e := range events {
		if _, err := db.RecordCycle(ctx, e.At, sampleStatus(e.At), []engine.Event{e}); err != nil {
			t.Fatalf("RecordCycle(%d) error = %v", i, err)
		}
	}
	tests := []struct {
		name  string
		since time.Time
		limit int
		want  []string
	}{
		{name: "all", since: t0, limit: 10, want: []string{"localhost-closed", "failing", "missing", "failing"}},
		{name: "since is inclusive", since: t0.Add(2 * time.Hour), limit: 10, want: []string{"localhost-closed", "failing"}},
		{name: "limit keeps the newest", since: t0, limit: 1, want: []string{"localhost-closed"}},
		{name: "nothing after", since: t0.Add(5 * time.Hour), limit: 10, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.EventsSince(ctx, tt.since, tt.limit)
			if err != nil {
				t.Fatalf("EventsSince() error = %v", err)
			}
			var names []string
			for _, e := range got {
				names = append(names, e.Service)
				if e.ID == 0 || e.Kind != engine.StateNew || e.At.Before(tt.since) {
					t.Errorf("EventsSince() event %+v, want an ID, NEW, at or after %v", e, tt.since)
				}
			}
			if !reflect.DeepEqual(names, tt.want) {
				t.Errorf("EventsSince() = %v, want %v", names, tt.want)
			}
		})
	}
}
