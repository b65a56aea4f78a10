package ui

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
)

// TestHostNamesFromPushesAreEscaped: a pushing Monit names its host (localhostname); a host
// named with markup, a path and a look-alike of another is shown as text on the overview,
// on its service's page and on the page that asks which host.
func TestHostNamesFromPushesAreEscaped(t *testing.T) {
	now := time.Now()
	hosts := []string{`<script>alert("h")</script>`, "../../ui/logout", "bеta", "beta"}
	var snaps []engine.Snapshot
	for _, h := range hosts {
		snaps = append(snaps, engine.Snapshot{Host: h, Name: "web", Type: engine.TypeProcess, CollectedAt: now, Monitor: engine.MonitorYes})
	}
	f := newFixture(t, snaps, nil)
	fl := &fakeFleet{} // every host STALE: the banners and the rows' marks name them too
	for _, h := range hosts {
		fl.hosts = append(fl.hosts, enginefleet.Host{Name: h, LastSeen: now, Stale: true, StaleSince: now})
	}
	f.ui.deps.Fleet = fl
	c := f.client(t)
	f.login(t, c, "victor")
	pages := []string{"/ui/", "/ui/services/web", "/ui/?q=" + url.QueryEscape(hosts[0])}
	for _, h := range hosts {
		pages = append(pages, "/ui/services/web?host="+url.QueryEscape(h))
	}
	for _, u := range pages {
		resp, body := get(t, c, f.srv.URL+u)
		if resp.StatusCode != 200 && (u != "/ui/services/web" || resp.StatusCode != 409) {
			t.Fatalf("GET %s = %d, want 200 (409 for the page asking which host)", u, resp.StatusCode)
		}
		if strings.Contains(body, "<script>alert") {
			t.Errorf("GET %s contains the host's markup unescaped", u)
		}
	}
	// An unknown host with markup, and one a case slip from a look-alike.
	for _, h := range []string{`<script>alert("u")</script>`, "BЕTA"} {
		resp, body := get(t, c, f.srv.URL+"/ui/services/web?host="+url.QueryEscape(h))
		if resp.StatusCode != 404 || strings.Contains(body, "<script>alert") || !strings.Contains(body, "Unknown host") {
			t.Errorf("GET ?host=%q = %d, want 404 saying unknown host, escaped", h, resp.StatusCode)
		}
		if strings.Contains(body, "did you mean") != (h == "BЕTA") {
			t.Errorf("GET ?host=%q: did you mean = %v, want it for the look-alike's case slip only", h, !(h == "BЕTA"))
		}
	}
	_, overview := get(t, c, f.srv.URL+"/ui/")
	if n := strings.Count(overview, "is STALE: its Monit has been silent since"); n != len(hosts) {
		t.Errorf("the overview has %d STALE banners, want %d", n, len(hosts))
	}
	for _, h := range []string{"bеta", "beta", "../../ui/logout"} {
		if !strings.Contains(overview, h) {
			t.Errorf("the overview does not name the host %q", h)
		}
	}
}
