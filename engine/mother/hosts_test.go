package mother

import (
	"strings"
	"testing"

	"monit-intel/engine"
	"monit-intel/engine/llm/ollamafake"
)

// TestOnHost: a service on several hosts makes Mother ask which host; "on HOST" answers it
// and scopes the turn to that host; a service on one host needs no host.
func TestOnHost(t *testing.T) {
	r := newRig(t, ollamafake.Reply{Content: "ok"}, 8192)
	second := r.data.services[1] // nginx, OK on vm
	second.Snapshot.Host, second.State.Host = "web2", "web2"
	second.Snapshot.Status, second.State.Status = engine.BitConnection, engine.BitConnection
	r.data.services = append(r.data.services, second)
	cases := []struct {
		msg      string
		kind     Kind
		has      []string
		services []string
	}{
		{"restart nginx", KindWhichHost, []string{"nginx is on several hosts: vm, web2", `"restart nginx on vm"`}, nil},
		{"restart nginx on web2", KindAction, nil, []string{"nginx"}},
		{"how is nginx on host vm", KindStatus, nil, []string{"nginx"}},
		{"how is gamma_conn", KindStatus, nil, []string{"gamma_conn"}},
	}
	for _, c := range cases {
		t.Run(c.msg, func(t *testing.T) {
			reply, _ := r.chat(t, "s-"+c.msg, c.msg)
			if Kind(reply.Intent) != c.kind {
				t.Errorf("intent = %s, want %s (text %q)", reply.Intent, c.kind, reply.Text)
			}
			for _, h := range c.has {
				if !strings.Contains(reply.Text, h) {
					t.Errorf("text %q lacks %q", reply.Text, h)
				}
			}
			if c.services != nil && strings.Join(reply.Services, ",") != strings.Join(c.services, ",") {
				t.Errorf("services = %v, want %v", reply.Services, c.services)
			}
		})
	}
	reply, _ := r.chat(t, "scoped", "status on web2")
	if !strings.Contains(reply.Text, "nginx") || strings.Contains(reply.Text, "gamma_conn") {
		t.Errorf("status on web2 = %q, want web2's services only", reply.Text)
	}
}

// TestActionOnHost: the proposal's host is the board's: the host the message named, or the one
// host that has the service; in a fleet Mother's answer names it.
func TestActionOnHost(t *testing.T) {
	r := newRig(t, ollamafake.Reply{Content: "ok"}, 8192)
	fa := &fakeActions{}
	r.m.opts.Actions = fa
	second := r.data.services[1] // nginx, OK on vm
	second.Snapshot.Host, second.State.Host = "web2", "web2"
	r.data.services = append(r.data.services, second)
	cases := []struct{ msg, wantHost, has string }{
		{"restart nginx on web2", "web2", "on host web2"},
		{"restart nginx on vm", "vm", "on host vm"},
		{"restart gamma_conn", "vm", "Proposed: systemctl restart gamma_conn.service on host vm"},
	}
	for _, c := range cases {
		t.Run(c.msg, func(t *testing.T) {
			fa.pending = nil
			reply, _ := r.chat(t, "s-"+c.msg, c.msg)
			if len(fa.pending) != 1 || fa.pending[0].Host != c.wantHost || !strings.Contains(reply.Text, c.has) {
				t.Errorf("%q: proposals %+v, text %q; want one on host %s saying %q", c.msg, fa.pending, reply.Text, c.wantHost, c.has)
			}
		})
	}
}
