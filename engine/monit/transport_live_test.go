package monit_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"monit-intel/engine/monit"
	"monit-intel/engine/monit/monittest"
)

// TestLiveUnixSocket is field case 02: Monit's httpd on a unix socket only. The status reads
// the same through unix:///path and through the bare socket path, and a stopped Monit is
// named as such.
func TestLiveUnixSocket(t *testing.T) {
	m := monittest.New(t)
	m.Listen = monittest.ListenUnix
	m.Start(t, "check file watched with path {{DIR}}/monitrc\n")
	sock := strings.TrimPrefix(m.URL, "unix://")
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("Monit's socket: %v", err)
	}
	for _, url := range []string{m.URL, sock} {
		c := newClient(t, monit.Options{URL: url, Username: m.Username, Password: m.Password, Timeout: 5 * time.Second})
		st, err := c.Fetch(t.Context())
		if err != nil || st.Host != m.System {
			t.Fatalf("Fetch(%s) = host %q, %v; want %q", url, st.Host, err, m.System)
		}
		if _, ok := monittest.Find(st, "watched"); !ok {
			t.Errorf("Fetch(%s) has no service watched:\n%s", url, monittest.Summary(st))
		}
		if err := c.Ping(t.Context()); err != nil {
			t.Errorf("Ping(%s) error = %v", url, err)
		}
	}
	bad := newClient(t, monit.Options{URL: m.URL, Username: m.Username, Password: "wrong"})
	if _, err := bad.Fetch(t.Context()); !errors.Is(err, monit.ErrUnauthorized) || !strings.Contains(err.Error(), "MONIT_PASSWORD") {
		t.Errorf("Fetch() with a wrong password error = %v, want ErrUnauthorized naming MONIT_PASSWORD", err)
	}
	m.Stop(t)
	_, err := newClient(t, monit.Options{URL: m.URL}).Fetch(t.Context())
	if !errors.Is(err, monit.ErrUnreachable) || !strings.Contains(err.Error(), "monit socket "+sock) {
		t.Errorf("Fetch() after Monit stopped error = %v, want ErrUnreachable naming the socket", err)
	}
}

// TestLiveHTTPS: Monit 5.33 serving HTTPS with a self-signed certificate is trusted through
// monit.tls.ca_file, refused without it with the reason, and checked against server_name.
func TestLiveHTTPS(t *testing.T) {
	m := monittest.New(t)
	m.Listen = monittest.ListenTLS
	m.Start(t, "")
	opts := func(tls monit.TLSOptions) monit.Options {
		return monit.Options{URL: m.URL, Username: m.Username, Password: m.Password, Timeout: 5 * time.Second, TLS: tls}
	}
	tests := []struct {
		name string
		tls  monit.TLSOptions
		want string // "" means success
	}{
		{"trusted through ca_file", monit.TLSOptions{CAFile: m.CAFile}, ""},
		{"certificate's other name", monit.TLSOptions{CAFile: m.CAFile, ServerName: monittest.CertName}, ""},
		{"verification off", monit.TLSOptions{InsecureSkipVerify: true}, ""},
		{"system trust only", monit.TLSOptions{}, "its certificate is not trusted (signed by an unknown authority)"},
		{"a name it does not hold", monit.TLSOptions{CAFile: m.CAFile, ServerName: "monit.lan"}, "its certificate is not valid for monit.lan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := newClient(t, opts(tt.tls)).Fetch(t.Context())
			if tt.want == "" {
				if err != nil || st.Host != m.System {
					t.Fatalf("Fetch() = host %q, %v; want %q", st.Host, err, m.System)
				}
				return
			}
			checkFetchError(t, err, m.URL, tt.want, monit.ErrTLS)
		})
	}
	t.Run("plain http to the TLS port", func(t *testing.T) {
		plain := strings.Replace(m.URL, "https://", "http://", 1)
		_, err := newClient(t, monit.Options{URL: plain, Username: m.Username, Password: m.Password, Timeout: 3 * time.Second}).Fetch(t.Context())
		checkFetchError(t, err, plain, "closed the connection without answering: if its httpd uses SSL, use https://", monit.ErrUnreachable)
	})
}
