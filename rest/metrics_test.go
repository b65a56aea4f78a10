package rest

import (
	"net/http"
	"strings"
	"testing"
)

// metricsStub stands for the Prometheus handler.
var metricsStub = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	w.Write([]byte("monit_intel_up 1\n"))
})

// /metrics on the API listener is behind the token like every other path; without a
// handler it says where the metrics are instead of answering the index.
func TestMetricsOnTheAPI(t *testing.T) {
	withMetrics, _ := newTestServer(t, Options{Metrics: metricsStub}, testDeps())
	without, _ := newTestServer(t, Options{}, testDeps())
	tests := []struct {
		name     string
		h        http.Handler
		method   string
		auth     string
		wantCode int
		wantBody string
	}{
		{"with the token", withMetrics.Handler(), "GET", "Bearer " + testToken, 200, "monit_intel_up 1"},
		{"without a token", withMetrics.Handler(), "GET", "", 401, "Bearer"},
		{"wrong token", withMetrics.Handler(), "GET", "Bearer nope", 401, "Bearer"},
		{"only GET", withMetrics.Handler(), "POST", "Bearer " + testToken, 405, ""},
		{"not served here", without.Handler(), "GET", "Bearer " + testToken, 404, "metrics.listen"},
		{"not served here needs the token too", without.Handler(), "GET", "", 401, "Bearer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := doRaw(t, tt.h, tt.method, "/metrics", "", http.Header{"Authorization": {tt.auth}})
			if rec.Code != tt.wantCode || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("%s /metrics = %d %q, want %d with %q", tt.method, rec.Code, rec.Body, tt.wantCode, tt.wantBody)
			}
		})
	}
}

// metrics.listen serves /metrics without a token, and nothing else; it still refuses a Host
// it is not known by (DNS rebinding).
func TestMetricsServer(t *testing.T) {
	h := NewMetricsServer("0.0.0.0:9813", []string{"monit.home.arpa"}, metricsStub, nil).Handler()
	tests := []struct {
		name, method, path, host string
		wantCode                 int
		wantBody                 string
	}{
		{"no token needed", "GET", "/metrics", "127.0.0.1:9813", 200, "monit_intel_up 1"},
		{"an allowed name", "GET", "/metrics", "monit.home.arpa:9813", 200, "monit_intel_up 1"},
		{"a rebinding name", "GET", "/metrics", "evil.example:9813", 421, "allowed_hosts"},
		{"nothing else", "GET", "/status", "127.0.0.1:9813", 404, "only GET /metrics"},
		{"not the index", "GET", "/", "127.0.0.1:9813", 404, "only GET /metrics"},
		{"only GET", "POST", "/metrics", "127.0.0.1:9813", 404, "only GET /metrics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := doRaw(t, h, tt.method, tt.path, "", http.Header{"Host": {tt.host}, "Authorization": {""}})
			if rec.Code != tt.wantCode || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("%s %s (Host %s) = %d %q, want %d with %q", tt.method, tt.path, tt.host, rec.Code, rec.Body, tt.wantCode, tt.wantBody)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("no security headers: %v", rec.Header())
			}
		})
	}
}
