package engine

import "time"

// State is the classification of one service in one ingest cycle.
type State string

// The classifications. NEW, CHANGED and RECOVERED are transitions and become failure events;
// OK and ONGOING are not.
const (
	StateOK        State = "OK"
	StateNew       State = "NEW"
	StateOngoing   State = "ONGOING"
	StateChanged   State = "CHANGED"
	StateRecovered State = "RECOVERED"
)

// IsEvent reports whether the state is a transition worth an event.
func (s State) IsEvent() bool {
	return s == StateNew || s == StateChanged || s == StateRecovered
}

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
	Status   StatusBits // status at the last cycle
	State    State      // classification at the last cycle
	Since    time.Time  // start of the current failure; zero when OK
	LastSeen time.Time  // collected_at of the last snapshot
	Failures int        // how many times the service started failing (NEW transitions)
}

// Key returns the state's service key.
func (f FailureState) Key() ServiceKey { return ServiceKey{Host: f.Host, Service: f.Service} }

// Failing reports whether the service was failing at the last cycle.
func (f FailureState) Failing() bool { return f.Status != 0 }

// Event is one NEW, CHANGED or RECOVERED transition, as stored in failure_events.
type Event struct {
	ID      int64
	At      time.Time
	Host    string
	Service string
	Kind    State
	Status  StatusBits
	Detail  string
}

// Classify compares a service's new snapshot with what was remembered (ok is false for a
// service seen for the first time) and returns the new state and the event, if any.
//
// A service is failing when Monit sets any status bit. The first failing cycle is NEW (and
// counts a failure), the same bits again are ONGOING, different bits are CHANGED, and the first
// clean cycle after a failure is RECOVERED.
func Classify(prev FailureState, ok bool, snap Snapshot) (FailureState, *Event) {
	next := FailureState{
		Host:     snap.Host,
		Service:  snap.Name,
		Type:     snap.Type,
		Status:   snap.Status,
		LastSeen: snap.CollectedAt,
	}
	if ok {
		next.Failures = prev.Failures
		next.Since = prev.Since
	}
	wasFailing := ok && prev.Failing()
	switch {
	case !snap.Failing() && !wasFailing:
		next.State = StateOK
		next.Since = time.Time{}
	case !snap.Failing():
		next.State = StateRecovered
		next.Since = time.Time{}
	case !wasFailing:
		next.State = StateNew
		next.Failures++
		next.Since = snap.CollectedAt
	case prev.Status == snap.Status:
		next.State = StateOngoing
	default:
		next.State = StateChanged
	}
	if !next.State.IsEvent() {
		return next, nil
	}
	ev := &Event{
		At:      snap.CollectedAt,
		Host:    snap.Host,
		Service: snap.Name,
		Kind:    next.State,
		Status:  snap.Status,
		Detail:  snap.Status.Text(),
	}
	if next.State == StateRecovered {
		ev.Detail = "OK (was: " + prev.Status.Text() + ")"
	}
	return next, ev
}
