package rest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"monit-intel/logs"
	"monit-intel/logs/redact/redacttest"
)

// TestLogsRefusedFiles: GET /logs of an entry that is a link to a file outside the registry,
// a FIFO or a directory answers 409 with a problem saying why, never 500 and never the
// file's content.
func TestLogsRefusedFiles(t *testing.T) {
	red := redacttest.New(t)
	dir := t.TempDir()
	shadow := filepath.Join(dir, "shadow")
	if err := os.WriteFile(shadow, []byte("root:$6$saltsalt$hash:19000::::::\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(shadow, filepath.Join(dir, "app.log")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.log"), 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := logs.NewRegistry(map[string]logs.Source{
		"linked":  {Strategy: logs.StrategyTail, Path: filepath.Join(dir, "app.log")},
		"globbed": {Strategy: logs.StrategyGlob, Path: filepath.Join(dir, "app*.log")},
		"fifo":    {Strategy: logs.StrategyTail, Path: filepath.Join(dir, "pipe.log")},
		"dir":     {Strategy: logs.StrategyTail, Path: dir},
	}, logs.Options{Redactor: red})
	if err != nil {
		t.Fatal(err)
	}
	deps := testDeps()
	deps.Logs = reg
	_, api := newTestServer(t, Options{}, deps)
	for service, want := range map[string]string{"linked": "symbolic link", "globbed": "no regular file matches",
		"fifo": "not a regular file", "dir": "is a directory"} {
		resp := api.Get("/logs/" + service)
		body := resp.Body.String()
		if resp.Code != http.StatusConflict || !strings.Contains(body, want) || strings.Contains(body, "root:") {
			t.Errorf("GET /logs/%s = %d %s, want 409 saying %q", service, resp.Code, body, want)
		}
	}
}
