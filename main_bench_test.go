package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"monit-intel/bolt"
	"monit-intel/engine"
	"monit-intel/engine/monit"
	"monit-intel/sqliteexport"
)

var (
	serviceRE   = regexp.MustCompile(`<service type="\d">.*?</service>`)
	nameRE      = regexp.MustCompile(`<name>[^<]*</name>`)
	collectedRE = regexp.MustCompile(`<collected_sec>\d+</collected_sec>`)
)

// fleetDocument repeats the services of a real Monit capture under new names until the
// document has n services, with collected_sec replaced by a marker.
func fleetDocument(b *testing.B, n int) []byte {
	raw, err := os.ReadFile("testdata/monit/all-types.xml")
	if err != nil {
		b.Fatal(err)
	}
	services := serviceRE.FindAll(raw, -1)
	head := raw[:bytes.Index(raw, services[0])]
	var doc bytes.Buffer
	doc.Write(head)
	for i := range n {
		s := services[i%len(services)]
		s = nameRE.ReplaceAll(s, []byte(fmt.Sprintf("<name>svc%04d</name>", i)))
		doc.Write(collectedRE.ReplaceAll(s, []byte("<collected_sec>@AT@</collected_sec>")))
	}
	doc.WriteString("</monit>")
	return doc.Bytes()
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// docSource parses the document each cycle with a new collected_sec, as a real poll would.
type docSource struct {
	doc []byte
	at  int64
}

func (d *docSource) Fetch(context.Context) (engine.Status, error) {
	d.at += 300
	return monit.ParseStatus(bytes.NewReader(bytes.ReplaceAll(d.doc, []byte("@AT@"), []byte(strconv.FormatInt(d.at, 10)))))
}

// BenchmarkIngestCycle is one whole cycle without the network: parse the status document,
// classify every service against bbolt, store snapshots and events in SQLite, prune.
func BenchmarkIngestCycle(b *testing.B) {
	for _, n := range []int{50, 1000} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			st, err := bolt.Open(dir, time.Second)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			h, err := sqliteexport.Open(context.Background(), dir)
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close()
			src := &docSource{doc: fleetDocument(b, n), at: time.Now().Add(-24 * time.Hour).Unix()}
			in := engine.NewIngester(src, st, h, engine.IngesterOptions{Retention: 720 * time.Hour})
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for b.Loop() {
				if _, err := in.RunCycle(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			// CPU time (user + system) of the process per cycle: unlike ns/op it does not count
			// waiting for fsync or for a core another process holds.
			b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
