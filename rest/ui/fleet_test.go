package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/approve"
	enginefleet "monit-intel/engine/fleet"
	"monit-intel/logs"
)

// fakeFleet is the fleet's view of its hosts; a test marks hosts STALE and back.
type fakeFleet struct {
	mu    sync.Mutex
	hosts []enginefleet.Host
}

func (f *fakeFleet) Hosts() []enginefleet.Host {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]enginefleet.Host(nil), f.hosts...)
}

func (f *fakeFleet) setStale(name string, stale bool, since time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.hosts {
		if f.hosts[i].Name == name {
			f.hosts[i].Stale, f.hosts[i].StaleSince = stale, since
		}
	}
}

// localLogs stands for the log registry: this machine's lines for any service name.
type localLogs struct{}

func (localLogs) Read(_ context.Context, service string, _ int) (logs.Result, error) {
	if service == "nolog" {
		return logs.Result{}, errors.New("no log source configured for \"nolog\"")
	}
	return logs.Result{Service: service, Source: "/var/log/local.log", Lines: []string{"LOCAL LINE of " + service}}, nil
}

// fleetFixture is the fleet a user tried: alpha polled (this machine), beta, gamma and delta
// pushing; delta last spoke ten minutes ago. gamma has a hosts: entry, delta none.
type fleetFixture struct {
	*fixture
	fleet    *fakeFleet
	lastSeen time.Time
}

func newFleetFixture(t *testing.T) fleetFixture {
	t.Helper()
	now := time.Now()
	ff := fleetFixture{lastSeen: now.Add(-10 * time.Minute).Truncate(time.Second), fleet: &fakeFleet{}}
	services := map[string][]string{"alpha": {"web", "job", "nolog"}, "beta": {"web"}, "gamma": {"web"}, "delta": {"job"}}
	var snaps []engine.Snapshot
	states := map[engine.ServiceKey]engine.FailureState{}
	for _, h := range []string{"alpha", "beta", "delta", "gamma"} {
		seen := now
		if h == "delta" {
			seen = ff.lastSeen
		}
		ff.fleet.hosts = append(ff.fleet.hosts, enginefleet.Host{Name: h, Source: enginefleet.SourcePush, LastSeen: seen})
		for _, s := range services[h] {
			snaps = append(snaps, engine.Snapshot{Host: h, Name: s, Type: engine.TypeProcess, CollectedAt: seen,
				Monitor: engine.MonitorYes, Status: engine.BitStatus})
			states[engine.ServiceKey{Host: h, Service: s}] = engine.FailureState{Host: h, Service: s,
				State: engine.StateNew, Status: engine.BitStatus, Since: seen.Add(-time.Minute), Failures: 1}
		}
	}
	ff.fixture = newFixture(t, snaps, states)
	ff.fleet.setStale("delta", true, now.Add(-time.Minute))
	local := func() string { return "alpha" }
	targets := func(_ context.Context, host string) (act.Targets, error) {
		t := act.Targets{Services: map[string]bool{}, Host: host, Remote: host != local()}
		for _, c := range ff.board.ServicesOn(host) {
			t.Services[c.Snapshot.Name] = true
		}
		return t, nil
	}
	gamma := act.Options{MonitRemote: true, MonitHost: "gamma", MonitURL: "http://gamma.lan:2812",
		MonitUser: "admin", MonitPassword: "s3cret-pw"}
	flow := approve.New(nil, nil, targets, nil, approve.Options{Act: act.Options{MonitControlFile: "/etc/monitrc"},
		Hosts: approve.Hosts{Local: local, Of: ff.board.HostsOf, Known: ff.board.Hosts,
			Remote: map[string]approve.Remote{"gamma": {Act: gamma}}}})
	ff.actions.preview = flow.Preview
	ff.ui.deps.Fleet, ff.ui.deps.LocalHost, ff.ui.deps.Logs, ff.ui.deps.Targets = ff.fleet, local, localLogs{}, targets
	return ff
}

// rowsOf returns the overview's rows that link to a host's services.
func rowsOf(page, host string) []string {
	var out []string
	for _, r := range strings.Split(page, `<tr role="row"`)[1:] {
		if strings.Contains(r, "?host="+host+`"`) {
			out = append(out, r)
		}
	}
	return out
}

// TestStaleHostIsMarked: a STALE host's rows, its service pages and every page's banner say,
// in words, that it is silent since its last report; the other hosts' do not; when it speaks
// again the marks go.
func TestStaleHostIsMarked(t *testing.T) {
	ff := newFleetFixture(t)
	c := ff.client(t)
	ff.login(t, c, "victor")
	silent := "silent since " + stamp(ff.lastSeen)
	for _, path := range []string{"/ui/", "/ui/audit", "/ui/services/web?host=alpha"} {
		if _, page := get(t, c, ff.srv.URL+path); !strings.Contains(page, "Host delta is STALE: its Monit has been "+silent) {
			t.Errorf("GET %s lacks the banner naming delta %s", path, silent)
		}
	}
	for _, path := range []string{"/ui/", "/ui/?part=rows"} { // the page, and the rows a cycle refreshes
		_, page := get(t, c, ff.srv.URL+path)
		for _, r := range rowsOf(page, "delta") {
			if !strings.Contains(r, `class="failing stale"`) || !strings.Contains(r, "STALE: delta silent since") ||
				!strings.Contains(r, `datetime="`+stamp(ff.lastSeen)+`"`) {
				t.Errorf("GET %s: delta's row is not marked STALE since %s:\n%s", path, stamp(ff.lastSeen), r)
			}
		}
		for _, h := range []string{"alpha", "beta", "gamma"} {
			if rows := rowsOf(page, h); len(rows) == 0 || strings.Contains(strings.Join(rows, ""), "STALE") {
				t.Errorf("GET %s: %s's rows = %q, want them, unmarked", path, h, rows)
			}
		}
		if len(rowsOf(page, "delta")) != 1 {
			t.Errorf("GET %s: want delta's one row", path)
		}
	}
	if _, page := get(t, c, ff.srv.URL+"/ui/?q=stale"); len(rowsOf(page, "delta")) != 1 || len(rowsOf(page, "alpha")) != 0 {
		t.Errorf("filtering by \"stale\" does not keep exactly delta's rows")
	}
	_, page := get(t, c, ff.srv.URL+"/ui/services/job?host=delta")
	if !strings.Contains(page, "delta's Monit has been silent since <time datetime=\""+stamp(ff.lastSeen)) ||
		!strings.Contains(page, "below are its last report, not current") {
		t.Errorf("delta's service page does not say it is silent since %s:\n%s", stamp(ff.lastSeen), page)
	}
	if _, page := get(t, c, ff.srv.URL+"/ui/services/job?host=alpha"); strings.Contains(page, `id="stale"`) {
		t.Errorf("alpha's job says STALE")
	}

	ff.fleet.setStale("delta", false, time.Time{})
	for _, path := range []string{"/ui/", "/ui/services/job?host=delta"} {
		if _, page := get(t, c, ff.srv.URL+path); strings.Contains(page, "STALE") {
			t.Errorf("GET %s still says STALE after delta spoke again", path)
		}
	}
}

// TestActionsSayWhereTheyRun: on another host the page shows the command as the proposal
// will hold it, with the Monit HTTP interface it goes through (never its credentials); a
// host without a hosts: entry shows the refusal instead of a button; this machine's actions
// run here.
func TestActionsSayWhereTheyRun(t *testing.T) {
	ff := newFleetFixture(t)
	c := ff.client(t)
	ff.login(t, c, "alice")
	cases := []struct {
		path       string
		has, lacks []string
	}{
		{"/ui/services/web?host=gamma",
			[]string{"<code>monit restart web (gamma&#39;s Monit HTTP interface, http://gamma.lan:2812)</code>", "Propose monit_restart"},
			[]string{"s3cret-pw", "admin", "Refused"}},
		{"/ui/services/job?host=delta",
			[]string{"Refused: action refused: no hosts.delta entry: monit-intel has no credentials for delta&#39;s Monit"},
			[]string{"Propose monit_restart", "s3cret-pw"}},
		{"/ui/services/web?host=alpha",
			[]string{"<code>monit -c /etc/monitrc restart web</code>", "Propose monit_restart"},
			[]string{"Monit HTTP interface", "Refused"}},
	}
	for _, tc := range cases {
		_, page := get(t, c, ff.srv.URL+tc.path)
		for _, want := range tc.has {
			if !strings.Contains(page, want) {
				t.Errorf("GET %s lacks %s", tc.path, want)
			}
		}
		for _, bad := range tc.lacks {
			if strings.Contains(page, bad) {
				t.Errorf("GET %s shows %s", tc.path, bad)
			}
		}
	}
}

// TestLogsOfAnotherHostAreLocalOnly: another host's service never gets this machine's lines
// of the same name; the page says logs are local-only. This machine's services read them.
func TestLogsOfAnotherHostAreLocalOnly(t *testing.T) {
	ff := newFleetFixture(t)
	c := ff.client(t)
	ff.login(t, c, "victor")
	cases := []struct{ path, has, lacks string }{
		{"/ui/services/web?host=gamma", "logs are local-only: web is on gamma, and this daemon reads the logs of alpha", "LOCAL LINE"},
		{"/ui/services/job?host=delta", "logs are local-only: job is on delta", "LOCAL LINE"},
		{"/ui/services/web?host=alpha", "LOCAL LINE of web", "local-only"},
		{"/ui/services/nolog?host=alpha", "no log source configured", "local-only"},
	}
	for _, tc := range cases {
		if _, page := get(t, c, ff.srv.URL+tc.path); !strings.Contains(page, tc.has) || strings.Contains(page, tc.lacks) {
			t.Errorf("GET %s: want %q and not %q", tc.path, tc.has, tc.lacks)
		}
	}
}

// TestUnknownHost: a host= no one knows is "unknown host" with the known ones (a host known
// only to the fleet among them), or the one meant when only the case differs; a known host
// without the service says so.
func TestUnknownHost(t *testing.T) {
	ff := newFleetFixture(t)
	ff.fleet.hosts = append(ff.fleet.hosts, enginefleet.Host{Name: "epsilon", Source: enginefleet.SourcePush})
	c := ff.client(t)
	ff.login(t, c, "victor")
	cases := []struct{ path, want string }{
		{"/ui/services/web?host=nosuch", "Unknown host “nosuch”: the known hosts are alpha, beta, delta, epsilon, gamma."},
		{"/ui/services/web?host=Gamma", "Unknown host “Gamma”: did you mean “gamma”? Host names are matched exactly."},
		{"/ui/services/web?host=%3Cb%3E", "Unknown host “&lt;b&gt;”"},
		{"/ui/services/web?host=delta", "Monit reports no service called “web” on delta."},
		{"/ui/services/web?host=epsilon", "Monit reports no service called “web” on epsilon."},
	}
	for _, tc := range cases {
		if resp, page := get(t, c, ff.srv.URL+tc.path); resp.StatusCode != 404 || !strings.Contains(page, tc.want) {
			t.Errorf("GET %s = %d, want 404 saying %s:\n%s", tc.path, resp.StatusCode, tc.want, page)
		}
	}
}

// TestEventsAnnounceAStaleHost: a host becoming STALE, without a cycle, refreshes the
// overview's rows (event "cycle") and its banners (event "health").
func TestEventsAnnounceAStaleHost(t *testing.T) {
	ff := newFleetFixture(t)
	ff.fleet.setStale("delta", false, time.Time{})
	c := ff.client(t)
	ff.login(t, c, "victor")
	sc := eventStream(t, c, ff.srv.URL)
	go func() {
		time.Sleep(100 * time.Millisecond)
		ff.fleet.setStale("beta", true, time.Now())
	}()
	var cycle, banner bool
	for !(cycle && banner) && sc.Scan() {
		cycle = cycle || sc.Text() == "event: cycle"
		banner = banner || strings.Contains(sc.Text(), "Host beta is STALE")
	}
	if !cycle || !banner {
		t.Fatalf("after beta became STALE: cycle event %v, banner %v (%v)", cycle, banner, sc.Err())
	}
}

// TestConfirmingOnAStaleHost: the confirmation step of an action on a STALE host says its
// Monit is silent; the pages link to the proposal's host's service.
func TestConfirmingOnAStaleHost(t *testing.T) {
	ff := newFleetFixture(t)
	c := ff.client(t)
	ff.login(t, c, "alice")
	for _, host := range []string{"delta", "alpha"} {
		resp := post(t, c, ff.srv.URL+"/ui/services/job/propose", url.Values{"action": {"monit_restart"}, "host": {host}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("propose on %s = %d", host, resp.StatusCode)
		}
	}
	_, page := get(t, c, ff.srv.URL+"/ui/approvals/p1")
	if !strings.Contains(page, `id="host-stale"`) || !strings.Contains(page, "delta's Monit has been silent since") ||
		!strings.Contains(page, `href="/ui/services/job?host=delta"`) {
		t.Errorf("confirming on delta does not say delta is STALE or link its job:\n%s", page)
	}
	if _, page := get(t, c, ff.srv.URL+"/ui/approvals/p2"); strings.Contains(page, `id="host-stale"`) {
		t.Errorf("confirming on alpha says STALE")
	}
	if _, page := get(t, c, ff.srv.URL+"/ui/approvals"); !strings.Contains(page, `href="/ui/services/job?host=alpha"`) {
		t.Errorf("the approvals do not link alpha's job")
	}
}
