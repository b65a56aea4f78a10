package rest

import (
	"fmt"
	"net/http"
	"strings"
)

// methods are those the API could route; Allow lists those of a path that do.
var methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// routesOnly answers every request the API has no operation for with a problem document:
// the mux's catch-all "GET /" (the root operation) would otherwise answer any unknown GET
// with the index, so that `curl -f` hid typos and a scrape of /metrics got JSON; and the
// mux's own 404 and 405 pages are plain text.
func routesOnly(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if routed(mux, r) {
			mux.ServeHTTP(w, r)
			return
		}
		var allow []string
		for _, m := range methods {
			r2 := r.Clone(r.Context())
			r2.Method = m
			if routed(mux, r2) {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			writeProblem(w, http.StatusNotFound, fmt.Sprintf(
				"no such endpoint: %s %s (GET / lists them; the OpenAPI document is at /openapi.json)", r.Method, r.URL.Path))
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeProblem(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path))
	})
}

// routed reports whether an operation serves r: a pattern matches, and it is not the
// catch-all "/" matching another path.
func routed(mux *http.ServeMux, r *http.Request) bool {
	_, pattern := mux.Handler(r)
	return pattern != "" && (!strings.HasSuffix(pattern, " /") || r.URL.Path == "/")
}
