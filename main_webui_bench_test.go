package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"monit-intel/bolt"
	"monit-intel/engine"
	"monit-intel/engine/user"
	"monit-intel/rest/ui"
	"monit-intel/rest/ui/browsertest"
	"monit-intel/sqliteexport"
)

// webUIFleet serves the web UI over real stores holding cycles ingest cycles of n services,
// five minutes apart, and returns its URL with an operator "bench" (password "bench-password").
func webUIFleet(b *testing.B, n, cycles int) string {
	dir := b.TempDir()
	st, err := bolt.Open(dir, time.Second)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	h, err := sqliteexport.Open(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close() })
	src := &docSource{doc: fleetDocument(b, n), at: time.Now().Add(-time.Duration(cycles) * 5 * time.Minute).Unix()}
	in := engine.NewIngester(src, st, h, engine.IngesterOptions{Retention: 720 * time.Hour})
	board := engine.NewBoard()
	for range cycles {
		res, err := in.RunCycle(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		board.Record(res, nil)
	}
	acc := user.NewAccounts(st, user.Params{}, nil)
	if err := acc.Add(context.Background(), "bench", user.RoleOperator, "bench-password"); err != nil {
		b.Fatal(err)
	}
	web, err := ui.New(ui.Options{}, ui.Deps{Board: board, History: h, Audit: headedAudit{h, st}, Users: acc, Sessions: st})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(web.Handler())
	b.Cleanup(srv.Close)
	return srv.URL
}

// BenchmarkWebUIOverview loads the overview in a real Chromium over loopback and reports the
// time from navigation to the load event (ms/render: the HTML with every row and sparkline,
// the CSS and the scripts; ms/html is the request until the last byte of the HTML), then the
// time to filter the rows as a person types until the frame is drawn (ms/filter), and to draw
// the frame after jumping to the end of the list (ms/scroll).
func BenchmarkWebUIOverview(b *testing.B) {
	browser := browsertest.Start(b)
	for _, c := range []struct{ services, cycles int }{{50, 288}, {1000, 24}} {
		b.Run(fmt.Sprintf("services=%d", c.services), func(b *testing.B) {
			base := webUIFleet(b, c.services, c.cycles)
			tab := browsertest.PrivateTab(b, browser, 1440, 900, false)
			browsertest.Run(b, tab, "log in", chromedp.Navigate(base+"/ui/login"), chromedp.WaitVisible("#name"),
				chromedp.SendKeys("#name", "bench"), chromedp.SendKeys("#password", "bench-password"),
				chromedp.Submit("#password"), chromedp.WaitVisible("#services"))
			var render, server, filter, scroll float64
			for b.Loop() {
				browsertest.Run(b, tab, "overview", chromedp.Navigate(base+"/ui/"), chromedp.WaitVisible("#services"))
				browsertest.WaitJS(b, tab, "the load event", `performance.getEntriesByType("navigation")[0].loadEventEnd > 0`)
				render += browsertest.Eval[float64](b, tab, `performance.getEntriesByType("navigation")[0].loadEventEnd`)
				server += browsertest.Eval[float64](b, tab, `(n => n.responseEnd - n.requestStart)(performance.getEntriesByType("navigation")[0])`)
				filter += browsertest.EvalAsync[float64](b, tab, `new Promise(done => {
					const t0 = performance.now(), q = document.querySelector("#q");
					q.value = "svc09"; q.dispatchEvent(new Event("input"));
					requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0)));
				})`)
				// Clear the filter and let two frames lay the rows out, then time a scroll to
				// the end until its frame is drawn.
				scroll += browsertest.EvalAsync[float64](b, tab, `new Promise(done => {
					const q = document.querySelector("#q"); q.value = ""; q.dispatchEvent(new Event("input"));
					requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
						const t0 = performance.now();
						window.scrollTo(0, document.body.scrollHeight);
						requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0)));
					})));
				})`)
			}
			rows := browsertest.Eval[int](b, tab, `document.querySelectorAll("#rows tr[data-search]").length`)
			if rows != c.services {
				b.Fatalf("%d rows, want %d", rows, c.services)
			}
			b.ReportMetric(render/float64(b.N), "ms/render")
			b.ReportMetric(server/float64(b.N), "ms/html")
			b.ReportMetric(filter/float64(b.N), "ms/filter")
			b.ReportMetric(scroll/float64(b.N), "ms/scroll")
			browsertest.Screenshot(b, tab, fmt.Sprintf("bench-overview-%d", c.services))
		})
	}
}
