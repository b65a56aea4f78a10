package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// uiPages logs a user into the daemon's web UI and returns a GET of its pages: status and body.
func uiPages(t *testing.T, d *daemon, name, password string) func(path string) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(d.url+"/ui/login", url.Values{"name": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return func(path string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, d.url+path, nil)
		req.Header.Set("Accept", "text/html")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
}

// checkFleetUI: with beta STALE, the web UI says so on every page and on beta's service; the
// pushing hosts' logs are local-only, their actions are refused without a hosts: entry, and
// a host= with the wrong case gets "did you mean".
func checkFleetUI(t *testing.T, d *daemon, name, password string) {
	t.Helper()
	get := uiPages(t, d, name, password)
	cases := []struct {
		path string
		code int
		has  []string
	}{
		{"/ui/", 200, []string{"Host beta is STALE: its Monit has been silent since", "STALE: beta silent since"}},
		{"/ui/services/job?host=beta", 200, []string{"beta's Monit has been silent since", "its last report, not current"}},
		{"/ui/services/job?host=gamma", 200, []string{"logs are local-only: job is on gamma, and this daemon reads the logs of delta",
			"no hosts.gamma entry"}},
		{"/ui/services/job?host=Gamma", 404, []string{"Unknown host “Gamma”: did you mean “gamma”?"}},
		{"/ui/services/job?host=nosuch", 404, []string{"Unknown host “nosuch”: the known hosts are alpha, beta, delta, gamma"}},
	}
	for _, tc := range cases {
		code, page := get(tc.path)
		for _, want := range tc.has {
			if code != tc.code || !strings.Contains(page, want) {
				t.Errorf("GET %s = %d, want %d with %q:\n%s", tc.path, code, tc.code, want, page)
			}
		}
	}
	if _, page := get("/ui/services/job?host=alpha"); strings.Contains(page, `id="stale"`) {
		t.Error("alpha's job says STALE while only beta is")
	}
}
