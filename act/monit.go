package act

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HTTPError is Monit's HTTP interface rejecting an action (401 bad credentials, 403 read-only
// user or CSRF, 404 unknown service, 400 invalid action, …).
type HTTPError struct {
	Status  int
	Message string // Monit's own text, e.g. `There is no service named "x"`
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("monit http %d: %s", e.Status, e.Message)
}

// unreachableError marks a failure to connect to Monit's HTTP interface: nothing reached
// Monit, so the CLI fallback cannot repeat an action.
type unreachableError struct{ err error }

func (e *unreachableError) Error() string {
	return "monit http interface unreachable: " + e.err.Error()
}
func (e *unreachableError) Unwrap() error { return e.err }

// runMonit performs a Monit action through the HTTP interface and falls back to the CLI
// (c.Argv) when the interface is not configured or cannot be reached. Any answer from
// Monit, even an error, is final: the CLI would ask the same daemon. An interface on
// another machine (monit.url not on loopback) gets no fallback: the CLI here would ask this
// machine's Monit instead.
func (r *Runner) runMonit(ctx context.Context, verb string, c Command) (Result, error) {
	if r.opts.MonitRemote {
		return r.runRemoteMonit(ctx, verb, c)
	}
	start := time.Now()
	base, err := monitBase(r.opts.MonitURL)
	if err != nil {
		return Result{ExitCode: -1, Via: ViaMonitHTTP}, err
	}
	var unreachable *unreachableError
	if base != nil {
		msg, err := r.monitHTTP(ctx, base, verb, c.Service)
		res := Result{ExitCode: 0, Output: msg, Duration: time.Since(start), Via: ViaMonitHTTP}
		if err == nil {
			return res, nil
		}
		if !errors.As(err, &unreachable) {
			res.ExitCode = -1
			res.Output = err.Error()
			return res, err
		}
		if !onThisMachine(base) {
			err = fmt.Errorf("%w; the monit CLI here reaches this machine's Monit, not the one at %s: nothing was run",
				unreachable, origin(base))
			res.ExitCode, res.Output = -1, err.Error()
			return res, err
		}
	}
	res, err := r.exec(ctx, c.Argv, ViaMonitCLI)
	res.Duration = time.Since(start)
	if unreachable != nil {
		res.Output = unreachable.Error() + "; ran the monit CLI instead\n" + res.Output
		if err != nil {
			err = fmt.Errorf("%v; monit cli fallback: %w", unreachable, err)
		}
	}
	return res, err
}

// runRemoteMonit performs a Monit action on another host through its HTTP interface only:
// the monit CLI here would reach this machine's Monit, never the other host's. Every error
// names the host.
func (r *Runner) runRemoteMonit(ctx context.Context, verb string, c Command) (Result, error) {
	start := time.Now()
	res := Result{ExitCode: -1, Via: ViaMonitHTTP}
	host := quote(r.opts.MonitHost)
	base, err := monitBase(r.opts.MonitURL)
	if err == nil && base == nil {
		err = fmt.Errorf("%w: want an http(s):// URL", ErrRefused)
	}
	if err != nil {
		return res, fmt.Errorf("host %s: %w", host, err)
	}
	msg, err := r.monitHTTP(ctx, base, verb, c.Service)
	res.Duration = time.Since(start)
	if err != nil {
		err = fmt.Errorf("host %s, Monit at %s: %w (no CLI fallback for another host)", host, origin(base), err)
		res.Output = err.Error()
		return res, err
	}
	res.ExitCode, res.Output = 0, msg
	return res, nil
}

// remoteVia says, for a Command's Display, how an action reaches another host's Monit: its
// HTTP interface at the origin of Options.MonitURL (never its credentials).
func remoteVia(opts Options) string {
	where := "no http(s) URL configured"
	if base, err := monitBase(opts.MonitURL); err == nil && base != nil {
		where = origin(base)
	}
	return fmt.Sprintf(" (%s's Monit HTTP interface, %s)", shellQuote(opts.MonitHost), where)
}

// onThisMachine reports whether base is this machine's Monit (a loopback address, or the
// unix socket), the only one the monit CLI fallback reaches.
func onThisMachine(base *url.URL) bool {
	h := base.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// origin is scheme://host[:port] of u, without credentials, path or query.
func origin(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

// otherOrigin reports the origin a Location header leads to when it is not base's. Monit's
// own Location is a path (decoded, so it may not even parse): that stays at base.
func otherOrigin(base *url.URL, location string) (string, bool) {
	loc, err := url.Parse(location)
	if err != nil || loc.Host == "" {
		return "", false
	}
	if loc.Scheme == "" {
		loc.Scheme = base.Scheme
	}
	if strings.EqualFold(loc.Scheme, base.Scheme) && strings.EqualFold(loc.Host, base.Host) {
		return "", false
	}
	return origin(loc), true
}

// monitBase parses Options.MonitURL; nil without error means "no HTTP interface". A unix
// socket is addressed as http://localhost: Options.MonitTransport dials the socket.
func monitBase(raw string) (*url.URL, error) {
	if raw == "" || strings.HasPrefix(raw, "file://") || !strings.Contains(raw, "://") {
		return nil, nil
	}
	if strings.HasPrefix(raw, "unix:///") {
		return &url.URL{Scheme: "http", Host: "localhost"}, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The raw URL may carry a password; do not echo it.
		return nil, fmt.Errorf("%w: monit url: want http(s)://host:port", ErrRefused)
	}
	return u, nil
}

// monitHTTP POSTs action=VERB to /<service> (exact, case-insensitive name match; /_doaction
// would treat the name as a regex) with the CSRF token as cookie and form field, and treats
// Monit's 302 as acceptance. Monit runs the action asynchronously.
func (r *Runner) monitHTTP(ctx context.Context, base *url.URL, verb, service string) (string, error) {
	token, err := newToken()
	if err != nil {
		return "", err
	}
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + "/" + service
	u.RawPath = strings.TrimSuffix(base.EscapedPath(), "/") + "/" + escapeSegment(service)
	u.RawQuery, u.Fragment, u.User = "", "", nil
	form := url.Values{"action": {verb}, "securitytoken": {token}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("monit http request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "securitytoken", Value: token})
	if r.opts.MonitUser != "" {
		req.SetBasicAuth(r.opts.MonitUser, r.opts.MonitPassword)
	} else if base.User != nil {
		pw, _ := base.User.Password()
		req.SetBasicAuth(base.User.Username(), pw)
	}
	resp, err := r.http.RoundTrip(req)
	if err != nil {
		var op *net.OpError
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			return "", fmt.Errorf("monit http %s %s: %w after %s", verb, quote(service), ErrTimeout, r.opts.Timeout)
		case ctx.Err() == nil && errors.As(err, &op) && op.Op == "dial":
			return "", &unreachableError{err: op}
		}
		return "", fmt.Errorf("monit http %s %s: %w", verb, quote(service), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if to, other := otherOrigin(&u, resp.Header.Get("Location")); resp.StatusCode == http.StatusFound && other {
		// Not Monit's answer (Monit redirects to the service's own page). Nothing follows a
		// redirect here, so the credentials went nowhere else.
		return "", &HTTPError{Status: resp.StatusCode, Message: fmt.Sprintf(
			"redirected to %s, another origin: not followed, and the action is not confirmed", to)}
	}
	if resp.StatusCode == http.StatusFound {
		return fmt.Sprintf("Monit accepted %s %s (HTTP 302); Monit runs the action asynchronously", verb, quote(service)), nil
	}
	return "", &HTTPError{Status: resp.StatusCode, Message: monitMessage(resp, body)}
}

func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("csrf token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// escapeSegment percent-encodes every byte but the unreserved ones. Monit URL-decodes the
// whole request path and may read '+' as a space, so anything else is escaped.
func escapeSegment(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// monitMessage extracts Monit's error text: its error pages put the message between </h2>
// and <hr>, HTML-escaped.
func monitMessage(resp *http.Response, body []byte) string {
	if resp.StatusCode < 300 {
		return fmt.Sprintf("unexpected %s (Monit answers an accepted action with 302)", resp.Status)
	}
	s := string(body)
	i := strings.Index(s, "</h2>")
	if i < 0 {
		return resp.Status
	}
	s = s[i+len("</h2>"):]
	if j := strings.Index(s, "<hr>"); j >= 0 {
		s = s[:j]
	}
	s = strings.TrimSpace(html.UnescapeString(strings.TrimSuffix(s, "<p>")))
	if s == "" {
		return resp.Status
	}
	const max = 512
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}
