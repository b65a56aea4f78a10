package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"monit-intel/act"
	"monit-intel/bolt"
	"monit-intel/engine"
	"monit-intel/engine/analyze"
	"monit-intel/engine/config"
	"monit-intel/engine/llm"
	"monit-intel/engine/llm/gate"
	"monit-intel/engine/monit"
	"monit-intel/engine/replay"
	"monit-intel/logs"
	"monit-intel/logs/redact"
	"monit-intel/sqliteexport"
)

// loadConfig reads --config, or MONIT_INTEL_CONFIG when the flag is empty.
func loadConfig(e *env, path string) (config.Config, error) {
	if path == "" {
		path = e.getenv("MONIT_INTEL_CONFIG")
	}
	return config.Load(path, e.getenv)
}

// stores are the two databases in DATA_DIR, and red, the one redaction step that outside
// text (Monit's, programs', commands', logs') passes before it is stored, served or prompted.
type stores struct {
	state   *bolt.Store
	history *sqliteexport.DB
	// created is the topmost directory this start created for DATA_DIR, "" when it existed.
	created string
	red     *redact.Redactor
}

// openStores opens the two databases, creating DATA_DIR when needed, and keys the audit log. A
// failure leaves no directory behind that this call created.
func openStores(ctx context.Context, cfg config.Config, logger *slog.Logger) (*stores, error) {
	created := firstMissing(cfg.DataDir)
	red, err := redact.New()
	if err != nil {
		return nil, err
	}
	st, err := bolt.Open(cfg.DataDir, time.Second)
	if err != nil {
		return nil, errors.Join(err, removeCreated(created))
	}
	h, err := sqliteexport.Open(ctx, cfg.DataDir)
	if err != nil {
		return nil, errors.Join(err, st.Close(), removeCreated(created))
	}
	h.SetTiers(sqliteexport.Tiers{KeepRaw: cfg.RawRetention.D()})
	s := &stores{state: st, history: h, created: created, red: red}
	if err := keyAudit(ctx, cfg.DataDir, s, logger); err != nil {
		return nil, errors.Join(err, s.CloseFailed())
	}
	return s, nil
}

func (s *stores) Close() error {
	return errors.Join(s.history.Close(), s.state.Close())
}

// CloseFailed closes the stores after a start that failed, and removes DATA_DIR when this
// start created it: a failed first start leaves no ./data behind.
func (s *stores) CloseFailed() error {
	return errors.Join(s.Close(), removeCreated(s.created))
}

// firstMissing returns the topmost missing directory on the way to dir, "" when dir exists.
func firstMissing(dir string) string {
	missing := ""
	for dir = filepath.Clean(dir); ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(dir); err == nil {
			return missing
		}
		missing = dir
		if filepath.Dir(dir) == dir {
			return missing
		}
	}
}

func removeCreated(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove %s again: %w", dir, err)
	}
	return nil
}

// statusSource is where cycles read Monit's status: its httpd (or a saved document), or a
// replayed timeline.
type statusSource interface {
	engine.StatusSource
	Ping(ctx context.Context) error
	Source() string
}

// newIngester returns the ingester, the source it reads (the Monit client, or with
// monit.replay the timeline's replay) and the Monit client, which actions use.
func newIngester(ctx context.Context, cfg config.Config, s *stores, e *env) (*engine.Ingester, statusSource, *monit.Client, error) {
	return newPoller(ctx, cfg.Monit, cfg, s, e)
}

// newPoller is newIngester for one poll target t (an item of a `monit:` list).
func newPoller(ctx context.Context, t config.Monit, cfg config.Config, s *stores, e *env) (*engine.Ingester, statusSource, *monit.Client, error) {
	client, err := monit.New(t.Options())
	if err != nil {
		return nil, nil, nil, err
	}
	if t.TLS.InsecureSkipVerify {
		e.logger.Warn("monit.tls.insecure_skip_verify is on: Monit's certificate is not checked, so anyone "+
			"between here and Monit can read its status and the credentials; set monit.tls.ca_file instead",
			"component", "monit", "monit", client.Source())
	}
	var src statusSource = client
	opts := engine.IngesterOptions{Retention: cfg.Retention.D(), Redactor: s.red, Logger: e.logger}
	if t.Replay.Timeline != "" {
		r, err := openReplay(ctx, t.Replay, s)
		if err != nil {
			return nil, nil, nil, err
		}
		src, opts.MonitClock = r, r.Now
	}
	in := engine.NewIngester(src, s.state, s.history, opts)
	return in, src, client, nil
}

// openReplay opens monit.replay's timeline, skipping the history steps that a previous run
// stored already.
func openReplay(ctx context.Context, r config.Replay, s *stores) (*replay.Source, error) {
	latest, err := s.history.Latest(ctx)
	if err != nil {
		return nil, err
	}
	var after time.Time
	for _, snap := range latest {
		if snap.CollectedAt.After(after) {
			after = snap.CollectedAt
		}
	}
	return replay.Open(replay.Options{Timeline: r.Timeline, Logs: r.Logs, LogsOut: r.LogsOut, After: after})
}

// newModel returns the Ollama client (for health checks) and the same client behind the
// daemon's one gate: at most ollama.concurrency calls at once, ollama.queue more waiting,
// shared by the analyses and Mother.
func newModel(cfg config.Config) (*llm.Client, engine.LLM, error) {
	client, err := llm.New(llm.Options{URL: cfg.Ollama.URL, Model: cfg.Ollama.Model,
		Timeout: cfg.Ollama.Timeout.D(), NumCtx: cfg.Ollama.NumCtx})
	if err != nil {
		return nil, nil, err
	}
	return client, gate.New(cfg.Ollama.Concurrency, cfg.Ollama.Queue).Wrap(client), nil
}

// newAnalyzer wires the analysis workflow: the log registry, the model and the actions that
// apply to each service.
func newAnalyzer(cfg config.Config, store analyze.Store, red *redact.Redactor, model engine.LLM, local func() string,
	e *env) (*analyze.Analyzer, *logs.Registry, error) {
	reg, err := logs.NewRegistry(cfg.Logs, logsOptions(cfg, red))
	if err != nil {
		return nil, nil, err
	}
	a := analyze.New(store, reg, analyze.Options{
		LLM: engine.RedactingLLM{LLM: model, Redactor: red}, NumCtx: cfg.Ollama.NumCtx, Timeout: cfg.Ollama.Timeout.D(),
		Actions: actionsFor(cfg), LocalHost: local, Logger: e.logger,
	})
	return a, reg, nil
}

// logsOptions are the configuration's log options with the redactor every line passes.
func logsOptions(cfg config.Config, red *redact.Redactor) logs.Options {
	opts := cfg.LogsOptions()
	opts.Redactor = red
	return opts
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
	fs := newFlags(e, "ingest", args)
	cfgPath := fs.String("config", "", "configuration file (default $MONIT_INTEL_CONFIG)")
	noAnalyze := fs.Bool("no-analyze", false, "store the cycle without analysing new failures")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	s, err := openStores(ctx, cfg, e.logger)
	if err != nil {
		return err
	}
	res, err := firstCycle(ctx, cfg, s, e)
	if err != nil {
		return errors.Join(err, s.CloseFailed())
	}
	defer s.Close()
	fmt.Fprintf(e.stdout, "ingested %d services from %s in %s: %s\n", len(res.Services), res.Host,
		res.Duration.Round(time.Millisecond), summarize(res))
	if *noAnalyze {
		return nil
	}
	_, model, err := newModel(cfg)
	if err != nil {
		return err
	}
	a, _, err := newAnalyzer(cfg, s.history, s.red, model, nil, e)
	if err != nil {
		return err
	}
	analyses, err := a.AfterCycle(ctx, res)
	for _, an := range analyses {
		fmt.Fprintf(e.stdout, "\n== %s (%s)\n%s\n", an.Service, an.Source, an.Text)
	}
	return err
}

// firstCycle runs the cycle of `ingest`.
func firstCycle(ctx context.Context, cfg config.Config, s *stores, e *env) (engine.CycleResult, error) {
	in, _, _, err := newIngester(ctx, cfg, s, e)
	if err != nil {
		return engine.CycleResult{}, err
	}
	return in.RunCycle(ctx)
}

// summarize counts the cycle's states: "2 failing (1 NEW), 7 OK".
func summarize(res engine.CycleResult) string {
	counts := map[engine.State]int{}
	for _, c := range res.Services {
		counts[c.State.State]++
	}
	failing := counts[engine.StateNew] + counts[engine.StateOngoing] + counts[engine.StateChanged]
	s := fmt.Sprintf("%d failing", failing)
	for _, st := range []engine.State{engine.StateNew, engine.StateChanged, engine.StateRecovered, engine.StateUnmonitored} {
		if counts[st] > 0 {
			s += fmt.Sprintf(", %d %s", counts[st], st)
		}
	}
	changes := 0
	for _, e := range res.Events {
		if e.Kind == engine.StateChangeDetected {
			changes++
		}
	}
	if changes > 0 {
		s += fmt.Sprintf(", %d %s", changes, engine.StateChangeDetected)
	}
	return s + fmt.Sprintf(", %d OK", counts[engine.StateOK]+counts[engine.StateRecovered])
}
