package engine

import (
	"log/slog"
	"sync"
)

// noteLog logs each parse note once per host, service and field: a Monit that prints an
// odd figure prints it every cycle, and one warning says all there is to say.
type noteLog struct {
	mu     sync.Mutex
	logged map[noteKey]struct{}
}

type noteKey struct {
	service ServiceKey
	field   string
}

// log warns about the notes of snapshots not logged before.
func (l *noteLog) log(logger *slog.Logger, snaps []Snapshot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range snaps {
		for _, n := range s.ParseNotes {
			k := noteKey{ServiceKey{Host: s.Host, Service: s.Name}, n.Field}
			if _, ok := l.logged[k]; ok {
				continue
			}
			if l.logged == nil {
				l.logged = map[noteKey]struct{}{}
			}
			l.logged[k] = struct{}{}
			logger.Warn("monit figure unreadable; stored as null", "host", s.Host, "service", s.Name,
				"field", n.Field, "value", n.Value, "problem", n.Problem)
		}
	}
}
