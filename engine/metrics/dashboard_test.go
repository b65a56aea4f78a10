package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/metrics/promtest"
)

const dashboardFile = "../deploy/grafana/monit-intel.json"

// dashboard is the part of Grafana's JSON model the test reads.
type dashboard struct {
	Title, UID string
	Inputs     []struct{ Name, PluginID string } `json:"__inputs"`
	Panels     []panel
	Templating struct {
		List []struct {
			Name       string
			Definition string
		}
	}
}

type panel struct {
	ID         int
	Type       string
	Title      string
	Datasource *struct{ UID string }
	Targets    []struct{ Expr string }
}

// TestDashboard: the Grafana dashboard is valid JSON that imports with a Prometheus data
// source chosen at import, every query is PromQL that promtool accepts, and every metric it
// names is one /metrics exposes.
func TestDashboard(t *testing.T) {
	raw, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var d dashboard
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	if d.Title == "" || d.UID == "" || len(d.Inputs) != 1 || d.Inputs[0].PluginID != "prometheus" {
		t.Errorf("dashboard title %q, uid %q, inputs %+v: want a title, a uid and one Prometheus input", d.Title, d.UID, d.Inputs)
	}
	exprs := d.queries(t)
	exposed := exposedNames(t)
	used := map[string]bool{}
	for _, e := range exprs {
		for _, name := range metricName.FindAllString(e, -1) {
			used[name] = true
		}
	}
	for name := range used {
		if !exposed[name] {
			t.Errorf("the dashboard uses %s, which /metrics does not expose", name)
		}
	}
	if len(used) < 20 {
		t.Errorf("the dashboard uses %d metrics, want the overview, per-host and per-service figures", len(used))
	}
	checkPromQL(t, exprs)
}

var metricName = regexp.MustCompile(`monit_intel_[a-z0-9_]+`)

// queries returns every PromQL expression of the panels and variables, checking the panels
// on the way.
func (d dashboard) queries(t *testing.T) []string {
	t.Helper()
	var out []string
	ids := map[int]bool{}
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d is used twice", p.ID)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "${DS_PROMETHEUS}" || len(p.Targets) == 0 {
			t.Errorf("panel %q: want the imported Prometheus data source and at least one query", p.Title)
		}
		for _, tg := range p.Targets {
			if tg.Expr == "" {
				t.Errorf("panel %q has an empty query", p.Title)
			}
			out = append(out, tg.Expr)
		}
	}
	for _, v := range d.Templating.List {
		// label_values(SELECTOR, label) is Grafana's, not PromQL: check its selector.
		sel := strings.TrimPrefix(v.Definition, "label_values(")
		out = append(out, sel[:strings.LastIndex(sel, ",")])
	}
	return out
}

// exposedNames are the metric names of a scrape that has every kind of service and every
// instrument observed once; a histogram adds its _bucket, _sum and _count series.
func exposedNames(t *testing.T) map[string]bool {
	t.Helper()
	m := New(boardFrom(t, "all-types.xml"), nil)
	m.ObserveCycle(engine.CycleResult{Duration: time.Second}, nil)
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range families {
		names[f.GetName()] = true
		if f.GetType().String() == "HISTOGRAM" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				names[f.GetName()+s] = true
			}
		}
	}
	return names
}

// checkPromQL runs the expressions through `promtool check rules`, with Grafana's variables
// replaced by a regular expression.
func checkPromQL(t *testing.T, exprs []string) {
	var rules strings.Builder
	rules.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	for i, e := range exprs {
		e = strings.NewReplacer("$host", ".*", "$service", ".*").Replace(e)
		q, _ := json.Marshal(e)
		fmt.Fprintf(&rules, "      - record: dashboard:query%d\n        expr: %s\n", i, q)
	}
	promtest.CheckRules(t, rules.String())
}
