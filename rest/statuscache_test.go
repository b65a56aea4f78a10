package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"monit-intel/engine"
	"monit-intel/logs/redact/redacttest"
)

// TestStatusETag serves the whole fleet's /status from its cache between changes of the
// board, answers If-None-Match (RFC 9110) with 304 while nothing changed, and serves the
// change at once.
func TestStatusETag(t *testing.T) {
	deps := testDeps()
	board := fleet()
	deps.Board = board
	_, api := newTestServer(t, Options{}, deps)
	first := api.Get("/status")
	etag := first.Header().Get("ETag")
	if first.Code != http.StatusOK || etag == "" {
		t.Fatalf("GET /status = %d, ETag %q", first.Code, etag)
	}
	again := api.Get("/status")
	if again.Body.String() != first.Body.String() || again.Header().Get("ETag") != etag {
		t.Errorf("a second read of an unchanged board differs:\n%s\n%s", first.Body, again.Body)
	}
	for _, c := range []struct {
		name, path, ifNoneMatch string
		want                    int
	}{
		{"same tag", "/status", etag, http.StatusNotModified},
		{"weak form", "/status", "W/" + etag, http.StatusNotModified},
		{"in a list", "/status", `"other", ` + etag, http.StatusNotModified},
		{"any", "/status", "*", http.StatusNotModified},
		{"another tag", "/status", `"other"`, http.StatusOK},
		{"another query", "/status?failing=true", etag, http.StatusOK},
		{"one host", "/status?host=nas", etag, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp := api.Get(c.path, "If-None-Match: "+c.ifNoneMatch)
			if resp.Code != c.want || resp.Header().Get("ETag") == "" {
				t.Errorf("GET %s If-None-Match %s = %d (ETag %q), want %d", c.path, c.ifNoneMatch, resp.Code,
					resp.Header().Get("ETag"), c.want)
			}
			if c.want == http.StatusNotModified && resp.Body.Len() != 0 {
				t.Errorf("304 with a body: %s", resp.Body)
			}
		})
	}
	board.Record(engine.CycleResult{Host: "nas", Services: []engine.Classified{{Snapshot: engine.Snapshot{
		Host: "nas", Name: "new_check", Type: engine.TypeProgram, Status: engine.BitStatus, Monitor: 1}}}}, nil)
	changed := api.Get("/status", "If-None-Match: "+etag)
	if changed.Code != http.StatusOK || changed.Header().Get("ETag") == etag {
		t.Fatalf("after a change: %d, ETag %q (was %q)", changed.Code, changed.Header().Get("ETag"), etag)
	}
	var body struct {
		Services []Service `json:"services"`
		Count    int       `json:"count"`
	}
	if err := json.Unmarshal(changed.Body.Bytes(), &body); err != nil || body.Count != len(board.Services()) ||
		!contains(body.Services, "new_check") {
		t.Errorf("after a change the body is %s (%v)", changed.Body, err)
	}
}

func contains(services []Service, name string) bool {
	for _, s := range services {
		if s.Service == name {
			return true
		}
	}
	return false
}

// TestStatusCacheConcurrent reads the whole fleet while cycles change it: every answer is a
// whole, consistent board (its count matches its list), and the last read sees the last
// change.
func TestStatusCacheConcurrent(t *testing.T) {
	deps := testDeps()
	board := engine.NewBoard()
	deps.Board = board
	_, api := newTestServer(t, Options{}, deps)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 50 {
			host := fmt.Sprintf("h%02d", i)
			board.Record(engine.CycleResult{Host: host, Services: []engine.Classified{{Snapshot: engine.Snapshot{
				Host: host, Name: "svc", Type: engine.TypeProcess, Monitor: 1}}}}, nil)
		}
	})
	for range 4 {
		wg.Go(func() {
			for range 25 {
				resp := api.Get("/status")
				var body struct {
					Services []Service `json:"services"`
					Count    int       `json:"count"`
				}
				if err := json.Unmarshal(resp.Body.Bytes(), &body); err != nil || body.Count != len(body.Services) {
					t.Errorf("GET /status = %d %s (%v)", resp.Code, resp.Body, err)
				}
			}
		})
	}
	wg.Wait()
	var body struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(api.Get("/status").Body.Bytes(), &body); err != nil || body.Count != 50 {
		t.Errorf("the last read counts %d services (%v), want 50", body.Count, err)
	}
}

// TestStatusCacheEncoding checks that the whole fleet's body joined from the hosts' encoded
// services is byte for byte what huma encodes from the typed body (redacted), for every
// service and the failing ones, also for an empty board and a host without services.
func TestStatusCacheEncoding(t *testing.T) {
	red := redacttest.New(t)
	withSecret := fleet()
	withSecret.Record(engine.CycleResult{Host: "db", Services: []engine.Classified{{Snapshot: engine.Snapshot{
		Host: "db", Name: "db_check", Type: engine.TypeProgram, Status: engine.BitStatus, Monitor: 1,
		Program: &engine.ProgramFigures{Output: "FATAL postgres://app:Pa55w0rd@db/app <&>"}}}}}, nil)
	withSecret.Record(engine.CycleResult{Host: "empty"}, nil)
	for name, board := range map[string]*engine.Board{"empty board": engine.NewBoard(), "fleet": withSecret} {
		for _, failing := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s failing=%v", name, failing), func(t *testing.T) {
				deps := testDeps()
				deps.Board, deps.Redactor = board, red
				_, api := newTestServer(t, Options{}, deps)
				var want statusOutput
				want.Body.Services, want.Body.Count, want.Body.Failing = statusOf(board.Services(), failing, nil)
				v, err := redactBodies(red)(nil, "200", want.Body)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := strictJSON.Marshal(&buf, v); err != nil {
					t.Fatal(err)
				}
				got := api.Get(fmt.Sprintf("/status?failing=%v", failing))
				if got.Body.String() != buf.String() {
					t.Errorf("GET /status =\n%s\nwant\n%s", got.Body, buf.String())
				}
				if strings.Contains(got.Body.String(), "Pa55w0rd") {
					t.Errorf("a secret is served")
				}
			})
		}
	}
}
