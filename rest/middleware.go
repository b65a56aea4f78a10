package rest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/rest/ui"
)

// writeProblem writes an RFC 9457 problem document outside huma (for the checks that run
// before it).
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
	w.Write(b)
}

// modelTimeout bounds the operations that wait for the model: a chat turn makes up to two
// calls and POST /analyze one per failing service, each bounded by ollama.timeout.
const modelTimeout = 10 * time.Minute

// timeout bounds every operation but event streams, whose length is the answer's (the model's
// own timeout and the client going away end those).
func (s *Server) timeout(ctx huma.Context, next func(huma.Context)) {
	if strings.Contains(ctx.Header("Accept"), "text/event-stream") {
		next(ctx)
		return
	}
	limit := s.opts.HandlerTimeout
	if op := ctx.Operation(); op != nil && (op.OperationID == "analyze" || op.OperationID == "mother-chat") {
		limit = max(limit, modelTimeout)
	}
	c, cancel := context.WithTimeout(ctx.Context(), limit)
	defer cancel()
	next(huma.WithContext(ctx, c))
}

// statusRecorder remembers the status code and keeps Flush working for streams.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests writes one structured line per request. Headers (and so tokens) are not
// logged.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		level := s.log.Debug
		if rec.status >= 500 {
			level = s.log.Warn
		} else if r.URL.Path != "/health" {
			level = s.log.Info
		}
		level("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000,
			"remote", r.RemoteAddr)
	})
}

// withUI serves the web UI under /ui/ (huma's "GET /" would take every path on the mux, so the
// UI is dispatched before it), and sends a browser that opens / there; API clients (no
// text/html in Accept) keep getting the JSON index. The UI has its own login; the Host and
// cross-origin checks in front of it guard its forms too.
func (s *Server) withUI(api http.Handler) http.Handler {
	if s.opts.UI == nil {
		return api
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, ui.Prefix):
			s.opts.UI.ServeHTTP(w, r)
		case r.URL.Path == "/ui" || (r.URL.Path == "/" && ui.WantsHTML(r)):
			http.Redirect(w, r, ui.Prefix, http.StatusSeeOther)
		default:
			api.ServeHTTP(w, r)
		}
	})
}
