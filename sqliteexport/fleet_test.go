package sqliteexport

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/trend"
)

// TestStaleEventKind stores the fleet's STALE event, also after a reopen (the migration
// must not run twice), and still refuses a kind nobody defined.
func TestStaleEventKind(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "h.db")
	at := time.Unix(1795507200, 0)
	for round := range 2 {
		db, err := OpenFile(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			kind    engine.State
			wantErr bool
		}{{"STALE", false}, {engine.StateRecovered, false}, {"BOGUS", true}} {
			ev := engine.Event{At: at, Host: "beta", Service: "Monit", Kind: c.kind, Detail: "x"}
			_, err := db.RecordCycle(ctx, at, engine.Status{Host: "beta"}, []engine.Event{ev})
			if (err != nil) != c.wantErr {
				t.Errorf("round %d: RecordCycle(kind %s) = %v, want error %v", round, c.kind, err, c.wantErr)
			}
		}
		var check string
		if err := db.w.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Errorf("integrity_check = %q, %v", check, err)
		}
		db.Close()
	}
}

// TestHostFilters reads one host's events and snapshots of a service two hosts have.
func TestHostFilters(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	at := time.Unix(1795507200, 0)
	for _, host := range []string{"alpha", "gamma"} {
		st := engine.Status{Host: host, Services: []engine.Snapshot{{Host: host, Name: "job", Type: engine.TypeProgram,
			CollectedAt: at, Status: 0x200000, Program: &engine.ProgramFigures{Started: at, ExitStatus: ptr(1)}}}}
		ev := engine.Event{At: at, Host: host, Service: "job", Kind: engine.StateNew, Status: 0x200000}
		if _, err := db.RecordCycle(ctx, at, st, []engine.Event{ev}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		host string
		want int
	}{{"", 2}, {"alpha", 1}, {"gamma", 1}, {"beta", 0}} {
		events, err := db.EventsOn(ctx, c.host, "job", 10)
		if err != nil || len(events) != c.want {
			t.Errorf("EventsOn(%q) = %d events, %v; want %d", c.host, len(events), err, c.want)
		}
		snaps, err := db.SeriesOn(ctx, c.host, "job", at.Add(-time.Hour), 10)
		if err != nil || len(snaps) != c.want {
			t.Errorf("SeriesOn(%q) = %d snapshots, %v; want %d", c.host, len(snaps), err, c.want)
		}
		for _, s := range snaps {
			if c.host != "" && s.Host != c.host {
				t.Errorf("SeriesOn(%q) returned a snapshot of %s", c.host, s.Host)
			}
		}
		samples, err := db.SamplesOn(ctx, c.host, "job", trend.ExitStatus, at.Add(-time.Hour), at)
		if err != nil || len(samples) != c.want {
			t.Errorf("SamplesOn(%q) = %d samples, %v; want %d", c.host, len(samples), err, c.want)
		}
	}
	recent, err := db.Recent(ctx, at.Add(-time.Hour), time.Minute)
	if err != nil || len(recent[engine.ServiceKey{Host: "alpha", Service: "job"}]) != 1 ||
		len(recent[engine.ServiceKey{Host: "gamma", Service: "job"}]) != 1 {
		t.Errorf("Recent() = %v, %v; want one snapshot of each host's job", recent, err)
	}
}

// TestCachedAnalysisPerHost: a model's analysis is reused for the same failure of the same
// service on the same host only.
func TestCachedAnalysisPerHost(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	at := time.Unix(1795507200, 0)
	a := engine.Analysis{At: at, Host: "alpha", Service: "job", Source: engine.SourceLLM, Model: "m",
		Fingerprint: "fp", PromptVersion: "rca-1", Summary: "alpha's"}
	if _, err := db.SaveAnalysis(ctx, a); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		host string
		want bool
	}{{"alpha", true}, {"gamma", false}} {
		got, ok, err := db.CachedAnalysis(ctx, c.host, "job", "fp", "m", "rca-1")
		if err != nil || ok != c.want || (ok && got.Host != c.host) {
			t.Errorf("CachedAnalysis(%s) = %+v, %v, %v; want found %v", c.host, got, ok, err, c.want)
		}
	}
}
