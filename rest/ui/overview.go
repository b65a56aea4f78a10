package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"monit-intel/engine"
)

// row is one service on the overview.
type row struct {
	Name, Host, Type, Status, Monitor, State string
	Failing                                  bool
	Since                                    time.Time
	Failures                                 int
	Figures                                  []figure
	Spark                                    string
	SparkLabel                               string
	Search                                   string // lower-case text the filter matches
	// Stale marks a service of a STALE host: its figures are the host's last report, from
	// SilentSince.
	Stale       bool
	SilentSince time.Time
}

type overviewData struct {
	Rows      []row
	Failing   int
	Total     int
	Query     string
	Window    string // the sparklines' period
	LastCycle engine.CycleInfo
	Hosts     int // how many hosts have services: with more than one, each row names its host
}

func (u *UI) overview(w http.ResponseWriter, r *http.Request, _ Principal) {
	d := u.overviewData(r.Context(), r.URL.Query().Get("q"))
	if r.URL.Query().Get("part") == "rows" {
		u.renderPart(w, r, "overview", "rows", d)
		return
	}
	u.render(w, r, http.StatusOK, "overview", "Overview", d)
}

func (u *UI) overviewData(ctx context.Context, q string) overviewData {
	services := u.deps.Board.Services()
	sort.SliceStable(services, func(i, j int) bool {
		a, b := services[i], services[j]
		if a.Snapshot.Failing() != b.Snapshot.Failing() {
			return a.Snapshot.Failing()
		}
		if a.Snapshot.Failing() && !a.State.Since.Equal(b.State.Since) {
			return a.State.Since.Before(b.State.Since)
		}
		return false // the board's order: host, then name
	})
	d := overviewData{Query: q, Total: len(services), LastCycle: u.deps.Board.LastCycle()}
	sparks, window := u.sparklines(ctx, d.LastCycle.At)
	d.Window = window
	needle := strings.ToLower(strings.TrimSpace(q))
	hosts := map[string]bool{}
	for _, c := range services {
		hosts[c.Snapshot.Host] = true
	}
	d.Hosts = len(hosts)
	stale := u.staleHosts()
	for _, c := range services {
		rw := toRow(c)
		if h, ok := stale[c.Snapshot.Host]; ok {
			rw.Stale, rw.SilentSince = true, h.LastSeen
			rw.Search += " stale silent"
		}
		if c.Snapshot.Failing() {
			d.Failing++
		}
		if needle != "" && !strings.Contains(rw.Search, needle) {
			continue
		}
		if sp, ok := sparks[engine.ServiceKey{Host: c.Snapshot.Host, Service: c.Snapshot.Name}]; ok {
			rw.Spark, rw.SparkLabel = sp.Points, sp.Figure+" over "+window
		}
		d.Rows = append(d.Rows, rw)
	}
	return d
}

// sparkCache keeps the sparklines of the last cycle: they change only when a cycle lands.
type sparkCache struct {
	mu     sync.Mutex
	cycle  time.Time
	lines  map[engine.ServiceKey]spark
	window string
}

// sparkWindows are the sparklines' periods, 48 points each: the day, or while the history
// is younger than that, the last two hours.
var sparkWindows = []struct {
	span  time.Duration
	label string
}{{24 * time.Hour, "24 h"}, {2 * time.Hour, "2 h"}}

// sparklines returns every service's sparkline as of the cycle at cycle, and the window they
// cover.
func (u *UI) sparklines(ctx context.Context, cycle time.Time) (map[engine.ServiceKey]spark, string) {
	u.sparks.mu.Lock()
	defer u.sparks.mu.Unlock()
	if u.sparks.lines != nil && u.sparks.cycle.Equal(cycle) {
		return u.sparks.lines, u.sparks.window
	}
	var lines map[engine.ServiceKey]spark
	var window string
	for _, w := range sparkWindows {
		recent, err := u.deps.History.Recent(ctx, u.opts.Now().Add(-w.span), w.span/48)
		if err != nil {
			u.log.Warn("sparklines", "err", err)
			return nil, ""
		}
		lines, window = make(map[engine.ServiceKey]spark, len(recent)), w.label
		for key, snaps := range recent {
			if l := sparkline(snaps); l.Points != "" {
				lines[key] = l
			}
		}
		if len(lines) > 0 {
			break
		}
	}
	u.sparks.cycle, u.sparks.lines, u.sparks.window = cycle, lines, window
	return lines, window
}

func toRow(c engine.Classified) row {
	s := c.Snapshot
	state := string(c.State.State)
	if state == "" {
		state = string(engine.StateOK)
		if s.Failing() {
			state = string(engine.StateOngoing)
		}
	}
	rw := row{Name: s.Name, Host: s.Host, Type: s.Type.String(), Status: s.Status.Text(), Monitor: s.Monitor.Text(),
		State: state, Failing: s.Failing(), Since: c.State.Since, Failures: c.State.Failures, Figures: figures(s)}
	if len(rw.Figures) > 3 {
		rw.Figures = rw.Figures[:3]
	}
	rw.Search = strings.ToLower(strings.Join([]string{s.Name, s.Host, rw.Type, rw.Status, rw.Monitor, state}, " "))
	return rw
}

// events streams "cycle" when an ingest cycle lands or a host becomes STALE or speaks again
// (its rows change) and "health" when a dependency changes, so the overview refreshes itself.
// EventSource reconnects on its own after a restart.
func (u *UI) events(w http.ResponseWriter, r *http.Request, _ Principal) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming is not supported here", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	fl.Flush()
	tick := time.NewTicker(u.opts.Poll)
	defer tick.Stop()
	last, lastHealth, lastStale := u.deps.Board.LastCycle().At, "", u.staleKey()
	for {
		if h := u.healthText(); h != lastHealth {
			lastHealth = h
			u.send(w, fl, "health", h)
		}
		select {
		case <-r.Context().Done():
			return
		case <-u.done:
			return
		case <-tick.C:
		}
		at, stale := u.deps.Board.LastCycle().At, u.staleKey()
		if !at.Equal(last) || stale != lastStale {
			last, lastStale = at, stale
			u.send(w, fl, "cycle", map[string]any{"at": at.UTC()})
		}
	}
}

func (u *UI) healthText() string {
	b, _ := json.Marshal(u.banners())
	return string(b)
}

func (u *UI) send(w http.ResponseWriter, fl http.Flusher, event string, v any) {
	var data []byte
	if s, ok := v.(string); ok {
		data = []byte(s)
	} else {
		data, _ = json.Marshal(v)
	}
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
	fl.Flush()
}
