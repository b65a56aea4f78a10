package main

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/config"
	"monit-intel/engine/fleet"
	"monit-intel/engine/fleet/loadgen"
)

// pushAll sends host i's message for each i in hosts at once through the collector handler
// and returns each push's status code.
func pushAll(h http.Handler, lg loadgen.Fleet, hosts []int, at time.Time) map[int]int {
	codes := make(map[int]int, len(hosts))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, i := range hosts {
		wg.Go(func() {
			req := httptest.NewRequest("POST", "/collector", bytes.NewReader(lg.Message(i, at, i%7 == 0)))
			req.SetBasicAuth("monit", "pw")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			mu.Lock()
			codes[i] = rec.Code
			mu.Unlock()
		})
	}
	wg.Wait()
	return codes
}

// TestCollectorBatches pushes many hosts at once through the real collector handler, fleet,
// ingest path, bbolt and SQLite, so that the pushes share commits. Every push gets its own
// answer and what it answers is what was stored: a host whose cycle the database refuses
// (a trigger) is a 503 alone; a transaction that fails (a trigger rolling it back) fails its
// whole batch, each push a 503 with nothing of it stored, and Monit's next push is stored.
func TestCollectorBatches(t *testing.T) {
	const hosts, services = 40, 6
	for _, c := range []struct {
		name, raise string
		alone       bool // only the refused host fails
	}{
		{"cycle refused", "ABORT", true},
		{"transaction fails", "ROLLBACK", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := t.Context()
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			cfg.Collector.Users = map[string]string{"monit": "pw"}
			s, err := openStores(ctx, cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			e := &env{logger: slog.New(slog.DiscardHandler), getenv: func(string) string { return "" }}
			f, _, h := newFleet(cfg, s, boardSink{engine.NewBoard()}, nil, e)
			lg := loadgen.Fleet{Hosts: hosts, Services: services, Interval: 30 * time.Second}
			all := make([]int, hosts)
			for i := range all {
				all[i] = i
			}
			refused := 7 // host0007's first push: its services are new rows
			execSQL(t, s.history.Path(), `CREATE TRIGGER inject BEFORE INSERT ON services WHEN NEW.host = 'host0007'
				BEGIN SELECT RAISE(`+c.raise+`, 'injected'); END`)
			at := time.Unix(1795507200, 0)
			codes := pushAll(h, lg, all, at)
			var failed []int
			for i, code := range codes {
				switch {
				case code == 503:
					failed = append(failed, i)
				case code != 200:
					t.Errorf("host %d: %d, want 200 or 503", i, code)
				}
			}
			t.Logf("%d pushes failed with host %d's: %v", len(failed), refused, failed)
			if codes[refused] != 503 || (c.alone && len(failed) != 1) {
				t.Errorf("failed pushes %v, want host %d's (alone %v)", failed, refused, c.alone)
			}
			for i, code := range codes {
				checkStored(t, s, loadgen.HostName(i), services, code == 200)
			}
			checkRegistered(t, f, s, codes)
			execSQL(t, s.history.Path(), `DROP TRIGGER inject`)
			for i, code := range pushAll(h, lg, failed, at.Add(30*time.Second)) {
				if code != 200 {
					t.Errorf("host %d's next push: %d", i, code)
				}
				checkStored(t, s, loadgen.HostName(i), services, true)
			}
		})
	}
}

// checkStored checks that host has all its services in the history and failure state, with
// one cycle number, or nothing at all.
func checkStored(t *testing.T, s *stores, host string, services int, want bool) {
	t.Helper()
	ctx := context.Background()
	states, err := s.state.HostStates(ctx, host)
	if err != nil {
		t.Fatal(err)
	}
	snaps, err := s.history.SeriesOn(ctx, host, "proc01", time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !want {
		if len(states) != 0 || len(snaps) != 0 {
			t.Errorf("%s: refused, yet %d states and %d snapshots stored", host, len(states), len(snaps))
		}
		return
	}
	if len(states) != services || len(snaps) == 0 {
		t.Errorf("%s: answered 200 with %d states and %d snapshots stored, want %d and some", host, len(states), len(snaps), services)
	}
	cycles := map[int64]bool{}
	for _, st := range states {
		cycles[st.Cycle] = true
	}
	if len(cycles) != 1 || cycles[0] {
		t.Errorf("%s: failure states of cycles %v, want one", host, cycles)
	}
}

// checkRegistered checks that the hosts whose first push was answered 200 are in the fleet's
// registry, listed and saved, and that those refused left no trace in it.
func checkRegistered(t *testing.T, f *fleet.Fleet, s *stores, codes map[int]int) {
	t.Helper()
	if err := f.Save(t.Context()); err != nil {
		t.Fatal(err)
	}
	saved, err := s.state.LoadHosts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for where, hosts := range map[string][]fleet.Host{"listed": f.Hosts(), "saved": saved} {
		known := map[string]bool{}
		for _, h := range hosts {
			known[h.Name] = true
		}
		for i, code := range codes {
			if known[loadgen.HostName(i)] != (code == 200) {
				t.Errorf("%s: first push answered %d, %s = %v", loadgen.HostName(i), code, where, known[loadgen.HostName(i)])
			}
		}
	}
}

// execSQL runs one statement on the history database from a connection of its own.
func execSQL(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}
