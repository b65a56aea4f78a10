package logs

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// nobody is the unprivileged user the permission test runs as when the tests run as root, which
// reads every file whatever its mode.
const nobody = 65534

// TestReadPermissionDenied reads a file its reader may not read. As root it runs itself again as
// uid/gid 65534 (a copy of the test binary in a world-readable directory), because root ignores
// file modes; it skips when the process cannot change its uid.
func TestReadPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		runAsNobody(t, "^TestReadPermissionDenied$")
		return
	}
	path := writeFile(t, t.TempDir(), "private.log", "secret\n")
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	r := newTestRegistry(t, map[string]Source{"svc": {Strategy: StrategyTail, Path: path}}, Options{})
	_, err := r.Read(t.Context(), "svc", 5)
	if err == nil || !strings.Contains(err.Error(), "permission denied") ||
		!strings.Contains(err.Error(), `read logs of "svc" from `+path) {
		t.Fatalf("Read() error = %v, want permission denied naming the service and file", err)
	}
}

// runAsNobody runs the tests matching pattern in a copy of this test binary as user nobody and
// fails when they fail.
func runAsNobody(t *testing.T, pattern string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// Not t.TempDir: its parent directory is private to root.
	dir, err := os.MkdirTemp("", "logs-as-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o1777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "logs.test")
	if err := copyExecutable(self, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), bin, "-test.run", pattern, "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err != nil && cmd.ProcessState == nil {
		t.Skipf("cannot run as uid %d to test a file root could read anyway: %v", nobody, err)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: "+strings.Trim(pattern, "^$")) {
		t.Fatalf("as uid %d: %v\n%s", nobody, err, out)
	}
	t.Logf("as uid %d:\n%s", nobody, out)
}

func copyExecutable(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
