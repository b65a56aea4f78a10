package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// TestPrometheusScrapesFailingServices: a real Prometheus scrapes two daemons watching a
// real Monit, one on the API listener with the token (credentials_file), one on
// metrics.listen without it, and PromQL finds the services that fail, by either kind of
// fault (a program's exit status, a refused connection), and not the one that passes.
func TestPrometheusScrapesFailingServices(t *testing.T) {
	prom := lookTool(t, "prometheus")
	m := monittest.New(t)
	job, fine := m.Toggle(t, "job"), m.Toggle(t, "fine")
	closed := monittest.FreePort(t)
	m.Start(t, job.Check()+fine.Check()+fmt.Sprintf(
		"check host closed with address 127.0.0.1\n    if failed port %d type tcp then alert\n", closed))
	job.Fail(t)
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		j, _ := monittest.Find(st, "job")
		c, _ := monittest.Find(st, "closed")
		return j.Status != 0 && c.Status != 0
	})
	config := func(extra string) string {
		return writeConfig(t, fmt.Sprintf("monit:\n  url: %s\n  interval: 1s\ndata_dir: %s\nollama:\n  url: http://127.0.0.1:%d\n%s",
			m.URL, t.TempDir(), monittest.FreePort(t), extra))
	}
	env := []string{"MONIT_USER=" + m.Username, "MONIT_PASSWORD=" + m.Password}
	api := startDaemon(t, config(""), env...)
	exporterAddr := fmt.Sprintf("127.0.0.1:%d", monittest.FreePort(t))
	exporter := startDaemon(t, config("metrics:\n  listen: "+exporterAddr+"\n"), env...)
	if code, _ := exporter.call(t, "GET", "/metrics", ""); code != http.StatusNotFound {
		t.Errorf("GET /metrics on the API of a daemon with metrics.listen = %d, want 404", code)
	}

	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(api.token), 0o600); err != nil {
		t.Fatal(err)
	}
	promURL := startPrometheus(t, prom, dir, fmt.Sprintf(`global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: api
    authorization: {credentials_file: %s}
    static_configs: [{targets: [%q]}]
  - job_name: exporter
    static_configs: [{targets: [%q]}]
`, tokenFile, strings.TrimPrefix(api.url, "http://"), exporterAddr))

	want := []string{"api/closed", "api/job", "exporter/closed", "exporter/job"}
	var got []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		got = promQuery(t, promURL, `monit_intel_service_failing == 1`)
		if slices.Equal(got, want) {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("PromQL failing services = %v, want %v\ntargets: %s", got, want, promTargets(t, promURL))
	}
	if got := promQuery(t, promURL, `monit_intel_service_status_event{event="Connection failed"} == 1`); !slices.Equal(got, []string{"api/closed", "exporter/closed"}) {
		t.Errorf("PromQL connection failures = %v, want closed on both jobs", got)
	}
	// The daemon's own work is wired too: its ingest cycles are observed.
	if got := promQuery(t, promURL, `count by (job) (monit_intel_ingest_cycle_duration_seconds_count > 0)`); !slices.Equal(got, []string{"api/", "exporter/"}) {
		t.Errorf("PromQL jobs with ingest cycles = %v, want api and exporter", got)
	}
}

func lookTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (CI=true): %v", name, err)
		}
		t.Skipf("%s is not installed: %v", name, err)
	}
	return p
}

// startPrometheus runs a real Prometheus on a free loopback port with config and returns its
// URL once it is ready.
func startPrometheus(t *testing.T, bin, dir, config string) string {
	t.Helper()
	cfgFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", monittest.FreePort(t))
	logs := &lockedBuffer{}
	cmd := exec.Command(bin, "--config.file="+cfgFile, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+addr)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case <-done:
			t.Fatalf("prometheus exited:\n%s", logs)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("prometheus not ready within 20s:\n%s", logs)
	return ""
}

// promQuery runs an instant query through Prometheus's HTTP API and returns job/service of
// each series, sorted.
func promQuery(t *testing.T, base, query string) []string {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(query))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Status string
		Error  string
		Data   struct {
			Result []struct {
				Metric map[string]string
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Status != "success" {
		t.Fatalf("query %s: %v %s %s", query, err, body.Status, body.Error)
	}
	var out []string
	for _, r := range body.Data.Result {
		out = append(out, r.Metric["job"]+"/"+r.Metric["service"])
	}
	slices.Sort(out)
	return out
}

// promTargets is Prometheus's view of its targets (health, last error), for a failure message.
func promTargets(t *testing.T, base string) string {
	resp, err := http.Get(base + "/api/v1/targets")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return b.String()
}
