package engine

import "time"

// State is the classification of one service in one ingest cycle, and the kind of an event.
type State string

// The classifications. NEW, CHANGED, RECOVERED, UNMONITORED and MONITORED are transitions and
// become events; CHANGE_DETECTED is an event of its own (Monit's "if changed …" tests) that
// never changes the failure state; OK, ONGOING and INITIALIZING are not events.
const (
	StateOK        State = "OK"
	StateNew       State = "NEW"       // started failing (counts a failure)
	StateOngoing   State = "ONGOING"   // still failing with the same tests
	StateChanged   State = "CHANGED"   // still failing, with different tests
	StateRecovered State = "RECOVERED" // failing before, every test passes now
	// StateUnmonitored: Monit does not monitor the service (monit unmonitor or stop); it is
	// neither failing nor recovered.
	StateUnmonitored State = "UNMONITORED"
	// StateMonitored: Monit monitors the service again after UNMONITORED.
	StateMonitored State = "MONITORED"
	// StateInitializing: Monit has started monitoring the service but not tested it yet.
	StateInitializing State = "INITIALIZING"
	// StateChangeDetected: Monit reports a change it was told to watch ("Checksum changed",
	// "PID changed"): recorded in history, never counted as a failure nor analysed.
	StateChangeDetected State = "CHANGE_DETECTED"
	// StateStale: a Monit host of the fleet has been silent for 3 of its intervals (the event
	// of the host, engine/fleet); it is RECOVERED when the host speaks again.
	StateStale State = "STALE"
)

// EventKinds are the states that become events, in the order people read them. It is the one
// list the rest of the program (notification filters, for one) reads the kinds from.
func EventKinds() []State {
	return []State{StateNew, StateChanged, StateRecovered, StateUnmonitored, StateMonitored, StateChangeDetected,
		StateStale}
}

// IsEvent reports whether the state is a transition worth an event.
func (s State) IsEvent() bool {
	for _, k := range EventKinds() {
		if s == k {
			return true
		}
	}
	return false
}

// IsFailure reports whether the event is a failure starting or changing (what analysis is for).
func (s State) IsFailure() bool { return s == StateNew || s == StateChanged }

// ServiceKey names a service across hosts.
type ServiceKey struct {
	Host    string
	Service string
}

// FailureState is what monit-intel remembers about a service between cycles (the hot state in
// bbolt).
type FailureState struct {
	Host     string
	Service  string
	Type     ServiceType
	Status   StatusBits   // failing bits at the last cycle (changes excluded)
	Changed  StatusBits   // changed bits Monit reported at the last cycle
	Monitor  MonitorState // Monit's monitor state at the last cycle
	State    State        // classification at the last cycle
	Since    time.Time    // start of the current failure; zero when OK
	LastSeen time.Time    // collected_at of the last snapshot
	Failures int          // how many times the service started failing (NEW transitions)
	// Cycle is the history's cycle whose classification this is: the state store and the
	// history are two files, and comparing cycles tells the state store missed a write.
	Cycle int64
}

// Key returns the state's service key.
func (f FailureState) Key() ServiceKey { return ServiceKey{Host: f.Host, Service: f.Service} }

// Failing reports whether the service was failing at the last cycle.
func (f FailureState) Failing() bool { return f.Status != 0 }

// InstanceService is the service name of a fleet host's own events (STALE, and the
// RECOVERED that ends it), as Monit names its instance events ("Monit started").
const InstanceService = "Monit"

// Event is one transition or detected change, as stored in failure_events.
type Event struct {
	ID      int64
	At      time.Time // Monit's collection time of the snapshot that showed it
	Host    string
	Service string
	Kind    State
	Status  StatusBits // the failing bits; the changed bits for CHANGE_DETECTED
	Detail  string
	Cycle   int64 // the history's cycle that recorded it
}

// Classify compares a service's new snapshot with what was remembered (ok is false for a
// service seen for the first time) and returns the new state and the events, if any.
//
// It reads Monit's whole state, not just "status is not 0": the bits set in both status and
// status hint are changes Monit detected (a CHANGE_DETECTED event per collection that shows
// them, no failure); a service Monit does not monitor is UNMONITORED (never RECOVERED); one
// Monit has not tested yet is INITIALIZING and keeps its failure until Monit's verdict. Of
// the failing bits, the first failing cycle is NEW (and counts a failure), the same bits
// again are ONGOING, different bits are CHANGED, and the first clean cycle is RECOVERED.
func Classify(prev FailureState, ok bool, snap Snapshot) (FailureState, []Event) {
	next := FailureState{
		Host: snap.Host, Service: snap.Name, Type: snap.Type,
		Status: snap.FailingBits(), Changed: snap.ChangedBits(), Monitor: snap.Monitor,
		LastSeen: snap.CollectedAt,
	}
	if ok {
		next.Failures, next.Since = prev.Failures, prev.Since
	}
	var events []Event
	if next.Changed != 0 && (!ok || next.Changed != prev.Changed || !snap.CollectedAt.Equal(prev.LastSeen)) {
		events = append(events, newEvent(snap, StateChangeDetected, next.Changed, Words(next.Changed, next.Changed)))
	}
	wasFailing := ok && prev.Failing()
	wasUnmonitored := ok && prev.State == StateUnmonitored
	switch {
	case snap.Monitor == 0:
		next.State, next.Since = StateUnmonitored, time.Time{}
		if ok && !wasUnmonitored {
			detail := snap.StatusText()
			if wasFailing {
				detail += " (was: " + prev.Status.Text() + ")"
			}
			events = append(events, newEvent(snap, StateUnmonitored, 0, detail))
		}
		return next, events
	case snap.Monitor&MonitorInit != 0:
		// No verdict yet: the failure (if any) stands until Monit has tested the service.
		next.State, next.Status = StateInitializing, 0
		if ok {
			next.Status = prev.Status
		}
	case next.Status == 0 && !wasFailing:
		next.State, next.Since = StateOK, time.Time{}
	case next.Status == 0:
		next.State, next.Since = StateRecovered, time.Time{}
		events = append(events, newEvent(snap, StateRecovered, 0, snap.StatusText()+" (was: "+prev.Status.Text()+")"))
		return next, events
	case !wasFailing:
		next.State, next.Since = StateNew, snap.CollectedAt
		next.Failures++
		return next, append(events, newEvent(snap, StateNew, next.Status, failureDetail(snap)))
	case prev.Status == next.Status:
		next.State = StateOngoing
	default:
		next.State = StateChanged
		events = append(events, newEvent(snap, StateChanged, next.Status, failureDetail(snap)))
	}
	if wasUnmonitored && !next.Failing() {
		events = append(events, newEvent(snap, StateMonitored, 0, snap.StatusText()))
	}
	return next, events
}

func newEvent(snap Snapshot, kind State, bits StatusBits, detail string) Event {
	return Event{At: snap.CollectedAt, Host: snap.Host, Service: snap.Name, Kind: kind, Status: bits, Detail: detail}
}

// failureDetail words a failure as `monit status` does, naming the connection tests that
// failed: "Connection failed: HTTP GET /api/ready on 127.0.0.1:8080 failed".
func failureDetail(snap Snapshot) string {
	d := Words(snap.FailingBits(), 0)
	for i, t := range snap.FailedTests() {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		d += sep + t.Result()
	}
	if snap.PendingAction != 0 {
		d += " - " + snap.PendingAction.String() + " pending"
	}
	return d
}

// Replay applies a stored event to a remembered state. The ingester uses it when the state
// store missed the write of a cycle the history recorded (a crash between the two): replaying
// that cycle's events brings the state to what the cycle decided, so the next cycle does not
// record the same transition twice.
func Replay(f FailureState, e Event) FailureState {
	f.Host, f.Service = e.Host, e.Service
	if e.At.After(f.LastSeen) {
		f.LastSeen = e.At
	}
	if e.Cycle > f.Cycle {
		f.Cycle = e.Cycle
	}
	switch e.Kind {
	case StateNew:
		f.State, f.Status, f.Since, f.Monitor = StateNew, e.Status, e.At, MonitorYes
		f.Failures++
	case StateChanged:
		f.State, f.Status, f.Monitor = StateChanged, e.Status, MonitorYes
	case StateRecovered:
		f.State, f.Status, f.Since, f.Monitor = StateRecovered, 0, time.Time{}, MonitorYes
	case StateUnmonitored:
		f.State, f.Status, f.Since, f.Monitor = StateUnmonitored, 0, time.Time{}, 0
	case StateMonitored:
		f.State, f.Monitor = StateOK, MonitorYes
	case StateChangeDetected:
		f.Changed = e.Status
	}
	return f
}
