package rest

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// registerMetrics serves Prometheus's /metrics on the API listener, behind the same
// authentication as every other path (Prometheus sends the token with
// `authorization: {credentials_file: …}`). Without a handler (metrics.listen serves them
// instead, or metrics are off) /metrics answers 404 saying where they are, rather than the
// index.
func (s *Server) registerMetrics(mux *http.ServeMux) {
	if s.opts.Metrics != nil {
		mux.Handle("GET /metrics", s.opts.Metrics)
		return
	}
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		writeProblem(w, http.StatusNotFound, "/metrics is not served on the API listener: "+
			"they are on metrics.listen when it is set")
	})
}

// MetricsServer serves only /metrics, without a token, on its own listener
// (metrics.listen), as Prometheus users expect of an exporter. It still checks the Host
// header (a DNS-rebinding page must not read the fleet's service names) and sets the
// security headers; every other path is 404.
type MetricsServer struct {
	handler http.Handler
	log     *slog.Logger
}

// NewMetricsServer returns the server of metrics on listen; allowedHosts are api.allowed_hosts.
func NewMetricsServer(listen string, allowedHosts []string, metrics http.Handler, logger *slog.Logger) *MetricsServer {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeProblem(w, http.StatusNotFound, "this listener (metrics.listen) serves only GET /metrics")
	})
	log := logger.With("component", "metrics")
	return &MetricsServer{log: log, handler: securityHeaders(newHostAllowList(listen, allowedHosts).guard(mux))}
}

// Handler returns the server's HTTP handler (for tests).
func (m *MetricsServer) Handler() http.Handler { return m.handler }

// Run serves on ln until ctx is done, then shuts down within grace.
func (m *MetricsServer) Run(ctx context.Context, ln net.Listener, grace time.Duration) error {
	return runHTTP(ctx, ln, m.handler, m.log, grace)
}
