package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/engine/monit/monittest"
)

// TestServeNotifiesAWebhook: the built daemon POSTs the failing service of the demo document
// to a webhook with the rules' summary, /health shows the target redacted and an empty
// outbox, and the URL's secret appears nowhere.
func TestServeNotifiesAWebhook(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var b map[string]any
		if err := json.Unmarshal(raw, &b); err == nil && r.Header.Get("Idempotency-Key") == b["id"] {
			mu.Lock()
			bodies = append(bodies, b)
			mu.Unlock()
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	cfg := writeConfig(t, fmt.Sprintf(`monit: {url: testdata/demo/status.xml, interval: 1s}
data_dir: %s
ollama: {url: "http://127.0.0.1:%d", timeout: 1s}
notify_base_url: https://intel.home.lan
notify:
  - url: %s/hook?token=hunter2
    events: [NEW, PROPOSAL]
`, t.TempDir(), monittest.FreePort(t), srv.URL))
	d := startDaemon(t, cfg)
	var got map[string]any
	waitFor(t, 20*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, b := range bodies {
			if b["kind"] == "NEW" {
				got = b
			}
		}
		return got != nil
	})
	if got["kind"] != "NEW" || got["service"] == "" || got["status"] == "" || got["analysis_source"] != "rules" || got["summary"] == "" {
		t.Errorf("webhook body = %v, want a NEW with Monit's words and the rules' summary", got)
	}
	// A new pending proposal brings its approval link.
	if code, _ := d.call(t, "POST", "/mother/actions/suggest", fmt.Sprintf(`{"action":"monit_start","service":%q}`, got["service"])); code != 200 {
		t.Fatalf("suggest: %d", code)
	}
	var prop map[string]any
	waitFor(t, 10*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, b := range bodies {
			if b["kind"] == "PROPOSAL" {
				prop, _ = b["proposal"].(map[string]any)
			}
		}
		return prop != nil
	})
	if link := fmt.Sprint(prop["approve_url"]); !strings.HasPrefix(link, "https://intel.home.lan/ui/approvals?id=") || prop["action"] != "monit_start" {
		t.Errorf("proposal notification = %v, want monit_start with a link under notify_base_url", prop)
	}
	var health map[string]any
	waitFor(t, 10*time.Second, func() bool {
		_, health = d.call(t, "GET", "/health", "")
		n, _ := health["notify"].(map[string]any)
		return n != nil && n["outbox_depth"] == float64(0)
	})
	n := health["notify"].(map[string]any)
	targets, _ := n["targets"].([]any)
	if len(targets) != 1 || !strings.Contains(fmt.Sprint(targets[0]), "/REDACTED?token=") {
		t.Errorf("/health notify = %v, want the target redacted", n)
	}
	raw, _ := json.Marshal(health)
	if strings.Contains(string(raw), "hunter2") || strings.Contains(d.logs.String(), "hunter2") {
		t.Errorf("the notify URL's secret was shown")
	}
}
