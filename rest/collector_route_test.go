package rest

import (
	"net/http"
	"testing"

	"monit-intel/rest/collector"
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

// TestCollectorOtherMethods: the collector answers every method but POST with 405 and
// Allow: POST (RFC 9110 15.5.6), with or without credentials, never asking for a token; the
// Host check still comes first.
func TestCollectorOtherMethods(t *testing.T) {
	coll := collector.New(nil, collector.Options{Users: map[string]string{"monit": "monit"}})
	srv, _ := newTestServer(t, Options{Token: "s3cret", Collector: coll}, testDeps())
	basic := "Basic bW9uaXQ6bW9uaXQ="
	tests := []struct {
		method, auth, host string
		want               int
	}{
		{"GET", basic, "", 405},
		{"GET", "", "", 405},
		{"GET", "Bearer s3cret", "", 405},
		{"HEAD", basic, "", 405},
		{"PUT", basic, "", 405},
		{"DELETE", "", "", 405},
		{"PATCH", basic, "", 405},
		{"OPTIONS", "", "", 405},
		{"GET", basic, "evil.example", 421},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.auth+" "+tt.host, func(t *testing.T) {
			hdr := http.Header{"Authorization": {tt.auth}}
			if tt.host != "" {
				hdr.Set("Host", tt.host)
			}
			rec := doRaw(t, srv.Handler(), tt.method, "/collector", "", hdr)
			if rec.Code != tt.want {
				t.Errorf("%s /collector = %d, want %d", tt.method, rec.Code, tt.want)
			}
			if tt.want == 405 && (rec.Header().Get("Allow") != "POST" || rec.Header().Get("WWW-Authenticate") != "") {
				t.Errorf("%s /collector headers = %v, want Allow: POST and no challenge", tt.method, rec.Header())
			}
		})
	}
}
