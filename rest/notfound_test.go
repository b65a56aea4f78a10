package rest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/approve"
)

// TestUnknownPathsAreProblems: only the API's operations answer; everything else is a
// problem document with 404 (or 405 with Allow for a known path and another method).
func TestUnknownPathsAreProblems(t *testing.T) {
	s, _ := newTestServer(t, Options{}, testDeps())
	tests := []struct {
		method, path string
		want         int
		allow        string
	}{
		{"GET", "/nope", 404, ""},
		{"GET", "/metrics", 404, ""},
		{"GET", "/status/", 404, ""},
		{"GET", "/statusx", 404, ""},
		{"GET", "/logs/", 404, ""},
		{"HEAD", "/nope", 404, ""},
		{"POST", "/nope", 404, ""},
		{"DELETE", "/status", 405, "GET, HEAD"},
		{"PUT", "/analyze", 405, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := doRaw(t, s.Handler(), tt.method, tt.path, "", nil)
			if rec.Code != tt.want {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, rec.Code, rec.Body, tt.want)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type = %q, want application/problem+json", ct)
			}
			if tt.method != "HEAD" && !strings.Contains(rec.Body.String(), tt.path) {
				t.Errorf("body %s does not name the path", rec.Body)
			}
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
	for _, path := range []string{"/", "/status", "/openapi.json", "/openapi-3.0.json", "/docs", "/logs/system_backup"} {
		if rec := doRaw(t, s.Handler(), "GET", path, "", nil); rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d %s, want 200", path, rec.Code, rec.Body)
		}
	}
}

// TestUnknownServiceIs404Everywhere calls every operation that names a service with one
// that Monit does not report and the history does not know.
func TestUnknownServiceIs404Everywhere(t *testing.T) {
	deps := testDeps()
	deps.Actions = fakeActions{propose: func(action, service, _ string) (engine.Proposal, error) {
		return engine.Proposal{}, fmt.Errorf("%w: %q is not a service Monit reported", act.ErrRefused, service)
	}, execute: func(string, bool, bool) (approve.Outcome, error) { return approve.Outcome{}, context.Canceled }}
	s, _ := newTestServer(t, Options{}, deps)
	tests := []struct{ method, path, body string }{
		{"GET", "/history?service=nosuch", ""},
		{"GET", "/history/snapshots?service=nosuch", ""},
		{"GET", "/logs/nosuch", ""},
		{"GET", "/analyses?service=nosuch", ""},
		{"POST", "/analyze", `{"service":"nosuch"}`},
		{"POST", "/mother/actions/suggest", `{"action":"restart","service":"nosuch"}`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := doRaw(t, s.Handler(), tt.method, tt.path, tt.body, http.Header{"Content-Type": {"application/json"}})
			if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "nosuch") {
				t.Errorf("%s %s = %d %s, want 404 naming the service", tt.method, tt.path, rec.Code, rec.Body)
			}
		})
	}
	// A known service's refusal stays a 422.
	rec := doRaw(t, s.Handler(), "POST", "/mother/actions/suggest", `{"action":"rm","service":"sshd"}`,
		http.Header{"Content-Type": {"application/json"}})
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("suggest rm sshd = %d %s, want 422", rec.Code, rec.Body)
	}
}
