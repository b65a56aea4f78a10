package fleet

import (
	"cmp"
	"context"
	"fmt"
	"time"
)

// SourceHistory is a host known only from the stored history: it spoke before the registry
// was kept (an older database) and has not spoken since the start. Its first message, pushed
// or polled, takes the entry over.
const SourceHistory = "history"

// HostStore keeps the registry across restarts (bolt.Store). Saves are lazy (Save): the
// push path never waits for one, except for the RECOVERED of a host that was STALE.
type HostStore interface {
	// LoadHosts returns the registry as last saved.
	LoadHosts(ctx context.Context) ([]Host, error)
	// SaveHosts replaces the stored registry with hosts, in one transaction.
	SaveHosts(ctx context.Context, hosts []Host) error
}

// Restore loads the registry saved before the last stop and returns how many hosts it
// holds. A host that was STALE stays STALE (its STALE event is not stored again) and is
// RECOVERED when it speaks; a host that was speaking becomes STALE once it has been silent
// for StaleAfter of its intervals, counted from its last message or, when the daemon itself
// was down longer, from the daemon's start: a Monit cannot push to a daemon that is not
// there, and a restart after a long stop must not call every host STALE at once.
func (f *Fleet) Restore(ctx context.Context) (int, error) {
	if f.opts.Store == nil {
		return 0, nil
	}
	hosts, err := f.opts.Store.LoadHosts(ctx)
	if err != nil {
		return 0, fmt.Errorf("restore the host registry: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, h := range hosts {
		if _, ok := f.hosts[h.ID]; ok || h.ID == "" || h.Name == "" {
			continue
		}
		if _, taken := f.byName[h.Name]; taken {
			continue // a name is one host's: the registry was written by one Fleet, so only a damaged file gets here
		}
		h.Interval = cmp.Or(h.Interval, f.opts.DefaultInterval)
		f.hosts[h.ID] = &host{Host: h}
		f.byName[h.Name] = f.hosts[h.ID]
	}
	f.log.Info("host registry restored", "hosts", len(hosts))
	return len(hosts), nil
}

// Remember adds the hosts the history knows that the registry does not (a database from
// before the registry was kept, or a registry that was lost): each is known by name, with
// source "history", the default interval and the time of its newest stored snapshot as last
// seen (now when that lies in the future: a Monit whose clock runs ahead). Such a host is
// listed, goes STALE as any other when it stays silent, and is taken over by the first
// message of a Monit with its name.
func (f *Fleet) Remember(lastSeen map[string]time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.opts.Now()
	n := 0
	for name, at := range lastSeen {
		if _, ok := f.byName[name]; ok || name == "" {
			continue
		}
		if at.After(now) {
			at = now
		}
		h := &host{Host: Host{ID: SourceHistory + ":" + name, Name: name, Source: SourceHistory,
			Interval: f.opts.DefaultInterval, LastSeen: at}}
		f.hosts[h.ID], f.byName[name] = h, h
		f.dirty = true
		n++
		f.log.Info("host known from the history", "host", name, "last_seen", at)
	}
	return n
}

// Save writes the registry when it changed since the last save. The daemon calls it on a
// timer and at shutdown; CheckStale and a RECOVERED call it at once, so a host's STALE and
// RECOVERED are announced once even across a crash. What a crash loses is the last seen
// times and message counts since the last save, and hosts first heard since then (they are
// back with their next message).
func (f *Fleet) Save(ctx context.Context) error {
	if f.opts.Store == nil {
		return nil
	}
	f.saveMu.Lock() // one save at a time, so an older copy never overwrites a newer one
	defer f.saveMu.Unlock()
	f.mu.Lock()
	if !f.dirty {
		f.mu.Unlock()
		return nil
	}
	hosts := make([]Host, 0, len(f.hosts))
	for _, h := range f.hosts {
		if !h.pending {
			hosts = append(hosts, h.Host)
		}
	}
	f.dirty = false
	f.mu.Unlock()
	if err := f.opts.Store.SaveHosts(ctx, hosts); err != nil {
		f.mu.Lock()
		f.dirty = true
		f.mu.Unlock()
		return fmt.Errorf("save the host registry: %w", err)
	}
	return nil
}

// silentSince is when a host's silence started to count: its last message, or the daemon's
// start when that came later (see Restore).
func (f *Fleet) silentSince(h *host) time.Time {
	if h.LastSeen.Before(f.started) {
		return f.started
	}
	return h.LastSeen
}
