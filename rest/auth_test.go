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

func doRaw(t *testing.T, h http.Handler, method, path, body string, hdr http.Header) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header[k] = v
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
		{"wrong token", "/status", "Bearer nope", 401},
		{"token without Bearer", "/status", "s3cret", 401},
		{"right token", "/status", "Bearer s3cret", 200},
		{"docs need it too", "/docs", "", 401},
		{"openapi needs it too", "/openapi.json", "", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.auth != "" {
				h.Set("Authorization", tt.auth)
			}
			rec := doRaw(t, s.Handler(), "GET", tt.path, "", h)
			if rec.Code != tt.wantCode {
				t.Errorf("GET %s with %q = %d, want %d", tt.path, tt.auth, rec.Code, tt.wantCode)
			}
			if rec.Code == 401 && (rec.Header().Get("Content-Type") != "application/problem+json" ||
				!strings.Contains(rec.Body.String(), "MONIT_INTEL_TOKEN")) {
				t.Errorf("401 body = %s %q, want a problem document naming the setting", rec.Header().Get("Content-Type"), rec.Body)
			}
		})
	}
}

func TestListenAddressNeedsTokenOffLoopback(t *testing.T) {
	tests := []struct {
		listen, token string
		wantErr       bool
	}{
		{"127.0.0.1:8000", "", false},
		{"[::1]:8000", "", false},
		{"localhost:8000", "", false},
		{"0.0.0.0:8000", "", true},
		{"192.168.1.5:8000", "", true},
		{":8000", "", true},
		{"0.0.0.0:8000", "tok", false},
	}
	for _, tt := range tests {
		_, err := New(Options{Listen: tt.listen, Token: tt.token}, testDeps())
		if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrInsecureListen)) {
			t.Errorf("New(listen %q, token %q) error = %v, want error %v", tt.listen, tt.token, err, tt.wantErr)
		}
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
		resp, err := http.Post(url+"/analyze", "application/json", strings.NewReader(`{"service":"system_backup"}`))
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
