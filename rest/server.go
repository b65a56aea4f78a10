package rest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
	"monit-intel/logs"
)

// Board is the daemon's in-memory view of the latest cycle (engine.Board).
type Board interface {
	Services() []engine.Classified
	Service(name string) (engine.Classified, error)
	// Version changes whenever the services do; Snapshot shares every host's services
	// with their versions, without copying (read-only).
	Version() uint64
	Snapshot() (uint64, []engine.HostServices)
	LastCycle() engine.CycleInfo
	// The fleet: one host's services, one service of one host, the hosts that have a
	// service of that name, and every host.
	ServicesOn(host string) []engine.Classified
	ServiceOn(host, name string) (engine.Classified, error)
	HostsOf(name string) []string
	Hosts() []string
}

// History reads the long-term record (sqliteexport.DB). An empty host means every host.
type History interface {
	EventsOn(ctx context.Context, host, service string, limit int) ([]engine.Event, error)
	SeriesOn(ctx context.Context, host, service string, since time.Time, limit int) ([]engine.Snapshot, error)
	AnalysesOn(ctx context.Context, host, service string, limit int) ([]engine.Analysis, error)
}

// LogReader reads a service's registry logs (logs.Registry).
type LogReader interface {
	Read(ctx context.Context, service string, n int) (logs.Result, error)
}

// Analyzer runs the analysis workflow on demand.
type Analyzer interface {
	Analyze(ctx context.Context, snap engine.Snapshot, eventID int64, force bool) (engine.Analysis, error)
}

// Health reports the daemon's dependencies (Monit, Ollama) and database sizes. It must be
// cheap: /health is polled.
type Health interface {
	Dependencies() []Dependency
	DatabaseSizes() map[string]int64
}

// Deps are what the API serves.
type Deps struct {
	Board    Board
	History  History
	Logs     LogReader
	Analyzer Analyzer
	Health   Health
	Mother   Mother       // nil: Mother's endpoints answer 503
	Actions  Actions      // nil: the action endpoints answer 503
	Audit    AuditLog     // nil: the audit endpoint answers 503
	Trends   Trends       // nil: /trends answers 503
	Notify   NotifyStatus // nil: /health has no notify section
	Users    Users        // nil: the user endpoints answer 503
	// Redactor passes every string of every response body (logs/redact.Redactor).
	Redactor engine.Redactor
	Fleet    Fleet // nil: /health lists no hosts and /hosts answers an empty list
	// LocalHost is this machine's Monit host, "" while unknown: /logs reads the logs of its
	// services only (logs are local-only). Nil means unknown.
	LocalHost func() string
}

// Fleet knows every Monit host, pushing or polled (engine/fleet).
type Fleet interface {
	Hosts() []enginefleet.Host
}

// Options configure the server.
type Options struct {
	Listen string
	// Token is the API token (user "api", role operator); required. serve reads it from
	// api.token / MONIT_INTEL_TOKEN or creates DATA_DIR/api-token (LoadOrCreateToken).
	Token string
	// Authenticators are tried after the token, in order (a session cookie of the web UI).
	Authenticators []Authenticator
	// AllowedHosts are the host names the Host header may carry besides loopback addresses,
	// localhost and the listen address (api.allowed_hosts).
	AllowedHosts []string
	// Metrics serves Prometheus's /metrics behind the token; nil: /metrics answers 404
	// (metrics.listen serves them without a token instead).
	Metrics http.Handler
	// Collector serves POST /collector (rest/collector), which Monit pushes to with HTTP
	// Basic credentials of its own: the token check lets that one path through to it. Nil:
	// /collector is not served.
	Collector      http.Handler
	Version        string        // shown at / and in the OpenAPI document
	HandlerTimeout time.Duration // every request but streams; default 60 s
	Logger         *slog.Logger
	Now            func() time.Time
	// UI serves the web interface under /ui/ (ui.UI's handler), behind the Host and
	// cross-origin checks but with its own login; nil: none. Its session cookie reaches the
	// API through an Authenticator.
	UI http.Handler
}

// Server is the HTTP API.
type Server struct {
	opts     Options
	deps     Deps
	log      *slog.Logger
	handler  http.Handler
	api      huma.API
	auth     []Authenticator
	hosts    hostAllowList
	started  time.Time
	statuses statusCache // the encoded whole-fleet /status
}

// ErrNoToken refuses to build a server without an API token.
var ErrNoToken = errors.New("no API token: every request but /health and the docs must be authenticated")

// New builds the server and its routes.
//
// Every request passes, in order: the security headers, the Host check (421 for a name the
// daemon is not known by: DNS rebinding), the cross-origin check (403 for a browser request
// from another site), authentication (401 without a principal, but for /health and the docs),
// then huma, which refuses a body that is not application/json (415) and a JSON key that is
// unknown or differs in case (422).
func New(opts Options, deps Deps) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HandlerTimeout <= 0 {
		opts.HandlerTimeout = 60 * time.Second
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.Token == "" {
		return nil, ErrNoToken
	}
	if _, _, err := net.SplitHostPort(opts.Listen); err != nil {
		return nil, fmt.Errorf("listen %q: %w", opts.Listen, err)
	}
	s := &Server{opts: opts, deps: deps, log: opts.Logger.With("component", "rest"), started: opts.Now(),
		auth:  append([]Authenticator{NewTokenAuthenticator(opts.Token)}, opts.Authenticators...),
		hosts: newHostAllowList(opts.Listen, opts.AllowedHosts)}
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("monit-intel", opts.Version)
	cfg.Info.Description = "Monit history, failure analysis and Mother, the assistant that proposes whitelisted actions."
	cfg.DocsPath = "" // huma's page loads scripts from a CDN; ours is embedded (docs.go)
	cfg.CreateHooks = nil
	cfg.Formats = map[string]huma.Format{"application/json": jsonFormat, "json": jsonFormat}
	cfg.Transformers = append(cfg.Transformers, redactBodies(deps.Redactor))
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer"},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}}
	s.api = humago.New(mux, cfg)
	s.api.UseMiddleware(s.requireJSON, s.timeout)
	registerDocs(mux)
	s.registerMetrics(mux)
	s.registerNotifySchema()
	if opts.Collector != nil {
		mux.Handle(http.MethodPost+" "+CollectorPath, opts.Collector)
	}
	s.routes()
	if err := describe(s.api, opts.Listen); err != nil {
		return nil, err
	}
	s.handler = s.logRequests(securityHeaders(s.checkHost(crossOrigin(s.withUI(s.authenticate(routesOnly(mux)))))))
	return s, nil
}

// Handler returns the server's HTTP handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// API returns the huma API (for the OpenAPI document).
func (s *Server) API() huma.API { return s.api }

// Run serves on ln until ctx is done, then shuts down gracefully: new connections are
// refused and requests in flight get up to grace to finish.
func (s *Server) Run(ctx context.Context, ln net.Listener, grace time.Duration) error {
	return runHTTP(ctx, ln, s.handler, s.log, grace)
}

// runHTTP runs handler on ln until ctx is done, then shuts down within grace.
func runHTTP(ctx context.Context, ln net.Listener, handler http.Handler, log *slog.Logger, grace time.Duration) error {
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down %s: %w", ln.Addr(), err)
	}
	return nil
}
