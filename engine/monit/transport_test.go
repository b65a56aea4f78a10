package monit_test

import (
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"monit-intel/engine/monit"
)

func TestNewReadsURLKinds(t *testing.T) {
	dir := shortTempDir(t)
	live := filepath.Join(dir, "live.sock")
	l, err := net.Listen("unix", live)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	file := filepath.Join(fixtureDir, "all-types.xml")
	tests := []struct {
		name, url, source string
	}{
		{"http", "http://127.0.0.1:2812/", "http://127.0.0.1:2812"},
		{"https", "https://monit.lan:2812", "https://monit.lan:2812"},
		{"unix scheme", "unix://" + live, "unix://" + live},
		{"bare path of a socket", live, "unix://" + live},
		{"bare path of a socket not there yet", filepath.Join(dir, "later.sock"), "unix://" + filepath.Join(dir, "later.sock")},
		{"bare path of a file", file, file},
		{"file scheme, even for a socket", "file://" + live, live},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newClient(t, monit.Options{URL: tt.url}).Source(); got != tt.source {
				t.Errorf("New(%q).Source() = %q, want %q", tt.url, got, tt.source)
			}
		})
	}
}

func TestNewExplainsBadURLs(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts monit.Options
		want string
	}{
		{"address without scheme", monit.Options{URL: "127.0.0.1:2812"}, `"127.0.0.1:2812" has no scheme: did you mean http://127.0.0.1:2812?`},
		{"host name without scheme", monit.Options{URL: "localhost:2812"}, "did you mean http://localhost:2812?"},
		{"with a path", monit.Options{URL: "monit.lan:2812/monit"}, "did you mean http://monit.lan:2812/monit?"},
		{"IPv6 without scheme", monit.Options{URL: "[::1]:2812"}, "did you mean http://[::1]:2812?"},
		{"relative unix socket", monit.Options{URL: "unix://run/monit.sock"}, "needs an absolute path"},
		{"other scheme", monit.Options{URL: "gopher://monit"}, "want http, https, unix or file"},
		{"TLS on plain HTTP", monit.Options{URL: "http://h:2812", TLS: monit.TLSOptions{InsecureSkipVerify: true}}, "apply to an https:// URL only"},
		{"TLS on a socket", monit.Options{URL: "unix:///run/monit.sock", TLS: monit.TLSOptions{ServerName: "x"}}, "apply to an https:// URL only"},
		{"CA file missing", monit.Options{URL: "https://h:2812", TLS: monit.TLSOptions{CAFile: filepath.Join(dir, "nope.pem")}}, "no such file"},
		{"CA file not PEM", monit.Options{URL: "https://h:2812", TLS: monit.TLSOptions{CAFile: notPEM}}, "holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := monit.New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() error = %v, want one containing %q", err, tt.want)
			}
			if err := monit.CheckURL(tt.opts.URL); strings.Contains(tt.want, "did you mean") && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("CheckURL() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// shortTempDir is a temporary directory whose paths fit a unix socket address (108 bytes;
// t.TempDir's names grow with the test's name).
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "mi-sock-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func TestFetchUnixSocket(t *testing.T) {
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "monit.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(fakeMonit(t, "", fixture(t, "all-types.xml")).Config.Handler)
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	for _, url := range []string{"unix://" + sock, sock} {
		c := newClient(t, monit.Options{URL: url, Username: testUser, Password: testPassword})
		st, err := c.Fetch(t.Context())
		if err != nil || len(st.Services) != 15 {
			t.Fatalf("Fetch(%s) = %d services, %v; want 15", url, len(st.Services), err)
		}
		if err := c.Ping(t.Context()); err != nil {
			t.Errorf("Ping(%s) error = %v", url, err)
		}
	}
}

func TestFetchUnixSocketErrors(t *testing.T) {
	dir := shortTempDir(t)
	missing := filepath.Join(dir, "missing.sock")
	stale := filepath.Join(dir, "stale.sock")
	l, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close() // the file stays, nothing listens
	tests := []struct {
		name, url, want string
	}{
		{"socket missing", "unix://" + missing, "monit socket " + missing + " does not exist: is Monit running, with `set httpd unixsocket"},
		{"nothing listens", "unix://" + stale, "monit socket " + stale + ": nothing listens on it (Monit stopped?): dial unix " + stale + ": connect: connection refused"},
	}
	if os.Geteuid() != 0 { // root opens any socket
		locked := filepath.Join(dir, "locked")
		if err := os.Mkdir(locked, 0o700); err != nil {
			t.Fatal(err)
		}
		ll, err := net.Listen("unix", filepath.Join(locked, "m.sock"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ll.Close(); os.Chmod(locked, 0o700) })
		if err := os.Chmod(locked, 0o000); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct{ name, url, want string }{"no permission", "unix://" + filepath.Join(locked, "m.sock"), "m.sock: run monit-intel as a user allowed to open it: dial unix"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newClient(t, monit.Options{URL: tt.url}).Fetch(t.Context())
			if !errors.Is(err, monit.ErrUnreachable) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Fetch() error = %v, want ErrUnreachable containing %q", err, tt.want)
			}
		})
	}
}

// writeCertPEM writes srv's certificate as PEM and returns the path.
func writeCertPEM(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "monit-ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, block, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFetchTLS(t *testing.T) {
	doc := fixture(t, "all-types.xml")
	srv := httptest.NewUnstartedServer(fakeMonit(t, "", doc).Config.Handler)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := writeCertPEM(t, srv)
	plain := fakeMonit(t, "", doc)
	tests := []struct {
		name string
		url  string
		tls  monit.TLSOptions
		is   error
		want string // "" means success
	}{
		{"self-signed, not trusted", srv.URL, monit.TLSOptions{}, monit.ErrTLS,
			"its certificate is not trusted (signed by an unknown authority): set monit.tls.ca_file"},
		{"trusted through ca_file", srv.URL, monit.TLSOptions{CAFile: ca}, nil, ""},
		{"name the certificate does not hold", srv.URL, monit.TLSOptions{CAFile: ca, ServerName: "monit.lan"}, monit.ErrTLS,
			"its certificate is not valid for monit.lan: set monit.tls.server_name"},
		{"name the certificate holds", srv.URL, monit.TLSOptions{CAFile: ca, ServerName: "example.com"}, nil, ""},
		{"verification off", srv.URL, monit.TLSOptions{InsecureSkipVerify: true}, nil, ""},
		{"https to a plain server", strings.Replace(plain.URL, "http://", "https://", 1), monit.TLSOptions{}, monit.ErrTLS,
			"answered without TLS: use http:// instead of https://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, monit.Options{URL: tt.url, Username: testUser, Password: testPassword, TLS: tt.tls})
			st, err := c.Fetch(t.Context())
			if tt.want == "" {
				if err != nil || len(st.Services) != 15 {
					t.Fatalf("Fetch() = %d services, %v; want 15", len(st.Services), err)
				}
				return
			}
			checkFetchError(t, err, tt.url, tt.want, tt.is)
		})
	}
}

// TestRedirectKeepsCredentials is issue 12 §7: a Monit (or something posing as one) that
// redirects to another port must not receive the basic-auth header there.
func TestRedirectKeepsCredentials(t *testing.T) {
	var leaked atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
		_, _ = w.Write(fixture(t, "all-types.xml"))
	}))
	t.Cleanup(other.Close)
	good := fakeMonit(t, "/real", fixture(t, "all-types.xml"))
	redirector := func(target string) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target+r.URL.RequestURI(), http.StatusFound)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	t.Run("another port", func(t *testing.T) {
		srv := redirector(other.URL)
		_, err := newClient(t, monit.Options{URL: srv.URL, Username: testUser, Password: testPassword}).Fetch(t.Context())
		checkFetchError(t, err, srv.URL, "redirected to "+other.URL+", another origin", monit.ErrRedirect)
		if n := leaked.Load(); n != 0 {
			t.Errorf("the other origin received the credentials %d times", n)
		}
	})
	t.Run("another scheme", func(t *testing.T) {
		srv := redirector(strings.Replace(other.URL, "http://", "https://", 1))
		_, err := newClient(t, monit.Options{URL: srv.URL, Username: testUser, Password: testPassword}).Fetch(t.Context())
		checkFetchError(t, err, srv.URL, "another origin", monit.ErrRedirect)
	})
	t.Run("same origin is followed", func(t *testing.T) {
		mux := http.NewServeMux()
		mux.Handle("/real/", good.Config.Handler)
		mux.HandleFunc("/_status", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/real"+r.URL.RequestURI(), http.StatusMovedPermanently)
		})
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		st, err := newClient(t, monit.Options{URL: srv.URL, Username: testUser, Password: testPassword}).Fetch(t.Context())
		if err != nil || len(st.Services) != 15 {
			t.Fatalf("Fetch() = %d services, %v; want 15", len(st.Services), err)
		}
	})
}

func TestFetchNotMonit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Server", "nginx")
		_, _ = w.Write([]byte("<html><body>Welcome to nginx!</body></html>"))
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, monit.Options{URL: srv.URL}).Fetch(t.Context())
	checkFetchError(t, err, srv.URL, "answered, but not with Monit's status: is monit.url the address of Monit's httpd?", monit.ErrNotMonit)
}
