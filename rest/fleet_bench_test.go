package rest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"syscall"
	"testing"
	"time"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
)

// fleetBoard is 500 hosts × 30 process services, one in ten failing: 15,000 services.
func fleetBoard() *engine.Board {
	b := engine.NewBoard()
	for h := range 500 {
		host := fmt.Sprintf("host%04d", h)
		services := make([]engine.Classified, 0, 30)
		for i := range 30 {
			s := engine.Snapshot{Host: host, Name: fmt.Sprintf("svc%02d", i), Type: engine.TypeProcess, Monitor: 1,
				CollectedAt: t0, Process: &engine.ProcessFigures{PID: new(1000 + i), UptimeSec: new(int64(3600))}}
			st := engine.FailureState{Host: host, Service: s.Name, State: engine.StateOK}
			if i%10 == 0 {
				s.Status, st.State, s.Process = engine.BitNonExist, engine.StateOngoing, nil
			}
			services = append(services, engine.Classified{Snapshot: s, State: st})
		}
		b.Record(engine.CycleResult{Started: t0, Host: host, Services: services}, nil)
	}
	return b
}

// BenchmarkStatusFleet serves GET /status?host= and the whole fleet's GET /status through
// the whole handler with 15,000 services on the board; p99-ms is the 99th percentile of the
// requests' durations. "/status after a push" replaces one host's 30 services before each
// request (a push lands every 60 ms at 500 hosts every 30 s), so the body is rebuilt each
// time; plain "/status" reads an unchanged board.
func BenchmarkStatusFleet(b *testing.B) {
	deps := testDeps()
	board := fleetBoard()
	deps.Board = board
	var hosts fakeFleet // the fleet registry: /status checks host= and marks the stale hosts
	for h := range 500 {
		hosts = append(hosts, enginefleet.Host{ID: fmt.Sprintf("id%04d", h), Name: fmt.Sprintf("host%04d", h),
			Source: enginefleet.SourcePush, Interval: 30 * time.Second, LastSeen: t0, Stale: h == 7})
	}
	deps.Fleet = hosts
	s, err := New(Options{Listen: "127.0.0.1:0", Token: "tok"}, deps)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		push       bool
	}{{"/status?host=host0250", "/status?host=host0250", false}, {"/status", "/status", false},
		{"/status after a push", "/status", true}} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", c.path, nil)
			req.Host = "127.0.0.1:8000"
			req.Header.Set("Authorization", "Bearer tok")
			var lat []time.Duration
			b.ReportAllocs()
			cpu0 := cpuNow(b)
			n := 0
			for b.Loop() {
				if c.push {
					host := fmt.Sprintf("host%04d", n%500)
					board.Record(engine.CycleResult{Started: t0, Host: host, Services: board.ServicesOn(host)}, nil)
					n++
				}
				rec := httptest.NewRecorder()
				t := time.Now()
				s.Handler().ServeHTTP(rec, req)
				lat = append(lat, time.Since(t))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
			// CPU time per request: on a shared machine the wall time also counts waiting for a core.
			b.ReportMetric(float64(cpuNow(b)-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

func cpuNow(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
