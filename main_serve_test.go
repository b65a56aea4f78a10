package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// daemon is the real binary running `serve`.
type daemon struct {
	cmd   *exec.Cmd
	url   string
	token string // read from the file the daemon's log names
	logs  *lockedBuffer
	done  chan error
}

// lockedBuffer collects the daemon's output, written by exec's copying goroutine while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startDaemon(t *testing.T, config string, env ...string) *daemon {
	t.Helper()
	bin := buildBinary(t)
	// A port FreePort found free can be taken by another test's server before the daemon
	// binds it: then the daemon exits naming the port, and it is started again on another.
	for attempt := 1; ; attempt++ {
		d, err := tryStartDaemon(t, bin, config, monittest.FreePort(t), env)
		if err == nil {
			return d
		}
		if attempt == 3 || !strings.Contains(d.logs.String(), "address already in use") {
			t.Fatalf("%v:\n%s", err, d.logs)
		}
	}
}

// startDaemonAt starts the daemon on a port chosen beforehand (Monits that push to it were
// told the port): once, as a port taken meanwhile cannot be swapped for another.
func startDaemonAt(t *testing.T, config string, port int, env ...string) *daemon {
	t.Helper()
	d, err := tryStartDaemon(t, buildBinary(t), config, port, env)
	if err != nil {
		t.Fatalf("%v:\n%s", err, d.logs)
	}
	return d
}

// tryStartDaemon starts the daemon on port and waits until it is the one answering there:
// its log names the API token's file (it does so after taking the port) and /health answers.
func tryStartDaemon(t *testing.T, bin, config string, port int, env []string) (*daemon, error) {
	t.Helper()
	d := &daemon{url: fmt.Sprintf("http://127.0.0.1:%d", port), logs: &lockedBuffer{}, done: make(chan error, 1)}
	d.cmd = exec.Command(bin, "serve", "--config", config, "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	d.cmd.Env = append(os.Environ(), env...)
	d.cmd.Stdout, d.cmd.Stderr = d.logs, d.logs
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		d.done <- <-d.done
	})
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-d.done:
			d.done <- err
			return d, fmt.Errorf("daemon exited before answering: %v", err)
		default:
		}
		if tokenLine.MatchString(d.logs.String()) {
			if resp, err := http.Get(d.url + "/health"); err == nil {
				resp.Body.Close()
				d.token = daemonToken(t, d.logs.String())
				return d, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return d, errors.New("daemon did not answer /health within 15s")
}

// tokenLine is the start-up line naming the API token's file.
var tokenLine = regexp.MustCompile(`msg="(?:created the API token|API token)" path=(\S+)`)

// daemonToken reads the token from the file the log names; the log must not show the value.
func daemonToken(t *testing.T, logs string) string {
	t.Helper()
	m := tokenLine.FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("the log names no API token file:\n%s", logs)
	}
	b, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(b))
	if strings.Contains(logs, token) {
		t.Fatalf("the log shows the API token:\n%s", logs)
	}
	return token
}

func (d *daemon) call(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, d.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+d.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, out
}

// TestServeAgainstRealMonit starts the real binary against a real Monit and calls every
// endpoint over HTTP, then stops it with SIGTERM.
func TestServeAgainstRealMonit(t *testing.T) {
	m := monittest.New(t)
	job := m.Toggle(t, "job")
	m.Start(t, job.Check())
	job.Fail(t)
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "job")
		return ok && s.Status != 0
	})
	logFile := m.WriteFile(t, "job.log", "2026-11-24T08:00:00+00:00 job: connect to db: Connection refused\n")
	cfg := writeConfig(t, fmt.Sprintf(`monit:
  url: %s
  interval: 1s
data_dir: %s
ollama:
  url: http://127.0.0.1:%d
  timeout: 2s
logs:
  job: {strategy: tail, path: %s, max_lines: 20}
`, m.URL, t.TempDir(), monittest.FreePort(t), logFile))
	d := startDaemon(t, cfg, "MONIT_USER="+m.Username, "MONIT_PASSWORD="+m.Password)

	waitFor(t, 15*time.Second, func() bool {
		code, body := d.call(t, "GET", "/status?failing=true", "")
		return code == 200 && body["count"] == float64(1)
	})
	checks := []struct {
		method, path, body string
		want               int
		has                string
	}{
		{"GET", "/", "", 200, "links"},
		{"GET", "/health", "", 200, "dependencies"},
		{"GET", "/status", "", 200, "services"},
		{"GET", "/status?failing=true&host=" + m.System, "", 200, "services"},
		{"GET", "/history?service=job&limit=5", "", 200, "events"},
		{"GET", "/history?service=nosuch", "", 404, "detail"},
		{"GET", "/history?limit=-1", "", 422, "errors"},
		{"GET", "/history/snapshots?service=job", "", 200, "snapshots"},
		{"GET", "/logs/job?lines=5", "", 200, "lines"},
		{"GET", "/logs/" + m.System, "", 404, "detail"},
		{"POST", "/analyze", `{"service":"job"}`, 200, "analyses"},
		{"POST", "/analyze", `{}`, 200, "analyses"},
		{"POST", "/analyze", `{"service":"nosuch"}`, 404, "detail"},
		{"GET", "/analyses?service=job", "", 200, "analyses"},
		{"GET", "/openapi.json", "", 200, "paths"},
	}
	for _, c := range checks {
		code, body := d.call(t, c.method, c.path, c.body)
		if code != c.want || body[c.has] == nil {
			t.Errorf("%s %s = %d %v, want %d with %q", c.method, c.path, code, body, c.want, c.has)
		}
	}
	_, events := d.call(t, "GET", "/history?service=job&limit=5", "")
	if list, _ := events["events"].([]any); len(list) == 0 {
		t.Errorf("no failure event for job: %v", events)
	}
	_, analyses := d.call(t, "GET", "/analyses?service=job", "")
	if !strings.Contains(fmt.Sprint(analyses), "connection_refused") {
		t.Errorf("the analysis of job does not name the refused connection: %v", analyses)
	}
	if code, _ := d.call(t, "GET", "/docs", ""); code != 200 {
		t.Errorf("GET /docs = %d", code)
	}

	stopDaemon(t, d)
	if !strings.Contains(d.logs.String(), "shutting down") {
		t.Errorf("no shutdown in the log:\n%s", d.logs)
	}
}

func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("condition not met within %v", timeout)
}

// stopDaemon stops the daemon with SIGTERM and waits for it to exit.
func stopDaemon(t *testing.T, d *daemon) {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.done:
		d.done <- err
		if err != nil {
			t.Errorf("daemon exit after SIGTERM: %v\n%s", err, d.logs)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("daemon still running 20 s after SIGTERM:\n%s", d.logs)
	}
}
