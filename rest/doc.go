// Package rest is monit-intel's HTTP API, built with huma on net/http: status, health,
// history, logs, analyses, and Mother's chat and actions. The OpenAPI document is generated
// at /openapi.json; /docs renders it with an embedded copy of Redoc, so it works offline.
//
// rest has its own request and response types, so the API contract does not move when an
// engine struct does, and declares the small interfaces it needs from the daemon. It maps
// engine errors to RFC 9457 problem documents in one place (problem.go). A service name from
// a request is only ever looked up, never used as a path.
//
// Every request passes one chain (server.go, guard.go, auth.go): security headers, a Host
// check against DNS rebinding (421), Go's cross-origin protection (403), then authentication,
// which resolves a Principal through the Authenticators (the API token is user "api", an
// operator; the web UI adds a session authenticator through Options.Authenticators) and puts
// it in the request context for PrincipalFrom, and as engine's actor for the audit. Only
// /health (status only), /docs and /openapi* are served without one; POST /collector, where Monit
// pushes, skips the token and goes to rest/collector, which checks HTTP Basic credentials of
// its own. huma then refuses a body
// that is not application/json (415) and JSON keys that are unknown, repeated or in another
// case (422, strictjson.go). Only an operator may approve or reject an action.
package rest
