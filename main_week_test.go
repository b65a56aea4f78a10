package main

import (
	"bufio"
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit"
	"monit-intel/engine/trend"
	"monit-intel/logs"
)

// The recorded week: a cycle every weekStep from weekStart to weekEnd (Mother's "now").
var (
	weekStart = time.Date(2026, 11, 18, 14, 40, 0, 0, time.UTC)
	weekEnd   = time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)
)

const weekStep = 10 * time.Minute

// planEntry is one line of plan.txt.
type planEntry struct {
	kind, service string
	figure        trend.Figure
	from, to      time.Time // to is zero for "-"
	value         float64
}

func (p planEntry) covers(t time.Time) bool {
	return !t.Before(p.from) && (p.to.IsZero() || t.Before(p.to))
}

func readPlan(t testing.TB) []planEntry {
	t.Helper()
	f, err := os.Open(filepath.Join(weekDir, "plan.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []planEntry
	sc := bufio.NewScanner(f)
	at := func(s string) time.Time {
		if s == "-" {
			return time.Time{}
		}
		v, err := time.Parse("2006-01-02T15:04", s)
		if err != nil {
			t.Fatalf("plan.txt: %v", err)
		}
		return v
	}
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 || strings.HasPrefix(fs[0], "#") {
			continue
		}
		switch {
		case (fs[0] == "fail" || fs[0] == "change") && len(fs) == 4:
			out = append(out, planEntry{kind: fs[0], service: fs[1], from: at(fs[2]), to: at(fs[3])})
		case fs[0] == "figure" && len(fs) == 6:
			v, err := strconv.ParseFloat(fs[5], 64)
			if err != nil {
				t.Fatalf("plan.txt: %v", err)
			}
			out = append(out, planEntry{kind: "figure", service: fs[1], figure: trend.Figure(fs[2]), from: at(fs[3]), to: at(fs[4]), value: v})
		default:
			t.Fatalf("plan.txt: bad line %q", sc.Text())
		}
	}
	return out
}

func readStatus(t testing.TB, name string) engine.Status {
	t.Helper()
	f, err := os.Open(filepath.Join(weekDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := monit.ParseStatus(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return st
}

// week expands the two captured documents into the week's cycles, oldest first. Each cycle
// takes every service's snapshot from ok.xml, or from failing.xml while the plan fails it,
// shifted to the cycle's time; the figures follow a daily rhythm with a little noise (the
// same on every run) and the plan's spikes.
type week struct {
	ok, failing map[string]engine.Snapshot
	host        string
	plan        []planEntry
}

func newWeek(t testing.TB) *week {
	ok, failing := readStatus(t, "ok.xml"), readStatus(t, "failing.xml")
	w := &week{ok: map[string]engine.Snapshot{}, failing: map[string]engine.Snapshot{}, host: ok.Host, plan: readPlan(t)}
	for _, s := range ok.Services {
		w.ok[s.Name] = s
	}
	for _, s := range failing.Services {
		w.failing[s.Name] = s
	}
	return w
}

func (w *week) cycles() []engine.Status {
	var out []engine.Status
	for at := weekStart; !at.After(weekEnd); at = at.Add(weekStep) {
		st := engine.Status{Host: w.host}
		for name, base := range w.ok {
			st.Services = append(st.Services, w.snapshot(name, base, at))
		}
		out = append(out, st)
	}
	return out
}

func (w *week) snapshot(name string, base engine.Snapshot, at time.Time) engine.Snapshot {
	restarts := 0
	for _, p := range w.plan {
		if p.service != name {
			continue
		}
		switch {
		case p.kind == "fail" && p.covers(at):
			base = w.failing[name]
		case p.kind == "fail" && !p.to.IsZero() && !at.Before(p.to):
			restarts++
		}
	}
	s := copySnapshot(base)
	s.CollectedAt = at
	for _, p := range w.plan {
		if p.service == name && p.kind == "change" && p.covers(at) {
			s.Status |= engine.BitTimeout
		}
	}
	w.figures(&s, at, restarts)
	return s
}

// figures sets the figures of a cycle: a daily wave, noise, and the plan's values.
func (w *week) figures(s *engine.Snapshot, at time.Time, restarts int) {
	hours := at.Sub(weekStart).Hours()
	wave := math.Sin(2 * math.Pi * float64(at.Hour()*60+at.Minute()) / (24 * 60))
	n := noise(s.Name, at)
	spike := func(f trend.Figure, v float64) float64 {
		for _, p := range w.plan {
			if p.kind == "figure" && p.service == s.Name && p.figure == f && p.covers(at) {
				return p.value
			}
		}
		return v
	}
	round := func(v float64, places float64) *float64 {
		r := math.Round(v*places) / places
		return &r
	}
	switch {
	case s.System != nil:
		s.System.Load1 = round(spike(trend.Load1, 0.45+0.3*wave+0.2*n), 100)
		s.System.Load5, s.System.Load15 = round(*s.System.Load1*0.8, 100), round(*s.System.Load1*0.6, 100)
		s.System.CPUUser = round(spike(trend.CPU, 6+4*wave+3*n)*0.8, 10)
		s.System.CPUSystem = round(*s.System.CPUUser/4, 10)
		s.System.MemPercent = round(38+6*wave+2*n, 10)
		s.System.SwapPercent = round(1.5+0.5*n, 10)
	case s.Process != nil:
		cpu, mem := round(spike(trend.CPU, 1.5+1.5*n), 10), round(8+3*wave+n, 10)
		s.Process.CPUPercent, s.Process.CPUPercentTotal = cpu, cpu
		s.Process.MemPercent, s.Process.MemPercentTotal = mem, mem
		started := weekStart.Add(-72 * time.Hour)
		for _, p := range w.plan {
			if p.kind == "fail" && p.service == s.Name && !p.to.IsZero() && !at.Before(p.to) {
				started = p.to
			}
		}
		up := int64(at.Sub(started).Seconds())
		s.Process.UptimeSec = &up
		if s.Process.PID != nil {
			pid := *s.Process.PID + restarts*211
			s.Process.PID = &pid
		}
	case s.Filesystem != nil && s.Filesystem.BlockTotalMB != nil:
		pct := spike(trend.Disk, 61+7*hours/(7*24)+0.3*n)
		s.Filesystem.BlockPercent = round(pct, 10)
		s.Filesystem.BlockUsageMB = round(*s.Filesystem.BlockTotalMB*pct/100, 10)
	case s.Program != nil:
		s.Program.Started = at.Add(-time.Second)
	}
	for i := range s.Ports {
		if s.Ports[i].ResponseSec >= 0 {
			s.Ports[i].ResponseSec = *round(spike(trend.ResponseTime, 0.002+0.001*n), 10000)
		}
	}
}

// noise is a number in [0, 1) fixed by the service and the time.
func noise(service string, at time.Time) float64 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s@%d", service, at.Unix())
	return float64(h.Sum32()%1000) / 1000
}

func copySnapshot(s engine.Snapshot) engine.Snapshot {
	out := s
	if s.Process != nil {
		p := *s.Process
		out.Process = &p
	}
	if s.System != nil {
		v := *s.System
		out.System = &v
	}
	if s.Filesystem != nil {
		v := *s.Filesystem
		out.Filesystem = &v
	}
	if s.Program != nil {
		v := *s.Program
		out.Program = &v
	}
	out.Ports = append([]engine.PortCheck(nil), s.Ports...)
	return out
}

// weekLogs writes the week's log files (logs.txt) under dir and returns the registry's
// sources for them.
func weekLogs(t testing.TB, dir string) map[string]logs.Source {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(weekDir, "logs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]logs.Source{}
	var path string
	for line := range strings.Lines(string(data)) {
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "== "):
			fs := strings.Fields(line)
			path = filepath.Join(dir, fs[2])
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			sources[fs[1]] = logs.Source{Strategy: logs.StrategyTail, Path: path}
		case path != "":
			f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(line)
			f.Close()
		}
	}
	return sources
}

// weekReplay is a StatusSource that hands out the week's cycles in order.
type weekReplay struct{ cycles []engine.Status }

func (r *weekReplay) Fetch(context.Context) (engine.Status, error) {
	st := r.cycles[0]
	r.cycles = r.cycles[1:]
	return st, nil
}
