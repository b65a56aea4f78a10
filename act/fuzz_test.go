package act

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzResolve feeds arbitrary action and service text (what a user or the LLM might send) to
// Resolve and checks the invariants of anything it accepts.
func FuzzResolve(f *testing.F) {
	for _, s := range [][2]string{
		{"restart", "sleeper"}, {"systemctl_restart", "nordvpn_status"}, {"logs", "nordvpnd.service"},
		{"monit_stop", "-x"}, {"rm", "a;rm -rf /"}, {"stop", "all"}, {"status", "$(reboot)"}, {"monitor", "a\nb"},
	} {
		f.Add(s[0], s[1])
	}
	opts := Options{Sudo: true, MonitControlFile: "/etc/monit/monitrc"}
	r := NewRunner(opts)
	f.Fuzz(func(t *testing.T, action, service string) {
		targets := testTargets()
		targets.Services[service] = true // even a name Monit reported must pass the checks
		remote := targets
		remote.Host, remote.Remote = "web2", true
		if c, err := Resolve(action, service, remote, Options{MonitRemote: true, MonitHost: "web2"}); err == nil &&
			(!strings.HasPrefix(string(c.Action), "monit_") || c.Unit != "") {
			t.Fatalf("Resolve(%q, %q) on another host = %+v: only Monit actions, and no unit, reach another host", action, service, c)
		}
		c, err := Resolve(action, service, targets, opts)
		if err != nil {
			return
		}
		if !IsAllowed(string(c.Action)) {
			t.Fatalf("Resolve(%q, %q) action %q is not whitelisted", action, service, c.Action)
		}
		if _, err := r.check(c); err != nil {
			t.Fatalf("Resolve(%q, %q) = %+v, which Run refuses: %v", action, service, c, err)
		}
		target := c.Unit
		if c.Unit == "" {
			target = c.Service
		}
		if target == "" || target[0] == '-' || strings.EqualFold(target, "all") || strings.ContainsAny(target, "/\\") {
			t.Fatalf("Resolve(%q, %q) accepted the target %q", action, service, target)
		}
		for _, r := range target {
			if r != ' ' && !unicode.IsPrint(r) {
				t.Fatalf("Resolve(%q, %q) accepted the target %q with %U", action, service, target, r)
			}
		}
	})
}

func BenchmarkResolve(b *testing.B) {
	targets := testTargets()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Resolve("restart", "nordvpn_status", targets, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
