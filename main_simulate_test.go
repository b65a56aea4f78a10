package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"monit-intel/engine/monit/monittest"
)

// stubCommands puts monit, systemctl and sudo on a PATH of their own; each records its
// arguments in the returned file and exits 0.
func stubCommands(t *testing.T) (path, calls string) {
	t.Helper()
	dir := t.TempDir()
	calls = filepath.Join(dir, "calls.log")
	for _, name := range []string{"monit", "systemctl", "sudo"} {
		script := fmt.Sprintf("#!/bin/sh\necho %s \"$@\" >> %s\n", name, calls)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir + string(os.PathListSeparator) + os.Getenv("PATH"), calls
}

// TestReplayedMonitSimulatesActions reproduces issue 12's finding: the demo reads Monit from a
// file, but approving a demo action ran the host's `monit restart sleeper` against
// /etc/monit/monitrc. With monit.url a file, every proposal and approval says it is simulated,
// the audit log records it, and no command is started (stubs on PATH record any call).
func TestReplayedMonitSimulatesActions(t *testing.T) {
	status, err := filepath.Abs("testdata/demo/status.xml")
	if err != nil {
		t.Fatal(err)
	}
	path, calls := stubCommands(t)
	cfg := writeConfig(t, fmt.Sprintf(`monit: {url: %s, interval: 1s}
data_dir: %s
ollama: {url: 'http://127.0.0.1:%d'}
actions: {units: {sleeper: sleeper.service}, sudo: true, monitrc: /etc/monit/monitrc}
`, status, t.TempDir(), monittest.FreePort(t)))
	d := startDaemon(t, cfg, "PATH="+path)
	waitFor(t, 15*time.Second, func() bool {
		code, body := d.call(t, "GET", "/status", "")
		return code == 200 && body["count"] != float64(0)
	})
	for _, action := range []string{"monit_restart", "monit_stop", "systemctl_restart", "journalctl_view"} {
		code, prop := d.call(t, "POST", "/mother/actions/suggest", fmt.Sprintf(`{"action":%q,"service":"sleeper"}`, action))
		if code != 200 || prop["simulated"] != true {
			t.Fatalf("suggest %s = %d %v, want a proposal marked simulated", action, code, prop)
		}
		code, out := d.call(t, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true}`, prop["id"]))
		if code != 200 || out["status"] != "simulated" || !strings.Contains(fmt.Sprint(out["output"]), "nothing ran") {
			t.Errorf("approve %s = %d %v, want status simulated saying nothing ran", action, code, out)
		}
	}
	_, audit := d.call(t, "GET", "/mother/actions/audit?limit=50", "")
	simulated := 0
	for _, e := range audit["entries"].([]any) {
		if e.(map[string]any)["simulated"] == true {
			simulated++
		}
	}
	if simulated != 4 {
		t.Errorf("audit has %d simulated approvals, want 4:\n%v", simulated, audit)
	}
	if b, err := os.ReadFile(calls); err == nil {
		t.Errorf("approving simulated actions ran commands:\n%s", b)
	}
}
