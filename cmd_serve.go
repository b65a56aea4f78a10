package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"monit-intel/bolt"
	"monit-intel/engine"
	"monit-intel/engine/analyze"
	"monit-intel/engine/approve"
	"monit-intel/engine/config"
	"monit-intel/engine/fleet"
	"monit-intel/engine/llm"
	"monit-intel/engine/metrics"
	"monit-intel/engine/replay"
	"monit-intel/engine/schedule"
	"monit-intel/engine/user"
	"monit-intel/logs"
	"monit-intel/rest"
	"monit-intel/rest/ui"
	"monit-intel/sqliteexport"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// shutdownGrace is how long requests in flight get to finish on SIGTERM.
const shutdownGrace = 10 * time.Second

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", args)
	cfgPath := fs.String("config", "", "configuration file (default $MONIT_INTEL_CONFIG)")
	listen := fs.String("listen", "", "address of the REST API (default the config's listen)")
	if _, err := parseInterleaved(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return err
	}
	if *listen != "" {
		cfg.Listen = *listen
	}
	// Everything that can fail without writing comes first: the whole configuration was
	// checked, now the port; only then is DATA_DIR created.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err // net's error says "listen tcp ADDR: …"
	}
	defer ln.Close()
	mln, err := listenMetrics(cfg)
	if err != nil {
		return err
	}
	if mln != nil {
		defer mln.Close()
	}
	s, err := openStores(ctx, cfg, e.logger)
	if err != nil {
		return err
	}
	d, srv, err := wireServer(ctx, cfg, s, e)
	if err != nil {
		return errors.Join(err, s.CloseFailed())
	}
	defer s.Close()
	if err := restoreHosts(ctx, d.fleet, d.board); err != nil { // before the collector and the stale checks start
		return err
	}
	sched, err := schedule.New(e.logger)
	if err != nil {
		return err
	}
	if err := d.schedule(sched); err != nil {
		return errors.Join(err, sched.Shutdown())
	}
	qctx, stopQueue := context.WithCancel(context.WithoutCancel(ctx))
	queueDone := make(chan struct{})
	go func() {
		defer close(queueDone)
		_ = d.queue.Run(qctx) // it returns when stopped; it logs its own failures
	}()
	notifyDone := make(chan struct{})
	go func() {
		defer close(notifyDone)
		_ = d.notify.d.Run(qctx, notifyTick) // it returns when stopped; it logs its own failures
	}()
	e.logger.Info("monit-intel started", "version", version, "listen", ln.Addr().String(), "monit", d.sources(),
		"interval", cfg.Monit.Interval.D().String(), "collector", d.collector != nil, "data_dir", cfg.DataDir,
		"ollama_concurrency", cfg.Ollama.Concurrency, "ollama_queue", cfg.Ollama.Queue)
	go func() {
		<-ctx.Done()
		d.web.Close() // the web UI's event streams end, so the shutdown does not wait for them
	}()
	stopMetrics := serveMetrics(ctx, cfg, mln, d.metrics, e)
	serveErr := errors.Join(srv.Run(ctx, ln, shutdownGrace), stopMetrics())
	// Ordered shutdown: the API has stopped taking requests; stop the scheduler (cancelling a
	// running cycle), then the analysis queue (the failures still waiting get the rules'
	// analysis) and the notification outbox (what is not delivered stays in it for the next
	// start), then the stores close (deferred). The host registry is saved once the scheduler
	// has stopped: with the API closed, nothing changes it after that.
	e.logger.Info("shutting down")
	schedErr := errors.Join(sched.Shutdown(), d.fleet.Save(context.WithoutCancel(ctx)))
	stopQueue()
	<-queueDone
	<-notifyDone
	return errors.Join(serveErr, schedErr)
}

// listenMetrics opens metrics.listen; nil when it is not set (/metrics is on the API).
func listenMetrics(cfg config.Config) (net.Listener, error) {
	if cfg.Metrics.Listen == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.Metrics.Listen)
	if err != nil {
		return nil, fmt.Errorf("metrics.listen: %w", err)
	}
	return ln, nil
}

// serveMetrics serves /metrics without a token on ln (metrics.listen), when there is one,
// until the returned stop is called.
func serveMetrics(ctx context.Context, cfg config.Config, ln net.Listener, m *metrics.Metrics, e *env) (stop func() error) {
	if ln == nil {
		return func() error { return nil }
	}
	ctx, cancel := context.WithCancel(ctx)
	ms := rest.NewMetricsServer(cfg.Metrics.Listen, cfg.API.AllowedHosts, m.Handler(), e.logger)
	errc := make(chan error, 1)
	go func() { errc <- ms.Run(ctx, ln, shutdownGrace) }()
	e.logger.Info("metrics listener", "listen", ln.Addr().String())
	return func() error {
		cancel()
		return <-errc
	}
}

// wireServer wires the daemon's parts and its REST API.
func wireServer(ctx context.Context, cfg config.Config, s *stores, e *env) (*daemonParts, *rest.Server, error) {
	d, err := wireDaemon(ctx, cfg, s, e)
	if err != nil {
		return nil, nil, err
	}
	token, err := apiToken(cfg, e)
	if err != nil {
		return nil, nil, err
	}
	var onAPI http.Handler
	if cfg.Metrics.Listen == "" {
		onAPI = d.metrics.Handler()
	}
	accounts := user.NewAccounts(s.state, user.Params{}, nil)
	web, err := newWebUI(cfg, s, d, accounts, e)
	if err != nil {
		return nil, nil, err
	}
	d.web = web
	srv, err := rest.New(rest.Options{Listen: cfg.Listen, Token: token, AllowedHosts: cfg.API.AllowedHosts,
		Metrics: onAPI, Collector: d.collector, Version: version, Logger: e.logger, UI: web.Handler(), Authenticators: []rest.Authenticator{webSessions{web}}},
		rest.Deps{Board: d.board, History: s.history, Logs: d.reg, Analyzer: d.an, Health: d.health,
			Mother: newMother(cfg, s, d, e), Actions: d.flow, Audit: s.history, Trends: s.history,
			Notify: d.notify.status(), Redactor: s.red, Users: accounts, Fleet: d.fleet, LocalHost: d.localHost})
	if err != nil {
		return nil, nil, err
	}
	return d, srv, nil
}

// apiToken is api.token (or MONIT_INTEL_TOKEN) when set, else the token in
// DATA_DIR/api-token, created at the first start. Its value is never logged.
func apiToken(cfg config.Config, e *env) (string, error) {
	if cfg.API.Token != "" {
		return cfg.API.Token, nil
	}
	path := filepath.Join(cfg.DataDir, rest.TokenFile)
	token, created, err := rest.LoadOrCreateToken(path)
	if err != nil {
		return "", err
	}
	if created {
		e.logger.Info("created the API token", "path", path)
	} else {
		e.logger.Info("API token", "path", path)
	}
	return token, nil
}

// analysisQueueSize bounds the failures waiting for the model; beyond it a failure gets the
// rules' analysis at once. A cycle queues each failing service at most once.
const analysisQueueSize = 256

// daemonParts is what serve runs, wired to its stores.
type daemonParts struct {
	cfg       config.Config
	pollers   []poller
	fleet     *fleet.Fleet
	pushIn    *engine.Ingester
	collector http.Handler
	an        *analyze.Analyzer
	queue     *analyze.Queue
	reg       *logs.Registry
	client    *llm.Client // for health checks; every model call goes through model
	model     engine.LLM
	board     *engine.Board
	health    *healthChecks
	flow      *approve.Flow
	metrics   *metrics.Metrics
	notify    *notifier
	state     *bolt.Store
	web       *ui.UI
	log       *slog.Logger
	local     atomic.Value // string: the host of the first poll target, once polled
}

func wireDaemon(ctx context.Context, cfg config.Config, s *stores, e *env) (*daemonParts, error) {
	d := &daemonParts{cfg: cfg, board: engine.NewBoard(), health: &healthChecks{s: s}, state: s.state, log: e.logger}
	d.metrics = metrics.New(d.board, e.logger)
	var err error
	if d.pollers, err = newPollers(ctx, cfg, s, e); err != nil {
		return nil, err
	}
	if d.client, d.model, err = newModel(cfg); err != nil {
		return nil, err
	}
	d.model = d.metrics.WrapLLM(d.model) // outside the gate: a call it refuses counts as busy
	d.notify = newNotifier(cfg, s.state, e.logger)
	d.metrics.WatchOutbox(s.state)
	if d.an, d.reg, err = newAnalyzer(cfg, notifyingAnalyses{Store: s.history, nt: d.notify}, s.red, d.model, d.localHost, e); err != nil {
		return nil, err
	}
	d.queue = analyze.NewQueue(d.an, analysisQueueSize)
	d.fleet, d.pushIn, d.collector = newFleet(cfg, s, d, d.notify.hostEvent, e)
	if err := d.catchUp(ctx, s, e); err != nil {
		return nil, err
	}
	if err := seedBoard(ctx, d.board, s); err != nil {
		return nil, err
	}
	d.flow, err = newFlow(cfg, notifyingProposals{Proposals: s.state, nt: d.notify}, d.metrics.WrapAudit(s.history), s.red,
		d.board, d.localMonit(), d.localHost, d.fleet.MonitID, e)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// schedule adds the daemon's periodic jobs: the ingest cycle with its analyses, the
// dependency checks for /health, and pruning of decided proposals.
func (d *daemonParts) schedule(sched *schedule.Scheduler) error {
	return errors.Join(
		d.scheduleFleet(sched),
		sched.Every("health", 30*time.Second, func(ctx context.Context) error {
			for _, p := range d.pollers {
				d.health.check(ctx, p.name, p.src.Source(), true, p.src.Ping)
			}
			d.health.check(ctx, "ollama", d.client.Source()+" ("+d.cfg.Ollama.Model+")", false, d.client.Ping)
			return nil
		}),
		sched.Every("prune-proposals", time.Hour, func(ctx context.Context) error {
			_, err := d.flow.Prune(ctx)
			return err
		}),
		sched.Every("prune-sessions", time.Hour, func(context.Context) error {
			_, err := d.state.PruneSessions(time.Now())
			return err
		}),
	)
}

// ingest polls every target once (the scheduler polls each at its own interval).
func (d *daemonParts) ingest(ctx context.Context) error {
	var errs []error
	for _, p := range d.pollers {
		errs = append(errs, d.poll(ctx, p))
	}
	return errors.Join(errs...)
}

// poll is one scheduled cycle of one target: store it, show it on the board, tell the fleet
// the host spoke and queue the analyses of its new failures. It never waits for the model,
// so a slow one cannot stretch the interval.
func (d *daemonParts) poll(ctx context.Context, p poller) error {
	res, err := p.in.RunCycle(ctx)
	d.board.Record(res, err)
	d.metrics.ObserveCycle(res, err)
	if err != nil {
		return err
	}
	if p.local {
		d.local.Store(res.Host)
	}
	if err := d.fleet.Polled(ctx, res.Host, p.target.Interval.D()); err != nil {
		return err
	}
	_, err = d.queue.AfterCycle(ctx, res) // stores the rules' analyses the messages carry
	d.notify.afterCycle(ctx, res)
	return err
}

// AfterCycle implements fleet.Sink for pushed statuses: the board, then the analysis queue,
// which does not wait for the model, so a push is answered at once, then the notifications.
func (d *daemonParts) AfterCycle(ctx context.Context, res engine.CycleResult, err error) {
	d.board.Record(res, err)
	d.metrics.ObserveCycle(res, err)
	if err != nil {
		return
	}
	if _, err := d.queue.AfterCycle(ctx, res); err != nil {
		d.log.Warn("analyses after a push", "host", res.Host, "err", err)
	}
	d.notify.afterCycle(ctx, res)
}

// catchUp runs the cycles of a replayed history (monit.replay) before the API answers, so
// that the last day is in the history at start-up; a real Monit has nothing to catch up on.
// The recorded day is explained by the rules alone, at once: asking the model about each of
// its failures would keep the demo busy for minutes. Live steps go through the queue.
func (d *daemonParts) catchUp(ctx context.Context, s *stores, e *env) error {
	for _, p := range d.pollers {
		if err := d.catchUpOne(ctx, p, s, e); err != nil {
			return err
		}
	}
	return nil
}

func (d *daemonParts) catchUpOne(ctx context.Context, p poller, s *stores, e *env) error {
	r, ok := p.src.(*replay.Source)
	if !ok {
		return nil
	}
	rules := analyze.New(s.history, d.reg, analyze.Options{Actions: actionsFor(d.cfg), Now: r.Now, Logger: e.logger})
	for r.Behind() {
		res, err := p.in.RunCycle(ctx)
		d.board.Record(res, err)
		if err != nil {
			return fmt.Errorf("replay the history: %w", err)
		}
		if _, err := rules.AfterCycle(ctx, res); err != nil {
			return fmt.Errorf("replay the history: %w", err)
		}
	}
	return nil
}

// seedBoard fills the board from the history so /status answers before the first cycle.
func seedBoard(ctx context.Context, b *engine.Board, s *stores) error {
	snaps, err := s.history.Latest(ctx)
	if err != nil {
		return err
	}
	states, err := s.state.States(ctx)
	if err != nil {
		return err
	}
	// Snapshots stored before redaction existed are redacted like a fresh cycle's.
	b.Seed(engine.RedactStatus(s.red, engine.Status{Services: snaps}).Services, states)
	return nil
}

// healthChecks keeps the last dependency checks for /health, which must stay cheap.
type healthChecks struct {
	s    *stores
	mu   sync.Mutex
	deps map[string]rest.Dependency
}

func (h *healthChecks) check(ctx context.Context, name, target string, required bool, ping func(context.Context) error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	d := rest.Dependency{Name: name, OK: true, Target: target, CheckedAt: time.Now().UTC(), Required: required}
	if err := ping(cctx); err != nil {
		d.OK, d.Error = false, err.Error()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.deps == nil {
		h.deps = map[string]rest.Dependency{}
	}
	h.deps[name] = d
}

func (h *healthChecks) Dependencies() []rest.Dependency {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]rest.Dependency, 0, len(h.deps))
	for _, d := range h.deps {
		out = append(out, d)
	}
	// The Monits in order ("monit", "monit[0]", …), then Ollama.
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Name == "ollama") != (out[j].Name == "ollama") {
			return out[j].Name == "ollama"
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func (h *healthChecks) DatabaseSizes() map[string]int64 {
	return map[string]int64{"monit_history.db": h.s.history.Size(), "state.db": h.s.state.Size()}
}

// newWebUI wires the web interface to the daemon's parts; its sessions live in state.db.
func newWebUI(cfg config.Config, s *stores, d *daemonParts, accounts *user.Accounts, e *env) (*ui.UI, error) {
	return ui.New(ui.Options{Logger: e.logger}, ui.Deps{Board: d.board, History: s.history, Logs: d.reg,
		Actions: d.flow, Audit: headedAudit{s.history, s.state}, Users: accounts, Sessions: s.state,
		Targets: actionTargets(cfg, d.board, d.localHost), Health: d.health.uiDependencies, Fleet: d.fleet,
		LocalHost: d.localHost})
}

// headedAudit verifies the audit log against the head kept in state.db, as the web UI's
// audit page shows it.
type headedAudit struct {
	*sqliteexport.DB
	state *bolt.Store
}

// VerifyAudit checks the keyed chain and its end against the head; it returns the rows checked.
func (a headedAudit) VerifyAudit(ctx context.Context) (int, error) {
	var head *engine.AuditHead
	h, ok, err := a.state.AuditHead(ctx)
	if err != nil {
		return 0, err
	}
	if ok {
		head = &h
	}
	rep, err := a.DB.VerifyAudit(ctx, head)
	return rep.Rows, err
}

func (h *healthChecks) uiDependencies() []ui.Dependency {
	var out []ui.Dependency
	for _, d := range h.Dependencies() {
		out = append(out, ui.Dependency{Name: d.Name, OK: d.OK, Error: d.Error})
	}
	return out
}

// webSessions lets the web UI's session cookie authenticate the JSON API (the pages' scripts
// call it), as the logged-in user.
type webSessions struct{ web *ui.UI }

func (w webSessions) Authenticate(r *http.Request) (rest.Principal, bool) {
	p, ok := w.web.Authenticate(r)
	return rest.Principal{Name: p.Name, Role: rest.Role(p.Role)}, ok
}
