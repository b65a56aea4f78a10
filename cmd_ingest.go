package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"monit-intel/act"
	"monit-intel/bolt"
	"monit-intel/engine"
	"monit-intel/engine/analyze"
	"monit-intel/engine/config"
	"monit-intel/engine/llm"
	"monit-intel/engine/monit"
	"monit-intel/logs"
	"monit-intel/sqliteexport"
)

// loadConfig reads --config, or MONIT_INTEL_CONFIG when the flag is empty.
func loadConfig(e *env, path string) (config.Config, error) {
	if path == "" {
		path = e.getenv("MONIT_INTEL_CONFIG")
	}
	return config.Load(path, e.getenv)
}

// stores are the two databases in DATA_DIR.
type stores struct {
	state   *bolt.Store
	history *sqliteexport.DB
}

func openStores(ctx context.Context, cfg config.Config) (*stores, error) {
	st, err := bolt.Open(cfg.DataDir, time.Second)
	if err != nil {
		return nil, err
	}
	h, err := sqliteexport.Open(ctx, cfg.DataDir)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &stores{state: st, history: h}, nil
}

func (s *stores) Close() error {
	return errors.Join(s.history.Close(), s.state.Close())
}

func newIngester(cfg config.Config, s *stores, e *env) (*engine.Ingester, *monit.Client, error) {
	src, err := monit.New(cfg.MonitOptions())
	if err != nil {
		return nil, nil, err
	}
	if cfg.Monit.TLS.InsecureSkipVerify {
		e.logger.Warn("monit.tls.insecure_skip_verify is on: Monit's certificate is not checked, so anyone "+
			"between here and Monit can read its status and the credentials; set monit.tls.ca_file instead",
			"component", "monit", "monit", src.Source())
	}
	in := engine.NewIngester(src, s.state, s.history, engine.IngesterOptions{
		Retention: cfg.Retention.D(), Logger: e.logger})
	return in, src, nil
}

// newAnalyzer wires the analysis workflow: the log registry, the model (when configured) and
// the actions that apply to each service.
func newAnalyzer(cfg config.Config, s *stores, e *env) (*analyze.Analyzer, *logs.Registry, *llm.Client, error) {
	reg, err := logs.NewRegistry(cfg.Logs, cfg.LogsOptions())
	if err != nil {
		return nil, nil, nil, err
	}
	model, err := llm.New(llm.Options{URL: cfg.Ollama.URL, Model: cfg.Ollama.Model,
		Timeout: cfg.Ollama.Timeout.D(), NumCtx: cfg.Ollama.NumCtx})
	if err != nil {
		return nil, nil, nil, err
	}
	a := analyze.New(s.history, reg, analyze.Options{
		LLM: model, NumCtx: cfg.Ollama.NumCtx, Timeout: cfg.Ollama.Timeout.D(),
		Actions: actionsFor(cfg), Logger: e.logger,
	})
	return a, reg, model, nil
}

// actionsFor returns, per service, the whitelisted actions that could apply to it: Monit's
// own actions always, systemctl and journalctl only when a unit is mapped to the service.
func actionsFor(cfg config.Config) func(service string) []string {
	return func(service string) []string {
		_, hasUnit := cfg.Actions.Units[service]
		var out []string
		for _, n := range act.Names() {
			if strings.HasPrefix(string(n), "monit_") || hasUnit {
				out = append(out, string(n))
			}
		}
		return out
	}
}

func cmdIngest(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "ingest", "[--config F] [--no-analyze]")
	cfgPath := fs.String("config", "", "configuration file (default $MONIT_INTEL_CONFIG)")
	noAnalyze := fs.Bool("no-analyze", false, "store the cycle without analysing new failures")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	s, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	in, _, err := newIngester(cfg, s, e)
	if err != nil {
		return err
	}
	res, err := in.RunCycle(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ingested %d services from %s in %s: %s\n", len(res.Services), res.Host,
		res.Duration.Round(time.Millisecond), summarize(res))
	if *noAnalyze {
		return nil
	}
	a, _, _, err := newAnalyzer(cfg, s, e)
	if err != nil {
		return err
	}
	analyses, err := a.AfterCycle(ctx, res)
	for _, an := range analyses {
		fmt.Fprintf(e.stdout, "\n== %s (%s)\n%s\n", an.Service, an.Source, an.Text)
	}
	return err
}

// summarize counts the cycle's states: "2 failing (1 NEW), 7 OK".
func summarize(res engine.CycleResult) string {
	counts := map[engine.State]int{}
	for _, c := range res.Services {
		counts[c.State.State]++
	}
	failing := counts[engine.StateNew] + counts[engine.StateOngoing] + counts[engine.StateChanged]
	s := fmt.Sprintf("%d failing", failing)
	for _, st := range []engine.State{engine.StateNew, engine.StateChanged, engine.StateRecovered} {
		if counts[st] > 0 {
			s += fmt.Sprintf(", %d %s", counts[st], st)
		}
	}
	return s + fmt.Sprintf(", %d OK", counts[engine.StateOK]+counts[engine.StateRecovered])
}
