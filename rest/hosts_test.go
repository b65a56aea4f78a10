package rest

import (
	"encoding/json"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
	"monit-intel/logs"
)

type fakeFleet []enginefleet.Host

func (f fakeFleet) Hosts() []enginefleet.Host { return f }

// twoHosts is a board where alpha and gamma both have "job" (failing on alpha) and only
// beta has "db"; beta's Monit is stale.
func twoHosts() Deps {
	deps := testDeps()
	b := engine.NewBoard()
	for _, h := range []string{"alpha", "beta", "gamma"} {
		name, status := "job", engine.StatusBits(0)
		if h == "beta" {
			name = "db"
		}
		if h == "alpha" {
			status = engine.BitStatus
		}
		b.Record(engine.CycleResult{Host: h, Services: []engine.Classified{{Snapshot: engine.Snapshot{Host: h, Name: name,
			Type: engine.TypeProgram, Status: status, Monitor: 1, CollectedAt: t0}}}}, nil)
	}
	deps.Board = b
	deps.Trends = &fakeTrends{}
	deps.LocalHost = func() string { return "alpha" }
	deps.Logs = fakeLogs(func(service string, _ int) (logs.Result, error) {
		return logs.Result{Service: service, Lines: []string{"a line of the local " + service}}, nil
	})
	deps.Fleet = fakeFleet{
		{ID: "a1", Name: "alpha", Source: enginefleet.SourcePush, Interval: 30 * time.Second, LastSeen: t0},
		{ID: "b1", Name: "beta", Source: enginefleet.SourcePush, Interval: 30 * time.Second, LastSeen: t0.Add(-time.Hour),
			Stale: true, StaleSince: t0},
		{ID: "poll:gamma", Name: "gamma", Source: enginefleet.SourcePoll, Interval: time.Minute, LastSeen: t0},
		{ID: "d1", Name: "delta", Source: enginefleet.SourcePush, Interval: 30 * time.Second, LastSeen: t0},
	}
	return deps
}

func TestHostParameters(t *testing.T) {
	deps := twoHosts()
	_, api := newTestServer(t, Options{}, deps)
	ft := deps.Trends.(*fakeTrends)
	cases := []struct {
		name, method, path string
		body               any
		want               int
		has                string
	}{
		{"status of one host", "GET", "/status?host=alpha", nil, 200, `"count":1`},
		{"status of a stale host says so", "GET", "/status?host=beta", nil, 200, `"host_stale":true`},
		{"status of an unknown host", "GET", "/status?host=nosuch", nil, 404, `unknown host \"nosuch\": the known hosts are alpha, beta, delta, gamma`},
		{"status of a host in another case", "GET", "/status?host=BETA", nil, 404, `did you mean \"beta\"`},
		{"history of an unknown host", "GET", "/history?host=nosuch", nil, 404, `unknown host \"nosuch\"`},
		{"history of a service on an unknown host", "GET", "/history?service=job&host=nosuch", nil, 404, `unknown host \"nosuch\"`},
		{"snapshots on an unknown host", "GET", "/history/snapshots?service=job&host=nosuch", nil, 404, `unknown host \"nosuch\"`},
		{"analyses of an unknown host", "GET", "/analyses?host=Alpha", nil, 404, `did you mean \"alpha\"`},
		{"analyze on an unknown host", "POST", "/analyze", map[string]any{"service": "job", "host": "nosuch"}, 404, "the known hosts are alpha, beta, delta, gamma (GET /hosts"},
		{"analyze an unknown host's failing services", "POST", "/analyze", map[string]any{"host": "nosuch"}, 404, `unknown host \"nosuch\"`},
		{"a trend on an unknown host", "GET", "/trends?service=job&figure=exit_status&host=nosuch", nil, 404, `unknown host \"nosuch\"`},
		{"logs on an unknown host", "GET", "/logs/job?host=nosuch", nil, 404, `unknown host \"nosuch\"`},
		{"a stale host with no services is known", "GET", "/status?host=delta", nil, 200, `"count":0`},
		{"a service on several hosts needs the host", "GET", "/history/snapshots?service=job", nil, 409, "alpha, gamma"},
		{"snapshots of one host", "GET", "/history/snapshots?service=job&host=gamma", nil, 200, "snapshots"},
		{"a service on one host needs none", "GET", "/history/snapshots?service=db", nil, 200, "snapshots"},
		{"a service not on that host", "GET", "/history/snapshots?service=db&host=alpha", nil, 404, "on host"},
		{"history of a shared name lists every host", "GET", "/history?service=job", nil, 200, "events"},
		{"analyze a shared name needs the host", "POST", "/analyze", map[string]any{"service": "job"}, 409, "say which"},
		{"analyze it on one host", "POST", "/analyze", map[string]any{"service": "job", "host": "alpha"}, 200, `"service":"job"`},
		{"it is healthy on the other", "POST", "/analyze", map[string]any{"service": "job", "host": "gamma"}, 200, `"healthy":["job"]`},
		{"analyze one host's failing services", "POST", "/analyze", map[string]any{"host": "gamma"}, 200, `"analyses":[]`},
		{"analyses of one host", "GET", "/analyses?service=job&host=alpha", nil, 200, "analyses"},
		{"a trend of a shared name needs the host", "GET", "/trends?service=job&figure=exit_status", nil, 409, "alpha, gamma"},
		{"a trend on one host", "GET", "/trends?service=job&figure=exit_status&host=gamma", nil, 200, `"host":"gamma"`},
		{"a trend of a service on one host needs none", "GET", "/trends?service=db&figure=exit_status", nil, 200, `"host":"beta"`},
		{"a trend of a service not on that host", "GET", "/trends?service=db&figure=exit_status&host=alpha", nil, 404, "on host"},
		{"logs of this machine's service", "GET", "/logs/job?host=alpha", nil, 200, "a line of the local job"},
		{"logs of a name this machine has", "GET", "/logs/job", nil, 200, "a line of the local job"},
		{"logs of another host's service", "GET", "/logs/job?host=gamma", nil, 404, "logs are local-only: job is on gamma"},
		{"logs of a service only another host has", "GET", "/logs/db", nil, 404, "logs are local-only: db is on beta"},
		{"logs of a source Monit does not check", "GET", "/logs/syslog", nil, 200, "a line of the local syslog"},
		{"hosts", "GET", "/hosts", nil, 200, `"name":"gamma","source":"poll"`},
		{"health lists the stale host", "GET", "/health", nil, 200, `"stale_hosts":[{"name":"beta"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var args []any
			if c.body != nil {
				args = append(args, c.body)
			}
			resp := api.Do(c.method, c.path, args...)
			if resp.Code != c.want || !strings.Contains(resp.Body.String(), c.has) {
				t.Errorf("%s %s = %d %s, want %d with %s", c.method, c.path, resp.Code, resp.Body, c.want, c.has)
			}
			if strings.HasPrefix(c.path, "/trends") && resp.Code == 200 &&
				(ft.host == "" || !strings.Contains(resp.Body.String(), `"host":"`+ft.host+`"`)) {
				t.Errorf("%s read the samples of host %q", c.path, ft.host)
			}
		})
	}
}

// TestStatusMarksStaleHosts: every service of a STALE host says so on /status; the services of
// hosts that speak do not.
func TestStatusMarksStaleHosts(t *testing.T) {
	_, api := newTestServer(t, Options{}, twoHosts())
	resp := api.Do("GET", "/status")
	var body struct {
		Services []Service `json:"services"`
	}
	if err := json.Unmarshal(resp.Body.Bytes(), &body); err != nil || len(body.Services) != 3 {
		t.Fatalf("GET /status = %d %s (%v), want 3 services", resp.Code, resp.Body, err)
	}
	for _, s := range body.Services {
		if s.HostStale != (s.Host == "beta") {
			t.Errorf("%s on %s: host_stale = %v, want %v (beta is stale)", s.Service, s.Host, s.HostStale, s.Host == "beta")
		}
	}
}

// switchFleet is a Fleet whose hosts a test changes between requests.
type switchFleet struct {
	hosts atomic.Pointer[[]enginefleet.Host]
}

func (f *switchFleet) Hosts() []enginefleet.Host { return *f.hosts.Load() }

// TestStatusCacheFollowsStaleness: the whole fleet's cached /status and its ETag change when a
// host becomes STALE or speaks again, though the board did not change.
func TestStatusCacheFollowsStaleness(t *testing.T) {
	deps := twoHosts()
	hosts := []enginefleet.Host(deps.Fleet.(fakeFleet))
	for i := range hosts {
		hosts[i].Stale = false
	}
	sf := &switchFleet{}
	sf.hosts.Store(&hosts)
	deps.Fleet = sf
	_, api := newTestServer(t, Options{}, deps)
	first := api.Get("/status")
	if strings.Contains(first.Body.String(), "host_stale") {
		t.Fatalf("GET /status with no stale host = %s", first.Body)
	}
	staleBeta := slices.Clone(hosts)
	staleBeta[1].Stale, staleBeta[1].StaleSince = true, t0
	sf.hosts.Store(&staleBeta)
	second := api.Get("/status", "If-None-Match: "+first.Header().Get("ETag"))
	if second.Code != 200 || strings.Count(second.Body.String(), `"host_stale":true`) != 1 ||
		second.Header().Get("ETag") == first.Header().Get("ETag") {
		t.Errorf("GET /status after beta went stale = %d %s (ETag %s, before %s), want beta's service marked and a new ETag",
			second.Code, second.Body, second.Header().Get("ETag"), first.Header().Get("ETag"))
	}
	sf.hosts.Store(&hosts)
	if third := api.Get("/status"); third.Body.String() != first.Body.String() {
		t.Errorf("GET /status after beta spoke again = %s, want %s", third.Body, first.Body)
	}
}

// TestHostsNeverShowZeroTimes: a host the board knows but the fleet does not (seen before the
// registry was kept) is listed with its newest snapshot as last seen, and no zero time or zero
// interval leaks into the JSON.
func TestHostsNeverShowZeroTimes(t *testing.T) {
	deps := twoHosts()
	b := deps.Board.(*engine.Board)
	b.Record(engine.CycleResult{Host: "zeta", Services: []engine.Classified{{Snapshot: engine.Snapshot{Host: "zeta",
		Name: "web", Type: engine.TypeProcess, Monitor: 1, CollectedAt: t0.Add(-time.Hour)}}}}, nil)
	b.Record(engine.CycleResult{Host: "empty"}, nil)
	_, api := newTestServer(t, Options{}, deps)
	resp := api.Do("GET", "/hosts")
	body := resp.Body.String()
	if resp.Code != 200 || strings.Contains(body, "0001-01-01") || strings.Contains(body, `"interval_sec":0`) {
		t.Errorf("GET /hosts = %d %s, want no zero time or interval", resp.Code, body)
	}
	want := `{"name":"zeta","source":"history","last_seen":"` + t0.Add(-time.Hour).UTC().Format(time.RFC3339) + `","stale":false,"services":1}`
	if !strings.Contains(body, want) {
		t.Errorf("GET /hosts = %s, want %s", body, want)
	}
}
