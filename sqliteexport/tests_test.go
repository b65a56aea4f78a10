package sqliteexport

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"monit-intel/engine"
)

// webapp is field case 05: two HTTP tests on one port told apart by their request path, a
// unix socket test and a ping, one HTTP test failing.
func webapp(at time.Time) engine.Snapshot {
	return engine.Snapshot{Host: "vm", Name: "webapp", Type: engine.TypeHost, CollectedAt: at, Monitor: 1,
		Status: engine.BitConnection,
		Ports: []engine.PortCheck{
			{Hostname: "127.0.0.1", Port: 45185, Protocol: "HTTP", Type: "TCP", Request: "/healthz", ResponseSec: 0.000694},
			{Hostname: "127.0.0.1", Port: 45185, Protocol: "HTTP", Type: "TCP", Request: "/api/ready", ResponseSec: -1},
			{Hostname: "127.0.0.1", Port: 45185, Protocol: "DEFAULT", Type: "TCP", ResponseSec: 0.0001}},
		Sockets: []engine.SocketCheck{{Path: "/run/php/fpm.sock", Protocol: "DEFAULT", ResponseSec: 0.00002}},
		Icmp:    []engine.IcmpCheck{{Type: "Ping", ResponseSec: 0.000036}},
	}
}

func TestEveryConnectionTestIsItsOwnRow(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	at := time.Unix(1796026614, 0).UTC()
	st := engine.Status{Host: "vm", Services: []engine.Snapshot{webapp(at)}}
	if _, err := db.RecordCycle(ctx, at, st, nil); err != nil {
		t.Fatalf("RecordCycle() error = %v", err)
	}
	if n := count(t, db, "SELECT count(*) FROM connection_tests"); n != 5 {
		t.Errorf("connection_tests = %d rows, want 5", n)
	}
	for _, c := range []struct {
		where  string
		failed int
	}{
		{"kind = 'port' AND request = '/api/ready' AND response_time = -1", 1},
		{"kind = 'port' AND request = '/healthz' AND response_time = 0.000694", 0},
		{"kind = 'port' AND protocol = 'DEFAULT'", 0},
		{"kind = 'unix' AND path = '/run/php/fpm.sock' AND response_time = 0.00002", 0},
		{"kind = 'icmp' AND type = 'Ping'", 0},
	} {
		if n := count(t, db, "SELECT count(*) FROM connection_tests WHERE failed = "+fmt.Sprint(c.failed)+" AND "+c.where); n != 1 {
			t.Errorf("connection_tests WHERE %s: %d rows, want 1", c.where, n)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM snapshots WHERE service = 'webapp' AND response_time = -1"); n != 1 {
		t.Errorf("the snapshot's summary response time hides the failing test")
	}
	latest, err := db.Latest(ctx)
	if err != nil || len(latest) != 1 {
		t.Fatalf("Latest() = %+v, %v", latest, err)
	}
	got := latest[0].FailedTests()
	if len(got) != 1 || got[0].Result() != "HTTP GET /api/ready on 127.0.0.1:45185 failed" || len(latest[0].Tests()) != 5 {
		t.Errorf("Latest() failed tests = %+v of %+v", got, latest[0].Tests())
	}
}

func TestStateChangeWithoutNewCollectionIsStored(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	at := time.Unix(1796026695, 0).UTC()
	homer := engine.Snapshot{Host: "vm", Name: "homer", Type: engine.TypeProcess, CollectedAt: at, Monitor: 1, Status: engine.BitNonExist}
	steps := []struct {
		name string
		snap func(engine.Snapshot) engine.Snapshot
		want string
	}{
		{"failing", func(s engine.Snapshot) engine.Snapshot { return s }, "Does not exist"},
		{"same again", func(s engine.Snapshot) engine.Snapshot { return s }, "Does not exist"},
		{"unmonitored, same collected_sec", func(s engine.Snapshot) engine.Snapshot {
			s.Monitor, s.Status = 0, 0
			return s
		}, "Not monitored"},
		{"stop pending, same collected_sec", func(s engine.Snapshot) engine.Snapshot {
			s.Monitor, s.Status, s.PendingAction = 0, 0, 3
			return s
		}, "Not monitored - stop pending"},
		{"checksum changed, same collected_sec", func(s engine.Snapshot) engine.Snapshot {
			s.Status, s.StatusHint = engine.BitChecksum, engine.BitChecksum|engine.BitSize
			return s
		}, "Checksum changed"},
	}
	for _, step := range steps {
		snap := step.snap(homer)
		st := engine.Status{Host: "vm", Services: []engine.Snapshot{snap}}
		// The ingester records Monit's changes as events; the snapshot's hint comes from them.
		var events []engine.Event
		if c := snap.ChangedBits(); c != 0 {
			events = append(events, engine.Event{At: at, Host: "vm", Service: "homer", Kind: engine.StateChangeDetected, Status: c})
		}
		if _, err := db.RecordCycle(ctx, at, st, events); err != nil {
			t.Fatalf("%s: RecordCycle() error = %v", step.name, err)
		}
		latest, err := db.Latest(ctx)
		if err != nil || len(latest) != 1 {
			t.Fatalf("%s: Latest() = %+v, %v", step.name, latest, err)
		}
		if got := latest[0].StatusText(); got != step.want {
			t.Errorf("%s: stored snapshot says %q, want %q", step.name, got, step.want)
		}
		if n := count(t, db, "SELECT count(*) FROM proc_samples"); n != 1 {
			t.Errorf("%s: %d rows, want the one snapshot of that collection", step.name, n)
		}
	}
}

func TestRetentionCountsFromRecording(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	now := time.Unix(1796026614, 0).UTC()
	const retention = 30 * 24 * time.Hour
	record := func(collected, recorded time.Time) {
		t.Helper()
		if _, err := db.RecordCycle(ctx, recorded, sampleStatus(collected), nil); err != nil {
			t.Fatalf("RecordCycle() error = %v", err)
		}
	}
	rowsAt := func(at time.Time) int {
		return count(t, db, fmt.Sprintf("SELECT count(*) FROM snapshots WHERE collected_at = %d", at.Unix()))
	}
	old := now.Add(-40 * 24 * time.Hour) // a replayed document, or a host offline for 40 days
	record(now.Add(-31*24*time.Hour), now.Add(-31*24*time.Hour))
	record(old, now)
	if _, err := db.Prune(ctx, now.Add(-retention)); err != nil {
		t.Fatalf("Prune() error = %v", err)
	}
	if rowsAt(old) != 6 {
		t.Errorf("the late document recorded now was pruned in the same cycle")
	}
	if rowsAt(now.Add(-31*24*time.Hour)) != 0 {
		t.Errorf("a snapshot recorded 31 days ago survived")
	}
	// Cycles go on for 29 days: the late document stays.
	for d := 1; d <= 29; d++ {
		at := now.Add(time.Duration(d) * 24 * time.Hour)
		record(at, at)
		if _, err := db.Prune(ctx, at.Add(-retention)); err != nil {
			t.Fatalf("Prune() error = %v", err)
		}
	}
	if rowsAt(old) != 6 {
		t.Errorf("the late document went before 30 days after it was recorded")
	}
	later := now.Add(31 * 24 * time.Hour)
	record(later, later)
	if _, err := db.Prune(ctx, later.Add(-retention)); err != nil {
		t.Fatalf("Prune() error = %v", err)
	}
	if rowsAt(old) != 0 {
		t.Errorf("the late document outlived its retention counted from its recording")
	}
	if n := count(t, db, "SELECT count(*) FROM cycles"); n > 2 {
		t.Errorf("cycles keeps %d rows, want only late ones and the newest", n)
	}
}

func TestEventsAfterCycle(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	at := time.Unix(1796026614, 0).UTC()
	var ids []int64
	for i, kind := range []engine.State{engine.StateNew, engine.StateChangeDetected, engine.StateUnmonitored} {
		ev := engine.Event{At: at.Add(time.Duration(i) * time.Minute), Host: "vm", Service: "x", Kind: kind, Detail: string(kind)}
		rec, err := db.RecordCycle(ctx, ev.At, engine.Status{Host: "vm"}, []engine.Event{ev})
		if err != nil {
			t.Fatalf("RecordCycle(%s) error = %v", kind, err)
		}
		ids = append(ids, rec.ID)
	}
	got, err := db.EventsAfterCycle(ctx, ids[0])
	if err != nil || len(got) != 2 || got[0].Kind != engine.StateChangeDetected || got[1].Cycle != ids[2] {
		t.Errorf("EventsAfterCycle(%d) = %+v, %v", ids[0], got, err)
	}
}

// TestMigrationKeepsPortsEventsAndAnalyses opens a database at schema version 4 (ports,
// failure_events with the old kinds, an analysis pointing at an event) and migrates it.
func TestMigrationKeepsPortsEventsAndAnalyses(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), FileName)
	raw, exec := atVersion(t, path, 4)
	exec(`INSERT INTO services VALUES (1, 'vm', 'web', 4)`)
	exec(`INSERT INTO host_samples VALUES (1796026614, 1, 32, 1, 0)`)
	exec(`INSERT INTO ports VALUES (7, 1, '127.0.0.1', 80, 'HTTP')`)
	exec(`INSERT INTO port_samples VALUES (1796026614, 7, -1)`)
	exec(`INSERT INTO failure_events VALUES (3, 1796026614, 'vm', 'web', 'NEW', 32, 'Connection failed')`)
	exec(`INSERT INTO analyses (at, host, service, event_id, source, duration_ms, fingerprint, prompt_version,
		summary, causes, text) VALUES (1796026614, 'vm', 'web', 3, 'rules', 1, 'f', 'p', 's', '', 't')`)
	raw.Close()

	db, err := OpenFile(context.Background(), path)
	if err != nil {
		t.Fatalf("OpenFile() error = %v", err)
	}
	defer db.Close()
	if n := count(t, db, "SELECT count(*) FROM snapshots WHERE status = 32 AND monitor = 1 AND pending_action = 0 AND status_hint = 0"); n != 1 {
		t.Errorf("the host's snapshot did not survive the migration")
	}
	if n := count(t, db, "SELECT count(*) FROM connection_tests WHERE kind = 'port' AND port = 80 AND failed"); n != 1 {
		t.Errorf("the port test did not survive the migration")
	}
	if n := count(t, db, "SELECT count(*) FROM analyses a JOIN failure_events e ON e.id = a.event_id WHERE e.kind = 'NEW'"); n != 1 {
		t.Errorf("the analysis lost its event")
	}
	var fk int
	if err := db.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign keys are off after the migration")
	}
	ev := engine.Event{At: time.Unix(1796026700, 0), Host: "vm", Service: "web", Kind: engine.StateUnmonitored, Detail: "Not monitored"}
	if _, err := db.RecordCycle(ctx, ev.At, engine.Status{Host: "vm"}, []engine.Event{ev}); err != nil {
		t.Errorf("an UNMONITORED event after the migration: %v", err)
	}
}

// TestRetentionAbnormalClocks: whatever Monit's clock says, a snapshot stays its retention
// counted from its recording, and goes after it.
func TestRetentionAbnormalClocks(t *testing.T) {
	now := time.Unix(1796026614, 0).UTC()
	const retention = 30 * 24 * time.Hour
	tests := []struct {
		name   string
		offset time.Duration // Monit's collection time minus our recording time
	}{
		{"in step", 0},
		{"one poll behind", -2 * time.Minute},
		{"a replayed capture 40 days old", -40 * 24 * time.Hour},
		{"a host offline for a day", -24 * time.Hour},
		{"Monit's clock 2 hours ahead", 2 * time.Hour},
		{"Monit's clock a year ahead", 365 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			db := openTest(t)
			collected := now.Add(tt.offset)
			if _, err := db.RecordCycle(ctx, now, sampleStatus(collected), nil); err != nil {
				t.Fatal(err)
			}
			rows := func() int {
				return count(t, db, fmt.Sprintf("SELECT count(*) FROM snapshots WHERE collected_at = %d", collected.Unix()))
			}
			// Normal cycles every 6 hours; the snapshot must live 30 days from now, no more.
			for at := now.Add(6 * time.Hour); at.Before(now.Add(retention + 36*time.Hour)); at = at.Add(6 * time.Hour) {
				if _, err := db.RecordCycle(ctx, at, engine.Status{Host: "vm", Services: []engine.Snapshot{
					{Host: "vm", Name: "other", Type: engine.TypeHost, CollectedAt: at, Monitor: 1}}}, nil); err != nil {
					t.Fatal(err)
				}
				if _, err := db.Prune(ctx, at.Add(-retention)); err != nil {
					t.Fatal(err)
				}
				recordedLongAgo := at.Sub(now) > retention+lateAfter
				if n := rows(); n == 0 && at.Sub(now) < retention {
					t.Fatalf("pruned %s after recording, before its retention", at.Sub(now))
				} else if n != 0 && recordedLongAgo && collected.Before(at) {
					t.Fatalf("still there %s after recording", at.Sub(now))
				}
			}
			if tt.offset <= time.Hour && rows() != 0 {
				t.Errorf("the snapshot outlived its retention")
			}
			if tt.offset > 36*time.Hour && rows() != 0 {
				t.Errorf("a snapshot collected far ahead outlived its retention")
			}
		})
	}
}

// TestEventsAreStoredOnce: a cycle retried with the same document (a crash between the two
// stores, then Monit not re-collecting) stores each event once.
func TestEventsAreStoredOnce(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	at := time.Unix(1796026614, 0).UTC()
	ev := engine.Event{At: at, Host: "vm", Service: "failing", Kind: engine.StateNew, Status: engine.BitStatus, Detail: "Status failed"}
	first, err := db.RecordCycle(ctx, at, sampleStatus(at), []engine.Event{ev})
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.RecordCycle(ctx, at.Add(time.Minute), sampleStatus(at), []engine.Event{ev})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "SELECT count(*) FROM failure_events"); n != 1 {
		t.Errorf("failure_events = %d rows, want 1", n)
	}
	if a, b := first.Events[0], again.Events[0]; a.ID != b.ID || b.Cycle != first.ID {
		t.Errorf("the retried event = %+v, want the stored one %+v", b, a)
	}
	other := ev
	other.Kind, other.Detail = engine.StateUnmonitored, "Not monitored (was: Status failed)"
	if _, err := db.RecordCycle(ctx, at.Add(2*time.Minute), sampleStatus(at), []engine.Event{other}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "SELECT count(*) FROM failure_events"); n != 2 {
		t.Errorf("failure_events = %d rows, want another kind at the same time stored", n)
	}
}

// atVersion creates a database at path with the schema of the first n migrations, as an
// older binary left it, and returns a function that runs SQL on it (close it before
// OpenFile).
func atVersion(t *testing.T, path string, n int) (*sql.DB, func(string)) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string) {
		t.Helper()
		if _, err := raw.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("PRAGMA auto_vacuum = INCREMENTAL")
	for _, m := range migrations[:n] {
		exec(m)
	}
	exec(fmt.Sprintf("PRAGMA user_version = %d", n))
	return raw, exec
}
