package monit

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
)

// TLSOptions trust a Monit httpd that serves HTTPS with a certificate the system does not
// know (Monit's `set httpd ... with ssl { pemfile: ... }` is usually self-signed).
type TLSOptions struct {
	// CAFile is a PEM file of the certificates to trust for Monit (its own self-signed
	// certificate, or the CA that signed it), instead of the system's.
	CAFile string
	// ServerName is the name to check the certificate against when it differs from the
	// URL's host (a certificate for "monit.lan" reached as https://127.0.0.1:2812).
	ServerName string
	// InsecureSkipVerify accepts any certificate. The caller should warn at every start.
	InsecureSkipVerify bool
}

func (o TLSOptions) set() bool { return o.CAFile != "" || o.ServerName != "" || o.InsecureSkipVerify }

// maxRedirects bounds same-origin redirects (a proxy adding a slash); Monit itself never
// redirects a GET.
const maxRedirects = 3

// newHTTPClient returns the client for src: its own transport (Monit answers HTTP/1.0 with
// Connection: close, and sharing http.DefaultTransport would tie this client to global
// state), dialing the socket for sourceUnix, with tlsOpts for https, following redirects
// only within the origin so that the credentials go nowhere else.
func newHTTPClient(src source, tlsOpts TLSOptions) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Never send Monit's credentials through a proxy named by the environment.
	tr.Proxy = nil
	switch {
	case src.kind == sourceUnix:
		var d net.Dialer
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", src.path)
		}
	case tlsOpts.set():
		cfg, err := tlsConfig(tlsOpts)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = cfg
	}
	return &http.Client{Transport: tr, CheckRedirect: sameOriginOnly}, nil
}

func tlsConfig(o TLSOptions) (*tls.Config, error) {
	cfg := &tls.Config{ServerName: o.ServerName, InsecureSkipVerify: o.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
	if o.CAFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(o.CAFile)
	if err != nil {
		return nil, fmt.Errorf("tls ca_file: %w", err)
	}
	cfg.RootCAs = x509.NewCertPool()
	if !cfg.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("tls ca_file %s holds no PEM certificate", o.CAFile)
	}
	return cfg, nil
}

// redirectError is a redirect to another origin, refused so that the credentials never
// follow it.
type redirectError struct{ to string }

func (e *redirectError) Error() string {
	return fmt.Sprintf("redirected to %s, another origin; monit-intel sends Monit's credentials nowhere else "+
		"(set monit.url to the address Monit answers on)", e.to)
}

func sameOriginOnly(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
		return &redirectError{to: origin(req.URL)}
	}
	if len(via) > maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	return nil
}

// origin is scheme://host[:port] of u, without credentials, path or query.
func origin(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

// httpToHTTPS is net/http's unexported error for a plain HTTP answer to a TLS handshake.
const httpToHTTPS = "server gave HTTP response to HTTPS client"

// transportProblem words a failed request's real cause for people, with the sentinel it
// belongs to; nil when there is nothing better to say than the error itself.
func (c *Client) transportProblem(err error) *fetchError {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		notTLS    tls.RecordHeaderError
		redirect  *redirectError
		verify    *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &redirect):
		return problem(ErrRedirect, err, "monit at %s %s", c.display, redirect)
	case errors.As(err, &unknownCA):
		return problem(ErrTLS, err, "monit at %s: its certificate is not trusted (signed by an unknown authority): "+
			"set monit.tls.ca_file to Monit's certificate or the CA that signed it", c.display)
	case errors.As(err, &hostname):
		return problem(ErrTLS, err, "monit at %s: its certificate is not valid for %s: "+
			"set monit.tls.server_name to a name the certificate holds", c.display, hostname.Host)
	case errors.As(err, &invalid):
		return problem(ErrTLS, err, "monit at %s: its certificate is not valid", c.display)
	case errors.As(err, &verify):
		return problem(ErrTLS, err, "monit at %s: its certificate is not trusted", c.display)
	case errors.As(err, &notTLS) || strings.Contains(err.Error(), httpToHTTPS):
		return problem(ErrTLS, err, "monit at %s answered without TLS: use http:// instead of https://", c.display)
	case c.socket == "" && c.base.Scheme == "http" && errors.Is(err, io.EOF):
		// Monit's SSL listener drops a plain request without a word.
		return problem(ErrUnreachable, err, "monit at %s closed the connection without answering: "+
			"if its httpd uses SSL, use https://", c.display)
	}
	return c.dialProblem(err)
}

// dialProblem words why no connection was made: a missing socket, nothing listening, no
// permission; nil when it is none of these. The cause follows the message ("…: connect:
// connection refused"), so the words say what it means rather than repeat it.
func (c *Client) dialProblem(err error) *fetchError {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "dial" {
		return nil
	}
	unix := c.socket != ""
	switch {
	case unix && errors.Is(err, os.ErrNotExist):
		return problem(ErrUnreachable, err, "monit socket %s does not exist: "+
			"is Monit running, with `set httpd unixsocket %s`?", c.socket, c.socket)
	case unix && errors.Is(err, os.ErrPermission):
		return problem(ErrUnreachable, err, "monit socket %s: "+
			"run monit-intel as a user allowed to open it", c.socket)
	case unix && isConnRefused(err):
		return problem(ErrUnreachable, err, "monit socket %s: "+
			"nothing listens on it (Monit stopped?)", c.socket)
	case isConnRefused(err):
		return problem(ErrUnreachable, err, "monit at %s is unreachable: "+
			"nothing listens there (is Monit running, with `set httpd port`?)", c.display)
	}
	return nil
}

// problem is a fetchError of kind caused by err, worded by format.
func problem(kind, err error, format string, args ...any) *fetchError {
	return &fetchError{kind: kind, cause: err, msg: fmt.Sprintf(format, args...)}
}

func isConnRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
