package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"monit-intel/act"
	"monit-intel/engine/config"
	"monit-intel/repl"
	"monit-intel/rest"
	"monit-intel/rest/client"
)

// replVerbs are the action words completion offers after /suggest: the short verbs and the
// whitelist's full names.
func replVerbs() []string {
	verbs := []string{"restart", "start", "stop", "status", "monitor", "unmonitor", "logs"}
	for _, n := range act.Names() {
		verbs = append(verbs, string(n))
	}
	return verbs
}

func cmdRepl(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "repl", args)
	url := fs.String("url", "", "the daemon's API (default http://LISTEN from the config, else http://127.0.0.1:8000)")
	session := fs.String("session", "default", "conversation name; Mother remembers each session")
	dryRun := fs.Bool("dry-run", false, "never execute: approvals become dry runs")
	cfgPath := fs.String("config", "", "configuration file, for the API token and address (default $MONIT_INTEL_CONFIG)")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	// The REPL only reads the configuration; the databases belong to the daemon.
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	base := *url
	if base == "" {
		base = "http://" + strings.Replace(cfg.Listen, "0.0.0.0", "127.0.0.1", 1)
	}
	token, err := clientToken(cfg)
	if err != nil {
		return err
	}
	c, err := client.New(base, token)
	if err != nil {
		return err
	}
	if err := c.Ping(ctx); err != nil {
		return fmt.Errorf("%w (is `monit-intel serve` running?)", err)
	}
	history, err := repl.DefaultHistoryPath(e.getenv)
	if err != nil {
		e.logger.Warn("no input history", "err", err)
	}
	return repl.Run(ctx, c, repl.Options{Session: *session, DryRun: *dryRun, HistoryFile: history,
		In: e.stdin, Out: e.stdout, Err: e.stderr, Verbs: replVerbs()})
}

// clientToken is what a client command (repl, user) presents to the daemon: api.token (or
// MONIT_INTEL_TOKEN) when set, else the token serve wrote in DATA_DIR/api-token.
func clientToken(cfg config.Config) (string, error) {
	if cfg.API.Token != "" {
		return cfg.API.Token, nil
	}
	token, err := rest.ReadToken(filepath.Join(cfg.DataDir, rest.TokenFile))
	if err != nil {
		return "", fmt.Errorf("no API token: %w (give the command the daemon's --config, run it as a user who may read "+
			"that file, or set MONIT_INTEL_TOKEN)", err)
	}
	return token, nil
}
