package approve

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/monit"
)

// TestConfirmTheHostsMonit: an action on another host reaches the Monit at its hosts: entry's
// URL only when that Monit answers as the host (its localhostname, and the Monit id the
// fleet knows from its pushes), when proposed and again right before the run; otherwise
// nothing runs and the refusal names both.
func TestConfirmTheHostsMonit(t *testing.T) {
	web2 := engine.Status{Host: "web2", MonitID: "id-web2"}
	beta := engine.Status{Host: "beta", MonitID: "id-beta"}
	down := errors.New("monit at http://10.0.0.12:2812 is unreachable: connection refused")
	always := func(st engine.Status, err error) func(int) (engine.Status, error) {
		return func(int) (engine.Status, error) { return st, err }
	}
	// from answers a (errA) until read n, then b (errB).
	from := func(n int, a engine.Status, errA error, b engine.Status, errB error) func(int) (engine.Status, error) {
		return func(read int) (engine.Status, error) {
			if read < n {
				return a, errA
			}
			return b, errB
		}
	}
	tests := []struct {
		name        string
		answer      func(read int) (engine.Status, error)
		noStatus    bool
		wantPropose string // the refusal; "" when proposed
		wantStatus  string // of Execute
		wantError   string // part of Execute's error text
		wantRuns    int
	}{
		{name: "the host's own Monit", answer: always(web2, nil), wantStatus: engine.AuditExecuted, wantRuns: 1},
		{name: "another host's Monit", answer: always(beta, nil),
			wantPropose: "hosts.web2.url (http://10.0.0.12:2812) answers as Monit beta (id id-beta), not web2 (id id-web2): nothing was run"},
		{name: "the host's name with another Monit id", answer: always(engine.Status{Host: "web2", MonitID: "id-impostor"}, nil),
			wantPropose: "answers as Monit web2 (id id-impostor), not web2 (id id-web2)"},
		{name: "no way to read the status", noStatus: true,
			wantPropose: "hosts.web2: there is no way to read its Monit's status"},
		{name: "unreadable when proposed, the host's when approved", answer: from(2, engine.Status{}, down, web2, nil),
			wantStatus: engine.AuditExecuted, wantRuns: 1},
		{name: "another host's Monit by the approval", answer: from(2, web2, nil, beta, nil),
			wantStatus: engine.AuditRefused, wantError: "answers as Monit beta (id id-beta), not web2"},
		{name: "another host's Monit right before the run", answer: from(3, web2, nil, beta, nil),
			wantStatus: engine.AuditRefused, wantError: "answers as Monit beta (id id-beta), not web2"},
		{name: "unreachable right before the run", answer: from(3, web2, nil, engine.Status{}, down),
			wantStatus: engine.AuditFailed, wantError: `host "web2": cannot confirm that hosts.web2.url (http://10.0.0.12:2812) is web2's Monit: monit at http://10.0.0.12:2812 is unreachable`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFleet(t)
			f.web2Monit.answer = tt.answer
			if tt.noStatus {
				r := f.flow.opts.Hosts.Remote["web2"]
				r.Status = nil
				f.flow.opts.Hosts.Remote["web2"] = r
			}
			p, err := f.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Host: "web2", Service: "job"}, engine.SourceAPI, "")
			if tt.wantPropose != "" {
				if !errors.Is(err, act.ErrRefused) || !strings.Contains(err.Error(), tt.wantPropose) {
					t.Fatalf("Propose() error = %v, want a refusal saying %q", err, tt.wantPropose)
				}
				if row := f.audit.last(); row.Result != engine.AuditRefused || row.Host != "web2" || !strings.Contains(row.Error, tt.wantPropose) {
					t.Errorf("audit row = %+v, want refused on web2 with the reason", row)
				}
				if f.web2.count() != 0 || f.local.count() != 0 {
					t.Errorf("runs: web2 %d, local %d; want none", f.web2.count(), f.local.count())
				}
				return
			}
			if err != nil {
				t.Fatalf("Propose() error = %v, want a proposal", err)
			}
			out, err := f.flow.Execute(t.Context(), p.ID, true, false)
			if out.Status != tt.wantStatus || !strings.Contains(out.Error, tt.wantError) {
				t.Errorf("Execute() = %+v, %v; want %s with %q", out, err, tt.wantStatus, tt.wantError)
			}
			if (tt.wantStatus == engine.AuditRefused) != errors.Is(err, act.ErrRefused) {
				t.Errorf("Execute() error = %v, want act.ErrRefused only for a refusal", err)
			}
			if f.web2.count() != tt.wantRuns || f.local.count() != 0 {
				t.Errorf("runs: web2 %d, local %d; want %d on web2 only", f.web2.count(), f.local.count(), tt.wantRuns)
			}
			if row := f.audit.last(); row.Result != tt.wantStatus || row.Host != "web2" || !strings.Contains(row.Error, tt.wantError) {
				t.Errorf("last audit row = %+v, want %s on web2 with the reason", row, tt.wantStatus)
			}
		})
	}
}

// TestConfirmAgainstMonitsOwnStatus: the hosts: entry of gamma points at a Monit (an httptest
// server speaking Monit's HTTP interface, answering with a real Monit 5.33 status) whose
// localhostname is monittest: the restart on gamma is refused and no POST reaches it; the
// same Monit entered as monittest, with the id the fleet knows, takes the restart.
func TestConfirmAgainstMonitsOwnStatus(t *testing.T) {
	doc, err := os.ReadFile("../../testdata/monit/all-types.xml")
	if err != nil {
		t.Fatal(err)
	}
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "admin" || p != "pw" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/_status":
			w.Header().Set("Content-Type", "text/xml")
			w.Write(doc)
		case r.Method == http.MethodPost && r.URL.Path == "/sleeper":
			posts.Add(1)
			w.Header().Set("Location", "/sleeper")
			w.WriteHeader(http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	const realID = "ab7f5ce999d6c17989bc56f8b523bdef" // the document's <server><id>
	tests := []struct {
		name       string
		host       string
		knownID    string
		wantErr    string
		wantStatus string
		wantPosts  int32
	}{
		{"another host's URL", "gamma", "id-gamma", "hosts.gamma.url (" + srv.URL + ") answers as Monit monittest (id " + realID + "), not gamma (id id-gamma): nothing was run", "", 0},
		{"another host's URL, gamma never pushed", "gamma", "", "answers as Monit monittest (id " + realID + "), not gamma: nothing was run", "", 0},
		{"the host's own URL", "monittest", realID, "", engine.AuditExecuted, 1},
		{"the host's name, another Monit", "monittest", "0123456789abcdef0123456789abcdef", "not monittest (id 0123456789abcdef0123456789abcdef)", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			posts.Store(0)
			client, err := monit.New(monit.Options{URL: srv.URL, Username: "admin", Password: "pw"})
			if err != nil {
				t.Fatal(err)
			}
			opts := act.Options{MonitURL: srv.URL, MonitUser: "admin", MonitPassword: "pw", MonitRemote: true, MonitHost: tt.host}
			audit := &memAudit{}
			targets := func(_ context.Context, host string) (act.Targets, error) {
				return act.Targets{Services: map[string]bool{"sleeper": host == tt.host}}, nil
			}
			flow := New(&memProposals{m: map[string]engine.Proposal{}}, audit, targets, &fakeRunner{}, Options{
				Hosts: Hosts{Local: func() string { return "local" }, Known: func() []string { return []string{"local", tt.host} },
					Of:      func(string) []string { return []string{tt.host} },
					Remote:  map[string]Remote{tt.host: {Act: opts, Runner: act.NewRunner(opts), Status: client}},
					MonitID: func(h string) string { return map[string]string{tt.host: tt.knownID}[h] }}})
			p, err := flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Host: tt.host, Service: "sleeper"}, engine.SourceAPI, "")
			if tt.wantErr != "" {
				if !errors.Is(err, act.ErrRefused) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Propose() error = %v, want a refusal saying %q", err, tt.wantErr)
				}
				if row := audit.last(); row.Result != engine.AuditRefused || row.Host != tt.host {
					t.Errorf("audit row = %+v, want refused on %s", row, tt.host)
				}
			} else {
				out, err := flow.Execute(t.Context(), p.ID, true, false)
				if err != nil || out.Status != tt.wantStatus {
					t.Errorf("Execute() = %+v, %v; want %s", out, err, tt.wantStatus)
				}
			}
			if got := posts.Load(); got != tt.wantPosts {
				t.Errorf("Monit got %d action POSTs, want %d", got, tt.wantPosts)
			}
		})
	}
}

// TestDryRunConfirmsTheHostsMonit: a dry run reads the Monit at the entry's URL too and says
// it would be refused when another host's Monit answers there; nothing runs.
func TestDryRunConfirmsTheHostsMonit(t *testing.T) {
	f := newFleet(t)
	p, err := f.flow.Propose(t.Context(), engine.SuggestedAction{Action: "restart", Host: "web2", Service: "job"}, engine.SourceAPI, "")
	if err != nil {
		t.Fatal(err)
	}
	f.web2Monit.answer = func(int) (engine.Status, error) { return engine.Status{Host: "db", MonitID: "id-db"}, nil }
	out, err := f.flow.Execute(t.Context(), p.ID, true, true)
	if err != nil || out.Status != engine.AuditDryRun || !strings.Contains(out.Error, "answers as Monit db (id id-db), not web2") {
		t.Errorf("dry run = %+v, %v; want dry_run saying another Monit answers", out, err)
	}
	if f.web2.count() != 0 {
		t.Errorf("web2's runner ran %d times in a dry run", f.web2.count())
	}
}
