package engine

import (
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	t0 := time.Unix(1795507134, 0).UTC()
	t1 := t0.Add(5 * time.Minute)
	failing := func(bits StatusBits, since time.Time, failures int) FailureState {
		return FailureState{Host: "vm", Service: "x", Status: bits, Since: since, Failures: failures,
			State: StateOngoing, Monitor: MonitorYes, LastSeen: t0}
	}
	unmonitored := FailureState{Host: "vm", Service: "x", State: StateUnmonitored, Failures: 1, LastSeen: t0}
	tests := []struct {
		name         string
		prev         FailureState
		known        bool
		snap         Snapshot // Host, Name and CollectedAt (t1) are filled in; Monitor 1 unless set
		wantState    State
		wantFailures int
		wantSince    time.Time
		wantEvents   []Event // Kind, Status and Detail are compared
	}{
		{name: "first sight, ok", wantState: StateOK},
		{name: "first sight, failing", snap: Snapshot{Status: BitStatus}, wantState: StateNew, wantFailures: 1,
			wantSince: t1, wantEvents: []Event{{Kind: StateNew, Status: BitStatus, Detail: "Status failed"}}},
		{name: "ok stays ok", known: true, prev: FailureState{Failures: 2}, wantState: StateOK, wantFailures: 2},
		{name: "ok to failing", known: true, prev: FailureState{Failures: 2}, snap: Snapshot{Status: BitNonExist},
			wantState: StateNew, wantFailures: 3, wantSince: t1,
			wantEvents: []Event{{Kind: StateNew, Status: BitNonExist, Detail: "Does not exist"}}},
		{name: "same bits again", known: true, prev: failing(BitStatus, t0, 1), snap: Snapshot{Status: BitStatus},
			wantState: StateOngoing, wantFailures: 1, wantSince: t0},
		{name: "different bits, in monit status order", known: true, prev: failing(BitStatus, t0, 1),
			snap: Snapshot{Status: BitStatus | BitTimeout}, wantState: StateChanged, wantFailures: 1, wantSince: t0,
			wantEvents: []Event{{Kind: StateChanged, Status: BitStatus | BitTimeout, Detail: "Status failed | Timeout"}}},
		{name: "recovered", known: true, prev: failing(BitConnection, t0, 4), wantState: StateRecovered, wantFailures: 4,
			wantEvents: []Event{{Kind: StateRecovered, Detail: "OK (was: Connection failed)"}}},
		{name: "checksum changed is a change, not a failure", known: true, prev: FailureState{LastSeen: t0, Monitor: MonitorYes},
			snap: Snapshot{Status: BitChecksum, StatusHint: BitChecksum}, wantState: StateOK,
			wantEvents: []Event{{Kind: StateChangeDetected, Status: BitChecksum, Detail: "Checksum changed"}}},
		{name: "the same change, not re-collected, is not a second event", known: true,
			prev: FailureState{LastSeen: t1, Changed: BitChecksum, Monitor: MonitorYes},
			snap: Snapshot{Status: BitChecksum, StatusHint: BitChecksum}, wantState: StateOK},
		{name: "the same change in a new collection is a new change", known: true,
			prev: FailureState{LastSeen: t0, Changed: BitChecksum, Monitor: MonitorYes},
			snap: Snapshot{Status: BitChecksum, StatusHint: BitChecksum}, wantState: StateOK,
			wantEvents: []Event{{Kind: StateChangeDetected, Status: BitChecksum, Detail: "Checksum changed"}}},
		{name: "pid changed while a failure goes on", known: true, prev: failing(BitResource, t0, 1),
			snap: Snapshot{Status: BitResource | BitPID, StatusHint: BitPID}, wantState: StateOngoing, wantFailures: 1, wantSince: t0,
			wantEvents: []Event{{Kind: StateChangeDetected, Status: BitPID, Detail: "PID changed"}}},
		{name: "a change and a failure at once", known: true, prev: FailureState{Monitor: MonitorYes},
			snap: Snapshot{Status: BitChecksum | BitPermission, StatusHint: BitChecksum}, wantState: StateNew, wantFailures: 1, wantSince: t1,
			wantEvents: []Event{{Kind: StateChangeDetected, Status: BitChecksum, Detail: "Checksum changed"},
				{Kind: StateNew, Status: BitPermission, Detail: "Permission failed"}}},
		{name: "a hint bit without its status bit is nothing", known: true, prev: FailureState{Monitor: MonitorYes},
			snap: Snapshot{Status: BitPermission, StatusHint: BitChecksum}, wantState: StateNew, wantFailures: 1, wantSince: t1,
			wantEvents: []Event{{Kind: StateNew, Status: BitPermission, Detail: "Permission failed"}}},
		{name: "unmonitored while failing is not a recovery", known: true, prev: failing(BitNonExist, t0, 1),
			snap: Snapshot{Monitor: 0, Status: 0}, wantState: StateUnmonitored, wantFailures: 1,
			wantEvents: []Event{{Kind: StateUnmonitored, Detail: "Not monitored (was: Does not exist)"}}},
		{name: "unmonitored while ok", known: true, prev: FailureState{Monitor: MonitorYes},
			snap: Snapshot{Monitor: 0}, wantState: StateUnmonitored, wantEvents: []Event{{Kind: StateUnmonitored, Detail: "Not monitored"}}},
		{name: "still unmonitored", known: true, prev: unmonitored, snap: Snapshot{Monitor: 0}, wantState: StateUnmonitored, wantFailures: 1},
		{name: "first sight unmonitored", snap: Snapshot{Monitor: 0}, wantState: StateUnmonitored},
		{name: "unmonitored with stale bits is still only unmonitored", known: true, prev: failing(BitStatus, t0, 1),
			snap: Snapshot{Monitor: 0, Status: BitStatus}, wantState: StateUnmonitored, wantFailures: 1,
			wantEvents: []Event{{Kind: StateUnmonitored, Detail: "Not monitored (was: Status failed)"}}},
		{name: "monitored again, ok", known: true, prev: unmonitored, wantState: StateOK, wantFailures: 1,
			wantEvents: []Event{{Kind: StateMonitored, Detail: "OK"}}},
		{name: "monitored again, initializing", known: true, prev: unmonitored, snap: Snapshot{Monitor: MonitorYes | MonitorInit},
			wantState: StateInitializing, wantFailures: 1, wantEvents: []Event{{Kind: StateMonitored, Detail: "Initializing"}}},
		{name: "monitored again, failing", known: true, prev: unmonitored, snap: Snapshot{Status: BitNonExist},
			wantState: StateNew, wantFailures: 2, wantSince: t1, wantEvents: []Event{{Kind: StateNew, Status: BitNonExist, Detail: "Does not exist"}}},
		{name: "initializing keeps the failure until Monit's verdict", known: true, prev: failing(BitNonExist, t0, 1),
			snap: Snapshot{Monitor: MonitorInit}, wantState: StateInitializing, wantFailures: 1, wantSince: t0},
		{name: "waiting services are classified on their last test", known: true, prev: FailureState{Monitor: MonitorYes},
			snap: Snapshot{Monitor: MonitorYes | MonitorWaiting, Status: BitTimestamp}, wantState: StateNew, wantFailures: 1, wantSince: t1,
			wantEvents: []Event{{Kind: StateNew, Status: BitTimestamp, Detail: "Timestamp failed"}}},
		{name: "pending action is worded", known: true, prev: FailureState{Monitor: MonitorYes},
			snap: Snapshot{Status: BitConnection, PendingAction: 2}, wantState: StateNew, wantFailures: 1, wantSince: t1,
			wantEvents: []Event{{Kind: StateNew, Status: BitConnection, Detail: "Connection failed - restart pending"}}},
		{name: "the failing test is named", known: true, prev: FailureState{Monitor: MonitorYes},
			snap: Snapshot{Status: BitConnection, Ports: []PortCheck{
				{Hostname: "127.0.0.1", Port: 8080, Protocol: "HTTP", Type: "TCP", Request: "/healthz", ResponseSec: 0.0007},
				{Hostname: "127.0.0.1", Port: 8080, Protocol: "HTTP", Type: "TCP", Request: "/api/ready", ResponseSec: -1}}},
			wantState: StateNew, wantFailures: 1, wantSince: t1,
			wantEvents: []Event{{Kind: StateNew, Status: BitConnection, Detail: "Connection failed: HTTP GET /api/ready on 127.0.0.1:8080 failed"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := tt.snap
			snap.Host, snap.Name, snap.CollectedAt = "vm", "x", t1
			if tt.snap.Monitor == 0 && !isUnmonitoredCase(tt.wantState) {
				snap.Monitor = MonitorYes
			}
			got, evs := Classify(tt.prev, tt.known, snap)
			if got.State != tt.wantState || got.Failures != tt.wantFailures || !got.Since.Equal(tt.wantSince) {
				t.Errorf("Classify() = %s failures %d since %v, want %s %d %v",
					got.State, got.Failures, got.Since, tt.wantState, tt.wantFailures, tt.wantSince)
			}
			if len(evs) != len(tt.wantEvents) {
				t.Fatalf("Classify() events = %+v, want %+v", evs, tt.wantEvents)
			}
			for i, w := range tt.wantEvents {
				e := evs[i]
				if e.Kind != w.Kind || e.Status != w.Status || e.Detail != w.Detail || !e.At.Equal(t1) {
					t.Errorf("Classify() event %d = %s %d %q at %v, want %s %d %q", i, e.Kind, e.Status, e.Detail, e.At,
						w.Kind, w.Status, w.Detail)
				}
			}
		})
	}
}

// isUnmonitoredCase tells the table's Monitor 0 (not monitored) from "not set" (monitored).
func isUnmonitoredCase(s State) bool { return s == StateUnmonitored }

func TestReplayBringsTheStateToTheRecordedCycle(t *testing.T) {
	t0 := time.Unix(1795507134, 0).UTC()
	seq := []Snapshot{
		{Status: BitNonExist, Monitor: MonitorYes},
		{Status: BitNonExist | BitExec, Monitor: MonitorYes},
		{Status: 0, Monitor: MonitorYes},
		{Status: BitChecksum, StatusHint: BitChecksum, Monitor: MonitorYes},
		{Status: BitNonExist, Monitor: MonitorYes},
		{Monitor: 0},
		{Monitor: MonitorYes},
	}
	var live, replayed FailureState
	known := false
	for i, snap := range seq {
		snap.Host, snap.Name, snap.CollectedAt = "vm", "x", t0.Add(time.Duration(i)*time.Minute)
		next, evs := Classify(live, known, snap)
		for _, e := range evs {
			e.Cycle = int64(i + 1)
			replayed = Replay(replayed, e)
		}
		live, known = next, true
		// What a later cycle decides from the replayed state equals what it decides from
		// the live one: no event is recorded twice.
		later := snap
		_, fromLive := Classify(live, true, later)
		_, fromReplayed := Classify(replayed, true, later)
		if len(fromLive) != len(fromReplayed) {
			t.Fatalf("step %d: from the live state %+v, from the replayed one %+v", i, fromLive, fromReplayed)
		}
		if live.Failing() != replayed.Failing() || live.Failures != replayed.Failures || !live.Since.Equal(replayed.Since) {
			t.Errorf("step %d: replayed %+v, live %+v", i, replayed, live)
		}
	}
}

func TestStatusText(t *testing.T) {
	tests := []struct {
		bits, hint StatusBits
		want       string
	}{
		{0, 0, "OK"},
		{2097152, 0, "Status failed"},
		{32, 0, "Connection failed"},
		{512, 0, "Does not exist"},
		{BitConnection | BitTimeout, 0, "Connection failed | Timeout"},
		{BitChecksum | BitPermission, BitChecksum, "Checksum changed | Permission failed"},
		{BitPID | BitPermission, BitPID, "Permission failed | PID changed"},
		{BitContent, BitContent, "Content match"},
		{0x80000000, 0, "Unknown status 0x80000000"},
	}
	for _, tt := range tests {
		if got := Words(tt.bits, tt.hint); got != tt.want {
			t.Errorf("Words(%d, %d) = %q, want %q", tt.bits, tt.hint, got, tt.want)
		}
	}
}

func TestSnapshotStatusText(t *testing.T) {
	tests := []struct {
		name string
		snap Snapshot
		want string
	}{
		{"not monitored", Snapshot{Status: BitNonExist}, "Not monitored"},
		{"initializing", Snapshot{Monitor: MonitorInit}, "Initializing"},
		{"ok", Snapshot{Monitor: MonitorYes}, "OK"},
		{"waiting shows its last verdict", Snapshot{Monitor: MonitorYes | MonitorWaiting, Status: BitTimestamp}, "Timestamp failed"},
		{"pending", Snapshot{Monitor: MonitorYes, Status: BitConnection, PendingAction: 2}, "Connection failed - restart pending"},
		{"unmonitored, stop pending", Snapshot{PendingAction: 3}, "Not monitored - stop pending"},
	}
	for _, tt := range tests {
		if got := tt.snap.StatusText(); got != tt.want {
			t.Errorf("%s: StatusText() = %q, want %q", tt.name, got, tt.want)
		}
	}
}
