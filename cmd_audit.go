package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/approve"
	"monit-intel/engine/config"
	"monit-intel/engine/monit"
	"monit-intel/sqliteexport"
)

// actOptions builds the one act.Options that both validation and the runner use (the runner
// refuses any command its own options would not have built). Actions reach Monit the way
// its status is read: src's transport (socket, TLS trust), and unix://PATH for a socket
// given as a bare path.
func actOptions(cfg config.Config, src *monit.Client) act.Options {
	opts := act.Options{Sudo: cfg.Actions.Sudo, Timeout: cfg.Actions.Timeout.D(), MonitControlFile: cfg.Actions.Monitrc,
		MonitURL: cfg.Monit.URL, MonitUser: cfg.Monit.Username, MonitPassword: cfg.Monit.Password}
	if src == nil { // a fleet that only pushes: the local Monit is reached through its CLI
		return opts
	}
	opts.MonitTransport = src.Transport()
	if strings.HasPrefix(src.Source(), "unix://") {
		opts.MonitURL = src.Source()
	}
	return opts
}

// newFlow wires the approval flow: targets are the services of the local host's latest status
// (local names it: the host of the first poll target) and the units mapped to them in the
// configuration. Other hosts' services are no targets: nothing runs here for them.
func newFlow(cfg config.Config, s *stores, audit approve.Audit, board *engine.Board, src *monit.Client, local func() string, e *env) *approve.Flow {
	opts := actOptions(cfg, src)
	targets := func(context.Context) (act.Targets, error) {
		t := act.Targets{Services: map[string]bool{}, Units: cfg.Actions.Units}
		for _, c := range board.ServicesOn(local()) {
			t.Services[c.Snapshot.Name] = true
		}
		return t, nil
	}
	var simulate string
	switch {
	case cfg.Monit.Replay.Timeline != "":
		// The watched "server" is a recording (the demo): the host's own Monit and systemd
		// are not it, so no action may reach them.
		simulate = fmt.Sprintf("Monit is a recording replayed from %s, not this host's", cfg.Monit.Replay.Timeline)
	case cfg.Monit.FromFile():
		// The same for a saved document.
		simulate = fmt.Sprintf("Monit is read from the file %s, not from this host", cfg.Monit.URL)
	}
	return approve.New(s.state, audit, targets, act.NewRunner(opts), approve.Options{
		Act: opts, ExpireIn: cfg.Actions.ExpireIn.D(), Simulate: simulate, Logger: e.logger})
}

func cmdAudit(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "audit", args)
	cfgPath := fs.String("config", "", "configuration file (default $MONIT_INTEL_CONFIG)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "verify" {
		return fmt.Errorf("%w: the only audit command is `verify`", errUsage)
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	// Read-only and beside a running daemon: only SQLite, never the bbolt state file.
	db, err := sqliteexport.Open(ctx, cfg.DataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	n, err := db.VerifyAudit(ctx)
	var chain *sqliteexport.ChainError
	if errors.As(err, &chain) {
		return fmt.Errorf("%w (%d rows checked)", err, n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "action audit log intact: %d rows, hash chain verified in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
