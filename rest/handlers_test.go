package rest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"monit-intel/engine"
)

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

func TestEndpoints(t *testing.T) {
	_, api := newTestServer(t, Options{}, testDeps())
	tests := []struct {
		name       string
		method     string
		path       string
		body       any
		wantStatus int
		want       []string // substrings of the body
		wantType   string
	}{
		{name: "root", method: "GET", path: "/", wantStatus: 200, want: []string{`"openapi":"/openapi.json"`, `"docs":"/docs"`}},
		{name: "status", method: "GET", path: "/status", wantStatus: 200,
			want: []string{`"count":3`, `"failing":2`, `"status_text":"Status failed"`, `"failures":3`, `"exit_status":11`}},
		{name: "status failing", method: "GET", path: "/status?failing=true", wantStatus: 200, want: []string{`"count":2`}},
		{name: "status host", method: "GET", path: "/status?host=pi", wantStatus: 200, want: []string{`"count":1`, `"sshd"`,
			`"parse_notes":["memory/kilobyte \"1.2 parsecs\": unknown unit \"parsecs\""]`}},
		{name: "history last 5", method: "GET", path: "/history?service=nordvpn_status&limit=5", wantStatus: 200,
			want: []string{`"id":5`, `"kind":"NEW"`}},
		{name: "history unknown service", method: "GET", path: "/history?service=nope", wantStatus: 404,
			want: []string{`unknown service \"nope\"`}, wantType: "application/problem+json"},
		{name: "history bad limit", method: "GET", path: "/history?limit=0", wantStatus: 422, want: []string{"query.limit"},
			wantType: "application/problem+json"},
		{name: "history limit not a number", method: "GET", path: "/history?limit=five", wantStatus: 422, want: []string{"limit"}},
		{name: "snapshots", method: "GET", path: "/history/snapshots?service=sshd", wantStatus: 200, want: []string{`"service":"sshd"`}},
		{name: "snapshots need a service", method: "GET", path: "/history/snapshots", wantStatus: 422, want: []string{"service"}},
		{name: "snapshots unknown", method: "GET", path: "/history/snapshots?service=nope", wantStatus: 404},
		{name: "logs", method: "GET", path: "/logs/system_backup?lines=10", wantStatus: 200,
			want: []string{`"source":"/var/log/backup.log"`, "No space left"}},
		{name: "logs of a service without a source", method: "GET", path: "/logs/sshd", wantStatus: 404,
			want: []string{"no log source configured"}},
		{name: "logs too many lines", method: "GET", path: "/logs/system_backup?lines=5000", wantStatus: 422},
		{name: "logs path tricks stay a name", method: "GET", path: "/logs/..%2F..%2Fetc%2Fpasswd", wantStatus: 404},
		{name: "analyze one", method: "POST", path: "/analyze", body: map[string]any{"service": "system_backup"}, wantStatus: 200,
			want: []string{`"service":"system_backup"`, `"cached":true`}},
		{name: "analyze forced", method: "POST", path: "/analyze", body: map[string]any{"service": "system_backup", "force": true},
			wantStatus: 200, want: []string{`"service":"system_backup"`}},
		{name: "analyze all failing", method: "POST", path: "/analyze", body: map[string]any{}, wantStatus: 200,
			want: []string{"system_backup", "nordvpn_status"}},
		{name: "analyze unknown", method: "POST", path: "/analyze", body: map[string]any{"service": "nope"}, wantStatus: 404,
			want: []string{`unknown service \"nope\"`}},
		{name: "analyze a healthy service", method: "POST", path: "/analyze", body: map[string]any{"service": "sshd"},
			wantStatus: 200, want: []string{`"analyses":[]`, `"healthy":["sshd"]`}},
		{name: "analyze unknown field", method: "POST", path: "/analyze", body: map[string]any{"servic": "x"}, wantStatus: 422},
		{name: "analyze body too large", method: "POST", path: "/analyze",
			body: map[string]any{"service": strings.Repeat("x", 70000)}, wantStatus: 413},
		{name: "analyses", method: "GET", path: "/analyses?service=system_backup", wantStatus: 200, want: []string{"disk_full"}},
		{name: "health", method: "GET", path: "/health", wantStatus: 200,
			want: []string{`"status":"degraded"`, `"name":"ollama"`, `"monit_history.db":4096`, `"services":3`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []any
			if tt.body != nil {
				args = append(args, tt.body)
			}
			resp := api.Do(tt.method, tt.path, args...)
			if resp.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d %s, want %d", tt.method, tt.path, resp.Code, resp.Body, tt.wantStatus)
			}
			body := resp.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s %s body lacks %s:\n%s", tt.method, tt.path, w, body)
				}
			}
			if tt.wantType != "" && resp.Header().Get("Content-Type") != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", resp.Header().Get("Content-Type"), tt.wantType)
			}
		})
	}
}

func TestStatusOrderAndNoCORS(t *testing.T) {
	s, _ := newTestServer(t, Options{}, testDeps())
	rec := doRaw(t, s.Handler(), "GET", "/status", "", http.Header{"Origin": {"http://evil.example"}})
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS header present, want none by default")
	}
	out := decode[struct {
		Services []Service `json:"services"`
	}](t, rec.Body.Bytes())
	var names []string
	for _, s := range out.Services {
		names = append(names, s.Host+"/"+s.Service)
	}
	if strings.Join(names, ",") != "nas/nordvpn_status,nas/system_backup,pi/sshd" {
		t.Errorf("order = %v, want by host then name", names)
	}
}

// TestAnalyzeHealthyStoresNothing: asking to analyse a service that is not failing answers that
// it is healthy and never reaches the analyzer, which would store an analysis.
func TestAnalyzeHealthyStoresNothing(t *testing.T) {
	deps := testDeps()
	calls := 0
	deps.Analyzer = fakeAnalyzer(func(snap engine.Snapshot, _ bool) (engine.Analysis, error) {
		calls++
		return engine.Analysis{Service: snap.Name}, nil
	})
	_, api := newTestServer(t, Options{}, deps)
	for _, force := range []bool{false, true} {
		resp := api.Do("POST", "/analyze", map[string]any{"service": "sshd", "force": force})
		if resp.Code != 200 || !strings.Contains(resp.Body.String(), `"healthy":["sshd"]`) {
			t.Errorf("POST /analyze sshd (force %v) = %d %s, want 200 saying it is healthy", force, resp.Code, resp.Body)
		}
	}
	if calls != 0 {
		t.Errorf("the analyzer ran %d times for a healthy service, want 0", calls)
	}
}
