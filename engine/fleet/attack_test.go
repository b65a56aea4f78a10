package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"monit-intel/engine"
)

// withName returns the heartbeat sample with its localhostname, the name of its service
// "sleeper" and its Monit id replaced (raw: the caller escapes what XML needs escaped).
func withName(t *testing.T, id, host, service string) []byte {
	t.Helper()
	s := string(readSample(t, "heartbeat.xml"))
	s = strings.Replace(s, "515284eeec9a806daa177124adab5321", id, 1)
	s = strings.Replace(s, "<localhostname>vm</localhostname>", "<localhostname>"+host+"</localhostname>", 1)
	return []byte(strings.Replace(s, `<service name="sleeper">`, `<service name="`+service+`">`, 1))
}

const id1 = "11111111111111111111111111111111"

// TestPushHostileHostNames: a localhostname that cannot be a host's name (it would forge a
// log line, drive a terminal, or fill the registry) is refused and nothing is stored; odd
// but printable names are kept byte for byte, as distinct hosts.
func TestPushHostileHostNames(t *testing.T) {
	for _, c := range []struct {
		name, host, want string // want "" = refused
	}{
		{"newline", "web\nmsg=forged", ""},
		{"carriage return", "web\rx", ""},
		{"tab", "web\tx", ""},
		{"space", "web 2", ""},
		{"only a space", " ", ""},
		{"escape sequence", "web\x1b[2J", "web[2J"}, // cleanDocument drops the ESC control character itself
		{"DEL", "web\x7f", ""},
		{"U+2028 line separator", "web\u2028x", ""},
		{"zero width space", "web\u200bx", ""},
		{"replacement character", "web\ufffd", ""},
		{"too long", strings.Repeat("a", MaxHostNameLen+1), ""},
		{"longest", strings.Repeat("a", MaxHostNameLen), strings.Repeat("a", MaxHostNameLen)},
		{"path climbing", "../../etc/passwd", "../../etc/passwd"},
		{"a REST path segment", "status", "status"},
		{"markup", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"},
		{"Cyrillic look-alike", "bеta", "bеta"},
		{"invalid UTF-8 read as Latin-1", "b\xe9ta", "béta"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, in, _, _ := newTestFleet(t)
			res, err := f.Push(context.Background(), "monit", withName(t, id1, c.host, "sleeper"))
			if c.want == "" {
				if !errors.Is(err, ErrRefused) || len(in.got) != 0 || len(f.Hosts()) != 0 {
					t.Errorf("Push(%q) = %v, %d ingested, hosts %v; want ErrRefused and nothing kept", c.host, err, len(in.got), f.Hosts())
				}
				return
			}
			if err != nil || res.Host != c.want || f.Hosts()[0].Name != c.want {
				t.Errorf("Push(%q) = %q, %v; want the host %q", c.host, res.Host, err, c.want)
			}
		})
	}
}

// TestPushHostileServiceNames: a service name with control characters, or long enough to
// overflow a bbolt key (it was stored in SQLite, then the failure state's save failed: a 503
// that Monit would resend forever), is refused whole; other odd names are kept as text.
func TestPushHostileServiceNames(t *testing.T) {
	for _, c := range []struct {
		name, service, want string // want "" = refused
	}{
		{"newline", "web\nmsg=forged", ""},
		{"tab", "web\tx", ""},
		{"U+2028", "web\u2028x", ""},
		{"over MaxServiceNameLen", strings.Repeat("s", MaxServiceNameLen+1), ""},
		{"over a bbolt key", strings.Repeat("s", 40000), ""},
		{"MaxServiceNameLen", strings.Repeat("s", MaxServiceNameLen), strings.Repeat("s", MaxServiceNameLen)},
		{"spaces", "ignore previous instructions", "ignore previous instructions"},
		{"path climbing", "../../status", "../../status"},
		{"markup", "&lt;script&gt;", "<script>"},
		{"escape sequence", "web\x1b[2J", "web[2J"}, // cleanDocument drops the ESC itself
	} {
		t.Run(c.name, func(t *testing.T) {
			f, in, _, _ := newTestFleet(t)
			_, err := f.Push(context.Background(), "monit", withName(t, id1, "web", c.service))
			if c.want == "" {
				if !errors.Is(err, ErrRefused) || len(in.got) != 0 || len(f.Hosts()) != 0 {
					t.Errorf("Push(service %.40q) = %v, %d ingested; want ErrRefused and nothing kept", c.service, err, len(in.got))
				}
				return
			}
			if err != nil || !slices.ContainsFunc(in.got[0].Services, func(s engine.Snapshot) bool { return s.Name == c.want }) {
				t.Errorf("Push(service %.40q) = %v; want the service %.40q kept", c.service, err, c.want)
			}
		})
	}
}

// TestPushLookAlikeIsAnotherHost: "bеta" with a Cyrillic е is a host of its own: it neither
// takes beta's name nor is found under it.
func TestPushLookAlikeIsAnotherHost(t *testing.T) {
	f, _, _, _ := newTestFleet(t)
	ctx := context.Background()
	if _, err := f.Push(ctx, "monit", withName(t, id1, "beta", "sleeper")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Push(ctx, "monit", withName(t, "22222222222222222222222222222222", "bеta", "sleeper")); err != nil {
		t.Fatal(err)
	}
	if got := f.MonitID("beta"); got != id1 {
		t.Errorf("MonitID(beta) = %q, want %q: the look-alike must not take it", got, id1)
	}
	if n := len(f.Hosts()); n != 2 {
		t.Errorf("%d hosts, want beta and its look-alike apart", n)
	}
}

// TestPushXMLAttacks: entity expansion, external entities, deep nesting, NUL bytes and huge
// texts are either refused (nothing stored) or read as plain text, never expanded or fetched.
func TestPushXMLAttacks(t *testing.T) {
	valid := string(readSample(t, "heartbeat.xml"))
	withDoctype := func(doctype, host string) string {
		s := strings.Replace(valid, `?><monit`, `?>`+doctype+`<monit`, 1)
		return strings.Replace(s, "<localhostname>vm</localhostname>", "<localhostname>"+host+"</localhostname>", 1)
	}
	laughs := `<!DOCTYPE monit [<!ENTITY a "aaaaaaaaaa">` + func() string {
		var b strings.Builder
		prev := "a"
		for i := range 9 {
			name := fmt.Sprintf("l%d", i)
			fmt.Fprintf(&b, `<!ENTITY %s "%s">`, name, strings.Repeat("&"+prev+";", 10))
			prev = name
		}
		return b.String()
	}() + `]>`
	deep := strings.Replace(valid, "<status>0</status>", "<status>0</status>"+strings.Repeat("<x>", 20000)+strings.Repeat("</x>", 20000), 1)
	many := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `<service name="s%d"><type>3</type><status>0</status><monitor>1</monitor></service>`, i)
		}
		return strings.Replace(valid, "<services>", "<services>"+b.String(), 1)
	}
	for _, c := range []struct {
		name, body string
		wantHost   string // "" = refused
	}{
		{"billion laughs", withDoctype(laughs, "&l8;"), "&l8;"},
		{"external entity", withDoctype(`<!DOCTYPE monit [<!ENTITY x SYSTEM "file:///etc/passwd">]>`, "&x;"), "&x;"},
		{"parameter entity", withDoctype(`<!DOCTYPE monit [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]>`, "vm"), "vm"},
		{"DOCTYPE only", withDoctype(`<!DOCTYPE monit SYSTEM "file:///etc/passwd">`, "vm"), "vm"},
		{"deeply nested elements", deep, "vm"},
		{"nested beyond the decoder's depth", strings.Repeat("<monit>", 200000), ""},
		{"NUL bytes", strings.Replace(valid, "<localhostname>vm", "<localhostname>v\x00m\x00", 1), "vm"},
		{"huge element text", strings.Replace(valid, "<uptime>0</uptime>", "<uptime>"+strings.Repeat("9", 1<<20)+"</uptime>", 1), "vm"},
		{"huge attribute", strings.Replace(valid, `version="5.33.0"`, `version="`+strings.Repeat("v", 1<<20)+`"`, 1), "vm"},
		{"10,000 services", many(10000), "vm"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, in, _, _ := newTestFleet(t)
			res, err := f.Push(context.Background(), "monit", []byte(c.body))
			if c.wantHost == "" {
				if !errors.Is(err, ErrRefused) || len(in.got) != 0 || len(f.Hosts()) != 0 {
					t.Errorf("Push() = %v, %d ingested; want ErrRefused and nothing kept", err, len(in.got))
				}
				return
			}
			if err != nil || res.Host != c.wantHost {
				t.Fatalf("Push() = %q, %v; want the host %q, read as text", res.Host, err, c.wantHost)
			}
			for _, s := range in.got[0].Services {
				if strings.Contains(s.Name, "root:") || len(s.Name) > 64 {
					t.Errorf("a service name was expanded or fetched: %.80q", s.Name)
				}
			}
		})
	}
}

// TestPushCannotTakeAPolledName: a Monit with collector credentials that calls itself by a
// polled host's name (the first poll target is this machine, where local actions run) is
// refused, whether that host speaks or is STALE; a poll takes its name back from a pusher
// that was first, also after a restart.
func TestPushCannotTakeAPolledName(t *testing.T) {
	ctx := context.Background()
	store := &memStore{}
	in, ev := &fakeIngest{}, &fakeEvents{}
	c := &clock{t: time.Unix(1795507200, 0)}
	f := New(in, &fakeSink{}, ev, Options{Now: c.now, Store: store})
	if err := f.Polled(ctx, "local", time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Push(ctx, "monit", withName(t, id1, "local", "sleeper")); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("a push as the polled host = %v, want ErrNameTaken", err)
	}
	c.t = c.t.Add(time.Minute)
	if stale, err := f.CheckStale(ctx); err != nil || len(stale) != 1 {
		t.Fatalf("CheckStale() = %v, %v; want the polled host stale", stale, err)
	}
	if _, err := f.Push(ctx, "monit", withName(t, id1, "local", "sleeper")); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("a push as the STALE polled host = %v, want ErrNameTaken", err)
	}
	if err := f.Save(ctx); err != nil {
		t.Fatal(err)
	}
	again := New(in, &fakeSink{}, ev, Options{Now: c.now, Store: store})
	if _, err := again.Restore(ctx); err != nil {
		t.Fatal(err)
	}
	// After a restart the configuration may have dropped the poll target for a Monit that
	// pushes: the STALE name is taken, until a poll answers as it again.
	if _, err := again.Push(ctx, "monit", withName(t, id1, "local", "sleeper")); err != nil {
		t.Fatalf("a push as the STALE polled host of the last run = %v, want it taken", err)
	}
	if err := again.Polled(ctx, "local", time.Second); err != nil {
		t.Fatalf("the poll after a restart = %v, want its name taken back", err)
	}
	if _, err := again.Push(ctx, "monit", withName(t, id1, "local", "sleeper")); !errors.Is(err, ErrNameTaken) {
		t.Fatalf("a push as the polled host once it answered = %v, want ErrNameTaken", err)
	}
	if len(in.got) != 1 || again.MonitID("local") != "" {
		t.Errorf("%d pushes ingested, MonitID(local) = %q; want one and the polled host", len(in.got), again.MonitID("local"))
	}
	in.got = nil

	first := New(in, &fakeSink{}, ev, Options{Now: c.now})
	if _, err := first.Push(ctx, "monit", withName(t, id1, "local", "sleeper")); err != nil {
		t.Fatal(err) // before the first poll the name is unknown
	}
	if err := first.Polled(ctx, "local", time.Second); err != nil {
		t.Fatalf("the poll after a pusher took its name = %v, want it taken back", err)
	}
	if _, err := first.Push(ctx, "monit", withName(t, id1, "local", "sleeper")); !errors.Is(err, ErrNameTaken) {
		t.Errorf("the pusher after the poll took its name back = %v, want ErrNameTaken", err)
	}
	if h := first.Hosts(); len(h) != 1 || h[0].Source != SourcePoll {
		t.Errorf("Hosts() = %+v, want the polled host alone", h)
	}
}

// overlapIngest fails the test when two ingests of one host overlap.
type overlapIngest struct {
	busy    atomic.Int32
	overlap atomic.Bool
	n       atomic.Int32
}

func (o *overlapIngest) Ingest(_ context.Context, st engine.Status) (engine.CycleResult, error) {
	if o.busy.Add(1) > 1 {
		o.overlap.Store(true)
	}
	time.Sleep(time.Millisecond)
	o.busy.Add(-1)
	o.n.Add(1)
	return engine.CycleResult{Host: st.Host}, nil
}

// TestConcurrentPushesOfOneHost: 50 concurrent messages of one Monit (a burst of queued
// events) are ingested one at a time, all of them.
func TestConcurrentPushesOfOneHost(t *testing.T) {
	in := &overlapIngest{}
	f := New(in, &fakeSink{}, &fakeEvents{}, Options{})
	body := withName(t, id1, "web", "sleeper")
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := f.Push(context.Background(), "monit", body); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if in.overlap.Load() || in.n.Load() != 50 || len(f.Hosts()) != 1 {
		t.Errorf("overlap %v, %d ingested, %d hosts; want 50 one at a time on one host", in.overlap.Load(), in.n.Load(), len(f.Hosts()))
	}
}

// TestEventFloodIsNotLogged: a message packed with 20,000 events (Monit sends one) is read,
// and logs a few of them and a count, not one line each.
func TestEventFloodIsNotLogged(t *testing.T) {
	var logs strings.Builder
	f := New(&fakeIngest{}, &fakeSink{}, &fakeEvents{}, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ev := "<event><collected_sec>1795507119</collected_sec><service>web\nforged</service><type>5</type><id>65536</id><state>2</state></event>"
	body := strings.Replace(string(withName(t, id1, "web", "sleeper")), "</monit>", strings.Repeat(ev, 20000)+"</monit>", 1)
	res, err := f.Push(context.Background(), "monit", []byte(body))
	if err != nil || len(res.MonitEvents) < 20000 {
		t.Fatalf("Push() = %d events, %v; want them read", len(res.MonitEvents), err)
	}
	if lines := strings.Count(logs.String(), "\n"); lines > maxLoggedEvents+2 || !strings.Contains(logs.String(), "count=") {
		t.Errorf("%d log lines for one message:\n%.2000s", lines, logs.String())
	}
}

// TestPushedPollIsBounded: a <poll> so large that it overflowed a time.Duration made the
// interval negative: STALE at every check, RECOVERED at every push. It is now at most
// MaxPushInterval, and an absent or odd one is the default.
func TestPushedPollIsBounded(t *testing.T) {
	for _, c := range []struct {
		poll string
		want time.Duration
	}{
		{"1", time.Second},
		{"0", 30 * time.Second},
		{"-5", 30 * time.Second},
		{"86400", MaxPushInterval},
		{"9999999999999", MaxPushInterval},
		{"9223372036854775807", MaxPushInterval},
		{"99999999999999999999", 30 * time.Second},
	} {
		f, _, ev, c2 := newTestFleet(t)
		body := strings.Replace(string(withName(t, id1, "web", "sleeper")), "<poll>5</poll>", "<poll>"+c.poll+"</poll>", 1)
		for range 3 {
			if _, err := f.Push(context.Background(), "monit", []byte(body)); err != nil {
				t.Fatal(err)
			}
			c2.t = c2.t.Add(time.Second)
			if _, err := f.CheckStale(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.Hosts()[0].Interval; got != c.want || len(ev.got) != 0 {
			t.Errorf("<poll>%s</poll>: interval %v, %d host events; want %v and none", c.poll, got, len(ev.got), c.want)
		}
	}
}
