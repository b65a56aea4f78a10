package rest

import (
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// Content-Security-Policy values. The API's answers are data, never documents: nothing may
// load, run or frame them. /docs sets docsCSP instead.
const (
	apiCSP  = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	docsCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
		"font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
		"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

// securityHeaders sets the headers every answer carries. A handler may replace the
// Content-Security-Policy with a wider one for its own page, or allow caching (docs.go does
// both).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", apiCSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Cache-Control", "no-store") // answers carry state and logs; the docs script overrides it
		next.ServeHTTP(w, r)
	})
}

// hostAllowList is the set of names the Host header may carry besides loopback addresses
// and localhost. A DNS-rebinding page reaches the daemon under the attacker's own host name,
// which is in no such list.
type hostAllowList map[string]bool

// newHostAllowList allows the configured hosts and the host the daemon listens on when that
// names one (not 0.0.0.0 or ::).
func newHostAllowList(listen string, allowed []string) hostAllowList {
	l := hostAllowList{}
	for _, h := range allowed {
		l[normalHost(h)] = true
	}
	if host, _, err := net.SplitHostPort(listen); err == nil && host != "" {
		if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
			l[normalHost(host)] = true
		}
	}
	return l
}

// normalHost is a Host header's name without port, brackets, trailing dot or case.
func normalHost(hostport string) string {
	name := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.Trim(name, "[]"), ".")
	return strings.ToLower(name)
}

func (l hostAllowList) allows(hostport string) bool {
	name := normalHost(hostport)
	if name == "localhost" || l[name] {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}

// checkHost answers 421 to a request whose Host header names a host the daemon is not known
// by.
func (s *Server) checkHost(next http.Handler) http.Handler { return s.hosts.guard(next) }

func (l hostAllowList) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.allows(r.Host) {
			host := r.Host
			if len(host) > 100 {
				host = host[:100] + "…"
			}
			writeProblem(w, http.StatusMisdirectedRequest, "this daemon does not answer to the host name "+quote(host)+
				": use 127.0.0.1 or localhost, or add the name to api.allowed_hosts")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests that a browser marks as coming from another
// site (Sec-Fetch-Site, or an Origin that differs from the Host).
func crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeProblem(w, http.StatusForbidden, "cross-origin request refused: call the API from a program or from this daemon's own pages")
	}))
	return cop.Handler(next)
}

// requireJSON answers 415 to a request with a body that does not declare
// application/json. huma would otherwise read a body without a Content-Type as JSON, which
// lets a plain HTML form (or a fetch with a "simple" content type) reach the API.
func (s *Server) requireJSON(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	if op == nil || op.RequestBody == nil {
		next(ctx)
		return
	}
	mt, _, err := mime.ParseMediaType(ctx.Header("Content-Type"))
	if err != nil || mt != "application/json" {
		huma.WriteErr(s.api, ctx, http.StatusUnsupportedMediaType,
			"the request body must be JSON with `Content-Type: application/json`")
		return
	}
	next(ctx)
}
