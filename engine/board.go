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

// Board is the daemon's view of the latest status of every host: each service's snapshot
// and state, kept in memory so that status reads never touch the databases. A cycle (a poll
// or a push) replaces the services of its own host only. It is safe for concurrent use.
type Board struct {
	mu    sync.RWMutex
	hosts map[string][]Classified // each sorted by service name
	order []string                // host names, sorted
	all   []Classified            // every host's services in order; nil when stale
	last  CycleInfo
	// version counts the changes of the services: readers cache what they make of them
	// (the encoded /status) until it moves. changed is the version at which each host's
	// services were last replaced.
	version uint64
	changed map[string]uint64
}

// HostServices is one host's services on the board, as Snapshot shares them.
type HostServices struct {
	Host     string
	Version  uint64 // changes whenever this host's services do
	Services []Classified
}

// NewBoard returns an empty board.
func NewBoard() *Board {
	return &Board{hosts: map[string][]Classified{}, changed: map[string]uint64{}}
}

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

// Record takes a cycle's outcome: the services of the hosts in it replace what the board
// had for those hosts. A failed cycle keeps the previous services and remembers the error.
func (b *Board) Record(res CycleResult, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last = CycleInfo{At: res.Started, Duration: res.Duration, Services: len(res.Services), Events: len(res.Events),
		Clock: res.Clock}
	if err != nil {
		b.last.Err = err.Error()
		return
	}
	if res.Host != "" && len(res.Services) == 0 {
		b.put(res.Host, nil)
	}
	b.set(res.Services)
}

// set replaces the services of every host present in services.
func (b *Board) set(services []Classified) {
	byHost := map[string][]Classified{}
	for _, c := range services {
		byHost[c.Snapshot.Host] = append(byHost[c.Snapshot.Host], c)
	}
	for host, list := range byHost {
		sort.SliceStable(list, func(i, j int) bool { return list[i].Snapshot.Name < list[j].Snapshot.Name })
		b.put(host, list)
	}
}

func (b *Board) put(host string, list []Classified) {
	if _, known := b.hosts[host]; !known {
		b.order = append(b.order, host)
		sort.Strings(b.order)
	}
	b.hosts[host] = list
	b.all = nil
	b.version++
	b.changed[host] = b.version
}

// Version changes whenever the services do. Read it before the services: what is read after
// it is at least as new.
func (b *Board) Version() uint64 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.version
}

// Services returns the latest services, ordered by host and name. The slice is the caller's.
func (b *Board) Services() []Classified {
	b.mu.RLock()
	all := b.all
	b.mu.RUnlock()
	if all == nil {
		b.mu.Lock()
		if b.all == nil {
			b.all = make([]Classified, 0, len(b.hosts)*8)
			for _, h := range b.order {
				b.all = append(b.all, b.hosts[h]...)
			}
		}
		all = b.all
		b.mu.Unlock()
	}
	return append([]Classified(nil), all...)
}

// Snapshot returns the board's version and every host's services, ordered by host and name,
// without copying them: a cycle replaces a host's list and never changes one in place, so
// the lists stay as they were read. They are shared: read them, never modify them.
func (b *Board) Snapshot() (uint64, []HostServices) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]HostServices, 0, len(b.order))
	for _, h := range b.order {
		out = append(out, HostServices{Host: h, Version: b.changed[h], Services: b.hosts[h]})
	}
	return b.version, out
}

// ServicesOn returns one host's services ordered by name (nil for an unknown host).
func (b *Board) ServicesOn(host string) []Classified {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return append([]Classified(nil), b.hosts[host]...)
}

// Service returns one service by name, on the first host (in name order) that has it, or
// ErrUnknownService. HostsOf tells whether the name is ambiguous.
func (b *Board) Service(name string) (Classified, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, h := range b.order {
		if c, ok := find(b.hosts[h], name); ok {
			return c, nil
		}
	}
	return Classified{}, ErrUnknownService
}

// ServiceOn returns one service of one host, or ErrUnknownService.
func (b *Board) ServiceOn(host, name string) (Classified, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if c, ok := find(b.hosts[host], name); ok {
		return c, nil
	}
	return Classified{}, ErrUnknownService
}

// HostsOf returns the hosts that have a service of that name, sorted.
func (b *Board) HostsOf(name string) []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []string
	for _, h := range b.order {
		if _, ok := find(b.hosts[h], name); ok {
			out = append(out, h)
		}
	}
	return out
}

// Hosts returns the known host names, sorted.
func (b *Board) Hosts() []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return append([]string(nil), b.order...)
}

func find(list []Classified, name string) (Classified, bool) {
	i := sort.Search(len(list), func(i int) bool { return list[i].Snapshot.Name >= name })
	if i < len(list) && list[i].Snapshot.Name == name {
		return list[i], true
	}
	return Classified{}, false
}

// Names returns the known service names (of every host, each once), sorted.
func (b *Board) Names() []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	seen := map[string]bool{}
	out := []string{}
	for _, list := range b.hosts {
		for _, c := range list {
			if !seen[c.Snapshot.Name] {
				seen[c.Snapshot.Name] = true
				out = append(out, c.Snapshot.Name)
			}
		}
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
