package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// restartLoop is the supervisor: a bash loop that restarts the daemon one second after it
// dies, as Restart=on-failure does, and appends each daemon's pid to a file.
const restartLoop = `while true; do "$0" serve --config "$1" & echo "$!" >> "$2"; wait "$!"; sleep 1; done`

// TestDaemonRestartsAfterKill9 builds the real binary, runs `serve` under a restart loop in
// its own process group, waits for GET /health, kills the daemon with SIGKILL and requires a
// new daemon process to answer /health within 10 s of the kill.
func TestDaemonRestartsAfterKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the monit-intel binary")
	}
	bash := requireTool(t, "bash", "bash")
	goTool := requireTool(t, "go", "golang-go")
	dir := t.TempDir()
	bin := filepath.Join(dir, "monit-intel")
	build := exec.CommandContext(t.Context(), goTool, "build", "-o", bin, ".")
	build.Dir = "../.." // the module root, where main.go is
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	cfg := writeDaemonConfig(t, dir, addr)
	pids := filepath.Join(dir, "pids")
	logPath := filepath.Join(dir, "supervisor.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	loop := exec.Command(bash, "-c", restartLoop, bin, cfg, pids)
	loop.Stdout, loop.Stderr = logFile, logFile
	loop.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := loop.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // the loop's process group: the loop and whichever daemon runs
		_ = syscall.Kill(-loop.Process.Pid, syscall.SIGKILL)
		_ = loop.Wait()
	})
	daemonLog := func() string { b, _ := os.ReadFile(logPath); return string(b) }

	first, err := waitHealthy(addr, pids, 0, time.Now().Add(60*time.Second))
	if err != nil {
		t.Fatalf("first start: %v\ndaemon output:\n%s", err, daemonLog())
	}
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatalf("kill -9 %d: %v", first, err)
	}
	killed := time.Now()
	second, err := waitHealthy(addr, pids, first, killed.Add(10*time.Second))
	if err != nil {
		t.Fatalf("after kill -9 of pid %d: %v\ndaemon output:\n%s", first, err, daemonLog())
	}
	t.Logf("pid %d killed; pid %d answered /health %s later", first, second, time.Since(killed).Round(time.Millisecond))
}

// waitHealthy polls until a daemon other than old (0: any) is the newest pid in the pid file,
// old is gone, and GET /health answers 200; it returns that daemon's pid.
func waitHealthy(addr, pidFile string, old int, deadline time.Time) (int, error) {
	client := &http.Client{Timeout: time.Second}
	last := errors.New("no daemon started")
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		pid, err := newestPid(pidFile)
		if err != nil || pid == old || pid == 0 {
			last = fmt.Errorf("no new daemon pid yet (%v)", err)
			continue
		}
		if old != 0 && syscall.Kill(old, 0) == nil {
			last = fmt.Errorf("pid %d still exists", old)
			continue
		}
		resp, err := client.Get("http://" + addr + "/health")
		if err != nil {
			last = err
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && syscall.Kill(pid, 0) == nil {
			return pid, nil
		}
		last = fmt.Errorf("GET /health: %s", resp.Status)
	}
	return 0, fmt.Errorf("no healthy daemon by the deadline: %w", last)
}

func newestPid(pidFile string) (int, error) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, err
	}
	lines := strings.Fields(string(bytes.TrimSpace(b)))
	if len(lines) == 0 {
		return 0, errors.New("pid file empty")
	}
	return strconv.Atoi(lines[len(lines)-1])
}

// freeAddr returns a loopback address with a port nothing listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// writeDaemonConfig writes a configuration that replays the demo's captured Monit status, so
// no Monit is needed, with its data in dir.
func writeDaemonConfig(t *testing.T, dir, addr string) string {
	t.Helper()
	status, err := filepath.Abs("../../testdata/demo/status.xml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(status); err != nil {
		t.Fatalf("demo status document: %v", err)
	}
	cfg := fmt.Sprintf("monit: {url: %q, interval: 1m}\ndata_dir: %q\nlisten: %q\n", status, filepath.Join(dir, "data"), addr)
	p := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
