package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/config"
	"monit-intel/engine/fleet/loadgen"
)

// boardSink puts pushed statuses on a board, as serve does (without the analysis queue:
// the synthetic fleet is healthy).
type boardSink struct{ b *engine.Board }

func (s boardSink) AfterCycle(_ context.Context, res engine.CycleResult, err error) {
	s.b.Record(res, err)
}

// BenchmarkCollectorFleet pushes the messages of 500 hosts × 30 services, round after round
// (each round 30 s later), through the real collector handler, fleet, ingest path, bbolt and
// SQLite: one op is one push. At 500 hosts pushing every 30 s a daemon takes ~17 pushes a
// second, so cpu-ms/push × 17 / 10 is the share of one core in percent (core-%-at-17/s).
// p50-ms, p90-ms and p99-ms are percentiles of the handler's response time.
//
//   - one-at-a-time: each push starts when the last one is answered (a push's own cost).
//   - poisson-17/s: pushes arrive at random (a Poisson process) at 500 every 30 s, whether or
//     not earlier ones are answered, as the fleet does: the response time includes
//     waiting behind other pushes, and pushes that arrive together share their commits.
//     Each push takes 60 ms of real time: run it with -benchtime 1000x (a minute).
//   - 16-in-flight: 16 senders push back to back (Monits started together, in step): the
//     daemon's capacity in pushes a second.
func BenchmarkCollectorFleet(b *testing.B) {
	for _, l := range []struct {
		name    string
		senders int
		rate    float64
	}{{"one-at-a-time", 1, 0}, {"poisson-17/s", 0, 500.0 / 30}, {"16-in-flight", 16, 0}} {
		b.Run(l.name, func(b *testing.B) { benchCollector(b, l.senders, l.rate) })
	}
}

// benchCollector pushes b.N messages from senders goroutines back to back, or, when rate > 0,
// each in its own goroutine at Poisson arrival times.
func benchCollector(b *testing.B, senders int, rate float64) {
	const hosts, services = 500, 30
	cfg := config.Default()
	cfg.DataDir = b.TempDir()
	cfg.Collector.Users = map[string]string{"monit": "pw"}
	ctx := context.Background()
	s, err := openStores(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	e := &env{logger: slog.New(slog.DiscardHandler), getenv: func(string) string { return "" }}
	board := engine.NewBoard()
	_, _, h := newFleet(cfg, s, boardSink{board}, nil, e)
	lg := loadgen.Fleet{Hosts: hosts, Services: services, Interval: 30 * time.Second}
	start := time.Now().Add(-48 * time.Hour)
	msgs := make([][]byte, b.N) // written before the clock starts
	for n := range msgs {
		msgs[n] = lg.Message(n%hosts, start.Add(time.Duration(n/hosts)*30*time.Second), false)
	}
	lat := make([]time.Duration, b.N)
	push := func(n int) {
		req := httptest.NewRequest("POST", "/collector", bytes.NewReader(msgs[n]))
		req.SetBasicAuth("monit", "pw")
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		lat[n] = time.Since(t0)
		if rec.Code != 200 {
			b.Errorf("push %d = %d %s", n, rec.Code, rec.Body)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, wall0 := cpuTime(b), time.Now()
	if rate > 0 {
		arrivals := rand.New(rand.NewPCG(1, 2))
		at := time.Now()
		for n := range b.N {
			at = at.Add(time.Duration(arrivals.ExpFloat64() / rate * float64(time.Second)))
			time.Sleep(time.Until(at))
			wg.Go(func() { push(n) })
		}
	}
	for range senders {
		wg.Go(func() {
			for n := int(next.Add(1) - 1); n < b.N; n = int(next.Add(1) - 1) {
				push(n)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	cpu := float64(cpuTime(b)-cpu0) / float64(b.N)
	slices.Sort(lat)
	b.ReportMetric(cpu/1e6, "cpu-ms/push")
	b.ReportMetric(cpu/1e6*17/10, "core-%-at-17/s")
	for _, q := range []int{50, 90, 99} {
		b.ReportMetric(float64(lat[len(lat)*q/100].Microseconds())/1000, fmt.Sprintf("p%d-ms", q))
	}
	b.ReportMetric(float64(b.N)/time.Since(wall0).Seconds(), "pushes/s")
	// Bytes of history (SQLite file and WAL) per stored snapshot: × 2,880 is a service-day
	// at one push every 30 s.
	b.ReportMetric(float64(s.history.Size())/float64(b.N*services), "db-bytes/snapshot")
	if got := len(board.Hosts()); b.N >= hosts && got != hosts {
		b.Errorf("the board has %d hosts, want %d: a push was dropped", got, hosts)
	}
}
