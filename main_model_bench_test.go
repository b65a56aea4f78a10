package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/config"
	"monit-intel/engine/llm/ollamafake"
	"monit-intel/engine/monit"
)

var failingRE = regexp.MustCompile(`<service type="7"><name>failing</name>.*?</service>`)

// flappingFleet is n copies of the real capture's failing program check, which all fail on
// even cycles and all pass on odd ones: every other cycle brings n NEW failures.
type flappingFleet struct {
	head, service []byte
	n, cycle      int
}

func newFlappingFleet(b *testing.B, n int) *flappingFleet {
	raw, err := os.ReadFile("testdata/monit/all-types.xml")
	if err != nil {
		b.Fatal(err)
	}
	loc := serviceRE.FindIndex(raw)
	return &flappingFleet{head: raw[:loc[0]], service: failingRE.Find(raw), n: n}
}

func (f *flappingFleet) Fetch(context.Context) (engine.Status, error) {
	var doc bytes.Buffer
	doc.Write(f.head)
	at := []byte("<collected_sec>" + strconv.FormatInt(time.Now().Unix()+int64(f.cycle), 10) + "</collected_sec>")
	for i := range f.n {
		s := nameRE.ReplaceAll(f.service, fmt.Appendf(nil, "<name>job%02d</name>", i))
		s = collectedRE.ReplaceAll(s, at)
		if f.cycle%2 == 1 {
			s = bytes.Replace(s, []byte("<status>2097152</status>"), []byte("<status>0</status>"), 1)
		}
		doc.Write(s)
	}
	doc.WriteString("</monit>")
	f.cycle++
	return monit.ParseStatus(&doc)
}

// BenchmarkIngestWithSlowModel is issue 12's case: 18 NEW failures every other cycle, a model
// that takes 10 s to answer (the Ollama fake over HTTP) and a 3 s timeout. ns/op is one
// scheduled ingest job (fetch, store, queue the analyses): it must stay far below the 5 s
// interval whatever the model does. Before the queue it was 18 × 3 s.
func BenchmarkIngestWithSlowModel(b *testing.B) {
	fake := ollamafake.New(b, ollamafake.Reply{})
	fake.SetDelay(10 * time.Second)
	d, _ := modelDaemon(b, fake.URL, func(c *config.Config) { c.Ollama.Timeout = config.Duration(3 * time.Second) })
	s := d.health.s
	d.pollers[0].in = engine.NewIngester(newFlappingFleet(b, 18), s.state, s.history, engine.IngesterOptions{Retention: 720 * time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.queue.Run(ctx) }()
	var slowest time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if err := d.ingest(context.Background()); err != nil {
			b.Fatal(err)
		}
		slowest = max(slowest, time.Since(start))
	}
	b.ReportMetric(float64(slowest.Milliseconds()), "slowest-ms")
	b.ReportMetric(float64(fake.MaxInFlight()), "model-conns")
	cancel()
	<-done
}

// BenchmarkConcurrentChats is issue 12's other case: 200 chats at once ("why is failing
// failing?", which asks the model) against a model that takes 1 s per answer. It reports the
// process's peak resident memory during the chats (peak-rss-MB, the Ollama fake included, as
// it runs in the process) and the most model connections open at once (model-conns).
// concurrency=200 is the daemon without a gate, for comparison.
func BenchmarkConcurrentChats(b *testing.B) {
	for _, tc := range []struct{ concurrency, queue int }{{1, 4}, {200, 0}} {
		b.Run(fmt.Sprintf("concurrency=%d", tc.concurrency), func(b *testing.B) {
			fake := ollamafake.New(b, ollamafake.Reply{Content: strings.Repeat("The program check exits 1. ", 40)})
			fake.SetDelay(time.Second)
			d, m := modelDaemon(b, fake.URL, func(c *config.Config) { c.Ollama.Concurrency, c.Ollama.Queue = tc.concurrency, tc.queue })
			fillBoard(b, d)
			var peak int64
			for b.Loop() {
				stop := sampleRSS(b, &peak)
				var wg sync.WaitGroup
				for i := range 200 {
					wg.Go(func() {
						if _, err := m.Chat(context.Background(), fmt.Sprintf("s%03d", i), "why is failing failing?",
							func(string) error { return nil }); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
				stop()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MB")
			b.ReportMetric(float64(fake.MaxInFlight()), "model-conns")
		})
	}
}

// sampleRSS records the process's resident memory every 5 ms into peak until stop is called.
func sampleRSS(b *testing.B, peak *int64) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			*peak = max(*peak, rss(b))
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(quit); <-done }
}

// rss is VmRSS from /proc/self/status, in bytes.
func rss(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmRSS in /proc/self/status")
	return 0
}
