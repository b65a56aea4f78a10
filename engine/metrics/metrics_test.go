package metrics

import (
	"bufio"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"monit-intel/engine"
	"monit-intel/engine/metrics/promtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// scrape returns the handler's text exposition.
func scrape(t testing.TB, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d: %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// own keeps the lines about monit_intel_ metrics (the Go runtime's vary from run to run).
func own(text string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		if strings.Contains(sc.Text(), "monit_intel_") {
			b.WriteString(sc.Text() + "\n")
		}
	}
	return b.String()
}

// TestServiceMetricsGolden: every service type of a real Monit document, in base units.
func TestServiceMetricsGolden(t *testing.T) {
	for _, file := range []string{"all-types.xml", "all-types-v2.xml"} {
		t.Run(file, func(t *testing.T) {
			got := own(scrape(t, New(boardFrom(t, file), nil)))
			golden := "../../testdata/metrics/" + strings.TrimSuffix(file, ".xml") + ".golden.prom"
			if *update {
				if err := os.MkdirAll("../../testdata/metrics", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("/metrics differs from %s (run with -update and review the diff):\n%s", golden, got)
			}
		})
	}
}

// TestPromtoolCheckMetrics runs Prometheus's own linter over a full scrape.
func TestPromtoolCheckMetrics(t *testing.T) {
	m := New(boardFrom(t, "all-types.xml"), nil)
	m.ObserveCycle(engine.CycleResult{Duration: 30 * time.Millisecond}, nil)
	promtest.CheckMetrics(t, scrape(t, m))
}

// A service that leaves Monit's status leaves /metrics: nothing is kept between scrapes.
func TestRemovedServiceVanishes(t *testing.T) {
	b := boardFrom(t, "all-types.xml")
	m := New(b, nil)
	before := testutil.CollectAndCount(m.Registry(), "monit_intel_service_info")
	if before < 2 {
		t.Fatalf("monit_intel_service_info has %d series, want one per service", before)
	}
	services := b.Services()
	gone := services[0].Snapshot.Name
	b.set(services[1:])
	text := scrape(t, m)
	if strings.Contains(text, `service="`+gone+`"`) {
		t.Errorf("service %q is still exposed after it left the board", gone)
	}
	if after := testutil.CollectAndCount(m.Registry(), "monit_intel_service_info"); after != before-1 {
		t.Errorf("monit_intel_service_info has %d series, want %d", after, before-1)
	}
}

// Two services with one host and name (a board that has not deduplicated them) must not
// fail the scrape.
func TestDuplicateServiceKeepsScrape(t *testing.T) {
	b := boardFrom(t, "all-types.xml")
	b.set(append(b.Services(), b.Services()...))
	if _, err := New(b, nil).Registry().Gather(); err != nil {
		t.Fatalf("Gather() = %v, want the duplicate skipped", err)
	}
}

func TestCycleCounts(t *testing.T) {
	m := New(&fakeBoard{}, nil)
	m.ObserveCycle(engine.CycleResult{Duration: 10 * time.Millisecond}, nil)
	m.ObserveCycle(engine.CycleResult{Duration: 2 * time.Second}, errors.New("monit down"))
	if got := testutil.ToFloat64(m.cycleErrors); got != 1 {
		t.Errorf("monit_intel_ingest_errors_total = %v, want 1", got)
	}
	if got := testutil.CollectAndCount(m.cycleDuration); got != 1 {
		t.Errorf("histogram series = %d, want 1", got)
	}
	text := scrape(t, m)
	if !strings.Contains(text, "monit_intel_ingest_cycle_duration_seconds_count 2\n") {
		t.Errorf("scrape lacks two observed cycles:\n%s", own(text))
	}
}

// The current state is exported even when it is not one of States (a newer classification).
func TestStateOutsideTheList(t *testing.T) {
	b := boardFrom(t, "all-types.xml")
	services := b.Services()
	services[0].State.State = "UNMONITORED"
	b.set(services)
	text := scrape(t, New(b, nil))
	want := `monit_intel_service_state{host="` + services[0].Snapshot.Host + `",service="` + services[0].Snapshot.Name + `",state="UNMONITORED"} 1`
	if !strings.Contains(text, want) {
		t.Errorf("scrape lacks %s", want)
	}
}
