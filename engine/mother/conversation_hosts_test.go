package mother

import (
	"slices"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm/ollamafake"
)

// twoNginx is the rig's fleet with a second nginx on web2, failing there, with a failure
// event of its own; the one on vm is OK and has an older event.
func twoNginx(t *testing.T) *rig {
	t.Helper()
	r := newRig(t, ollamafake.Reply{Content: "ok"}, 8192)
	second := r.data.services[1] // nginx, OK on vm
	second.Snapshot.Host, second.State.Host = "web2", "web2"
	second.Snapshot.Status, second.State.Status = engine.BitConnection, engine.BitConnection
	second.State.State, second.State.Since = engine.StateOngoing, testNow.Add(-10*time.Minute)
	r.data.services = append(r.data.services, second)
	r.data.events = append([]engine.Event{
		{ID: 90, At: testNow.Add(-10 * time.Minute), Host: "web2", Service: "nginx", Kind: engine.StateNew,
			Status: engine.BitConnection, Detail: "web2: port 443 refused"},
		{ID: 91, At: testNow.Add(-5 * time.Hour), Host: "vm", Service: "nginx", Kind: engine.StateNew,
			Status: engine.BitConnection, Detail: "vm: port 80 refused"},
	}, r.data.events...)
	return r
}

// TestConversationStaysOnHost: a follow-up that names no host stays on the host of the turn
// before, whether that host was named or chosen when Mother asked; naming another host or a
// service that host lacks leaves it.
func TestConversationStaysOnHost(t *testing.T) {
	type step struct {
		msg       string
		kind      Kind
		hosts     string
		has, lack []string
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"named host carried by follow-ups", []step{
			{"why is nginx failing on web2?", KindWhy, "web2", []string{"failing (Connection failed) since 2026-11-25 14:20"}, nil},
			{"show me its logs", KindLogs, "web2", nil, nil},
			{"and the memory?", KindFigures, "web2", []string{"nginx"}, nil},
			{"history", KindHistory, "web2", []string{"port 443 refused"}, []string{"port 80 refused"}},
		}},
		{"asked which host, then answered", []step{
			{"show me the history of nginx", KindWhichHost, "vm,web2", []string{"nginx is on several hosts"}, nil},
			{"web2", KindHistory, "web2", []string{"port 443 refused"}, []string{"port 80 refused"}},
			{"and the memory?", KindFigures, "web2", nil, nil},
		}},
		{"answered with on HOST", []step{
			{"why is nginx failing", KindWhichHost, "vm,web2", []string{"Which one?"}, nil},
			{"on vm", KindWhy, "vm", []string{"nginx (process): OK"}, []string{"failing"}},
		}},
		{"another host or a service elsewhere leaves the host", []step{
			{"why is nginx failing on web2?", KindWhy, "web2", nil, nil},
			{"and nginx on vm?", KindWhy, "vm", nil, nil},
			{"what about gamma_conn?", KindWhy, "vm", []string{"gamma_conn"}, nil},
		}},
		{"a host's own history and changes", []step{
			{"what failed on web2?", KindHistory, "web2", []string{"All services on web2", "port 443 refused"}, []string{"port 80 refused", "Status failed"}},
			{"what changed on vm today", KindChanges, "vm", []string{"port 80 refused"}, []string{"port 443 refused"}},
		}},
		{"a list across hosts names each event's host", []step{
			{"what failed today?", KindHistory, "", []string{"nginx on web2  NEW", "nginx on vm  NEW"}, nil},
			{"what changed today", KindChanges, "", []string{"nginx on web2  NEW"}, nil},
		}},
		{"a fresh question is not a follow-up", []step{
			{"how is nginx on web2", KindStatus, "web2", nil, nil},
			{"how is nginx", KindWhichHost, "vm,web2", []string{"Which one?"}, nil},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := twoNginx(t)
			for _, s := range c.steps {
				reply, _ := r.chat(t, "s", s.msg)
				if Kind(reply.Intent) != s.kind || strings.Join(reply.Understood.Hosts, ",") != s.hosts {
					t.Errorf("%q: intent %s, hosts %v; want %s on %s (text %q)", s.msg, reply.Intent,
						reply.Understood.Hosts, s.kind, s.hosts, reply.Text)
				}
				for _, h := range s.has {
					if !strings.Contains(reply.Text, h) {
						t.Errorf("%q: text %q lacks %q", s.msg, reply.Text, h)
					}
				}
				for _, h := range s.lack {
					if strings.Contains(reply.Text, h) {
						t.Errorf("%q: text %q has %q, of another host", s.msg, reply.Text, h)
					}
				}
			}
			last := r.mem.turns[len(r.mem.turns)-1]
			if want := c.steps[len(c.steps)-1].hosts; s2(last.Hosts) != want && last.Intent != string(KindWhichHost) {
				t.Errorf("stored turn hosts = %v, want %s", last.Hosts, want)
			}
		})
	}
}

func s2(list []string) string { return strings.Join(list, ",") }

// TestLogsAreLocalOnly: the logs of a service of another host are not this machine's lines.
func TestLogsAreLocalOnly(t *testing.T) {
	r := twoNginx(t)
	r.m.opts.LocalHost = func() string { return "vm" }
	reply, _ := r.chat(t, "s", "show me the logs of gamma_conn")
	if !strings.Contains(reply.Text, "connection refused by") {
		t.Errorf("logs of a local service = %q, want its lines", reply.Text)
	}
	r.data.services[4].Snapshot.Name, r.data.services[4].State.Service = "gamma_conn", "gamma_conn" // gamma_conn on web2 too
	reply, _ = r.chat(t, "s2", "show me the logs of gamma_conn on web2")
	if !strings.Contains(reply.Text, "logs are local-only: gamma_conn is on web2") || strings.Contains(reply.Text, "connection refused by") {
		t.Errorf("logs of web2's gamma_conn = %q, want them refused as local-only", reply.Text)
	}
}

// TestFollowUpActionStaysOnHost: "restart it" after a question about nginx on web2 proposes
// the restart on web2, not on the other host with an nginx.
func TestFollowUpActionStaysOnHost(t *testing.T) {
	r := twoNginx(t)
	fa := &fakeActions{}
	r.m.opts.Actions = fa
	r.chat(t, "s", "why is nginx failing on web2?")
	reply, _ := r.chat(t, "s", "restart it")
	if Kind(reply.Intent) != KindAction || len(fa.pending) != 1 || fa.pending[0].Host != "web2" {
		t.Errorf("restart it: intent %s, proposals %+v; want one on web2 (text %q)", reply.Intent, fa.pending, reply.Text)
	}
}

// threeHosts is a fleet like a new user's: alpha, beta and gamma each with a system check
// of their own name, a process web and a program job; job fails on beta, web failed four
// times on each host.
func threeHosts(t *testing.T) *rig {
	t.Helper()
	r := newRig(t, ollamafake.Reply{Content: "ok"}, 8192)
	r.data.services, r.data.events, r.data.analyses = nil, nil, nil
	id := int64(100)
	for _, h := range []string{"alpha", "beta", "gamma"} {
		for _, s := range []struct {
			name string
			typ  engine.ServiceType
		}{{h, engine.TypeSystem}, {"web", engine.TypeProcess}, {"job", engine.TypeProgram}} {
			c := engine.Classified{Snapshot: engine.Snapshot{Host: h, Name: s.name, Type: s.typ, Monitor: engine.MonitorYes,
				CollectedAt: testNow.Add(-time.Minute)}, State: engine.FailureState{Host: h, Service: s.name, Type: s.typ}}
			if h == "beta" && s.name == "job" {
				c.Snapshot.Status, c.State.Status = engine.BitStatus, engine.BitStatus
				c.State.State, c.State.Since = engine.StateOngoing, testNow.Add(-10*time.Minute)
			}
			r.data.services = append(r.data.services, c)
		}
		for i := range 4 {
			id++
			r.data.events = append(r.data.events, engine.Event{ID: id, At: testNow.Add(-time.Duration(10+5*i) * time.Minute),
				Host: h, Service: "web", Kind: engine.StateNew, Status: engine.BitNonExist, Detail: h + ": web does not exist"})
		}
	}
	return r
}

// TestFleetAnswersNameTheHost: in a fleet, every service an answer names carries its host,
// counts are of services on hosts, and the which-host question can be answered by the name.
func TestFleetAnswersNameTheHost(t *testing.T) {
	cases := []struct {
		msgs      []string
		has, lack []string
	}{
		{[]string{"what's broken?"}, []string{"9 services on 3 hosts: 8 OK, 1 failing", "job on beta (program): failing"}, nil},
		{[]string{"help"}, []string{"the 9 services on 3 hosts monit-intel watches"}, nil},
		{[]string{"what changed in the last hour?"}, []string{"12 events in 3 services on 3 hosts", "web on gamma  NEW"}, nil},
		{[]string{"is web running on beta?"}, []string{"web on beta (process): OK"}, []string{"alpha", "gamma"}},
		{[]string{"memory of web on beta in the last hour"}, []string{"web on beta memory usage"}, []string{"alpha", "gamma"}},
		{[]string{"show me the last 3 failures of web on beta"}, []string{"beta: web does not exist"}, []string{"alpha:", "gamma:"}},
		{[]string{"is web running?"}, []string{`Say "is web running on alpha?" or just "alpha"`}, nil},
		{[]string{"is web running?", "beta"}, []string{"web on beta (process): OK"}, []string{"alpha", "gamma"}},
		{[]string{"is web running on beta?", "and why?"}, []string{"web on beta (process): OK"}, []string{"Which one?"}},
		{[]string{"what changed on beta in the last hour?"}, []string{"web on beta  NEW"}, []string{"alpha", "gamma"}},
		{[]string{"what failed today?"}, []string{"web on gamma  NEW"}, nil},
		{[]string{"status on gamma"}, []string{"3 services on gamma: 3 OK"}, []string{"beta"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.msgs, " / "), func(t *testing.T) {
			r := threeHosts(t)
			var reply Reply
			for _, m := range c.msgs {
				reply, _ = r.chat(t, "s", m)
			}
			for _, h := range c.has {
				if !strings.Contains(reply.Text, h) {
					t.Errorf("text %q lacks %q", reply.Text, h)
				}
			}
			for _, h := range c.lack {
				if strings.Contains(reply.Text, h) {
					t.Errorf("text %q has %q", reply.Text, h)
				}
			}
			if strings.HasPrefix(c.msgs[0], "memory") && strings.Join(r.data.sampled, ",") != "beta/web memory" {
				t.Errorf("samples read = %v, want beta's web memory only", r.data.sampled)
			}
			for _, s := range r.data.sampled {
				if strings.Contains(strings.Join(c.msgs, " "), "on beta") && !strings.HasPrefix(s, "beta/") {
					t.Errorf("read the samples of %s, want beta's only", s)
				}
			}
		})
	}
}

// TestFleetListOfOneHostNamesIt: in a fleet a list whose events are all of one host still
// names it: "web on beta", not "web".
func TestFleetListOfOneHostNamesIt(t *testing.T) {
	r := threeHosts(t)
	r.data.events = slices.DeleteFunc(r.data.events, func(e engine.Event) bool { return e.Host != "beta" })
	for _, msg := range []string{"what failed today?", "what changed in the last hour?"} {
		reply, _ := r.chat(t, "s-"+msg, msg)
		if !strings.Contains(reply.Text, "web on beta  NEW") {
			t.Errorf("%q = %q, want each row to name beta", msg, reply.Text)
		}
	}
}
