package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/metrics/promtest"
	"monit-intel/engine/monit/monittest"
)

// TestPrometheusScrapesFailingServices: a real Prometheus scrapes two daemons watching a
// real Monit, one on the API listener with the token (credentials_file), one on
// metrics.listen without it, and PromQL finds the services that fail, by either kind of
// fault (a program's exit status, a refused connection), and not the one that passes.
func TestPrometheusScrapesFailingServices(t *testing.T) {
	promtest.Tool(t, "prometheus")
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
	prom := promtest.Start(t, dir, fmt.Sprintf(`global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: api
    authorization: {credentials_file: %s}
    static_configs: [{targets: [%q]}]
  - job_name: exporter
    static_configs: [{targets: [%q]}]
`, tokenFile, strings.TrimPrefix(api.url, "http://"), exporterAddr))

	waitQuery(t, prom, `monit_intel_service_failing == 1`, "api/closed", "api/job", "exporter/closed", "exporter/job")
	if got := jobServices(t, prom, `monit_intel_service_status_event{event="Connection failed"} == 1`); !slices.Equal(got, []string{"api/closed", "exporter/closed"}) {
		t.Errorf("PromQL connection failures = %v, want closed on both jobs", got)
	}
	// A recovery shows at the next scrapes: job leaves the failing services.
	job.Pass(t)
	waitQuery(t, prom, `monit_intel_service_failing == 1`, "api/closed", "exporter/closed")
	// The daemon's own work is wired too: its ingest cycles are observed.
	if got := jobServices(t, prom, `count by (job) (monit_intel_ingest_cycle_duration_seconds_count > 0)`); !slices.Equal(got, []string{"api/", "exporter/"}) {
		t.Errorf("PromQL jobs with ingest cycles = %v, want api and exporter", got)
	}
}

// waitQuery waits up to 20 s for query to return exactly want (job/service, sorted).
func waitQuery(t *testing.T, prom *promtest.Server, query string, want ...string) {
	t.Helper()
	var got []string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if got = jobServices(t, prom, query); slices.Equal(got, want) {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("PromQL %s = %v, want %v\ntargets: %s", query, got, want, prom.Targets())
}

// jobServices returns job/service of each series a query returns, sorted.
func jobServices(t *testing.T, prom *promtest.Server, query string) []string {
	t.Helper()
	var out []string
	for _, m := range prom.Query(t, query) {
		out = append(out, m["job"]+"/"+m["service"])
	}
	slices.Sort(out)
	return out
}
