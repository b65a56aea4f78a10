package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/engine"
)

// fakeIngest records what was ingested.
type fakeIngest struct {
	mu  sync.Mutex
	got []engine.Status
	err error
}

func (f *fakeIngest) Ingest(_ context.Context, st engine.Status) (engine.CycleResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, st)
	return engine.CycleResult{Host: st.Host}, f.err
}

type fakeSink struct{ n int }

func (s *fakeSink) AfterCycle(context.Context, engine.CycleResult, error) { s.n++ }

type fakeEvents struct{ got []engine.Event }

func (f *fakeEvents) RecordCycle(_ context.Context, _ time.Time, _ engine.Status, evs []engine.Event) (engine.RecordedCycle, error) {
	f.got = append(f.got, evs...)
	return engine.RecordedCycle{Events: evs}, nil
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestFleet(t *testing.T) (*Fleet, *fakeIngest, *fakeEvents, *clock) {
	t.Helper()
	in, ev := &fakeIngest{}, &fakeEvents{}
	c := &clock{t: time.Unix(1795507200, 0)}
	return New(in, &fakeSink{}, ev, Options{Now: c.now}), in, ev, c
}

func readSample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPushSamples reads messages a real Monit 5.33 sent to a collector (captured for
// /work/shared/monit/REFERENCE.md part 3); their <credentials> carry the password "secret".
func TestPushSamples(t *testing.T) {
	for _, c := range []struct {
		name         string
		file         string
		wantServices int
		wantEvents   []string
	}{
		{"heartbeat", "heartbeat.xml", 7, []string{"Monit"}},
		{"event of a failing program", "event.xml", 7, []string{"failing"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, in, _, _ := newTestFleet(t)
			res, err := f.Push(context.Background(), "monit", readSample(t, c.file))
			if err != nil {
				t.Fatalf("Push() = %v", err)
			}
			if res.Host != "vm" || len(in.got) != 1 || len(in.got[0].Services) == 0 {
				t.Fatalf("Push() = %+v, ingested %d", res, len(in.got))
			}
			if dump := fmt.Sprintf("%+v %+v", in.got, res); strings.Contains(dump, "secret") {
				t.Errorf("the <credentials> password of the message went through: %s", dump)
			}
			var services []string
			for _, e := range res.MonitEvents {
				services = append(services, e.Service)
			}
			if strings.Join(services, ",") != strings.Join(c.wantEvents, ",") {
				t.Errorf("Monit events = %v, want %v", services, c.wantEvents)
			}
			hosts := f.Hosts()
			if len(hosts) != 1 || hosts[0].ID != "515284eeec9a806daa177124adab5321" || hosts[0].Interval != 5*time.Second ||
				hosts[0].Source != SourcePush {
				t.Errorf("Hosts() = %+v", hosts)
			}
		})
	}
}

func TestPushRefused(t *testing.T) {
	valid := string(readSample(t, "heartbeat.xml"))
	for _, c := range []struct {
		name, body string
	}{
		{"empty", ""},
		{"not xml", "hello"},
		{"truncated", valid[:len(valid)/2]},
		{"no monit id", strings.Replace(valid, `id="515284eeec9a806daa177124adab5321"`, "", 1)},
		{"no localhostname", strings.Replace(valid, "<localhostname>vm</localhostname>", "", 1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, in, _, _ := newTestFleet(t)
			_, err := f.Push(context.Background(), "monit", []byte(c.body))
			if !errors.Is(err, ErrRefused) {
				t.Errorf("Push() = %v, want ErrRefused", err)
			}
			if len(in.got) != 0 || len(f.Hosts()) != 0 {
				t.Errorf("a refused message was ingested (%d) or admitted (%v)", len(in.got), f.Hosts())
			}
		})
	}
}

func TestStaleAndRecovered(t *testing.T) {
	f, _, ev, c := newTestFleet(t)
	ctx := context.Background()
	body := readSample(t, "heartbeat.xml") // poll 5 s: stale after 15 s of silence
	if _, err := f.Push(ctx, "monit", body); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		advance   time.Duration
		push      bool
		wantStale bool
		wantKinds string
	}{
		{14 * time.Second, false, false, ""},
		{2 * time.Second, false, true, "STALE"},
		{time.Minute, false, true, "STALE"}, // once, not at every check
		{0, true, false, "STALE,RECOVERED"},
		{10 * time.Second, false, false, "STALE,RECOVERED"},
	}
	for i, s := range steps {
		c.t = c.t.Add(s.advance)
		if s.push {
			if _, err := f.Push(ctx, "monit", body); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.CheckStale(ctx); err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range ev.got {
			kinds = append(kinds, string(e.Kind))
			if e.Host != "vm" || e.Service != InstanceService {
				t.Errorf("event %+v, want host vm, service %s", e, InstanceService)
			}
		}
		if got := len(f.Stale()) == 1; got != s.wantStale || strings.Join(kinds, ",") != s.wantKinds {
			t.Errorf("step %d: stale %v, events %v; want %v, %s", i, got, kinds, s.wantStale, s.wantKinds)
		}
	}
}

func TestNameTakenByAnotherMonit(t *testing.T) {
	f, in, _, c := newTestFleet(t)
	ctx := context.Background()
	first := readSample(t, "heartbeat.xml")
	second := []byte(strings.Replace(string(first), "515284eeec9a806daa177124adab5321", "0123456789abcdef0123456789abcdef", 1))
	if _, err := f.Push(ctx, "monit", first); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Push(ctx, "monit", second); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("a second Monit with the same name: %v, want ErrNameTaken", err)
	}
	c.t = c.t.Add(time.Minute)
	if _, err := f.CheckStale(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Push(ctx, "monit", second); err != nil {
		t.Fatalf("the name of a stale Monit is taken over: %v", err)
	}
	if hosts := f.Hosts(); len(hosts) != 1 || hosts[0].ID != "0123456789abcdef0123456789abcdef" || len(in.got) != 2 {
		t.Errorf("Hosts() = %+v after the take-over, %d ingested", hosts, len(in.got))
	}
}

func TestPolled(t *testing.T) {
	f, _, _, _ := newTestFleet(t)
	if err := f.Polled(context.Background(), "db", time.Minute); err != nil {
		t.Fatal(err)
	}
	if h := f.Hosts(); len(h) != 1 || h[0].Source != SourcePoll || h[0].Interval != time.Minute {
		t.Errorf("Hosts() = %+v", h)
	}
}

func TestIngestErrorIsReturned(t *testing.T) {
	f, in, _, _ := newTestFleet(t)
	in.err = errors.New("disk full")
	if _, err := f.Push(context.Background(), "monit", readSample(t, "heartbeat.xml")); err == nil || errors.Is(err, ErrRefused) {
		t.Errorf("Push() with a failing store = %v, want a non-refusal error", err)
	}
}

// TestOnEventAfterStoring checks that each host event reaches Options.OnEvent (notifications)
// once, after it was stored, and that an event the store refused is not passed on.
func TestOnEventAfterStoring(t *testing.T) {
	in, ev := &fakeIngest{}, &fakeEvents{}
	c := &clock{t: time.Unix(1795507200, 0)}
	var told []string
	f := New(in, &fakeSink{}, ev, Options{Now: c.now, OnEvent: func(_ context.Context, e engine.Event) {
		told = append(told, fmt.Sprintf("%s %s stored=%d", e.Kind, e.Host, len(ev.got)))
	}})
	ctx := context.Background()
	body := readSample(t, "heartbeat.xml")
	if _, err := f.Push(ctx, "monit", body); err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(time.Minute)
	if _, err := f.CheckStale(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.CheckStale(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Push(ctx, "monit", body); err != nil {
		t.Fatal(err)
	}
	if want := []string{"STALE vm stored=1", "RECOVERED vm stored=2"}; !slices.Equal(told, want) {
		t.Errorf("OnEvent calls = %q, want %q", told, want)
	}
}

// TestMonitID: the Monit id of a host is known from its pushes only; a polled host, a host
// known from the history and an unknown name have none, and a take-over moves the name.
func TestMonitID(t *testing.T) {
	f, _, _, c := newTestFleet(t)
	ctx := context.Background()
	first := readSample(t, "heartbeat.xml")
	if _, err := f.Push(ctx, "monit", first); err != nil {
		t.Fatal(err)
	}
	if err := f.Polled(ctx, "db", time.Minute); err != nil {
		t.Fatal(err)
	}
	f.Remember(map[string]time.Time{"old": c.t})
	tests := []struct{ name, want string }{
		{"vm", "515284eeec9a806daa177124adab5321"},
		{"db", ""},
		{"old", ""},
		{"nobody", ""},
	}
	for _, tt := range tests {
		if got := f.MonitID(tt.name); got != tt.want {
			t.Errorf("MonitID(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	c.t = c.t.Add(time.Minute)
	if _, err := f.CheckStale(ctx); err != nil {
		t.Fatal(err)
	}
	second := []byte(strings.Replace(string(first), "515284eeec9a806daa177124adab5321", "0123456789abcdef0123456789abcdef", 1))
	if _, err := f.Push(ctx, "monit", second); err != nil {
		t.Fatal(err)
	}
	if got := f.MonitID("vm"); got != "0123456789abcdef0123456789abcdef" {
		t.Errorf("MonitID(vm) after a take-over = %q, want the new Monit's id", got)
	}
}

// TestMonitEventLogSaysTheState: an event carries only its test's bit and state; its log
// line words it as Monit's own log does for that state ("Status succeeded", not the "Status
// failed" of the failure) and names the state in Monit's words.
func TestMonitEventLogSaysTheState(t *testing.T) {
	for _, c := range []struct {
		state string
		want  string
	}{
		{"0", `event="Status succeeded" state=succeeded`},
		{"1", `event="Status failed" state=failed`},
		{"2", `event="Status changed" state=changed`},
		{"4", `event="Status not changed" state="changed not"`},
		{"16", `event="Status failed" state="state 16"`},
	} {
		t.Run(c.state, func(t *testing.T) {
			var logged strings.Builder
			c0 := &clock{t: time.Unix(1795507200, 0)}
			f := New(&fakeIngest{}, &fakeSink{}, &fakeEvents{}, Options{Now: c0.now,
				Logger: slog.New(slog.NewTextHandler(&logged, nil))})
			body := strings.Replace(string(readSample(t, "event.xml")), "<state>1</state><action>", "<state>"+c.state+"</state><action>", 1)
			if _, err := f.Push(t.Context(), "monit", []byte(body)); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(logged.String(), c.want) {
				t.Errorf("log = %s, want %s", logged.String(), c.want)
			}
		})
	}
}

// TestKnownHostsAndCaseSlip: the hosts named by the board and the registry, sorted, each
// once; a host named but for its case is a slip for the known one, any other is none.
func TestKnownHostsAndCaseSlip(t *testing.T) {
	known := KnownHosts([]string{"web2", "alpha"}, []Host{{Name: "beta"}, {Name: "alpha"}})
	if want := []string{"alpha", "beta", "web2"}; !slices.Equal(known, want) {
		t.Errorf("KnownHosts() = %v, want %v", known, want)
	}
	if got := KnownHosts(nil, nil); len(got) != 0 {
		t.Errorf("KnownHosts(nil, nil) = %v, want none", got)
	}
	for host, want := range map[string]string{"BETA": "beta", "Web2": "web2", "beta": "beta", "gamma": "", "": ""} {
		if got := CaseSlip(host, known); got != want {
			t.Errorf("CaseSlip(%q) = %q, want %q", host, got, want)
		}
	}
}
