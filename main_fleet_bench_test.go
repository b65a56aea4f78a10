package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"slices"
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
func BenchmarkCollectorFleet(b *testing.B) {
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
	round := make([][]byte, hosts)
	var gen time.Duration // time spent writing messages, taken out of the CPU figure
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime(b)
	n := 0
	for b.Loop() {
		i := n % hosts
		if i == 0 {
			g := time.Now()
			at := start.Add(time.Duration(n/hosts) * 30 * time.Second)
			for j := range round {
				round[j] = lg.Message(j, at, false)
			}
			gen += time.Since(g)
		}
		req := httptest.NewRequest("POST", "/collector", bytes.NewReader(round[i]))
		req.SetBasicAuth("monit", "pw")
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(t0))
		if rec.Code != 200 {
			b.Fatalf("push %d = %d %s", n, rec.Code, rec.Body)
		}
		n++
	}
	cpu := float64(cpuTime(b)-cpu0-gen) / float64(b.N)
	slices.Sort(lat)
	b.ReportMetric(cpu/1e6, "cpu-ms/push")
	b.ReportMetric(cpu/1e6*17/10, "core-%-at-17/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	// Bytes of history (SQLite file and WAL) per stored snapshot: × 2,880 is a service-day
	// at one push every 30 s.
	b.ReportMetric(float64(s.history.Size())/float64(b.N*services), "db-bytes/snapshot")
	if got := len(board.Hosts()); b.N >= hosts && got != hosts {
		b.Errorf("the board has %d hosts, want %d: a push was dropped", got, hosts)
	}
}
