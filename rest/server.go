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
	"monit-intel/logs"
)

// Board is the daemon's in-memory view of the latest cycle (engine.Board).
type Board interface {
	Services() []engine.Classified
	Service(name string) (engine.Classified, error)
	LastCycle() engine.CycleInfo
}

// History reads the long-term record (sqliteexport.DB).
type History interface {
	Events(ctx context.Context, service string, limit int) ([]engine.Event, error)
	Series(ctx context.Context, service string, since time.Time, limit int) ([]engine.Snapshot, error)
	Analyses(ctx context.Context, service string, limit int) ([]engine.Analysis, error)
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
	Mother   Mother   // nil: Mother's endpoints answer 503
	Actions  Actions  // nil: the action endpoints answer 503
	Audit    AuditLog // nil: the audit endpoint answers 503
}

// Options configure the server.
type Options struct {
	Listen         string
	Token          string        // bearer token; empty: no auth (loopback only)
	Version        string        // shown at / and in the OpenAPI document
	HandlerTimeout time.Duration // every request but streams; default 60 s
	Logger         *slog.Logger
	Now            func() time.Time
}

// Server is the HTTP API.
type Server struct {
	opts    Options
	deps    Deps
	log     *slog.Logger
	handler http.Handler
	api     huma.API
	started time.Time
}

// ErrInsecureListen refuses a non-loopback address without a token.
var ErrInsecureListen = errors.New("refusing to listen on a non-loopback address without an API token")

// New builds the server and its routes. It refuses a non-loopback listen address without a
// token: the API can run actions.
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
	if err := checkListen(opts.Listen, opts.Token); err != nil {
		return nil, err
	}
	s := &Server{opts: opts, deps: deps, log: opts.Logger.With("component", "rest"), started: opts.Now()}
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("monit-intel", opts.Version)
	cfg.Info.Description = "Monit history, failure analysis and Mother, the assistant that proposes whitelisted actions."
	cfg.DocsPath = "" // huma's page loads scripts from a CDN; ours is embedded (docs.go)
	cfg.CreateHooks = nil
	if opts.Token != "" {
		cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
			"bearer": {Type: "http", Scheme: "bearer"},
		}
		cfg.Security = []map[string][]string{{"bearer": {}}}
	}
	s.api = humago.New(mux, cfg)
	s.api.UseMiddleware(s.timeout)
	registerDocs(mux)
	s.routes()
	s.handler = s.logRequests(s.authenticate(mux))
	return s, nil
}

// Handler returns the server's HTTP handler (for tests and embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// API returns the huma API (for the OpenAPI document).
func (s *Server) API() huma.API { return s.api }

func checkListen(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen %q: %w", addr, err)
	}
	if token != "" {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: %q is reachable from other machines; set api.token (or MONIT_INTEL_TOKEN), or listen on 127.0.0.1",
		ErrInsecureListen, addr)
}

// Run serves on ln until ctx is done, then shuts down gracefully: new connections are
// refused and requests in flight get up to grace to finish.
func (s *Server) Run(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
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
		return fmt.Errorf("shut down the API: %w", err)
	}
	return nil
}
