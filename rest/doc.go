// Package rest is monit-intel's HTTP API, built with huma on net/http: status, health,
// history, logs, analyses, and Mother's chat and actions. The OpenAPI document is generated
// at /openapi.json; /docs renders it with an embedded copy of Redoc, so it works offline.
//
// rest has its own request and response types, so the API contract does not move when an
// engine struct does, and declares the small interfaces it needs from the daemon. It maps
// engine errors to RFC 9457 problem documents in one place (problem.go). A service name from
// a request is only ever looked up, never used as a path.
package rest
