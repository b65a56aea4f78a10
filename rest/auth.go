package rest

import (
	"context"
	"crypto/subtle"
	"net/http"
	"path"
	"strings"

	"monit-intel/engine"
)

// Role is what a principal may do: a viewer reads, an operator also approves actions.
type Role string

// Roles.
const (
	RoleViewer   Role = "viewer"
	RoleOperator Role = "operator"
)

// Principal is the authenticated user of a request.
type Principal struct {
	Name string
	Role Role
}

// CanApprove reports whether the principal may approve or reject actions.
func (p Principal) CanApprove() bool { return p.Role == RoleOperator }

// TokenUserName is the user name of a request that presents the API token (an operator).
const TokenUserName = "api"

// Authenticator resolves the principal of a request (the API token, a session cookie). It
// returns false when the request carries no credential it accepts.
type Authenticator interface {
	Authenticate(r *http.Request) (Principal, bool)
}

// TokenAuthenticator accepts `Authorization: Bearer <token>`, the token compared in constant
// time.
type TokenAuthenticator struct {
	token []byte
}

// NewTokenAuthenticator returns an Authenticator for the API token; an empty token accepts
// nothing.
func NewTokenAuthenticator(token string) TokenAuthenticator {
	return TokenAuthenticator{token: []byte(token)}
}

// Authenticate implements Authenticator.
func (a TokenAuthenticator) Authenticate(r *http.Request) (Principal, bool) {
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	// The scheme is case-insensitive (RFC 9110 §11.1); the token is not.
	if !ok || !strings.EqualFold(scheme, "Bearer") || len(a.token) == 0 ||
		subtle.ConstantTimeCompare([]byte(got), a.token) != 1 {
		return Principal{}, false
	}
	return Principal{Name: TokenUserName, Role: RoleOperator}, true
}

type principalKey struct{}

// WithPrincipal returns a copy of ctx carrying p, and p's name as the engine's actor (so
// proposals, approvals and rejections name their user). The authentication middleware calls
// it; other handlers mounted behind it (the web UI) read it back with PrincipalFrom.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return engine.WithActor(context.WithValue(ctx, principalKey{}, p), p.Name)
}

// PrincipalFrom returns the request's authenticated principal; false for an anonymous
// request (only the public paths let one through).
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// publicPath reports whether a path is served without credentials: the liveness check and
// the API's documentation. Everything else needs a principal. The path is cleaned first, as
// the mux cleans it, so that "/openapi.json/../status" is not public.
func publicPath(p string) bool {
	p = path.Clean(p)
	switch p {
	case "/health", "/docs", "/docs/redoc.standalone.js":
		return true
	}
	return strings.HasPrefix(p, "/openapi")
}

// CollectorPath is where Monit pushes (`set mmonit http://USER:PASS@HOST:PORT/collector`).
const CollectorPath = "/collector"

// authenticate resolves the principal with the first Authenticator that accepts the request
// and stores it in the request context. Without one, only the public paths are served.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The collector authenticates Monit itself (HTTP Basic against collector.users); no
		// other path is let through, and a token does not open it. Every method gets past here:
		// routesOnly answers all but POST with 405 and Allow: POST (RFC 9110), not with a
		// challenge for a token that would not open it either.
		if s.opts.Collector != nil && r.URL.Path == CollectorPath {
			next.ServeHTTP(w, r)
			return
		}
		for _, a := range s.auth {
			if p, ok := a.Authenticate(r); ok {
				next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
				return
			}
		}
		if publicPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="monit-intel"`)
		writeProblem(w, http.StatusUnauthorized, "a valid `Authorization: Bearer <token>` header is required: "+
			"the token is in DATA_DIR/api-token, or api.token / MONIT_INTEL_TOKEN when set")
	})
}
