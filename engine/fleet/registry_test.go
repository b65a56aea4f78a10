package fleet

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
)

// memStore is a HostStore in memory; its copy stands for the file between two Fleets.
type memStore struct {
	hosts []Host
	saves int
	err   error
}

func (m *memStore) LoadHosts(context.Context) ([]Host, error) { return m.hosts, m.err }

func (m *memStore) SaveHosts(_ context.Context, hs []Host) error {
	if m.err != nil {
		return m.err
	}
	m.hosts, m.saves = append([]Host(nil), hs...), m.saves+1
	return nil
}

// restarted is a Fleet started at c's time over the store.
func restarted(t *testing.T, st *memStore, c *clock) (*Fleet, *fakeEvents) {
	t.Helper()
	ev := &fakeEvents{}
	f := New(&fakeIngest{}, &fakeSink{}, ev, Options{Now: c.now, Store: st})
	if _, err := f.Restore(t.Context()); err != nil {
		t.Fatalf("Restore() = %v", err)
	}
	return f, ev
}

func kinds(evs []engine.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Host+" "+string(e.Kind))
	}
	return out
}

func TestRegistrySurvivesRestart(t *testing.T) {
	for _, c := range []struct {
		name      string
		down      time.Duration // how long the daemon was stopped
		silentFor time.Duration // how long after the restart the host stays silent
		wantStale bool
	}{
		// <poll>5</poll>: STALE after 15 s of silence while the daemon listens.
		{"no stop: silence counts from the last message", 0, 16 * time.Second, true},
		{"not silent long enough yet", 0, 14 * time.Second, false},
		{"stopped: the host gets 3 intervals after the start", 10 * time.Second, 14 * time.Second, false},
		{"stopped, silent 3 intervals after the start", 10 * time.Second, 16 * time.Second, true},
		{"long stop: no STALE at once", time.Hour, time.Second, false},
		{"long stop, silent 3 intervals after the start", time.Hour, 16 * time.Second, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := &memStore{}
			clk := &clock{t: time.Unix(1795507200, 0)}
			f, _ := restarted(t, st, clk)
			if _, err := f.Push(t.Context(), "monit", readSample(t, "heartbeat.xml")); err != nil { // <poll>5</poll>
				t.Fatal(err)
			}
			if err := f.Save(t.Context()); err != nil {
				t.Fatal(err)
			}
			clk.t = clk.t.Add(c.down)
			f, ev := restarted(t, st, clk)
			if hs := f.Hosts(); len(hs) != 1 || hs[0].Name != "vm" || hs[0].Messages != 1 || hs[0].Interval != 5*time.Second {
				t.Fatalf("Hosts() after restart = %+v, want vm with 1 message, interval 5s", hs)
			}
			clk.t = clk.t.Add(c.silentFor)
			stale, err := f.CheckStale(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if got := len(stale) == 1; got != c.wantStale {
				t.Fatalf("CheckStale() = %v, want stale %v", stale, c.wantStale)
			}
			if !c.wantStale {
				return
			}
			if !st.hosts[0].Stale {
				t.Error("the STALE flag was not saved at once")
			}
			f, ev = restarted(t, st, clk) // a second restart: still STALE, not announced again
			clk.t = clk.t.Add(time.Hour)
			if stale, _ := f.CheckStale(t.Context()); len(stale) != 0 || len(ev.got) != 0 {
				t.Fatalf("after another restart CheckStale() = %v, events %v; want none", stale, kinds(ev.got))
			}
			if _, err := f.Push(t.Context(), "monit", readSample(t, "heartbeat.xml")); err != nil {
				t.Fatal(err)
			}
			if got := kinds(ev.got); len(got) != 1 || got[0] != "vm RECOVERED" {
				t.Errorf("events = %v, want [vm RECOVERED]", got)
			}
			if st.hosts[0].Stale || st.hosts[0].Messages != 2 {
				t.Errorf("saved after RECOVERED = %+v, want not stale, 2 messages", st.hosts[0])
			}
		})
	}
}

func TestHostsFromHistory(t *testing.T) {
	ctx := t.Context()
	clk := &clock{t: time.Unix(1795507200, 0)}
	st := &memStore{}
	f, ev := restarted(t, st, clk)
	if n := f.Remember(map[string]time.Time{"vm": clk.t.Add(-48 * time.Hour), "old": clk.t.Add(-time.Hour),
		"ahead": clk.t.Add(time.Hour)}); n != 3 {
		t.Fatalf("Remember() = %d, want 3", n)
	}
	if n := f.Remember(map[string]time.Time{"vm": clk.t}); n != 0 {
		t.Errorf("Remember() of a known host = %d, want 0", n)
	}
	for _, h := range f.Hosts() {
		if h.Source != SourceHistory || h.Interval != 30*time.Second || h.LastSeen.After(clk.t) {
			t.Errorf("host %+v: want source history, interval 30s, last seen not after now", h)
		}
	}
	clk.t = clk.t.Add(91 * time.Second)
	if stale, err := f.CheckStale(ctx); err != nil || len(stale) != 3 {
		t.Fatalf("CheckStale() = %v, %v; want the 3 silent history hosts", stale, err)
	}
	// A Monit with a history host's name takes it over, and is RECOVERED.
	if _, err := f.Push(ctx, "monit", readSample(t, "heartbeat.xml")); err != nil {
		t.Fatalf("Push() of a history host's name = %v", err)
	}
	if err := f.Polled(ctx, "old", time.Second); err != nil {
		t.Fatalf("Polled() of a history host's name = %v", err)
	}
	got := map[string]Host{}
	for _, h := range f.Hosts() {
		got[h.Name] = h
	}
	if got["vm"].Source != SourcePush || got["old"].Source != SourcePoll || !got["ahead"].Stale || len(got) != 3 {
		t.Errorf("Hosts() = %+v, want vm pushed, old polled, ahead still stale", got)
	}
	if k := kinds(ev.got); len(k) != 5 || k[3] != "vm RECOVERED" || k[4] != "old RECOVERED" {
		t.Errorf("events = %v, want 3 STALE, then vm and old RECOVERED", k)
	}
	if len(st.hosts) != 3 {
		t.Errorf("saved %d hosts, want 3 (the history entries replaced)", len(st.hosts))
	}
}

func TestSaveIsLazyAndRetried(t *testing.T) {
	ctx := t.Context()
	clk := &clock{t: time.Unix(1795507200, 0)}
	st := &memStore{}
	f, _ := restarted(t, st, clk)
	for range 3 {
		if _, err := f.Push(ctx, "monit", readSample(t, "heartbeat.xml")); err != nil {
			t.Fatal(err)
		}
	}
	if st.saves != 0 {
		t.Errorf("pushes saved the registry %d times, want 0 (saves are lazy)", st.saves)
	}
	st.err = errors.New("disk full")
	if err := f.Save(ctx); err == nil {
		t.Fatal("Save() with a failing store = nil, want the error")
	}
	st.err = nil
	if err := f.Save(ctx); err != nil || st.saves != 1 || st.hosts[0].Messages != 3 {
		t.Fatalf("Save() after a failure = %v, saves %d, hosts %+v; want it retried", err, st.saves, st.hosts)
	}
	if err := f.Save(ctx); err != nil || st.saves != 1 {
		t.Errorf("Save() without a change wrote again (saves %d)", st.saves)
	}
}

// TestKnownHostIsNotNew: "new host" is logged once per Monit: not again after a restart, nor
// when a host known from the history speaks.
func TestKnownHostIsNotNew(t *testing.T) {
	var logged strings.Builder
	clk := &clock{t: time.Unix(1795507200, 0)}
	st := &memStore{}
	start := func() *Fleet {
		f := New(&fakeIngest{}, &fakeSink{}, &fakeEvents{}, Options{Now: clk.now, Store: st,
			Logger: slog.New(slog.NewTextHandler(&logged, nil))})
		if _, err := f.Restore(t.Context()); err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := start()
	f.Remember(map[string]time.Time{"vm": clk.t.Add(-time.Hour)})
	if _, err := f.Push(t.Context(), "monit", readSample(t, "heartbeat.xml")); err != nil {
		t.Fatal(err)
	}
	if err := f.Polled(t.Context(), "alpha", time.Second); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(t.Context()); err != nil {
		t.Fatal(err)
	}
	f = start()
	if _, err := f.Push(t.Context(), "monit", readSample(t, "heartbeat.xml")); err != nil {
		t.Fatal(err)
	}
	if err := f.Polled(t.Context(), "alpha", time.Second); err != nil {
		t.Fatal(err)
	}
	news := regexp.MustCompile(`msg="new host" component=fleet host=(\S+)`).FindAllStringSubmatch(logged.String(), -1)
	if len(news) != 1 || news[0][1] != "alpha" {
		t.Errorf(`"new host" logged for %v, want for alpha once:\n%s`, news, logged.String())
	}
	if !strings.Contains(logged.String(), `msg="host known from the history speaks" component=fleet host=vm`) {
		t.Errorf("the history host's first message is not logged as such:\n%s", logged.String())
	}
}
