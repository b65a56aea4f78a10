package act

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestResolveRemote(t *testing.T) {
	remote := Targets{Services: map[string]bool{"job": true}, Units: map[string]string{"job": "job.service"},
		Host: "web2", Remote: true}
	tests := []struct {
		name, action, service string
		want                  Name   // "" when refused
		wantErr               string // part of the refusal
	}{
		{"monit verb", "restart", "job", MonitRestart, ""},
		{"a local unit mapping is not read", "start", "job", MonitStart, ""},
		{"whitelisted monit action", "monit_unmonitor", "job", MonitUnmonitor, ""},
		{"systemctl", "systemctl_restart", "job", "", `"systemctl_restart" is local-only`},
		{"journal", "journalctl_view", "job", "", `"journalctl_view" is local-only`},
		{"status verb", "status", "job", "", `"status" is local-only`},
		{"logs verb", "logs", "job", "", `"logs" is local-only`},
		{"refusal names the host", "systemctl_stop", "job", "", `on host "web2", another machine`},
		{"unknown service names the host", "restart", "gone", "", `unknown Monit service "gone" on host "web2"`},
		{"unit name is not a service there", "restart", "job.service", "", `unknown Monit service "job.service" on host "web2"`},
		{"unknown action", "reboot", "job", "", `unknown action "reboot"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Resolve(tt.action, tt.service, remote, Options{MonitRemote: true, MonitHost: "web2"})
			if tt.wantErr != "" {
				if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("Resolve(%q, %q) error = %v, want a refusal containing %q", tt.action, tt.service, err, tt.wantErr)
				}
				return
			}
			if err != nil || c.Action != tt.want || c.Unit != "" || strings.Join(c.Argv, " ") != "monit "+strings.TrimPrefix(string(tt.want), "monit_")+" job" {
				t.Errorf("Resolve(%q, %q) = %+v, %v; want %s on job without a unit", tt.action, tt.service, c, err, tt.want)
			}
		})
	}
}

// TestRemoteDisplay: another host's Monit action says how it runs (that host's Monit HTTP
// interface and its origin, never the credentials); a local one reads as the CLI call.
func TestRemoteDisplay(t *testing.T) {
	targets := Targets{Services: map[string]bool{"web": true}, Host: "beta", Remote: true}
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"https with credentials in the URL", Options{MonitRemote: true, MonitHost: "beta", MonitURL: "https://admin:s3cret@10.0.0.2:2812/monit/"},
			"monit restart web (beta's Monit HTTP interface, https://10.0.0.2:2812)"},
		{"credentials apart", Options{MonitRemote: true, MonitHost: "beta", MonitURL: "http://127.0.0.1:28122", MonitUser: "admin", MonitPassword: "s3cret"},
			"monit restart web (beta's Monit HTTP interface, http://127.0.0.1:28122)"},
		{"a host name a shell would split", Options{MonitRemote: true, MonitHost: "web 2", MonitURL: "http://10.0.0.3:2812"},
			"monit restart web ('web 2''s Monit HTTP interface, http://10.0.0.3:2812)"},
		{"no URL", Options{MonitRemote: true, MonitHost: "beta"},
			"monit restart web (beta's Monit HTTP interface, no http(s) URL configured)"},
		{"this machine", Options{MonitURL: "http://127.0.0.1:2812"}, "monit restart web"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := targets
			tg.Remote = tt.opts.MonitRemote
			c, err := Resolve("restart", "web", tg, tt.opts)
			if err != nil || c.Display != tt.want || strings.Contains(c.Display, "s3cret") {
				t.Errorf("Resolve() Display = %q, %v; want %q", c.Display, err, tt.want)
			}
		})
	}
}

// TestRunRemoteMonitFaults: another host's Monit is reached through its HTTP interface only;
// whatever goes wrong, the error names the host and the monit CLI here never runs.
func TestRunRemoteMonitFaults(t *testing.T) {
	fake := &fakeMonit{services: map[string]bool{"sleeper": true}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	elsewhere := 0
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere++ }))
	t.Cleanup(other.Close)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/monit/sleeper", http.StatusFound)
	}))
	t.Cleanup(redirect.Close)
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Monit 5.33 to a read-only user (`allow user:pass read-only`).
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("<html><body><h2>Forbidden</h2>You are not authorized to access this resource<hr></body></html>"))
	}))
	t.Cleanup(forbidden.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	tests := []struct {
		name, url, user, password string
		wantStatus                int // an *HTTPError's status; 0: another error, -1: success
		wantErr                   string
	}{
		{"accepted", srv.URL + "/monit", "admin", "secret", -1, ""},
		{"401 bad credentials", srv.URL + "/monit", "admin", "wrong", 401, "You are not authorized"},
		{"no credentials", srv.URL + "/monit", "", "", 401, "You are not authorized"},
		{"403 read-only user", forbidden.URL, "viewer", "secret", 403, "not authorized to access this resource"},
		{"redirect to another origin", redirect.URL, "admin", "secret", 302, "another origin: not followed"},
		{"unreachable", closed, "admin", "secret", 0, "unreachable"},
		{"no http url", "/etc/monit/status.xml", "admin", "secret", 0, "want an http(s):// URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.got = nil
			cli := stub(t, t.TempDir(), "monit", "exit 0")
			opts := Options{MonitURL: tt.url, MonitUser: tt.user, MonitPassword: tt.password, MonitPath: cli,
				MonitControlFile: "/etc/monitrc", MonitRemote: true, MonitHost: "web2"}
			c, err := Resolve("restart", "sleeper", Targets{Services: map[string]bool{"sleeper": true}, Host: "web2", Remote: true}, opts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := NewRunner(opts).Run(t.Context(), c)
			if got := recorded(t, cli); got != nil {
				t.Errorf("the monit CLI ran (%q): there is no CLI fallback for another host", got)
			}
			if elsewhere != 0 {
				t.Errorf("the redirect was followed: the other origin got %d requests", elsewhere)
			}
			if tt.wantStatus == -1 {
				if err != nil || res.ExitCode != 0 || res.Via != ViaMonitHTTP {
					t.Errorf("Run() = %+v, %v; want success via monit-http", res, err)
				}
				return
			}
			var httpErr *HTTPError
			if err == nil || !strings.Contains(err.Error(), `host "web2"`) || !strings.Contains(err.Error(), tt.wantErr) ||
				(tt.wantStatus > 0) != errors.As(err, &httpErr) || (httpErr != nil && httpErr.Status != tt.wantStatus) {
				t.Errorf("Run() error = %v, want one naming host \"web2\" with %q (HTTP status %d)", err, tt.wantErr, tt.wantStatus)
			}
			if strings.Contains(err.Error(), tt.password) && tt.password != "" {
				t.Errorf("Run() error = %v shows the password", err)
			}
			if res.ExitCode != -1 || res.Via != ViaMonitHTTP {
				t.Errorf("Run() = %+v, want exit -1 via monit-http", res)
			}
		})
	}
}

// TestRunRedirectElsewhereIsNoAcceptance: this machine's Monit too: a 302 to another origin
// is not Monit accepting the action, and the CLI does not run after it.
func TestRunRedirectElsewhereIsNoAcceptance(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "//other.example:2812/sleeper")
		w.WriteHeader(http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	cli := stub(t, t.TempDir(), "monit", "exit 0")
	opts := Options{MonitURL: srv.URL, MonitUser: "admin", MonitPassword: "secret", MonitPath: cli}
	c, err := Resolve("restart", "sleeper", Targets{Services: map[string]bool{"sleeper": true}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewRunner(opts).Run(t.Context(), c)
	var httpErr *HTTPError
	if !errors.As(err, &httpErr) || !strings.Contains(err.Error(), "http://other.example:2812, another origin") {
		t.Errorf("Run() error = %v, want an *HTTPError naming the other origin", err)
	}
	if got := recorded(t, cli); got != nil {
		t.Errorf("the monit CLI ran (%q) after Monit's address answered", got)
	}
}
