package rest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/humatest"

	"monit-intel/engine"
	"monit-intel/logs"
)

type fakeHistory struct {
	events   func(service string, limit int) ([]engine.Event, error)
	series   func(service string, since time.Time, limit int) ([]engine.Snapshot, error)
	analyses func(service string, limit int) ([]engine.Analysis, error)
}

// The fake keeps the rows of the host asked for, as sqliteexport does (TestHostFilters).
func (f fakeHistory) EventsOn(_ context.Context, host, s string, n int) ([]engine.Event, error) {
	events, err := f.events(s, n)
	return slices.DeleteFunc(events, func(e engine.Event) bool { return host != "" && e.Host != host }), err
}
func (f fakeHistory) SeriesOn(_ context.Context, _, s string, since time.Time, n int) ([]engine.Snapshot, error) {
	return f.series(s, since, n)
}
func (f fakeHistory) AnalysesOn(_ context.Context, host, s string, n int) ([]engine.Analysis, error) {
	list, err := f.analyses(s, n)
	return slices.DeleteFunc(list, func(a engine.Analysis) bool { return host != "" && a.Host != host }), err
}

type fakeLogs func(service string, n int) (logs.Result, error)

func (f fakeLogs) Read(_ context.Context, s string, n int) (logs.Result, error) { return f(s, n) }

type fakeAnalyzer func(snap engine.Snapshot, force bool) (engine.Analysis, error)

func (f fakeAnalyzer) Analyze(_ context.Context, snap engine.Snapshot, _ int64, force bool) (engine.Analysis, error) {
	return f(snap, force)
}

type fakeHealth struct{ deps []Dependency }

func (f fakeHealth) Dependencies() []Dependency { return f.deps }
func (f fakeHealth) DatabaseSizes() map[string]int64 {
	return map[string]int64{"monit_history.db": 4096}
}

var t0 = time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)

// fleet is a board with a failing program, a failing host and an OK process on two hosts.
func fleet() *engine.Board {
	b := engine.NewBoard()
	b.Record(engine.CycleResult{Started: t0, Services: []engine.Classified{
		{Snapshot: engine.Snapshot{Host: "nas", Name: "system_backup", Type: engine.TypeProgram, Status: engine.BitStatus,
			Monitor: 1, CollectedAt: t0, Program: &engine.ProgramFigures{ExitStatus: new(11), Output: "rsync failed"}},
			State: engine.FailureState{State: engine.StateNew, Since: t0, Failures: 3}},
		{Snapshot: engine.Snapshot{Host: "nas", Name: "nordvpn_status", Type: engine.TypeHost, Status: engine.BitConnection,
			Monitor: 1, CollectedAt: t0, Ports: []engine.PortCheck{{Hostname: "10.0.0.1", Port: 443, Protocol: "HTTP", ResponseSec: -1}}},
			State: engine.FailureState{State: engine.StateOngoing, Since: t0.Add(-time.Hour), Failures: 1}},
		{Snapshot: engine.Snapshot{Host: "pi", Name: "sshd", Type: engine.TypeProcess, Monitor: 1, CollectedAt: t0,
			Process:    &engine.ProcessFigures{PID: new(812)},
			ParseNotes: []engine.ParseNote{{Field: "memory/kilobyte", Value: "1.2 parsecs", Problem: `unknown unit "parsecs"`}}}, State: engine.FailureState{State: engine.StateOK}},
	}}, nil)
	return b
}

func events(n int) []engine.Event {
	var out []engine.Event
	for i := range n {
		out = append(out, engine.Event{ID: int64(n - i), At: t0.Add(-time.Duration(i) * time.Hour), Host: "nas",
			Service: "nordvpn_status", Kind: engine.StateNew, Status: engine.BitConnection, Detail: "Connection failed"})
	}
	return out
}

func testDeps() Deps {
	return Deps{
		Board: fleet(),
		History: fakeHistory{
			events: func(service string, limit int) ([]engine.Event, error) {
				if service != "" && service != "nordvpn_status" {
					return nil, nil
				}
				return events(min(limit, 7)), nil
			},
			series: func(string, time.Time, int) ([]engine.Snapshot, error) {
				return []engine.Snapshot{{Host: "nas", Name: "sshd", Type: engine.TypeProcess, CollectedAt: t0}}, nil
			},
			analyses: func(service string, _ int) ([]engine.Analysis, error) {
				if service != "" && service != "system_backup" {
					return nil, nil
				}
				return []engine.Analysis{{ID: 1, Service: "system_backup", Source: engine.SourceRules, Causes: []string{"disk_full"}}}, nil
			},
		},
		Logs: fakeLogs(func(service string, n int) (logs.Result, error) {
			if service != "system_backup" {
				return logs.Result{}, fmt.Errorf("%w for %q", logs.ErrNoSource, service) // as the registry words it
			}
			return logs.Result{Service: service, Strategy: logs.StrategyTail, Source: "/var/log/backup.log",
				MaxLines: 150, Lines: []string{"rsync: No space left on device"}}, nil
		}),
		Analyzer: fakeAnalyzer(func(snap engine.Snapshot, force bool) (engine.Analysis, error) {
			return engine.Analysis{Service: snap.Name, Source: engine.SourceRules, Causes: []string{"x"}, Cached: !force}, nil
		}),
		Health: fakeHealth{deps: []Dependency{{Name: "monit", OK: true}, {Name: "ollama", OK: false, Error: "down"}}},
	}
}

// testToken is the API token of newTestServer's servers.
const testToken = "test-token"

// newTestServer builds a server and a humatest API whose requests go through the whole
// handler (host check, authentication) as the local client "api" would send them: Host
// 127.0.0.1:8000 and the token, unless the request sets its own.
func newTestServer(t *testing.T, opts Options, deps Deps) (*Server, humatest.TestAPI) {
	t.Helper()
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	if opts.Token == "" {
		opts.Token = testToken
	}
	opts.Now = func() time.Time { return t0 }
	s, err := New(opts, deps)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return s, humatest.Wrap(t, wholeHandler{API: s.API(), h: s.Handler(), token: opts.Token})
}

// wholeHandler is a huma.API whose adapter serves through the server's full handler.
type wholeHandler struct {
	huma.API
	h     http.Handler
	token string
}

func (w wholeHandler) Adapter() huma.Adapter {
	return wholeAdapter{Adapter: w.API.Adapter(), w: w}
}

type wholeAdapter struct {
	huma.Adapter
	w wholeHandler
}

func (a wholeAdapter) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Host == "" {
		r.Host = "127.0.0.1:8000"
	}
	if _, ok := r.Header["Authorization"]; !ok {
		r.Header.Set("Authorization", "Bearer "+a.w.token)
	}
	a.w.h.ServeHTTP(rw, r)
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}
