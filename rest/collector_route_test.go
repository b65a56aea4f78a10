package rest

import (
	"net/http"
	"testing"
)

// TestCollectorRoute checks that the token check lets /collector, and only it, through to
// the collector's own authenticator, and that the Host check still applies to it.
func TestCollectorRoute(t *testing.T) {
	coll := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	withColl, _ := newTestServer(t, Options{Token: "s3cret", Collector: coll}, testDeps())
	without, _ := newTestServer(t, Options{Token: "s3cret"}, testDeps())
	tests := []struct {
		name   string
		srv    *Server
		path   string
		hdr    http.Header
		want   int
		method string
	}{
		{"basic credentials reach the collector", withColl, "/collector", http.Header{"Authorization": {"Basic bW9uaXQ6bW9uaXQ="}}, 200, "POST"},
		{"the token does not open it", withColl, "/collector", http.Header{"Authorization": {"Bearer s3cret"}}, 401, "POST"},
		{"nothing else is let through", withColl, "/status", http.Header{"Authorization": {"Basic bW9uaXQ6bW9uaXQ="}}, 401, "GET"},
		{"a path climbing to it is not the collector", withColl, "/status/../collector", http.Header{"Authorization": {""}}, 401, "POST"},
		{"the Host check applies", withColl, "/collector", http.Header{"Authorization": {"Basic bW9uaXQ6bW9uaXQ="}, "Host": {"evil.example"}}, 421, "POST"},
		{"GET is not let through", withColl, "/collector", http.Header{"Authorization": {""}}, 401, "GET"},
		{"no collector configured", without, "/collector", http.Header{"Authorization": {"Basic bW9uaXQ6bW9uaXQ="}}, 401, "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := doRaw(t, tt.srv.Handler(), tt.method, tt.path, "", tt.hdr)
			if rec.Code != tt.want {
				t.Errorf("%s %s = %d, want %d", tt.method, tt.path, rec.Code, tt.want)
			}
		})
	}
}
