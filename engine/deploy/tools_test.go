package deploy

import (
	"os"
	"os/exec"
	"testing"
)

// requireTool returns the path of an integration test's tool. Without it the test is skipped,
// except under CI=true, where a missing tool fails the test.
func requireTool(t *testing.T, name, apt string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (apt-get install -y %s); CI=true requires it", name, apt)
	}
	t.Skipf("%s not found (apt-get install -y %s)", name, apt)
	return ""
}
