package mother

import (
	"slices"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
)

// staleHosts is a fleet registry with fixed silent hosts.
type staleHosts []enginefleet.Host

func (s staleHosts) Stale() []enginefleet.Host { return s }

// userFleet is a user's fleet with the model down: alpha (polled), beta and gamma, each with
// its system service named like the host, web (process) and job (program); job fails on beta
// and gamma. stale lists the silent hosts.
func userFleet(t testing.TB, stale ...string) *rig {
	t.Helper()
	d := newFakeData(t)
	d.services, d.events = nil, nil
	at := func(m time.Duration) time.Time { return testNow.Add(-m * time.Minute) }
	for _, h := range []string{"alpha", "beta", "gamma"} {
		for _, s := range []struct {
			name string
			typ  engine.ServiceType
		}{{h, engine.TypeSystem}, {"web", engine.TypeProcess}, {"job", engine.TypeProgram}} {
			c := engine.Classified{
				Snapshot: engine.Snapshot{Host: h, Name: s.name, Type: s.typ, Monitor: engine.MonitorYes, CollectedAt: at(1)},
				State:    engine.FailureState{Host: h, Service: s.name, Type: s.typ, State: engine.StateOK, LastSeen: at(1)},
			}
			if s.typ == engine.TypeProcess {
				cpu := 0.0
				c.Snapshot.Process = &engine.ProcessFigures{CPUPercent: &cpu}
			}
			if slices.Contains(stale, h) {
				c.Snapshot.CollectedAt, c.State.LastSeen = at(50), at(50)
			}
			if s.name == "job" && h != "alpha" {
				c.Snapshot.Status, c.State.Status, c.State.State = engine.BitStatus, engine.BitStatus, engine.StateOngoing
				c.State.Since, c.State.Failures = at(20), 1
				d.events = append(d.events, engine.Event{ID: int64(len(d.events) + 1), At: at(20), Host: h, Service: "job",
					Kind: engine.StateNew, Status: engine.BitStatus, Detail: "job on " + h + ": exit 1"})
			}
			d.services = append(d.services, c)
		}
	}
	var silent staleHosts
	for _, h := range stale {
		silent = append(silent, enginefleet.Host{Name: h, Stale: true, LastSeen: at(50), StaleSince: at(40)})
	}
	r := &rig{data: d, mem: &memMemory{}}
	r.m = New(d, r.mem, Options{Hosts: silent, Now: func() time.Time { return testNow }, Nonce: func() string { return testNonce }})
	return r
}

// fleetStep is one message of a conversation on the three hosts and what its answer must
// and must not say.
type fleetStep struct {
	msg       string
	kind      Kind
	has, lack []string
}

func runFleetSteps(t *testing.T, r *rig, steps []fleetStep) {
	t.Helper()
	session := t.Name()
	for _, s := range steps {
		reply, _ := r.chat(t, session, s.msg)
		if s.kind != "" && Kind(reply.Intent) != s.kind {
			t.Errorf("%q: intent = %s, want %s\n%s", s.msg, reply.Intent, s.kind, reply.Text)
		}
		checkAnswer(t, s.msg, reply.Text, s.has, s.lack)
	}
}

// TestStaleHostAnswers: an answer about a silent host says so, since when, and that its
// figures are its last report; an overview names the silent hosts; answers about hosts that
// speak say nothing of it.
func TestStaleHostAnswers(t *testing.T) {
	silent := "alpha is silent since 2026-11-25 13:50 (STALE)"
	cases := []struct {
		name  string
		stale []string
		steps []fleetStep
	}{
		{"status of a service on a silent host", []string{"alpha"}, []fleetStep{
			{"is web running on alpha?", KindStatus, []string{silent, "its last report, of 2026-11-25 13:40", "last report: ", "web on alpha (process): OK"}, []string{"  now:"}},
		}},
		{"overview names the silent host", []string{"alpha"}, []fleetStep{
			{"what's broken?", KindStatus, []string{silent, "9 services on 3 hosts"}, nil},
		}},
		{"two silent hosts", []string{"alpha", "gamma"}, []fleetStep{
			{"status", KindStatus, []string{silent, "gamma is silent since"}, []string{"beta is silent"}},
		}},
		{"a speaking host says nothing", []string{"alpha"}, []fleetStep{
			{"is web running on beta?", KindStatus, []string{"web on beta (process): OK"}, []string{"silent", "STALE"}},
			{"why is job failing on gamma?", KindWhy, nil, []string{"silent"}},
		}},
		{"history and figures of a silent host", []string{"gamma"}, []fleetStep{
			{"history of job on gamma", KindHistory, []string{"gamma is silent since 2026-11-25 13:50 (STALE)"}, nil},
			{"cpu of web on gamma", KindFigures, []string{"gamma is silent since", "web on gamma CPU usage: last report 0.0%"}, []string{"now 0.0%"}},
			{"cpu of web on beta", KindFigures, []string{"web on beta CPU usage: now 0.0%"}, []string{"silent"}},
		}},
		{"no registry, no note", nil, []fleetStep{
			{"what's broken?", KindStatus, []string{"9 services on 3 hosts: 7 OK, 2 failing"}, []string{"silent"}},
			{"what changed on beta today", KindChanges, []string{"(1 failure, 0 recovered)"}, []string{"1 failures"}},
			{"what changed today", KindChanges, []string{"(2 failures, 0 recovered)"}, nil},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runFleetSteps(t, userFleet(t, c.stale...), c.steps) })
	}
}

// TestSeveralHostsNamed: a message that names several hosts is answered on each of them,
// in the order named; none is dropped.
func TestSeveralHostsNamed(t *testing.T) {
	runFleetSteps(t, userFleet(t), []fleetStep{
		{"why is job failing on gamma and beta?", KindWhy, []string{"job on gamma", "job on beta"}, nil},
		{"history of web on alpha and gamma", KindHistory, []string{"web on alpha", "web on gamma"}, []string{"web on beta"}},
		{"is web running on alpha, beta and gamma?", KindStatus,
			[]string{"web on alpha (process): OK", "web on beta (process): OK", "web on gamma (process): OK"}, nil},
		{"is job ok on alpha and on beta", KindStatus, []string{"job on alpha (program): OK", "job on beta (program): failing"},
			[]string{"job on gamma"}},
		{"is web running on all hosts?", KindStatus, []string{"web on alpha", "web on beta", "web on gamma"}, []string{"several hosts"}},
		{"why is job failing on every host", KindWhy, []string{"job on alpha", "job on beta", "job on gamma"}, []string{"several hosts"}},
		{"is web running on hosts beta & gamma?", KindStatus, []string{"web on beta", "web on gamma"}, []string{"web on alpha"}},
		{"is web running on ALPHA and Beta?", KindStatus, []string{"web on alpha", "web on beta"}, []string{"Unknown host"}},
	})
	r := userFleet(t)
	reply, _ := r.chat(t, "s", "why is job failing on gamma and beta?")
	if got := strings.Join(reply.Hosts, ","); got != "gamma,beta" {
		t.Errorf("Hosts = %s, want gamma,beta", got)
	}
	if g, b := strings.Index(reply.Text, "job on gamma"), strings.Index(reply.Text, "job on beta"); g < 0 || b < g {
		t.Errorf("gamma's answer is not before beta's:\n%s", reply.Text)
	}
}

// TestUnknownHostNamed: a host that is not in the fleet is said to be unknown, with the
// hosts there are and the closest name; a word after "on" that is no host is not one.
func TestUnknownHostNamed(t *testing.T) {
	runFleetSteps(t, userFleet(t), []fleetStep{
		{"is web running on delta?", "", []string{`Unknown host "delta" (the hosts are alpha, beta, gamma).`}, []string{"Say \"", "Did you mean"}},
		{"is web running on Gmma?", "", []string{`Unknown host "Gmma"`, "Did you mean gamma?"}, nil},
		{"is web running on betta?", "", []string{"Did you mean beta?"}, nil},
		{"history of job on nosuch", "", []string{`Unknown host "nosuch"`}, nil},
		{"restart web on alpah", "", []string{`Unknown host "alpah"`, "Did you mean alpha?"}, []string{"Proposed"}},
		{"logs of web on host delta.lan", "", []string{`Unknown host "delta.lan"`}, nil},
		{"is web running on alpha.", KindStatus, []string{"web on alpha (process): OK"}, []string{"Unknown host"}},
		{"what failed on monday", KindHistory, nil, []string{"Unknown host"}},
		{"turn on monitoring of web on beta", "", nil, []string{"Unknown host"}},
		{"why is web failing on delta today?", "", []string{`Unknown host "delta"`}, nil},
		{"what failed on the weekend", "", nil, []string{"Unknown host"}},
		{"is anything listening on port 80", "", nil, []string{"Unknown host"}},
		{"how is web on average", "", nil, []string{"Unknown host"}},
		{"does web start on boot", "", nil, []string{"Unknown host"}},
		{"is web on alpha ok", "", nil, []string{"Unknown host"}},
		{"is web running on beta and delta?", KindStatus, []string{`Unknown host "delta" (the hosts are alpha, beta, gamma)`, "web on beta (process): OK"}, []string{"web on alpha"}},
		{"is web running on beta and web?", KindStatus, []string{"web on beta (process): OK"}, []string{"Unknown host"}},
	})
}

// TestSeveralHostsAction: an action on several named hosts proposes it on each; none is run.
func TestSeveralHostsAction(t *testing.T) {
	r := userFleet(t)
	reply, _ := r.chat(t, "without flow", "restart web on gamma and alpha")
	if g, a := strings.Index(reply.Text, "restart web on host gamma"), strings.Index(reply.Text, "restart web on host alpha"); g < 0 || a < g {
		t.Errorf("without an approval flow, the answer does not name each host in order:\n%s", reply.Text)
	}
	fa := &fakeActions{}
	r.m.opts.Actions = fa
	reply, _ = r.chat(t, "s", "restart web on alpha and beta")
	var hosts []string
	for _, p := range reply.Proposals {
		hosts = append(hosts, p.Service+"@"+p.Host)
	}
	if got := strings.Join(hosts, ","); got != "web@alpha,web@beta" {
		t.Fatalf("proposals = %s, want web@alpha,web@beta\n%s", got, reply.Text)
	}
	for _, w := range []string{"on host alpha", "on host beta"} {
		if !strings.Contains(reply.Text, w) {
			t.Errorf("answer lacks %q:\n%s", w, reply.Text)
		}
	}
}

// TestWhichHostAnswers: the answer to "which host?" may name a host in a phrase, several
// hosts, or all of them.
func TestWhichHostAnswers(t *testing.T) {
	ask := fleetStep{"is job ok?", KindWhichHost, []string{"job is on several hosts: alpha, beta, gamma"}, nil}
	cases := []struct {
		answer    string
		kind      Kind
		has, lack []string
	}{
		{"the one on beta", KindStatus, []string{"job on beta (program): failing"}, []string{"job on alpha", "job on gamma"}},
		{"on host gamma please", KindStatus, []string{"job on gamma (program): failing"}, []string{"job on beta"}},
		{"both", KindStatus, []string{"job on alpha", "job on beta", "job on gamma"}, nil},
		{"all of them", KindStatus, []string{"job on alpha", "job on beta", "job on gamma"}, nil},
		{"alpha and gamma", KindStatus, []string{"job on alpha", "job on gamma"}, []string{"job on beta"}},
		{"Beta.", KindStatus, []string{"job on beta"}, []string{"job on alpha"}},
	}
	for _, c := range cases {
		t.Run(c.answer, func(t *testing.T) {
			runFleetSteps(t, userFleet(t), []fleetStep{ask, {c.answer, c.kind, c.has, c.lack}})
		})
	}
}

// TestHostFollowUps: a follow-up naming only another host asks the same of that host, also
// when a service is named like the host; a count after "why" asks for the history.
func TestHostFollowUps(t *testing.T) {
	cases := []struct {
		name  string
		steps []fleetStep
	}{
		{"what about HOST keeps the service", []fleetStep{
			{"memory of web on gamma", KindFigures, []string{"web on gamma"}, nil},
			{"what about beta", KindFigures, []string{"web on beta memory usage"}, []string{"beta on beta", "CPU usage"}},
			{"and alpha?", KindFigures, []string{"web on alpha"}, nil},
		}},
		{"a host's system check asked, then another host's", []fleetStep{
			{"cpu of gamma", KindFigures, []string{"gamma CPU usage"}, []string{"gamma on gamma"}},
			{"what about beta", KindFigures, []string{"beta CPU usage"}, []string{"web", "beta on beta"}},
			{"is beta ok", KindStatus, []string{"beta (system): OK"}, []string{"beta on beta"}},
		}},
		{"a count after why is the history", []fleetStep{
			{"why is job failing on beta?", KindWhy, nil, nil},
			{"show me the last 3", KindHistory, []string{"job on beta: exit 1"}, []string{"job on gamma"}},
		}},
		{"follow-ups stay on the hosts named", []fleetStep{
			{"why is job failing on gamma and beta?", KindWhy, []string{"job on gamma", "job on beta"}, nil},
			{"show me the last 3", KindHistory, []string{"job on gamma: exit 1", "job on beta: exit 1"}, []string{"several hosts"}},
			{"how is web", KindWhichHost, []string{"web is on several hosts: alpha, beta, gamma"}, nil},
		}},
		{"services on several hosts without naming one carry no host", []fleetStep{
			{"is job ok on alpha, beta and gamma", KindStatus, nil, nil},
			{"what failed today?", KindHistory, []string{"job on beta", "job on gamma"}, nil},
		}},
		{"a fresh question naming a service is not a host follow-up", []fleetStep{
			{"memory of web on gamma", KindFigures, nil, nil},
			{"what about job", KindFigures, []string{"job"}, nil},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runFleetSteps(t, userFleet(t), c.steps) })
	}
}

// FuzzHostsNamed feeds the fleet's Mother arbitrary messages after a question on one host:
// she must answer without error, about known hosts only, and call a host unknown only when
// the message said it.
func FuzzHostsNamed(f *testing.F) {
	for _, s := range []string{"restart web on alpha and beta", "on on on", "what about beta", "both", "the one on gamma",
		"is web running on delta?", "on host ., and &", "history of job on ALPHA, beta & on host gamma", "on alpha.",
		"what about on alpha and", "on é and ü", "show me the last 3", "on -a- and -b-"} {
		f.Add(s)
	}
	r := userFleet(f, "beta")
	known := []string{"alpha", "beta", "gamma"}
	f.Fuzz(func(t *testing.T, msg string) {
		if _, err := r.m.Chat(t.Context(), "fuzz", "memory of web on gamma", func(string) error { return nil }); err != nil {
			t.Fatal(err)
		}
		reply, err := r.m.Chat(t.Context(), "fuzz", msg, func(string) error { return nil })
		if err != nil {
			t.Fatalf("Chat(%q) = %v", msg, err)
		}
		for _, h := range reply.Hosts {
			if !slices.Contains(known, h) {
				t.Errorf("Chat(%q) is about host %q, which is not known", msg, h)
			}
		}
		if i := strings.Index(reply.Text, `Unknown host "`); i >= 0 {
			word := strings.SplitN(reply.Text[i+len(`Unknown host "`):], `"`, 2)[0]
			if !strings.Contains(msg, word) {
				t.Errorf("Chat(%q) calls %q an unknown host", msg, word)
			}
		}
	})
}
