package ui

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/approve"
	"monit-intel/engine/user"
	"monit-intel/logs"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Board is the daemon's view of the latest cycle (engine.Board).
type Board interface {
	Services() []engine.Classified
	// ServiceOn is a service of one host; HostsOf the hosts that have a service of that name.
	ServiceOn(host, name string) (engine.Classified, error)
	HostsOf(name string) []string
	// Hosts are the hosts on the board, sorted.
	Hosts() []string
	LastCycle() engine.CycleInfo
}

// History reads the long-term record (sqliteexport.DB).
type History interface {
	// EventsOn, SeriesOn and AnalysesOn read one service of one host.
	EventsOn(ctx context.Context, host, service string, limit int) ([]engine.Event, error)
	SeriesOn(ctx context.Context, host, service string, since time.Time, limit int) ([]engine.Snapshot, error)
	AnalysesOn(ctx context.Context, host, service string, limit int) ([]engine.Analysis, error)
	// Recent returns every service's snapshots since a time, oldest first, at most one per
	// step: the overview's sparklines in one query.
	Recent(ctx context.Context, since time.Time, step time.Duration) (map[engine.ServiceKey][]engine.Snapshot, error)
}

// Audit reads and verifies the action audit log (sqliteexport.DB).
type Audit interface {
	AuditEntries(ctx context.Context, limit int) ([]engine.AuditEntry, error)
	VerifyAudit(ctx context.Context) (int, error)
}

// Actions is the approval flow (approve.Flow).
type Actions interface {
	Propose(ctx context.Context, a engine.SuggestedAction, source, proposer string) (engine.Proposal, error)
	Execute(ctx context.Context, id string, approve, dryRun bool) (approve.Outcome, error)
	Pending(ctx context.Context) ([]engine.Proposal, error)
	// Preview resolves an action as Propose would, storing nothing: the command with how it
	// will run (another host's Monit through its HTTP interface), or why it is refused.
	Preview(ctx context.Context, a engine.SuggestedAction) (act.Command, error)
}

// LogReader reads a service's registry logs (logs.Registry).
type LogReader interface {
	Read(ctx context.Context, service string, n int) (logs.Result, error)
}

// Authenticator checks a login and finds the user of a session (user.Accounts).
type Authenticator interface {
	Authenticate(ctx context.Context, name, password string) (user.User, error)
	Lookup(ctx context.Context, name string) (user.User, error)
}

// SessionStore keeps sessions across restarts (bolt.Store).
type SessionStore interface {
	FindSession(token string, now time.Time) ([]byte, bool, error)
	CommitSession(token string, data []byte, expiry time.Time) error
	DeleteSession(token string) error
}

// Dependency is the last check of something the daemon needs (Monit, Ollama).
type Dependency struct {
	Name  string
	OK    bool
	Error string
}

// Deps are what the UI shows and acts through. Actions and Audit may be nil (the pages say
// they are not configured); Targets says which actions apply to a service.
type Deps struct {
	Board    Board
	History  History
	Logs     LogReader
	Actions  Actions
	Audit    Audit
	Users    Authenticator
	Sessions SessionStore // nil: sessions in memory
	Targets  func(ctx context.Context, host string) (act.Targets, error)
	Health   func() []Dependency
	// Fleet marks STALE hosts and knows hosts without services; nil: none is ever stale.
	Fleet Fleet
	// LocalHost is this machine's Monit host, "" while unknown: logs are read for its
	// services only (fleet.LogsHere). Nil means unknown.
	LocalHost func() string
}

// Options configure the UI.
type Options struct {
	IdleTimeout  time.Duration // default 30 min
	SecureCookie bool          // set when the daemon is reached over HTTPS
	Logger       *slog.Logger
	Now          func() time.Time
	// Poll is how often the live stream looks for a new cycle; default 1 s.
	Poll time.Duration
}

// UI is the web interface.
type UI struct {
	deps    Deps
	opts    Options
	log     *slog.Logger
	pages   map[string]*template.Template
	sm      *scs.SessionManager
	limiter *limiter
	hashing chan struct{} // a slot per password check running
	sparks  sparkCache
	handler http.Handler
	done    chan struct{} // closed by Close: the event streams end
	close   sync.Once
}

// maxHashing bounds the password checks running at once.
const maxHashing = 2

// Prefix is where the UI is served.
const Prefix = "/ui/"

// New builds the UI.
func New(opts Options, deps Deps) (*UI, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 30 * time.Minute
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	u := &UI{deps: deps, opts: opts, log: opts.Logger.With("component", "ui"), pages: pages,
		limiter: newLimiter(5, time.Minute, opts.Now), hashing: make(chan struct{}, maxHashing), done: make(chan struct{})}
	u.sm = newSessions(opts, deps.Sessions)
	u.handler = u.routes()
	return u, nil
}

// Close ends the open event streams, so that a shutting-down server does not wait for the
// browsers on them (they reconnect to the next daemon on their own).
func (u *UI) Close() { u.close.Do(func() { close(u.done) }) }

// Handler serves everything under Prefix.
func (u *UI) Handler() http.Handler { return u.handler }

func (u *UI) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /ui/static/", http.StripPrefix("/ui/static/", cacheFor(http.FileServerFS(static))))
	mux.HandleFunc("GET /ui/login", u.loginForm)
	mux.HandleFunc("POST /ui/login", u.login)
	mux.HandleFunc("POST /ui/logout", u.logout)
	mux.Handle("GET /ui/{$}", u.need(user.RoleViewer, u.overview))
	mux.Handle("GET /ui/events", u.need(user.RoleViewer, u.events))
	mux.Handle("GET /ui/services/{name}", u.need(user.RoleViewer, u.service))
	mux.Handle("POST /ui/services/{name}/propose", u.need(user.RoleOperator, u.propose))
	mux.Handle("GET /ui/mother", u.need(user.RoleViewer, u.mother))
	mux.Handle("GET /ui/approvals", u.need(user.RoleViewer, u.approvals))
	mux.Handle("GET /ui/approvals/{id}", u.need(user.RoleViewer, u.confirm))
	mux.Handle("POST /ui/approvals/{id}", u.need(user.RoleOperator, u.decide))
	mux.Handle("GET /ui/audit", u.need(user.RoleViewer, u.audit))
	mux.Handle("GET /ui/audit.csv", u.need(user.RoleViewer, u.auditCSV))
	mux.HandleFunc("/ui/", func(w http.ResponseWriter, r *http.Request) {
		u.fail(w, r, http.StatusNotFound, "There is no such page.")
	})
	return securityHeaders(u.sm.LoadAndSave(mux))
}

// csp allows only this origin: no inline script or style, no frames. uPlot sets styles
// through the CSSOM, which style-src does not govern.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func cacheFor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// WantsHTML reports whether a request for / comes from a browser (its Accept names
// text/html), which is sent to the UI; API clients keep the JSON.
func WantsHTML(r *http.Request) bool {
	return r.Method == http.MethodGet && acceptsHTML(r.Header.Get("Accept"))
}

func parsePages() (map[string]*template.Template, error) {
	names := []string{"overview", "service", "choosehost", "mother", "approvals", "confirm", "audit", "login", "error"}
	pages := make(map[string]*template.Template, len(names))
	for _, n := range names {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+n+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", n, err)
		}
		pages[n] = t
	}
	return pages, nil
}
