package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"monit-intel/engine"
	"monit-intel/engine/approve"
)

// recordingActions is an approval flow that keeps proposals and records what ran and on whose
// behalf.
type recordingActions struct {
	mu       sync.Mutex
	props    []engine.Proposal
	ran      []string // "id approve=… by actor"
	proposer []string // actors of proposals
}

func (r *recordingActions) Propose(ctx context.Context, a engine.SuggestedAction, source, _ string) (engine.Proposal, error) {
	action, service := a.Action, a.Service
	r.mu.Lock()
	defer r.mu.Unlock()
	p := engine.Proposal{ID: fmt.Sprintf("p%d", len(r.props)+1), Action: action, Service: service,
		Command: "systemctl restart " + service, Source: source, State: engine.ProposalPending, ExpiresAt: t0.Add(600e9)}
	r.props = append(r.props, p)
	r.proposer = append(r.proposer, engine.ActorFrom(ctx))
	return p, nil
}

func (r *recordingActions) Execute(ctx context.Context, id string, ok, dry bool) (approve.Outcome, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ran = append(r.ran, fmt.Sprintf("%s approve=%v dry=%v by %s", id, ok, dry, engine.ActorFrom(ctx)))
	return approve.Outcome{Status: engine.AuditExecuted}, nil
}

func (r *recordingActions) Pending(context.Context) ([]engine.Proposal, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]engine.Proposal(nil), r.props...), nil
}

// actionServer is a test server whose approval flow records what it is asked.
func actionServer(t *testing.T, opts Options) (*Server, *recordingActions) {
	t.Helper()
	deps := testDeps()
	acts := &recordingActions{}
	deps.Actions = acts
	s, _ := newTestServer(t, opts, deps)
	return s, acts
}

// attacker sends what a page on another site sends through a DNS-rebinding name: the
// attacker's host and origin, no token, no Content-Type (a "simple" fetch).
func attacker(host string) http.Header {
	return http.Header{"Host": {host}, "Origin": {"http://" + host}, "Authorization": {""}}
}

// TestDNSRebindingAttack replays the attack of issue 12: propose `systemctl restart`, read the
// id from GET /mother/actions, approve it. Before, with no token configured, the command ran.
func TestDNSRebindingAttack(t *testing.T) {
	for _, host := range []string{"rebind.example:8000", "REBIND.example:8000", "127.0.0.1.nip.io:8000",
		"localhost.rebind.example:8000", "rebind.example", "0.0.0.0:8000", "[::]:8000", "127.1:8000", "localhost:8000"} {
		t.Run(host, func(t *testing.T) {
			s, acts := actionServer(t, Options{Listen: "0.0.0.0:8000"})
			h := attacker(host)
			rec := doRaw(t, s.Handler(), "POST", "/mother/actions/suggest", `{"action":"systemctl_restart","service":"sshd"}`, h)
			if rec.Code < 400 {
				t.Errorf("suggest = %d, want refused", rec.Code)
			}
			acts.Propose(t.Context(), engine.SuggestedAction{Action: "systemctl_restart", Service: "sshd"}, engine.SourceAPI, "") // as if it had got through
			rec = doRaw(t, s.Handler(), "GET", "/mother/actions", "", h)
			if rec.Code < 400 || strings.Contains(rec.Body.String(), `"p1"`) {
				t.Errorf("GET /mother/actions = %d %s, want refused without the id", rec.Code, rec.Body)
			}
			for _, body := range []string{`{"id":"p1","approve":true}`, `{"id":"p1","approve":false,"Approve":true}`} {
				rec = doRaw(t, s.Handler(), "POST", "/mother/actions/execute", body, h)
				if rec.Code < 400 {
					t.Errorf("execute %s = %d, want refused", body, rec.Code)
				}
			}
			if len(acts.ran) != 0 {
				t.Errorf("the attack ran %v", acts.ran)
			}
		})
	}
}

func TestHostHeader(t *testing.T) {
	s, _ := newTestServer(t, Options{Listen: "192.168.1.5:8000", AllowedHosts: []string{"monit.home.arpa", "Intel.Example."}}, testDeps())
	tests := []struct {
		host string
		want int
	}{
		{"127.0.0.1:8000", 200},
		{"127.0.0.1", 200},
		{"127.9.9.9:8000", 200},
		{"[::1]:8000", 200},
		{"[::1]", 200},
		{"localhost:8000", 200},
		{"LOCALHOST.:8000", 200},
		{"192.168.1.5:8000", 200}, // the listen address
		{"monit.home.arpa:8000", 200},
		{"intel.example", 200},
		{"rebind.example:8000", 421},
		{"monit.home.arpa.rebind.example", 421},
		{"localhost.rebind.example", 421},
		{"192.168.1.6:8000", 421},
		{"0.0.0.0:8000", 421},
		{"", 421},
		{strings.Repeat("a", 300), 421},
	}
	for _, tt := range tests {
		rec := doRaw(t, s.Handler(), "GET", "/status", "", http.Header{"Host": {tt.host}})
		if tt.host == "" {
			req, _ := http.NewRequest("GET", "/status", nil)
			req.Header.Set("Authorization", "Bearer "+testToken)
			rec = serve(s.Handler(), req)
		}
		if rec.Code != tt.want {
			t.Errorf("GET /status with Host %.40q = %d, want %d", tt.host, rec.Code, tt.want)
		}
		if rec.Code == 421 && (rec.Header().Get("Content-Type") != "application/problem+json" ||
			!strings.Contains(rec.Body.String(), "api.allowed_hosts") || len(rec.Body.String()) > 400) {
			t.Errorf("421 body = %q, want a short problem naming api.allowed_hosts", rec.Body)
		}
	}
}

func TestCrossOriginRefused(t *testing.T) {
	s, acts := actionServer(t, Options{})
	json := http.Header{"Content-Type": {"application/json"}}
	with := func(kv ...string) http.Header {
		h := json.Clone()
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name   string
		method string
		hdr    http.Header
		want   int
	}{
		{"a program (no browser headers)", "POST", json, 200},
		{"same origin", "POST", with("Sec-Fetch-Site", "same-origin", "Origin", "http://127.0.0.1:8000"), 200},
		{"typed in the address bar", "POST", with("Sec-Fetch-Site", "none"), 200},
		{"cross-site", "POST", with("Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example"), 403},
		{"same-site other port", "POST", with("Sec-Fetch-Site", "same-site", "Origin", "http://127.0.0.1:9999"), 403},
		{"old browser, other origin", "POST", with("Origin", "http://evil.example"), 403},
		{"old browser, null origin", "POST", with("Origin", "null"), 403},
	}
	for _, tt := range tests {
		rec := doRaw(t, s.Handler(), tt.method, "/mother/actions/execute", `{"id":"p1","approve":true}`, tt.hdr)
		if rec.Code != tt.want {
			t.Errorf("%s: execute = %d %s, want %d", tt.name, rec.Code, rec.Body, tt.want)
		}
	}
	if len(acts.ran) != 3 {
		t.Errorf("ran %v, want only the three accepted requests", acts.ran)
	}
}

func TestBodyMustBeJSON(t *testing.T) {
	s, acts := actionServer(t, Options{})
	paths := map[string]string{
		"/mother/actions/execute": `{"id":"p1","approve":true}`,
		"/mother/actions/suggest": `{"action":"restart","service":"sshd"}`,
		"/analyze":                `{"service":"system_backup"}`,
		"/mother/chat":            `{"message":"hi"}`,
	}
	for path, body := range paths {
		for _, ct := range []string{"", "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
			"multipart/form-data; boundary=x", "application/jsonx", "application/json-patch+json", "json", ";;"} {
			rec := doRaw(t, s.Handler(), "POST", path, body, http.Header{"Content-Type": {ct}})
			if rec.Code != http.StatusUnsupportedMediaType || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("POST %s with Content-Type %q = %d %s, want a 415 problem", path, ct, rec.Code, rec.Header().Get("Content-Type"))
			}
		}
	}
	rec := doRaw(t, s.Handler(), "POST", "/mother/actions/execute", `{"id":"p1","approve":true}`,
		http.Header{"Content-Type": {"application/json; charset=utf-8"}})
	if rec.Code != 200 {
		t.Errorf("execute with a charset = %d, want 200", rec.Code)
	}
	if len(acts.ran) != 1 {
		t.Errorf("ran %v, want only the JSON request", acts.ran)
	}
}

func TestJSONKeysAreStrict(t *testing.T) {
	s, acts := actionServer(t, Options{})
	tests := []struct{ path, body, why string }{
		{"/mother/actions/execute", `{"id":"p1","approve":false,"Approve":true}`, `Approve`},
		{"/mother/actions/execute", `{"id":"p1","Approve":true}`, `did you mean`},
		{"/mother/actions/execute", `{"ID":"p1","approve":true}`, `ID`},
		{"/mother/actions/execute", `{"id":"p1","approve":true,"approve":false}`, "twice"},
		{"/mother/actions/execute", `{"id":"p1","approve":true,"dry_Run":false}`, `dry_Run`},
		{"/mother/actions/execute", `{"id":"p1","approve":true,"force":true}`, `force`},
		{"/mother/actions/execute", `{"id":"p1","approve":true,"ſd":1}`, `ſd`}, // ſ folds to s in encoding/json
		{"/mother/actions/execute", `{"id":"p1","approve":true,"İd":1}`, `İd`},
		{"/mother/actions/suggest", `{"action":"restart","service":"sshd","Service":"sshd;reboot"}`, `Service`},
		{"/analyze", `{"service":"system_backup","FORCE":true}`, `FORCE`},
		{"/mother/chat", `{"message":"hi","Session":"x"}`, `Session`},
	}
	for _, tt := range tests {
		rec := doRaw(t, s.Handler(), "POST", tt.path, tt.body, http.Header{"Content-Type": {"application/json"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), tt.why) {
			t.Errorf("POST %s %s = %d %s, want 422 naming %s", tt.path, tt.body, rec.Code, rec.Body, tt.why)
		}
	}
	if len(acts.ran) != 0 || len(acts.props) != 0 {
		t.Errorf("strict bodies let through: ran %v, proposed %v", acts.ran, acts.props)
	}
}

func TestUnmarshalStrictNested(t *testing.T) {
	type inner struct {
		Name string `json:"name"`
	}
	type embedded struct {
		Extra string `json:"extra,omitempty"`
	}
	type outer struct {
		embedded
		Items  []inner           `json:"items"`
		ByName map[string]*inner `json:"by_name"`
		Raw    json.RawMessage   `json:"raw"`
		Any    any               `json:"any"`
		Skip   string            `json:"-"`
		Plain  int
	}
	tests := []struct {
		body    string
		wantErr string
	}{
		{`{"extra":"x","items":[{"name":"a"}],"by_name":{"k":{"name":"b"}},"raw":{"Any":1},"any":{"X":{"y":2}},"Plain":3}`, ""},
		{`{"items":[{"name":"a"},{"Name":"b"}]}`, `body.items[1]: unknown field "Name"`},
		{`{"by_name":{"k":{"nAme":"b"}}}`, `body.by_name.k: unknown field "nAme"`},
		{`{"by_name":{"k":{},"K":{}}}`, "twice"},
		{`{"Extra":"x"}`, `unknown field "Extra"`},
		{`{"-":"x"}`, `unknown field "-"`},
		{`{"Skip":"x"}`, `unknown field "Skip"`},
		{`{"plain":3}`, `unknown field "plain"`},
		{`[]`, "cannot unmarshal"},
		{`{"items":`, "unexpected end"},
	}
	for _, tt := range tests {
		var v outer
		err := unmarshalStrict([]byte(tt.body), &v)
		if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("unmarshalStrict(%s) = %v, want %q", tt.body, err, tt.wantErr)
		}
	}
	var loose any
	if err := unmarshalStrict([]byte(`{"a":1,"A":2}`), &loose); err != nil {
		t.Errorf("unmarshalStrict into any = %v, want nil (huma validates that pass)", err)
	}
}

func TestSecurityHeadersEverywhere(t *testing.T) {
	s, _ := newTestServer(t, Options{}, testDeps())
	tests := []struct {
		method, path string
		hdr          http.Header
	}{
		{"GET", "/status", nil},
		{"GET", "/health", http.Header{"Authorization": {""}}},
		{"GET", "/status", http.Header{"Authorization": {""}}},
		{"GET", "/status", http.Header{"Host": {"evil.example"}}},
		{"GET", "/nosuch", nil},
		{"GET", "/openapi.json", nil},
		{"GET", "/docs", nil},
		{"GET", "/docs/redoc.standalone.js", nil},
		{"POST", "/mother/actions/execute", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"POST", "/analyze", nil},
	}
	for _, tt := range tests {
		rec := doRaw(t, s.Handler(), tt.method, tt.path, "", tt.hdr)
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" ||
			!strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") ||
			(tt.path != "/docs/redoc.standalone.js" && h.Get("Cache-Control") != "no-store" && h.Get("Cache-Control") != "no-cache") {
			t.Errorf("%s %s (%d) headers = %v, want nosniff, no-referrer, no caching and a CSP with frame-ancestors 'none'",
				tt.method, tt.path, rec.Code, h)
		}
	}
}

func TestHealthAnonymousSaysOnlyUpOrDegraded(t *testing.T) {
	deps := testDeps()
	deps.Health = fakeHealth{deps: []Dependency{{Name: "monit", OK: false, Target: "http://monit.lan:2812",
		Error: "dial tcp 10.0.0.2:2812: connection refused"}}}
	s, _ := newTestServer(t, Options{Version: "v9.9"}, deps)
	rec := doRaw(t, s.Handler(), "GET", "/health", "", http.Header{"Authorization": {""}})
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"status":"degraded"}` {
		t.Errorf("anonymous /health = %d %s, want only the status", rec.Code, rec.Body)
	}
	rec = doRaw(t, s.Handler(), "GET", "/health", "", http.Header{"Authorization": {"Bearer wrong"}})
	if strings.TrimSpace(rec.Body.String()) != `{"status":"degraded"}` {
		t.Errorf("/health with a wrong token = %s, want only the status", rec.Body)
	}
	rec = doRaw(t, s.Handler(), "GET", "/health", "", nil)
	if !strings.Contains(rec.Body.String(), "monit.lan") || !strings.Contains(rec.Body.String(), "v9.9") {
		t.Errorf("/health with the token = %s, want the details", rec.Body)
	}
}

// viewerAuth authenticates `Authorization: Viewer NAME` as a viewer, as a session cookie
// authenticator would.
type viewerAuth struct{}

func (viewerAuth) Authenticate(r *http.Request) (Principal, bool) {
	name, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Viewer ")
	return Principal{Name: name, Role: RoleViewer}, ok
}

func TestPrincipalReachesTheFlow(t *testing.T) {
	s, acts := actionServer(t, Options{Authenticators: []Authenticator{viewerAuth{}}})
	js := http.Header{"Content-Type": {"application/json"}}
	doRaw(t, s.Handler(), "POST", "/mother/actions/suggest", `{"action":"restart","service":"sshd"}`, js)
	if rec := doRaw(t, s.Handler(), "POST", "/mother/actions/execute", `{"id":"p1","approve":false}`, js); rec.Code != 200 {
		t.Fatalf("reject as api = %d %s", rec.Code, rec.Body)
	}
	viewer := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Viewer ripley"}}
	if rec := doRaw(t, s.Handler(), "GET", "/status", "", viewer); rec.Code != 200 {
		t.Errorf("viewer GET /status = %d, want 200", rec.Code)
	}
	doRaw(t, s.Handler(), "POST", "/mother/actions/suggest", `{"action":"restart","service":"sshd"}`, viewer)
	for _, body := range []string{`{"id":"p2","approve":true}`, `{"id":"p2","approve":false}`} {
		if rec := doRaw(t, s.Handler(), "POST", "/mother/actions/execute", body, viewer); rec.Code != 403 ||
			!strings.Contains(rec.Body.String(), "ripley") {
			t.Errorf("viewer execute %s = %d %s, want 403 naming the user", body, rec.Code, rec.Body)
		}
	}
	if got := strings.Join(acts.proposer, ","); got != "api,ripley" {
		t.Errorf("proposals by %s, want api,ripley", got)
	}
	if got := strings.Join(acts.ran, ","); got != "p1 approve=false dry=false by api" {
		t.Errorf("decisions %s, want only api's rejection", got)
	}
}
