package engine

import (
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	t0 := time.Unix(1795507134, 0).UTC()
	t1 := t0.Add(5 * time.Minute)
	failing := func(bits StatusBits, since time.Time, failures int) FailureState {
		return FailureState{Host: "vm", Service: "x", Status: bits, Since: since, Failures: failures, State: StateOngoing}
	}
	tests := []struct {
		name         string
		prev         FailureState
		known        bool
		status       StatusBits
		wantState    State
		wantFailures int
		wantSince    time.Time
		wantEvent    bool
		wantDetail   string
	}{
		{name: "first sight, ok", status: 0, wantState: StateOK},
		{name: "first sight, failing", status: BitStatus, wantState: StateNew, wantFailures: 1, wantSince: t1,
			wantEvent: true, wantDetail: "Status failed"},
		{name: "ok stays ok", known: true, prev: FailureState{Failures: 2}, status: 0, wantState: StateOK, wantFailures: 2},
		{name: "ok to failing", known: true, prev: FailureState{Failures: 2}, status: BitNonExist,
			wantState: StateNew, wantFailures: 3, wantSince: t1, wantEvent: true, wantDetail: "Does not exist"},
		{name: "same bits again", known: true, prev: failing(BitStatus, t0, 1), status: BitStatus,
			wantState: StateOngoing, wantFailures: 1, wantSince: t0},
		{name: "different bits", known: true, prev: failing(BitStatus, t0, 1), status: BitStatus | BitTimeout,
			wantState: StateChanged, wantFailures: 1, wantSince: t0, wantEvent: true, wantDetail: "Timeout | Status failed"},
		{name: "recovered", known: true, prev: failing(BitConnection, t0, 4), status: 0,
			wantState: StateRecovered, wantFailures: 4, wantEvent: true, wantDetail: "OK (was: Connection failed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := Snapshot{Host: "vm", Name: "x", Status: tt.status, CollectedAt: t1}
			got, ev := Classify(tt.prev, tt.known, snap)
			if got.State != tt.wantState || got.Failures != tt.wantFailures || !got.Since.Equal(tt.wantSince) {
				t.Errorf("Classify() = %s failures %d since %v, want %s %d %v",
					got.State, got.Failures, got.Since, tt.wantState, tt.wantFailures, tt.wantSince)
			}
			if (ev != nil) != tt.wantEvent {
				t.Fatalf("Classify() event = %+v, want event %v", ev, tt.wantEvent)
			}
			if ev != nil && (ev.Detail != tt.wantDetail || ev.Kind != tt.wantState || ev.Status != tt.status || !ev.At.Equal(t1)) {
				t.Errorf("Classify() event = %+v, want %s %q", ev, tt.wantState, tt.wantDetail)
			}
		})
	}
}

func TestStatusText(t *testing.T) {
	tests := []struct {
		bits StatusBits
		want string
	}{
		{0, "OK"},
		{2097152, "Status failed"},
		{32, "Connection failed"},
		{512, "Does not exist"},
		{BitConnection | BitTimeout, "Timeout | Connection failed"},
		{0x80000000, "Unknown status 0x80000000"},
	}
	for _, tt := range tests {
		if got := tt.bits.Text(); got != tt.want {
			t.Errorf("StatusBits(%d).Text() = %q, want %q", tt.bits, got, tt.want)
		}
	}
}
