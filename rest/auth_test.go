package rest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

// doRaw sends a request through the whole handler, as the local client "api" would (Host
// 127.0.0.1:8000, the test token) unless hdr sets Host or Authorization (empty for none).
func doRaw(t *testing.T, h http.Handler, method, path, body string, hdr http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Host = "127.0.0.1:8000"
	for k, v := range hdr {
		req.Header[k] = v
	}
	if h := hdr.Get("Host"); h != "" {
		req.Host = h
	}
	if _, ok := hdr["Authorization"]; !ok {
		req.Header.Set("Authorization", "Bearer "+testToken)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestBearerToken(t *testing.T) {
	s, _ := newTestServer(t, Options{Token: "s3cret"}, testDeps())
	tests := []struct {
		name     string
		path     string
		auth     string
		wantCode int
	}{
		{"health is open", "/health", "", 200},
		{"status needs the token", "/status", "", 401},
		{"root needs the token", "/", "", 401},
		{"wrong token", "/status", "Bearer nope", 401},
		{"token without Bearer", "/status", "s3cret", 401},
		{"token as Basic", "/status", "Basic s3cret", 401},
		{"empty bearer", "/status", "Bearer ", 401},
		{"token with a suffix", "/status", "Bearer s3cret2", 401},
		{"right token", "/status", "Bearer s3cret", 200},
		{"scheme in lower case", "/status", "bearer s3cret", 200},
		{"two spaces", "/status", "Bearer  s3cret", 401},
		{"token in another case", "/status", "Bearer S3CRET", 401},
		{"a public prefix climbing out", "/openapi.json/../status", "", 401},
		{"an encoded climb", "/docs%2F..%2Fstatus", "", 401},
		{"docs are open", "/docs", "", 200},
		{"the docs script is open", "/docs/redoc.standalone.js", "", 200},
		{"openapi is open", "/openapi.json", "", 200},
		{"openapi 3.0 is open", "/openapi-3.0.json", "", 200},
		{"schemas need it", "/schemas/Proposal.json", "", 401},
		{"a path that looks public", "/health/../status", "", 401},
		{"audit needs it", "/mother/actions/audit", "", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Authorization": {tt.auth}}
			rec := doRaw(t, s.Handler(), "GET", tt.path, "", h)
			if rec.Code != tt.wantCode {
				t.Errorf("GET %s with %q = %d, want %d", tt.path, tt.auth, rec.Code, tt.wantCode)
			}
			if rec.Code == 401 && (rec.Header().Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(rec.Body.String(), "api-token")) {
				t.Errorf("401 body = %s %q, want a problem document naming the token file", rec.Header().Get("Content-Type"), rec.Body)
			}
		})
	}
}

func TestNewNeedsAToken(t *testing.T) {
	if _, err := New(Options{Listen: "127.0.0.1:8000"}, testDeps()); !errors.Is(err, ErrNoToken) {
		t.Errorf("New(no token) error = %v, want ErrNoToken", err)
	}
	if _, err := New(Options{Listen: "8000", Token: "t"}, testDeps()); err == nil {
		t.Error("New(listen 8000) error = nil, want the bad address")
	}
}

// slowAnalyzer blocks until released, to hold a request in flight during shutdown.
type slowAnalyzer struct{ release chan struct{} }

func (s slowAnalyzer) Analyze(context.Context, engine.Snapshot, int64, bool) (engine.Analysis, error) {
	<-s.release
	return engine.Analysis{Service: "system_backup", Source: engine.SourceRules}, nil
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	deps := testDeps()
	slow := slowAnalyzer{release: make(chan struct{})}
	deps.Analyzer = slow
	s, _ := newTestServer(t, Options{}, deps)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln, 5*time.Second) }()
	url := "http://" + ln.Addr().String()
	result := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", url+"/analyze", strings.NewReader(`{"service":"system_backup"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- -1
			return
		}
		resp.Body.Close()
		result <- resp.StatusCode
	}()
	time.Sleep(200 * time.Millisecond) // the request reaches the analyzer
	cancel()                           // SIGTERM
	time.Sleep(100 * time.Millisecond)
	if _, err := http.Get(url + "/health"); err == nil {
		t.Error("a new request was accepted after shutdown began")
	}
	close(slow.release)
	if code := <-result; code != 200 {
		t.Errorf("in-flight request = %d, want 200", code)
	}
	if err := <-done; err != nil {
		t.Errorf("Run() = %v, want a clean shutdown", err)
	}
}

// deadlineAnalyzer reports how long the request context gives it.
type deadlineAnalyzer struct{ left *time.Duration }

func (d deadlineAnalyzer) Analyze(ctx context.Context, snap engine.Snapshot, _ int64, _ bool) (engine.Analysis, error) {
	dl, _ := ctx.Deadline()
	*d.left = time.Until(dl)
	return engine.Analysis{Service: snap.Name, Source: engine.SourceRules}, nil
}

func TestHandlerTimeouts(t *testing.T) {
	var left time.Duration
	deps := testDeps()
	deps.Analyzer = deadlineAnalyzer{left: &left}
	_, api := newTestServer(t, Options{HandlerTimeout: 2 * time.Second}, deps)
	if resp := api.Post("/analyze", map[string]any{"service": "system_backup"}); resp.Code != 200 {
		t.Fatalf("POST /analyze = %d", resp.Code)
	}
	if left < 9*time.Minute {
		t.Errorf("analyze has %v left, want the model operations' longer bound", left)
	}
}
