package rest

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// spectralCLI is the pinned linter; npx keeps it in the npm cache after the first run.
const spectralCLI = "@stoplight/spectral-cli@6.16.3"

// TestSpectral lints the OpenAPI 3.0 document (the one generators read) with Spectral's
// `spectral:oas` ruleset and wants no error and no warning. It needs npx (Node.js): without
// it the test skips, except under CI=true.
func TestSpectral(t *testing.T) {
	npx, err := exec.LookPath("npx")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("npx is not installed (CI=true): %v", err)
		}
		t.Skipf("npx is not installed (apt-get install nodejs npm): %v", err)
	}
	s, _ := newTestServer(t, Options{Token: "t"}, testDeps())
	resp := doRaw(t, s.Handler(), "GET", "/openapi-3.0.json", "", http.Header{"Authorization": {"Bearer t"}})
	if resp.Code != 200 {
		t.Fatalf("GET /openapi-3.0.json = %d", resp.Code)
	}
	doc := filepath.Join(t.TempDir(), "openapi-3.0.json")
	if err := os.WriteFile(doc, resp.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ruleset, err := filepath.Abs("../testdata/rest/spectral.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), npx, "--yes", spectralCLI, "lint", "--ruleset", ruleset,
		"--fail-severity", "warn", "--format", "text", doc)
	cmd.Env = append(os.Environ(), "npm_config_cache="+npmCache(t), "npm_config_update_notifier=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("spectral lint: %v\n%s", err, out)
	}
}

// npmCache is a cache directory that outlives the test, so that only the first run downloads.
func npmCache(t *testing.T) string {
	t.Helper()
	dir, err := os.UserCacheDir()
	if err != nil {
		return t.TempDir()
	}
	return filepath.Join(dir, "monit-intel", "npm")
}
