package act

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// fakeMonit answers like Monit 5.33's POST /<service>: Basic auth, the CSRF double-submit
// check, 404 for an unknown service, 302 back to the same path on success.
type fakeMonit struct {
	services map[string]bool
	got      []*http.Request // requests seen, bodies parsed
}

func (f *fakeMonit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(code int, msg string) {
		w.WriteHeader(code)
		fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body bgcolor=#FFFFFF><h2>%s</h2>%s<hr><a href='https://mmonit.com/monit'><font size=-1>monit 5.33.0</font></a></body></html>\r\n",
			code, http.StatusText(code), http.StatusText(code), msg)
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "Cannot parse Request parameters")
		return
	}
	f.got = append(f.got, r)
	if u, p, ok := r.BasicAuth(); !ok || u != "admin" || p != "secret" {
		fail(http.StatusUnauthorized, "You are not authorized to access monit.")
		return
	}
	cookie, err := r.Cookie("securitytoken")
	if r.Method != http.MethodPost || err != nil || cookie.Value == "" || cookie.Value != r.PostForm.Get("securitytoken") {
		fail(http.StatusForbidden, "Invalid CSRF Token")
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/monit/")
	if !f.services[name] {
		fail(http.StatusNotFound, fmt.Sprintf("There is no service named &quot;%s&quot;", name))
		return
	}
	w.Header().Set("Location", r.URL.Path)
	w.WriteHeader(http.StatusFound)
}

func TestRunMonitHTTP(t *testing.T) {
	tests := []struct {
		name       string
		action     string
		service    string
		password   string
		wantPath   string // raw, as sent
		wantStatus int    // 0: success
		wantErr    string
	}{
		{"restart", "monit_restart", "sleeper", "secret", "/monit/sleeper", 0, ""},
		{"short verb", "unmonitor", "sleeper", "secret", "/monit/sleeper", 0, ""},
		{"name is escaped", "monit_start", "my service", "secret", "/monit/my%20service", 0, ""},
		{"plus and percent escaped", "monit_stop", "a+b%c", "secret", "/monit/a%2Bb%25c", 0, ""},
		{"unicode escaped", "monit_stop", "café", "secret", "/monit/caf%C3%A9", 0, ""},
		{"unknown to monit", "monit_monitor", "gone", "secret", "/monit/gone", 404, `monit http 404: There is no service named "gone"`},
		{"wrong password", "monit_restart", "sleeper", "wrong", "/monit/sleeper", 401, "monit http 401: You are not authorized"},
		{"credentials in the url", "monit_restart", "sleeper", "in-url", "/monit/sleeper", 0, ""},
	}
	fake := &fakeMonit{services: map[string]bool{"sleeper": true, "my service": true, "a+b%c": true, "café": true}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	monit := stub(t, dir, "monit", "exit 0")
	targets := Targets{Services: map[string]bool{"sleeper": true, "my service": true, "a+b%c": true, "café": true, "gone": true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.got = nil
			opts := Options{MonitURL: srv.URL + "/monit/", MonitUser: "admin", MonitPassword: tt.password, MonitPath: monit}
			if tt.password == "in-url" {
				opts.MonitURL = strings.Replace(opts.MonitURL, "http://", "http://admin:secret@", 1)
				opts.MonitUser, opts.MonitPassword = "", ""
			}
			c, err := Resolve(tt.action, tt.service, targets, opts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := NewRunner(opts).Run(t.Context(), c)
			if len(fake.got) != 1 {
				t.Fatalf("Monit got %d requests, want 1 (a redirect must not be followed)", len(fake.got))
			}
			r := fake.got[0]
			verb := strings.TrimPrefix(string(c.Action), "monit_")
			if r.Method != http.MethodPost || r.URL.EscapedPath() != tt.wantPath || r.PostForm.Get("action") != verb ||
				r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.URL.RawQuery != "" {
				t.Errorf("request = %s %s (raw %s) action=%q type %q, want POST %s action=%q",
					r.Method, r.URL.Path, r.URL.EscapedPath(), r.PostForm.Get("action"), r.Header.Get("Content-Type"), tt.wantPath, verb)
			}
			if got := recorded(t, monit); got != nil {
				t.Errorf("the monit CLI ran (%q); Monit answered, so no fallback was wanted", got)
			}
			if tt.wantStatus == 0 {
				if err != nil || res.ExitCode != 0 || res.Via != ViaMonitHTTP || !strings.Contains(res.Output, "HTTP 302") {
					t.Errorf("Run() = %+v, %v; want success via monit-http", res, err)
				}
				return
			}
			var httpErr *HTTPError
			if !errors.As(err, &httpErr) || httpErr.Status != tt.wantStatus || err.Error() != tt.wantErr && !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("Run() error = %v, want *HTTPError %d %q", err, tt.wantStatus, tt.wantErr)
			}
			if res.ExitCode != -1 || res.Via != ViaMonitHTTP || res.Output != err.Error() {
				t.Errorf("Run() = %+v, want exit -1 via monit-http with the error as output", res)
			}
		})
	}
}

func TestMonitMessage(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"send_error", 400, `<html><head><title>400 Bad Request</title></head><body bgcolor=#FFFFFF><h2>Bad Request</h2>Invalid action &quot;reboot&quot;<hr><a href='x'>monit</a></body></html>`, `Invalid action "reboot"`},
		{"internal_error", 400, `<html><head><title>Bad Request</title></head><body bgcolor=#FFFFFF><h2>Bad Request</h2>Cannot parse Request parameters<p><hr><a href='x'>m</a></body></html>`, "Cannot parse Request parameters"},
		{"escaped tags", 404, `<h2>Not Found</h2>There is no service named "&lt;b&gt;"<hr>`, `There is no service named "<b>"`},
		{"not monit", 502, "bad gateway", "502 Bad Gateway"},
		{"empty message", 403, "<h2>Forbidden</h2><hr>", "403 Forbidden"},
		{"success status is not success", 200, "<html>ok</html>", "unexpected 200 OK (Monit answers an accepted action with 302)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Status: fmt.Sprintf("%d %s", tt.status, http.StatusText(tt.status))}
			if got := monitMessage(resp, []byte(tt.body)); got != tt.want {
				t.Errorf("monitMessage() = %q, want %q", got, tt.want)
			}
		})
	}
}

// closedURL returns an http URL on loopback where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestRunMonitFallback(t *testing.T) {
	tests := []struct {
		name     string
		url      string
		exit     string
		wantNote bool
	}{
		{"http unreachable, cli works", "closed", "0", true},
		{"http unreachable, cli fails", "closed", "1", true},
		{"no http configured", "", "0", false},
		{"url is a status file", "/var/lib/monit/status.xml", "0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			monit := stub(t, dir, "monit", `echo "Monit: the monit daemon is not running" >&2; exit `+tt.exit)
			url := tt.url
			if url == "closed" {
				url = closedURL(t)
			}
			opts := Options{MonitURL: url, MonitPath: monit, MonitControlFile: filepath.Join(dir, "monitrc")}
			c := resolve(t, "monit_start", "sleeper", opts)
			res, err := NewRunner(opts).Run(t.Context(), c)
			if want := []string{monit, "-c", filepath.Join(dir, "monitrc"), "start", "sleeper"}; !slices.Equal(recorded(t, monit), want) {
				t.Errorf("monit CLI argv = %q, want %q", recorded(t, monit), want)
			}
			if res.Via != ViaMonitCLI || !strings.HasSuffix(res.Output, "Monit: the monit daemon is not running\n") {
				t.Errorf("Run() = %+v, want via monit-cli with the CLI's output", res)
			}
			if note := strings.HasPrefix(res.Output, "monit http interface unreachable: "); note != tt.wantNote {
				t.Errorf("Run() output = %q, want the unreachable note: %v", res.Output, tt.wantNote)
			}
			var exitErr *ExitError
			switch {
			case tt.exit == "0" && err != nil:
				t.Errorf("Run() error = %v, want nil", err)
			case tt.exit == "1" && (!errors.As(err, &exitErr) || !strings.Contains(err.Error(), "unreachable") || !strings.Contains(err.Error(), "monit cli fallback")):
				t.Errorf("Run() error = %v, want the HTTP error and the CLI's exit status", err)
			}
		})
	}
}

// refusingDial is a transport whose every connection is refused, wherever it goes.
type refusingDial struct{}

func (refusingDial) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
}

// TestRunMonitNoFallbackToAnotherMachine: the CLI fallback reaches this machine's Monit, so a
// monit.url on another machine that cannot be reached runs nothing; a loopback one falls back.
func TestRunMonitNoFallbackToAnotherMachine(t *testing.T) {
	tests := []struct {
		url     string
		wantCLI bool
	}{
		{"http://10.0.0.12:2812", false},
		{"https://admin:pw@monit.example.org:2812/", false},
		{"http://[2001:db8::1]:2812", false},
		{"http://127.0.0.1:2812", true},
		{"http://127.0.1.1:2812", true},
		{"http://[::1]:2812", true},
		{"http://LOCALHOST:2812", true},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			dir := t.TempDir()
			monit := stub(t, dir, "monit", "")
			opts := Options{MonitURL: tt.url, MonitPath: monit, MonitTransport: refusingDial{}}
			c := resolve(t, "monit_restart", "sleeper", opts)
			res, err := NewRunner(opts).Run(t.Context(), c)
			if ran := recorded(t, monit) != nil; ran != tt.wantCLI {
				t.Fatalf("the monit CLI ran: %v, want %v (Run() = %+v, %v)", ran, tt.wantCLI, res, err)
			}
			if !tt.wantCLI && (err == nil || !strings.Contains(err.Error(), "nothing was run") || strings.Contains(err.Error(), "pw@")) {
				t.Errorf("Run() error = %v, want unreachable, nothing run, no credentials", err)
			}
		})
	}
}

func TestRunMonitBadURL(t *testing.T) {
	dir := t.TempDir()
	monit := stub(t, dir, "monit", "")
	opts := Options{MonitURL: "ftp://admin:hunter2@host/", MonitPath: monit}
	c := resolve(t, "monit_start", "sleeper", opts)
	_, err := NewRunner(opts).Run(t.Context(), c)
	if !errors.Is(err, ErrRefused) || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Run() error = %v, want ErrRefused without the password", err)
	}
	if got := recorded(t, monit); got != nil {
		t.Errorf("monit CLI ran with %q, want nothing run", got)
	}
}
