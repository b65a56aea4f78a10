package ui

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
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
	_, overview := get(t, c, f.srv.URL+"/ui/")
	for _, h := range []string{"bеta", "beta", "../../ui/logout"} {
		if !strings.Contains(overview, h) {
			t.Errorf("the overview does not name the host %q", h)
		}
	}
}
