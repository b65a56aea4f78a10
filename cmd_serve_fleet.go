package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/config"
	"monit-intel/engine/fleet"
	"monit-intel/engine/monit"
	"monit-intel/engine/schedule"
	"monit-intel/rest/collector"
)

// poller is one polled Monit (an item of `monit:`).
type poller struct {
	name   string // "monit", or "monit[i]" for a list
	local  bool   // the first target: the Monit of this machine, where actions run
	target config.Monit
	in     cycleRunner
	src    statusSource  // what it reads: the Monit client, or a replayed timeline
	client *monit.Client // the Monit client, which actions use
}

// cycleRunner runs one ingest cycle (engine.Ingester).
type cycleRunner interface {
	RunCycle(ctx context.Context) (engine.CycleResult, error)
}

// newPollers builds an ingester for each poll target.
func newPollers(ctx context.Context, cfg config.Config, s *stores, e *env) ([]poller, error) {
	targets := cfg.MonitTargets()
	out := make([]poller, 0, len(targets))
	for i, t := range targets {
		in, src, client, err := newPoller(ctx, t, cfg, s, e)
		if err != nil {
			return nil, fmt.Errorf("monit[%d]: %w", i, err)
		}
		name := "monit"
		if cfg.Monit.List {
			name = fmt.Sprintf("monit[%d]", i)
		}
		out = append(out, poller{name: name, local: i == 0, target: t, in: in, src: src, client: client})
	}
	return out, nil
}

// newFleet wires the fleet: pushed statuses go through an ingester of their own (no fetch),
// then to the board and the analysis queue as polled ones do (sink). The collector handler
// is nil without collector.users.
func newFleet(cfg config.Config, s *stores, sink fleet.Sink, onEvent func(context.Context, engine.Event),
	e *env) (*fleet.Fleet, *engine.Ingester, http.Handler) {
	pushIn := engine.NewIngester(nil, s.state, s.history, engine.IngesterOptions{
		Retention: cfg.Retention.D(), Redactor: s.red, Logger: e.logger})
	f := fleet.New(pushIn, sink, s.history, fleet.Options{StaleAfter: cfg.Collector.StaleAfter, Logger: e.logger,
		OnEvent: onEvent, Store: s.state})
	if len(cfg.Collector.Users) == 0 {
		return f, pushIn, nil
	}
	return f, pushIn, collector.New(f, collector.Options{Users: cfg.Collector.Users,
		MaxBytes: cfg.Collector.MaxBytes, Logger: e.logger})
}

// hostSaveEvery is how often the host registry's last seen times are saved: a crash loses
// at most this much of them (the registry's STALE and RECOVERED are saved at once).
const hostSaveEvery = 15 * time.Second

// restoreHosts loads the host registry saved before the last stop, then adds the hosts only
// the history knows (seedBoard put their newest snapshots on the board), each last seen at
// its newest snapshot.
func restoreHosts(ctx context.Context, f *fleet.Fleet, b *engine.Board) error {
	if _, err := f.Restore(ctx); err != nil {
		return err
	}
	seen := map[string]time.Time{}
	for _, c := range b.Services() {
		if at := c.Snapshot.CollectedAt; at.After(seen[c.Snapshot.Host]) {
			seen[c.Snapshot.Host] = at
		}
	}
	f.Remember(seen)
	return nil
}

// scheduleFleet adds the poll of every target, the stale-host check and the pruning of
// pushed history.
func (d *daemonParts) scheduleFleet(sched *schedule.Scheduler) error {
	for _, p := range d.pollers {
		job := "ingest"
		if p.name != "monit" {
			job += " " + p.name
		}
		if err := sched.Every(job, p.target.Interval.D(), func(ctx context.Context) error {
			return d.poll(ctx, p)
		}); err != nil {
			return err
		}
	}
	if err := sched.Every("stale-hosts", time.Second, func(ctx context.Context) error {
		_, err := d.fleet.CheckStale(ctx)
		return err
	}); err != nil {
		return err
	}
	if err := sched.Every("save-hosts", hostSaveEvery, d.fleet.Save); err != nil {
		return err
	}
	return sched.Every("prune-pushed", 10*time.Minute, func(ctx context.Context) error {
		_, err := d.pushIn.Prune(ctx)
		return err
	})
}

// sources names the polled Monits for the start-up line.
func (d *daemonParts) sources() []string {
	out := make([]string, len(d.pollers))
	for i, p := range d.pollers {
		out[i] = p.src.Source()
	}
	return out
}

// localMonit is the Monit local actions go to: the first poll target (nil when none).
func (d *daemonParts) localMonit() *monit.Client {
	if len(d.pollers) == 0 {
		return nil
	}
	return d.pollers[0].client
}

// localHost is the host actions run on: the first poll target's, once it answered; "" before
// and in a fleet that only pushes.
func (d *daemonParts) localHost() string {
	h, _ := d.local.Load().(string)
	return h
}
