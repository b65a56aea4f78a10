package monit_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"monit-intel/engine/monit"
)

const (
	testUser     = "admin"
	testPassword = "s3cret-Pa55"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeMonit serves doc at /_status?format=xml and pong at /_ping behind basic auth, like
// Monit's httpd, under prefix.
func fakeMonit(t *testing.T, prefix string, doc []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != testUser || p != testPassword {
			w.Header().Set("WWW-Authenticate", `Basic realm="monit"`)
			http.Error(w, "You are not authorized to access monit", http.StatusUnauthorized)
			return
		}
		switch {
		case r.URL.Path == prefix+"/_status" && r.URL.Query().Get("format") == "xml":
			w.Header().Set("Content-Type", "text/xml")
			_, _ = w.Write(doc)
		case r.URL.Path == prefix+"/_ping":
			_, _ = w.Write([]byte("pong"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newClient(t *testing.T, opts monit.Options) *monit.Client {
	t.Helper()
	c, err := monit.New(opts)
	if err != nil {
		t.Fatalf("New(%+v) error = %v", opts, err)
	}
	return c
}

func TestFetchHTTP(t *testing.T) {
	doc := fixture(t, "all-types.xml")
	tests := []struct {
		name   string
		prefix string
		url    func(base string) string
		opts   monit.Options
	}{
		{"options credentials", "", func(b string) string { return b }, monit.Options{Username: testUser, Password: testPassword}},
		{"trailing slash", "", func(b string) string { return b + "/" }, monit.Options{Username: testUser, Password: testPassword}},
		{"behind a proxy path", "/monit", func(b string) string { return b + "/monit/" }, monit.Options{Username: testUser, Password: testPassword}},
		{"credentials in the URL", "", func(b string) string {
			return strings.Replace(b, "http://", "http://"+testUser+":"+testPassword+"@", 1)
		}, monit.Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeMonit(t, tt.prefix, doc)
			tt.opts.URL = tt.url(srv.URL)
			c := newClient(t, tt.opts)
			st, err := c.Fetch(t.Context())
			if err != nil {
				t.Fatalf("Fetch() error = %v", err)
			}
			if st.Host != "monittest" || len(st.Services) != 15 {
				t.Errorf("Fetch() = host %q, %d services; want monittest, 15", st.Host, len(st.Services))
			}
			if err := c.Ping(t.Context()); err != nil {
				t.Errorf("Ping() error = %v", err)
			}
			if strings.Contains(c.Source(), testPassword) {
				t.Errorf("Source() = %q shows the password", c.Source())
			}
		})
	}
}

func TestFetchHTTPErrors(t *testing.T) {
	good := fixture(t, "all-types.xml")
	tests := []struct {
		name    string
		handler http.HandlerFunc
		opts    monit.Options
		is      []error
		want    string
	}{
		{
			name:    "wrong password",
			handler: fakeMonit(t, "", good).Config.Handler.ServeHTTP,
			opts:    monit.Options{Username: testUser, Password: "wrong-" + testPassword},
			is:      []error{monit.ErrUnauthorized},
			want:    "rejected the credentials (401): check monit.username / monit.password (or MONIT_USER / MONIT_PASSWORD)",
		},
		{
			name:    "server error",
			handler: func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "boom", http.StatusServiceUnavailable) },
			want:    "answered 503 Service Unavailable",
		},
		{
			name:    "not monit",
			handler: http.NotFound,
			want:    "answered 404 Not Found: is this the address of Monit's httpd?",
		},
		{
			name:    "malformed XML",
			handler: func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(good[:len(good)/2]) },
			is:      []error{monit.ErrMalformed},
			want:    "parse monit status: malformed document: XML syntax error on line 1: unexpected EOF at byte offset",
		},
		{
			name: "timeout",
			handler: func(w http.ResponseWriter, r *http.Request) {
				<-r.Context().Done()
			},
			opts: monit.Options{Timeout: 50 * time.Millisecond},
			is:   []error{monit.ErrTimeout, context.DeadlineExceeded},
			want: "did not answer within 50ms",
		},
		{
			name: "declared body over the cap",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(40<<20))
				w.WriteHeader(http.StatusOK)
			},
			is:   []error{monit.ErrTooLarge},
			want: "is over the cap of 32 MiB",
		},
		{
			name: "streamed body over the cap",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write(good)
				_, _ = w.Write(good)
			},
			opts: monit.Options{MaxBytes: 10 << 10},
			is:   []error{monit.ErrTooLarge},
			want: "is over the cap of 10 KiB",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			t.Cleanup(srv.Close)
			opts := tt.opts
			opts.URL = srv.URL
			if opts.Username == "" {
				opts.Username, opts.Password = testUser, testPassword
			}
			_, err := newClient(t, opts).Fetch(t.Context())
			checkFetchError(t, err, srv.URL, tt.want, tt.is...)
		})
	}
}

func checkFetchError(t *testing.T, err error, source, want string, is ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("Fetch() error = nil, want %q", want)
	}
	msg := err.Error()
	if !strings.Contains(msg, want) || !strings.Contains(msg, source) {
		t.Errorf("Fetch() error = %q, want it to contain %q and %q", msg, want, source)
	}
	if strings.Contains(msg, "\n") || strings.Contains(msg, testPassword) {
		t.Errorf("Fetch() error = %q, want one line without the password", msg)
	}
	for _, target := range is {
		if !errors.Is(err, target) {
			t.Errorf("errors.Is(%v, %v) = false, want true", err, target)
		}
	}
}

func TestFetchUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // the port is now closed
	c := newClient(t, monit.Options{URL: srv.URL, Username: testUser, Password: testPassword})
	_, err := c.Fetch(t.Context())
	checkFetchError(t, err, srv.URL, "is unreachable: nothing listens there (is Monit running, with `set httpd port`?): dial tcp ", monit.ErrUnreachable, syscall.ECONNREFUSED)
	if err := c.Ping(t.Context()); !errors.Is(err, monit.ErrUnreachable) {
		t.Errorf("Ping() error = %v, want ErrUnreachable", err)
	}
}

func TestFetchCallerCancels(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := newClient(t, monit.Options{URL: srv.URL}).Fetch(ctx)
	if !errors.Is(err, context.Canceled) || errors.Is(err, monit.ErrTimeout) {
		t.Errorf("Fetch() error = %v, want context.Canceled and not ErrTimeout", err)
	}
}

// TestFetchStopsAtCap checks that an endless body is not read past the cap.
func TestFetchStopsAtCap(t *testing.T) {
	var written atomic.Int64
	chunk := make([]byte, 64<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for written.Load() < 1<<30 {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	_, err := newClient(t, monit.Options{URL: srv.URL, MaxBytes: 1 << 20}).Fetch(t.Context())
	if !errors.Is(err, monit.ErrTooLarge) {
		t.Fatalf("Fetch() error = %v, want ErrTooLarge", err)
	}
	srv.Close() // waits for the handler
	if n := written.Load(); n >= 1<<30 {
		t.Errorf("server wrote %d bytes, want the client to stop reading near the 1 MiB cap", n)
	}
}

func TestFetchFile(t *testing.T) {
	path, err := filepath.Abs(filepath.Join(fixtureDir, "all-types-v2.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{path, "file://" + path, filepath.Join(fixtureDir, "all-types-v2.xml")} {
		t.Run(url, func(t *testing.T) {
			c := newClient(t, monit.Options{URL: url})
			st, err := c.Fetch(t.Context())
			if err != nil || len(st.Services) != 15 {
				t.Fatalf("Fetch() = %d services, %v; want 15, nil", len(st.Services), err)
			}
			if err := c.Ping(t.Context()); err != nil {
				t.Errorf("Ping() error = %v", err)
			}
		})
	}
}

func TestFetchFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.xml")
	if err := os.WriteFile(big, fixture(t, "all-types.xml"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nope.xml")
	tests := []struct {
		name string
		opts monit.Options
		is   error
		want string
	}{
		{"missing file", monit.Options{URL: missing}, fs.ErrNotExist, "read monit status: open " + missing},
		{"over the cap", monit.Options{URL: big, MaxBytes: 1000}, monit.ErrTooLarge, "is over the cap of 1000 bytes"},
		{"truncated", monit.Options{URL: filepath.Join(fixtureDir, "bad-truncated.xml")}, monit.ErrMalformed, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newClient(t, tt.opts).Fetch(t.Context())
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Fetch() error = %v, want %v containing %q", err, tt.is, tt.want)
			}
		})
	}
	if err := newClient(t, monit.Options{URL: missing}).Ping(t.Context()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Ping() error = %v, want fs.ErrNotExist", err)
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name string
		opts monit.Options
		want string
	}{
		{"no URL", monit.Options{}, "no URL or file"},
		{"blank URL", monit.Options{URL: "  "}, "no URL or file"},
		{"other scheme", monit.Options{URL: "ftp://monit"}, `scheme "ftp"`},
		{"no host", monit.Options{URL: "http:///x"}, "has no host"},
		{"negative timeout", monit.Options{URL: "http://h", Timeout: -1}, "must not be negative"},
		{"negative cap", monit.Options{URL: "http://h", MaxBytes: -1}, "must not be negative"},
		{"password in a bad URL", monit.Options{URL: "http://u:" + testPassword + "@/x"}, "has no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := monit.New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), testPassword) {
				t.Errorf("New() error = %v, want one containing %q and no password", err, tt.want)
			}
		})
	}
}
