package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// TestApproveMonitStartAgainstRealMonit proposes monit_start for a stopped process over the
// API, dry-runs it, approves it, and sees the process running with a new pid; every step is in
// the audit log and the hash chain verifies.
func TestApproveMonitStartAgainstRealMonit(t *testing.T) {
	m := monittest.New(t)
	sleeper := m.Daemon(t, "sleeper")
	m.Start(t, sleeper.Check())
	running := func(st engine.Status) bool {
		s, ok := monittest.Find(st, "sleeper")
		return ok && s.Process != nil && engine.ValueOr(s.Process.PID, 0) > 0 && s.Monitor&engine.MonitorYes != 0
	}
	st := m.WaitFor(t, 20*time.Second, running)
	first, _ := monittest.Find(st, "sleeper")
	if out, err := m.CLI(context.Background(), "stop", "sleeper"); err != nil {
		t.Fatalf("monit stop: %v %s", err, out)
	}
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "sleeper")
		return ok && s.Monitor == 0 && !monittest.Alive(*first.Process.PID)
	})

	dataDir := t.TempDir()
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\n  interval: 1s\ndata_dir: %s\nollama: {url: 'http://127.0.0.1:%d'}\n",
		m.URL, dataDir, monittest.FreePort(t)))
	d := startDaemon(t, cfg, "MONIT_USER="+m.Username, "MONIT_PASSWORD="+m.Password)
	waitFor(t, 15*time.Second, func() bool {
		code, body := d.call(t, "GET", "/status", "")
		return code == 200 && body["count"] == float64(2)
	})

	// A refused action is a 422; a name Monit did not report is an unknown service (404).
	for bad, want := range map[string]int{`{"action":"rm","service":"sleeper"}`: 422,
		`{"action":"monit_start","service":"sleeper;reboot"}`: 404, `{"action":"monit_start","service":"../../etc/passwd"}`: 404} {
		if code, body := d.call(t, "POST", "/mother/actions/suggest", bad); code != want {
			t.Errorf("suggest %s = %d %v, want %d", bad, code, body, want)
		}
	}
	code, prop := d.call(t, "POST", "/mother/actions/suggest", `{"action":"monit_start","service":"sleeper"}`)
	if code != 200 || prop["command"] != "monit start sleeper" {
		t.Fatalf("suggest = %d %v, want the proposal of `monit start sleeper`", code, prop)
	}
	id := prop["id"].(string)
	if code, out := d.call(t, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true,"dry_run":true}`, id)); code != 200 || out["status"] != "dry_run" {
		t.Fatalf("dry run = %d %v", code, out)
	}
	time.Sleep(1500 * time.Millisecond)
	if s, _ := monittest.Find(m.Fetch(t), "sleeper"); s.Monitor != 0 {
		t.Fatal("a dry run started the service")
	}
	code, out := d.call(t, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true}`, id))
	if code != 200 || out["status"] != "executed" || out["via"] != "monit-http" {
		t.Fatalf("approve = %d %v, want executed over Monit's HTTP interface", code, out)
	}
	st = m.WaitFor(t, 20*time.Second, running)
	if s, _ := monittest.Find(st, "sleeper"); *s.Process.PID == *first.Process.PID {
		t.Errorf("pid %d unchanged, want a new process", *s.Process.PID)
	}
	if code, _ := d.call(t, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true}`, id)); code != 409 {
		t.Errorf("second approval = %d, want 409 (single use)", code)
	}
	_, audit := d.call(t, "GET", "/mother/actions/audit?limit=50", "")
	var results []string
	for _, e := range audit["entries"].([]any) {
		results = append(results, e.(map[string]any)["result"].(string))
	}
	// newest first: used-id refusal, executed, approved, dry run, proposed, three refusals
	want := "refused,executed,approved,dry_run,proposed,refused,refused,refused"
	if got := strings.Join(results, ","); got != want {
		t.Errorf("audit = %s, want %s", got, want)
	}
	bin := buildBinary(t)
	verify, err := runBinary(t, bin, "audit", "verify", "--config", cfg)
	if err != nil || !strings.Contains(verify, "intact: 8 rows") {
		t.Errorf("audit verify: %v %s", err, verify)
	}
}
