package logs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"monit-intel/logs/redact/redacttest"
)

// withRedactor returns opts with the shared redactor when it has none.
func withRedactor(t testing.TB, opts Options) Options {
	t.Helper()
	if opts.Redactor == nil {
		opts.Redactor = redacttest.New(t)
	}
	return opts
}

// requireTool returns the path of an external tool the test needs. A missing tool skips the
// test, except under CI=true, where it fails it.
func requireTool(t *testing.T, names ...string) string {
	t.Helper()
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	msg := "need " + strings.Join(names, " or ") + " (apt-get install -y systemd systemd-journal-remote)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// writeFile writes content to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// newTestRegistry builds a registry or fails the test.
func newTestRegistry(t *testing.T, sources map[string]Source, opts Options) *Registry {
	t.Helper()
	r, err := NewRegistry(sources, withRedactor(t, opts))
	if err != nil {
		t.Fatalf("NewRegistry() error = %v", err)
	}
	return r
}
