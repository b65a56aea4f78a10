package fleet

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"monit-intel/engine"
)

const id2 = "22222222222222222222222222222222"

func hostNames(hs []Host) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name+"@"+h.ID)
	}
	return out
}

// TestPushBoundToItsUser: once a host has pushed as a collector user, a push as another user
// for its Monit id (under its name or another) or taking over its name (live or STALE) is
// refused with ErrOtherUser, ingests nothing and changes nothing; the same user still may.
func TestPushBoundToItsUser(t *testing.T) {
	for _, c := range []struct {
		name  string
		stale bool   // the bound host has gone STALE before the push
		id    string // of the second push
		host  string
		user  string
		want  error
	}{
		{name: "its id as another user", id: id1, host: "web", user: "eve", want: ErrOtherUser},
		{name: "its id under another name as another user", id: id1, host: "other", user: "eve", want: ErrOtherUser},
		{name: "its name under a new id as another user", id: id2, host: "web", user: "eve", want: ErrOtherUser},
		{name: "its STALE name under a new id as another user", stale: true, id: id2, host: "web", user: "eve", want: ErrOtherUser},
		{name: "user names are compared byte for byte", id: id1, host: "web", user: "Monit", want: ErrOtherUser},
		{name: "its id as its user", id: id1, host: "web", user: "monit"},
		{name: "its STALE name under a new id as its user (monit -r)", stale: true, id: id2, host: "web", user: "monit"},
		{name: "another host as another user", id: id2, host: "db", user: "eve"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, in, _, clk := newTestFleet(t)
			ctx := context.Background()
			if _, err := f.Push(ctx, "monit", withName(t, id1, "web", "sleeper")); err != nil {
				t.Fatal(err)
			}
			if c.stale {
				clk.t = clk.t.Add(time.Hour)
				if _, err := f.CheckStale(ctx); err != nil || len(f.Stale()) != 1 {
					t.Fatalf("CheckStale() = %v, stale %v", err, f.Stale())
				}
			}
			before := f.Hosts()
			_, err := f.Push(ctx, c.user, withName(t, c.id, c.host, "sleeper"))
			if !errors.Is(err, c.want) || (err != nil && c.want == nil) {
				t.Fatalf("Push() = %v, want %v", err, c.want)
			}
			if c.want == nil {
				return
			}
			if len(in.got) != 1 {
				t.Errorf("%d statuses ingested, want the first one only", len(in.got))
			}
			if after := f.Hosts(); !slices.Equal(after, before) {
				t.Errorf("hosts after the refused push = %+v, want %+v", after, before)
			}
		})
	}
}

// TestUnboundHostIsBoundAtItsNextPush: a host restored from a registry written before hosts
// were bound has no user; its next push binds it, the binding is saved, and after a restart
// a push as another user is refused.
func TestUnboundHostIsBoundAtItsNextPush(t *testing.T) {
	clk := &clock{t: time.Unix(1795507200, 0)}
	st := &memStore{hosts: []Host{{ID: id1, Name: "web", Source: SourcePush, Interval: 30 * time.Second,
		LastSeen: clk.t.Add(-time.Minute), Messages: 3}}}
	f, _ := restarted(t, st, clk)
	if _, err := f.Push(t.Context(), "monit", withName(t, id1, "web", "sleeper")); err != nil {
		t.Fatalf("Push() of an unbound host = %v", err)
	}
	if err := f.Save(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(st.hosts) != 1 || st.hosts[0].User != "monit" {
		t.Fatalf("saved %+v, want web bound to monit", st.hosts)
	}
	f, _ = restarted(t, st, clk)
	if _, err := f.Push(t.Context(), "eve", withName(t, id1, "web", "sleeper")); !errors.Is(err, ErrOtherUser) {
		t.Errorf("Push() as another user after a restart = %v, want ErrOtherUser", err)
	}
}

// TestPushCannotUseTheFleetsOwnIDs: a pushed Monit id that names an entry the fleet makes
// itself would address a polled host or one known from the history.
func TestPushCannotUseTheFleetsOwnIDs(t *testing.T) {
	f, in, _, clk := newTestFleet(t)
	if err := f.Polled(t.Context(), "alpha", time.Second); err != nil {
		t.Fatal(err)
	}
	f.Remember(map[string]time.Time{"old": clk.t})
	for _, id := range []string{"poll:alpha", "history:old", "poll:", "history:new"} {
		if _, err := f.Push(t.Context(), "monit", withName(t, id, "alpha", "sleeper")); !errors.Is(err, ErrRefused) {
			t.Errorf("Push(id %q) = %v, want ErrRefused", id, err)
		}
	}
	if len(in.got) != 0 || len(f.Hosts()) != 2 {
		t.Errorf("%d ingested, hosts %v; want nothing changed", len(in.got), hostNames(f.Hosts()))
	}
}

// TestFailedFirstPushLeavesNoTrace: when a new host's first message cannot be stored (a 503
// for Monit, which sends it again), the host is not listed, not saved, and a name it would
// have taken over is given back; its next message admits it. A known host stays known when
// one of its messages fails.
func TestFailedFirstPushLeavesNoTrace(t *testing.T) {
	clk := &clock{t: time.Unix(1795507200, 0)}
	st := &memStore{}
	in := &fakeIngest{err: errors.New("database is locked")}
	f := New(in, &fakeSink{}, &fakeEvents{}, Options{Now: clk.now, Store: st})
	f.Remember(map[string]time.Time{"old": clk.t.Add(-time.Minute)})
	for _, name := range []string{"web", "old"} {
		_, err := f.Push(t.Context(), "monit", withName(t, id1, name, "sleeper"))
		if err == nil || errors.Is(err, ErrRefused) || errors.Is(err, ErrOtherUser) {
			t.Fatalf("Push(%s) with the storage down = %v, want a storage error", name, err)
		}
		if got := hostNames(f.Hosts()); !slices.Equal(got, []string{"old@history:old"}) {
			t.Errorf("after the failed first push of %s: hosts %v, want only the history's old", name, got)
		}
	}
	if err := f.Save(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := hostNames(st.hosts); !slices.Equal(got, []string{"old@history:old"}) {
		t.Errorf("saved %v, want only the history's old", got)
	}
	if _, err := f.Push(t.Context(), "eve", withName(t, id1, "web", "sleeper")); err == nil || errors.Is(err, ErrOtherUser) {
		t.Errorf("Push() as another user after a failed first push = %v, want the storage error (the host is not bound)", err)
	}
	in.err = nil
	if _, err := f.Push(t.Context(), "monit", withName(t, id1, "web", "sleeper")); err != nil {
		t.Fatalf("Push() with the storage back = %v", err)
	}
	in.err = errors.New("disk I/O error")
	if _, err := f.Push(t.Context(), "monit", withName(t, id1, "web", "sleeper")); err == nil {
		t.Fatal("Push() with the storage down again = nil")
	}
	if got := hostNames(f.Hosts()); !slices.Equal(got, []string{"old@history:old", "web@" + id1}) {
		t.Errorf("hosts %v, want web kept after its later message failed", got)
	}
}

// gatedIngest fails its first call once released, and stores the others.
type gatedIngest struct {
	entered, release chan struct{}
	calls            int
}

func (g *gatedIngest) Ingest(_ context.Context, st engine.Status) (engine.CycleResult, error) {
	g.calls++ // one message of a host at a time: the fleet serialises them
	if g.calls == 1 {
		close(g.entered)
		<-g.release
		return engine.CycleResult{}, errors.New("database is locked")
	}
	return engine.CycleResult{Host: st.Host}, nil
}

// TestMessageBehindAFailedFirstOne: a second message of a new host that waited for the
// first one is never stored under a host the first one's failure dropped. Either it waited
// (then it is a storage error, Monit sends it again, and nothing is stored) or it came after
// the failure (then it admits the host itself): in both, what is stored has a listed host.
func TestMessageBehindAFailedFirstOne(t *testing.T) {
	in := &gatedIngest{entered: make(chan struct{}), release: make(chan struct{})}
	f := New(in, &fakeSink{}, &fakeEvents{}, Options{})
	msg := withName(t, id1, "web", "sleeper")
	first := make(chan error)
	go func() { _, err := f.Push(t.Context(), "monit", msg); first <- err }()
	<-in.entered
	second := make(chan error)
	go func() { _, err := f.Push(t.Context(), "monit", msg); second <- err }()
	time.Sleep(50 * time.Millisecond) // not a timing test: lets the second message reach the host's lock first
	close(in.release)
	if err := <-first; err == nil {
		t.Fatal("first Push() = nil, want the storage error")
	}
	err := <-second
	switch stored := in.calls - 1; {
	case stored == 0 && (err == nil || errors.Is(err, ErrRefused) || len(f.Hosts()) != 0):
		t.Errorf("second Push() = %v, hosts %v; want a storage error and no host", err, hostNames(f.Hosts()))
	case stored == 1 && (err != nil || len(f.Hosts()) != 1):
		t.Errorf("second Push() = %v, stored, hosts %v; want web admitted", err, hostNames(f.Hosts()))
	}
	if _, err := f.Push(t.Context(), "monit", msg); err != nil || len(f.Hosts()) != 1 {
		t.Errorf("next Push() = %v, hosts %v; want web admitted", err, hostNames(f.Hosts()))
	}
}
