package rest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/logs/redact/redacttest"
)

func boardOf(n int) *engine.Board {
	b := engine.NewBoard()
	var services []engine.Classified
	for i := range n {
		s := engine.Snapshot{Host: "nas", Name: fmt.Sprintf("svc%04d", i), Type: engine.TypeProcess, Monitor: 1,
			CollectedAt: t0, Process: &engine.ProcessFigures{PID: new(1000 + i), UptimeSec: new(int64(3600))}}
		st := engine.FailureState{State: engine.StateOK}
		if i%10 == 0 {
			s.Status, st = engine.BitNonExist, engine.FailureState{State: engine.StateOngoing, Since: t0.Add(-time.Hour), Failures: 2}
			s.Process = nil
		}
		services = append(services, engine.Classified{Snapshot: s, State: st})
	}
	b.Record(engine.CycleResult{Started: t0, Services: services}, nil)
	return b
}

// BenchmarkStatus serves GET /status through the whole handler (security headers, Host and
// cross-origin checks, auth, logging, huma) with the services in the board; redacted, every
// string of the body also passes the redactor, as in the daemon.
func BenchmarkStatus(b *testing.B) {
	for _, bc := range []struct {
		n        int
		redacted bool
	}{{50, false}, {1000, false}, {50, true}, {1000, true}} {
		b.Run(fmt.Sprintf("services=%d/redacted=%v", bc.n, bc.redacted), func(b *testing.B) {
			deps := testDeps()
			deps.Board = boardOf(bc.n)
			if bc.redacted {
				deps.Redactor = redacttest.New(b)
			}
			s, err := New(Options{Listen: "127.0.0.1:0", Token: "tok"}, deps)
			if err != nil {
				b.Fatal(err)
			}
			h := s.Handler()
			req := httptest.NewRequest("GET", "/status", nil)
			req.Host = "127.0.0.1:8000"
			req.Header.Set("Authorization", "Bearer tok")
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkExecuteBody posts a decision through the whole handler: the Content-Type check and
// the strict JSON decoding (keys checked against the request type) included.
func BenchmarkExecuteBody(b *testing.B) {
	deps := testDeps()
	deps.Actions = &recordingActions{}
	s, err := New(Options{Listen: "127.0.0.1:0", Token: "tok"}, deps)
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/mother/actions/execute", strings.NewReader(`{"id":"p1","approve":false,"dry_run":true}`))
		req.Host = "127.0.0.1:8000"
		req.Header.Set("Authorization", "Bearer tok")
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
