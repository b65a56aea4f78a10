package replay

import (
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkCatchUp is what the demo does before its API listens: open the timeline (parse
// every document, prepare the logs) and fetch the whole recorded day.
func BenchmarkCatchUp(b *testing.B) {
	for b.Loop() {
		s, err := Open(Options{Timeline: demo + "/timeline", Logs: demo + "/logs",
			LogsOut: filepath.Join(b.TempDir(), "logs"), Now: func() time.Time { return time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) }})
		if err != nil {
			b.Fatal(err)
		}
		for s.Behind() {
			if _, err := s.Fetch(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkLiveFetch is one live step: a shifted copy of the document and its log lines.
func BenchmarkLiveFetch(b *testing.B) {
	c := &clock{t: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)}
	s, err := Open(Options{Timeline: demo + "/timeline", Logs: demo + "/logs", LogsOut: filepath.Join(b.TempDir(), "logs"), Now: c.now})
	if err != nil {
		b.Fatal(err)
	}
	for s.Behind() {
		s.Fetch(b.Context())
	}
	for b.Loop() {
		c.t = c.t.Add(30 * time.Second)
		if _, err := s.Fetch(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}
