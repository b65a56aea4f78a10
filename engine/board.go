package engine

import (
	"errors"
	"sort"
	"sync"
	"time"
)

// ErrUnknownService means no service of that name is known (not in the latest status).
var ErrUnknownService = errors.New("unknown service")

// CycleInfo is what the daemon remembers of its last ingest cycle.
type CycleInfo struct {
	At       time.Time
	Duration time.Duration
	Err      string
	Services int
	Events   int
	Clock    ClockCheck // Monit's clock against monit-intel's
}

// Board is the daemon's view of the latest cycle: every service's snapshot and state, kept in
// memory so that status reads never touch the databases. It is safe for concurrent use.
type Board struct {
	mu       sync.RWMutex
	services []Classified
	index    map[string]int
	last     CycleInfo
}

// NewBoard returns an empty board.
func NewBoard() *Board { return &Board{index: map[string]int{}} }

// Seed fills the board from stored history at start-up, before the first cycle.
func (b *Board) Seed(snaps []Snapshot, states map[ServiceKey]FailureState) {
	services := make([]Classified, 0, len(snaps))
	for _, s := range snaps {
		services = append(services, Classified{Snapshot: s, State: states[ServiceKey{Host: s.Host, Service: s.Name}]})
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.set(services)
}

// Record takes a cycle's outcome. A failed cycle keeps the previous services and remembers
// the error.
func (b *Board) Record(res CycleResult, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last = CycleInfo{At: res.Started, Duration: res.Duration, Services: len(res.Services), Events: len(res.Events),
		Clock: res.Clock}
	if err != nil {
		b.last.Err = err.Error()
		return
	}
	b.set(res.Services)
}

func (b *Board) set(services []Classified) {
	sorted := append([]Classified(nil), services...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Snapshot.Host != sorted[j].Snapshot.Host {
			return sorted[i].Snapshot.Host < sorted[j].Snapshot.Host
		}
		return sorted[i].Snapshot.Name < sorted[j].Snapshot.Name
	})
	b.services = sorted
	b.index = make(map[string]int, len(sorted))
	for i, c := range sorted {
		if _, dup := b.index[c.Snapshot.Name]; !dup {
			b.index[c.Snapshot.Name] = i
		}
	}
}

// Services returns the latest services, ordered by host and name. The slice is the caller's.
func (b *Board) Services() []Classified {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return append([]Classified(nil), b.services...)
}

// Service returns one service by name, or ErrUnknownService.
func (b *Board) Service(name string) (Classified, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	i, ok := b.index[name]
	if !ok {
		return Classified{}, ErrUnknownService
	}
	return b.services[i], nil
}

// Names returns the known service names, sorted.
func (b *Board) Names() []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]string, 0, len(b.index))
	for n := range b.index {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// LastCycle returns what happened in the last cycle.
func (b *Board) LastCycle() CycleInfo {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.last
}
