package ui

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"monit-intel/engine"
	"monit-intel/rest/ui/browsertest"
)

// fleet is n services of every kind, every seventh failing.
func fleet(n int, now time.Time) ([]engine.Snapshot, map[engine.ServiceKey]engine.FailureState) {
	var snaps []engine.Snapshot
	states := map[engine.ServiceKey]engine.FailureState{}
	for i := range n {
		cpu, mem := float64(i%50)+0.5, float64(i%30)+1.25
		s := engine.Snapshot{Host: "fleet", Name: fmt.Sprintf("svc-%04d", i), Type: engine.TypeProcess,
			CollectedAt: now, Monitor: engine.MonitorYes,
			Process: &engine.ProcessFigures{PID: ptr(1000 + i), CPUPercentTotal: &cpu, MemPercentTotal: &mem}}
		if i%7 == 3 {
			s.Status = engine.BitNonExist
			states[engine.ServiceKey{Host: "fleet", Service: s.Name}] = engine.FailureState{Host: "fleet",
				Service: s.Name, Status: s.Status, State: engine.StateOngoing, Since: now.Add(-time.Duration(i) * time.Minute), Failures: i % 5}
		}
		snaps = append(snaps, s)
	}
	return snaps, states
}

func browserLogin(t *testing.T, tab context.Context, base, name string) {
	t.Helper()
	browsertest.Run(t, tab, "login as "+name,
		chromedp.Navigate(base+"/ui/"),
		chromedp.WaitVisible("#name"),
		chromedp.SendKeys("#name", name),
		chromedp.SendKeys("#password", testPassword),
		chromedp.Submit("#password"),
		chromedp.WaitVisible("#services"),
	)
}

// TestBrowser drives the UI in one headless Chromium shared by its parts.
func TestBrowser(t *testing.T) {
	browser := browsertest.Start(t)
	t.Run("overview", func(t *testing.T) { browserOverview(t, browser) })
	t.Run("recovers", func(t *testing.T) { browserRecovers(t, browser) })
	t.Run("labelled", func(t *testing.T) { browserLabelled(t, browser) })
	t.Run("stale", func(t *testing.T) { browserStale(t, browser) })
}

// browserStale: the page open in Chromium marks a host that becomes STALE, in its banner
// and rows, without a reload, and unmarks it when it speaks again.
func browserStale(t *testing.T, browser context.Context) {
	ff := newFleetFixture(t)
	tab := browsertest.Tab(t, browser, 1440, 900, false)
	browserLogin(t, tab, ff.srv.URL, "victor")
	staleRows := `[...document.querySelectorAll("#rows tr.stale")].map((r) => r.innerText).join("|")`
	if got := browsertest.Eval[string](t, tab, staleRows); !strings.Contains(got, "STALE: delta silent since") {
		t.Errorf("delta's rows read %q, want them to say it is silent", got)
	}
	browsertest.Eval[bool](t, tab, `window.notReloaded = true`)
	ff.fleet.setStale("beta", true, time.Now())
	browsertest.WaitJS(t, tab, "beta's row marked", `[...document.querySelectorAll("#rows tr.stale")].some((r) => r.innerText.includes("STALE: beta silent since"))`)
	browsertest.WaitJS(t, tab, "beta's banner", `document.querySelector("#banners").innerText.includes("Host beta is STALE")`)
	browsertest.Screenshot(t, tab, "overview-stale-hosts")
	ff.fleet.setStale("beta", false, time.Time{})
	browsertest.WaitJS(t, tab, "beta unmarked", `!document.querySelector("#banners").innerText.includes("Host beta") && `+
		`![...document.querySelectorAll("#rows tr.stale")].some((r) => r.innerText.includes("beta"))`)
	if !browsertest.Eval[bool](t, tab, `window.notReloaded === true`) {
		t.Error("the page reloaded")
	}
}

// browserOverview renders the overview of a fleet at phone and desktop widths, light and
// dark, and filters 1,000 services as a person types.
func browserOverview(t *testing.T, browser context.Context) {
	snaps, states := fleet(1000, time.Now())
	f := newFixture(t, snaps, states)

	t.Run("desktop", func(t *testing.T) {
		tab := browsertest.Tab(t, browser, 1440, 900, false)
		browserLogin(t, tab, f.srv.URL, "alice")
		first := browsertest.Eval[string](t, tab, `document.querySelector("#rows tr th a").textContent`)
		if first != "svc-0997" && first != "svc-0990" {
			// every failing one comes before every healthy one: check the class instead
			if !browsertest.Eval[bool](t, tab, `document.querySelector("#rows tr").classList.contains("failing")`) {
				t.Errorf("first row %q is not failing", first)
			}
		}
		browsertest.Run(t, tab, "filter", chromedp.SendKeys("#q", "svc-09"))
		browsertest.WaitJS(t, tab, "the filter", `document.querySelectorAll("#rows tr:not([hidden])").length === 100`)
		browsertest.Screenshot(t, tab, "overview-1000-filtered-1440")
	})
	t.Run("phone-dark", func(t *testing.T) {
		tab := browsertest.Tab(t, browser, 375, 800, true)
		browsertest.Run(t, tab, "overview", chromedp.Navigate(f.srv.URL+"/ui/?q=svc-000"), chromedp.WaitVisible("#services"))
		width := browsertest.Eval[int](t, tab, `document.documentElement.scrollWidth`)
		if width > 375 {
			t.Errorf("the page is %d px wide at 375 px: it scrolls sideways", width)
		}
		browsertest.Screenshot(t, tab, "overview-375-dark")
	})
	t.Run("service-chart", func(t *testing.T) {
		tab := browsertest.Tab(t, browser, 1440, 900, false)
		browsertest.Run(t, tab, "service", chromedp.Navigate(f.srv.URL+"/ui/services/svc-0003"))
		browsertest.WaitJS(t, tab, "the chart", `document.querySelectorAll("#chart .uplot canvas").length > 0`)
		browsertest.Screenshot(t, tab, "service-1440")
	})
}

// browserRecovers shows the overview through a daemon restart and an outage of Monit: the
// page says what is wrong and recovers by itself (the event stream reconnects, the rows
// refresh), and the session survives the restart because it is kept in the store.
func browserRecovers(t *testing.T, browser context.Context) {
	snaps, states := fleet(20, time.Now())
	f := newFixture(t, snaps, states)
	var monitDown atomic.Bool
	f.ui.deps.Health = func() []Dependency { return []Dependency{{Name: "monit", OK: !monitDown.Load()}} }
	tab := browsertest.PrivateTab(t, browser, 1440, 900, false)
	browserLogin(t, tab, f.srv.URL, "alice")
	browsertest.WaitJS(t, tab, "the event stream", `document.body.dataset.live === "true"`)

	monitDown.Store(true)
	browsertest.WaitJS(t, tab, "the Monit banner", `document.querySelector("#banners").textContent.includes("Monit is not answering")`)
	browsertest.Screenshot(t, tab, "monit-down")
	monitDown.Store(false)
	browsertest.WaitJS(t, tab, "the banner gone", `document.querySelector("#banners").textContent === ""`)

	addr := f.srv.Listener.Addr().String()
	f.srv.CloseClientConnections()
	f.srv.Close()
	browsertest.WaitJS(t, tab, "the lost-connection banner", `document.querySelector("#banners").textContent.includes("reconnecting")`)
	browsertest.Screenshot(t, tab, "daemon-down")

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	again, err := New(Options{Poll: 20 * time.Millisecond}, f.ui.deps) // a restarted daemon: same stores
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: again.Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	browsertest.WaitJS(t, tab, "the reconnection", `document.querySelector("#banners").textContent === "" && document.body.dataset.refreshed`)
	f.board.Record(engine.CycleResult{Started: time.Now(), Services: f.board.Services()}, nil)
	browsertest.WaitJS(t, tab, "a refresh after the next cycle", `Date.now() - Number(document.body.dataset.refreshed) < 3000`)
	browsertest.Screenshot(t, tab, "recovered")

	// The session expires while the page is open: the page goes to the login, and logging
	// in comes back to it.
	browsertest.Run(t, tab, "a filtered overview", chromedp.Navigate(f.srv.URL+"/ui/?q=svc-001"), chromedp.WaitVisible("#services"))
	f.sessions.expireAll()
	f.board.Record(engine.CycleResult{Started: time.Now(), Services: f.board.Services()}, nil)
	browsertest.WaitJS(t, tab, "the login after expiry", `location.pathname === "/ui/login" && document.querySelector("#name")`)
	browsertest.Screenshot(t, tab, "expired-login")
	browsertest.Run(t, tab, "log in again", chromedp.SendKeys("#name", "alice"), chromedp.SendKeys("#password", testPassword),
		chromedp.Submit("#password"), chromedp.WaitVisible("#services"))
	if got := browsertest.Eval[string](t, tab, `location.pathname + location.search`); got != "/ui/?q=svc-001" {
		t.Errorf("after logging in again the page is %q, want the one asked for", got)
	}
}

// browserLabelled visits every page as an operator and checks that each form control has a
// label and the page does not scroll sideways at 375 px.
func browserLabelled(t *testing.T, browser context.Context) {
	snaps, states := fleet(12, time.Now())
	f := newFixture(t, snaps, states)
	p, _ := f.actions.Propose(context.Background(), engine.SuggestedAction{Action: "monit_start", Service: "svc-0003"}, engine.SourceUser, "test")
	tab := browsertest.PrivateTab(t, browser, 375, 800, false)
	browserLogin(t, tab, f.srv.URL, "alice")
	for _, page := range []string{"/ui/", "/ui/services/svc-0003", "/ui/mother", "/ui/approvals", "/ui/approvals/" + p.ID, "/ui/audit"} {
		browsertest.Run(t, tab, page, chromedp.Navigate(f.srv.URL+page), chromedp.WaitVisible("#main"))
		unlabelled := browsertest.Eval[[]string](t, tab, `[...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
			.filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.textContent.trim())
			.map(e => e.outerHTML)`)
		if len(unlabelled) > 0 {
			t.Errorf("%s: controls without a label: %v", page, unlabelled)
		}
		if w := browsertest.Eval[int](t, tab, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("%s is %d px wide at 375 px", page, w)
		}
	}
	// The skip link is the first stop of the keyboard and leads to the content.
	browsertest.Run(t, tab, "tab to the skip link", chromedp.Navigate(f.srv.URL+"/ui/"), chromedp.WaitVisible("#main"),
		chromedp.KeyEvent("\t"))
	if got := browsertest.Eval[string](t, tab, `document.activeElement.className`); got != "skip" {
		t.Errorf("first Tab stop = %q, want the skip link", got)
	}
}
