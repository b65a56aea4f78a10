package metrics

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"monit-intel/engine"
)

// BenchmarkScrape: one GET /metrics over a board of n services (the 15 kinds of
// testdata/monit/all-types.xml repeated over 10 hosts), in the text format Prometheus asks
// for. cpu-ns/op is the process's CPU time per scrape, which, unlike ns/op, does not count
// waiting for a core that another process holds.
func BenchmarkScrape(b *testing.B) {
	base := boardFrom(b, "all-types.xml").Services()
	for _, n := range []int{50, 1000} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			board := &fakeBoard{}
			var services []engine.Classified
			for i := 0; len(services) < n; i++ {
				c := base[i%len(base)]
				c.Snapshot.Host = fmt.Sprintf("host%02d", i%10)
				c.Snapshot.Name = fmt.Sprintf("%s-%04d", c.Snapshot.Name, i)
				services = append(services, c)
			}
			board.set(services)
			h := New(board, nil).Handler()
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.Header.Set("Accept", "text/plain;version=0.0.4")
			var size int
			b.ReportAllocs()
			cpu0 := cpuTime(b)
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET /metrics = %d", rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(size), "bytes/scrape")
		})
	}
}

// cpuTime is the process's user and system CPU time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
