package rest

import (
	"context"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"monit-intel/rest/ui/browsertest"
)

// TestDocsLoadNothingFromTheNetwork opens /docs in a real headless Chromium and records every
// request the page makes and every Content-Security-Policy violation: Redoc must render the
// API from the daemon alone. (Its side menu fetched a logo from cdn.redoc.ly.)
func TestDocsLoadNothingFromTheNetwork(t *testing.T) {
	browser := browsertest.Start(t)
	s, _ := newTestServer(t, Options{}, testDeps())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln, time.Second) }()
	t.Cleanup(func() { stop(); <-done })
	origin := "http://" + ln.Addr().String()

	bctx, cancel := context.WithTimeout(browsertest.Tab(t, browser, 1440, 900, false), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	var requests, problems []string
	err = chromedp.Listen(bctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			for _, a := range e.Args {
				if strings.Contains(string(a.Value), "csp:") {
					problems = append(problems, string(a.Value))
				}
			}
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if _, err := chromedp.Call(bctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("enable the network domain: %v", err)
	}
	// Report CSP violations to the console, where the listener sees them.
	const reportCSP = `document.addEventListener("securitypolicyviolation",
		e => console.log("csp: " + e.violatedDirective + " " + e.blockedURI));`
	if _, err := chromedp.Call(bctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: reportCSP}); err != nil {
		t.Fatalf("add the CSP reporter: %v", err)
	}
	err = chromedp.Do(bctx,
		chromedp.Navigate(origin+"/docs"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="https://redocly.com/redoc/"]`)), // the menu's footer, with the logo
		// The operation's heading in the content: the side menu groups operations under their
		// tags, collapsed.
		chromedp.WaitVisible(chromedp.Search(`//h2[contains(text(), "Pending proposals")]`)),
		chromedp.Sleep(500*time.Millisecond), // let late requests (images, workers) start
	)
	if err != nil {
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("render /docs: %v\nrequests: %q\nCSP violations: %q", err, requests, problems)
	}
	menu, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(".menu-content")))
	if err != nil {
		t.Fatalf("read the side menu: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, r := range requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Scheme+"://"+u.Host != origin) {
			t.Errorf("the page requested %s, want nothing outside %s", r, origin)
		}
	}
	if len(requests) < 2 {
		t.Errorf("requests = %v, want at least the page and its script", requests)
	}
	if len(problems) > 0 {
		t.Errorf("Content-Security-Policy violations: %v", problems)
	}
	if !strings.Contains(menu, "API docs by Redocly") {
		t.Errorf("side menu = %q, want Redoc's footer rendered", menu)
	}
}
