package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// queryRows runs a read-only query over the history and returns each row's columns joined
// with spaces.
func queryRows(t *testing.T, dataDir, q string, args ...any) []string {
	t.Helper()
	rows, err := openHistory(t, dataDir).Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// ingestOnce runs `monit-intel ingest` against m with the config in dataDir.
func ingestOnce(t *testing.T, m *monittest.Monit, dataDir string, args ...string) {
	t.Helper()
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\ndata_dir: %s\nollama: {url: \"http://127.0.0.1:9\"}\n", m.URL, dataDir))
	env := map[string]string{"MONIT_USER": m.Username, "MONIT_PASSWORD": m.Password}
	if code, out, errOut := runCmd(t, env, append([]string{"ingest", "--config", cfg}, args...)...); code != 0 {
		t.Fatalf("ingest exit %d: %s %s", code, out, errOut)
	}
}

// TestIngestConnectionTestsAgainstRealMonit is field case 05 and its kind: two HTTP tests on
// one port that differ by request path (the app answers 503 on one), unix socket tests (one
// listening, one missing) are each their own stored test; the event names the failing one
// and the summary response time shows the failure.
func TestIngestConnectionTestsAgainstRealMonit(t *testing.T) {
	app := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		w.Write([]byte("ok"))
	}), ReadHeaderTimeout: time.Second}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Serve(l)
	t.Cleanup(func() { app.Close() })
	appPort := l.Addr().(*net.TCPAddr).Port

	m := monittest.New(t)
	sock := filepath.Join(m.Dir, "app.sock")
	ul, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ul.Close() })
	go func() {
		for {
			c, err := ul.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	// The socket test runs in a process check; this test's own process stands for the app.
	m.WriteFile(t, "self.pid", fmt.Sprint(os.Getpid()))
	m.Start(t, fmt.Sprintf(`check host webapp with address 127.0.0.1
    if failed port %[1]d protocol http request "/api/ready" then alert
    if failed port %[1]d protocol http request "/healthz" then alert
check process sockapp with pidfile {{DIR}}/self.pid
    if failed unixsocket {{DIR}}/app.sock then alert
    if failed unixsocket {{DIR}}/missing.sock then alert
`, appPort))
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		w, ok1 := monittest.Find(st, "webapp")
		s, ok2 := monittest.Find(st, "sockapp")
		return ok1 && ok2 && len(w.FailedTests()) == 1 && len(s.FailedTests()) == 1
	})
	dataDir := t.TempDir()
	ingestOnce(t, m, dataDir, "--no-analyze")

	tests := queryRows(t, dataDir, `SELECT service, kind, coalesce(request, ''), path, failed, response_time >= 0
		FROM connection_tests ORDER BY service, kind, request, path`)
	want := []string{
		fmt.Sprintf("sockapp unix  %s 0 1", sock),
		fmt.Sprintf("sockapp unix  %s 1 0", filepath.Join(m.Dir, "missing.sock")),
		"webapp port /api/ready  1 0",
		"webapp port /healthz  0 1",
	}
	if !sameSet(tests, want) {
		t.Errorf("stored tests =\n%q\nwant\n%q", tests, want)
	}
	events := queryEvents(t, dataDir)
	wantEvents := []string{
		fmt.Sprintf("webapp NEW 32 Connection failed: HTTP GET /api/ready on 127.0.0.1:%d failed", appPort),
		fmt.Sprintf("sockapp NEW 32 Connection failed: unix socket %s failed", filepath.Join(m.Dir, "missing.sock")),
	}
	if !sameSet(events, wantEvents) {
		t.Errorf("events = %q, want %q", events, wantEvents)
	}
	if got := queryRows(t, dataDir, `SELECT service, response_time FROM snapshots WHERE service IN ('webapp', 'sockapp') ORDER BY service`); !sameSet(got, []string{"sockapp -1", "webapp -1"}) {
		t.Errorf("summary response times = %q, want -1 for both: a passing figure must not hide a failing test", got)
	}
}

// TestIngestChecksumChangedAgainstRealMonit is field case 12: "if changed checksum" is a
// change, recorded as such, with no failure, no analysis and no recovery.
func TestIngestChecksumChangedAgainstRealMonit(t *testing.T) {
	m := monittest.New(t)
	conf := m.WriteFile(t, "app.conf", "listen = 9090\n")
	m.Start(t, "check file app_config with path {{DIR}}/app.conf\n    if changed checksum then alert\n")
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "app_config")
		return ok && s.Monitor == engine.MonitorYes && s.File != nil && s.File.Checksum != ""
	})
	dataDir := t.TempDir()
	ingestOnce(t, m, dataDir)
	if err := os.WriteFile(conf, []byte("listen = 9091\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "app_config")
		return ok && s.ChangedBits() == engine.BitChecksum
	})
	ingestOnce(t, m, dataDir)
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "app_config")
		return ok && s.Status == 0
	})
	ingestOnce(t, m, dataDir)

	if got, want := queryEvents(t, dataDir), []string{"app_config CHANGE_DETECTED 1 Checksum changed"}; !sameSet(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
	if n := queryRows(t, dataDir, `SELECT count(*) FROM analyses`); n[0] != "0" {
		t.Errorf("%s analyses of a change, want none", n[0])
	}
	assertState(t, dataDir, "app_config", engine.StateOK, 0)
}

// TestIngestUnmonitorWhileFailingAgainstRealMonit is field case 09: `monit unmonitor` on a
// failing process keeps its collection time; the service becomes UNMONITORED (never
// RECOVERED) and the history holds the unmonitored snapshot.
func TestIngestUnmonitorWhileFailingAgainstRealMonit(t *testing.T) {
	m := monittest.New(t)
	m.WriteFile(t, "homer.pid", "999999\n")
	m.Start(t, "check process homer with pidfile {{DIR}}/homer.pid\n")
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "homer")
		return ok && s.Status == engine.BitNonExist
	})
	dataDir := t.TempDir()
	ingestOnce(t, m, dataDir, "--no-analyze")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if out, err := m.CLI(ctx, "unmonitor", "homer"); err != nil {
		t.Fatalf("monit unmonitor: %v %s", err, out)
	}
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "homer")
		return ok && s.Monitor == 0
	})
	ingestOnce(t, m, dataDir, "--no-analyze")
	ingestOnce(t, m, dataDir, "--no-analyze")

	want := []string{"homer NEW 512 Does not exist", "homer UNMONITORED 0 Not monitored (was: Does not exist)"}
	if got := queryEvents(t, dataDir); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events = %q, want %q", got, want)
	}
	assertState(t, dataDir, "homer", engine.StateUnmonitored, 1)
	latest := queryRows(t, dataDir, `SELECT monitor, status FROM snapshots WHERE service = 'homer' ORDER BY collected_at DESC LIMIT 1`)
	if len(latest) != 1 || latest[0] != "0 0" {
		t.Errorf("the newest stored snapshot of homer is %q, want the unmonitored one (monitor 0, status 0)", latest)
	}
}
