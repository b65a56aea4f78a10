package rca_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"monit-intel/engine"
	"monit-intel/engine/monit"
	"monit-intel/engine/rca"
)

var update = flag.Bool("update", false, "rewrite testdata/scenarios/score.golden with the current score")

// scenarioDir is the repository's testdata/scenarios, seen from this package.
const scenarioDir = "../../testdata/scenarios"

// minScore is the floor the rules must reach whatever the golden file says.
const minScore = 10

// whitelist is act's action list, offered to the model in the scenarios.
var whitelist = []string{
	"systemctl_restart", "systemctl_start", "systemctl_stop", "systemctl_status",
	"monit_monitor", "monit_unmonitor", "monit_start", "monit_stop", "monit_restart", "journalctl_view",
}

// expectation is a scenario's expect.yaml.
type expectation struct {
	Service   string   `yaml:"service"`
	Cause     string   `yaml:"cause"`
	Keywords  []string `yaml:"keywords"`
	LogSource string   `yaml:"log_source"`
	LogError  string   `yaml:"log_error"`
	Note      string   `yaml:"note"`
}

type scenario struct {
	name   string
	expect expectation
	input  rca.Input
}

// loadScenarios reads every directory under testdata/scenarios.
func loadScenarios(t *testing.T) []scenario {
	t.Helper()
	dirs, err := os.ReadDir(scenarioDir)
	if err != nil {
		t.Fatalf("read scenarios: %v", err)
	}
	var out []scenario
	for _, d := range dirs {
		if d.IsDir() {
			out = append(out, loadScenario(t, d.Name()))
		}
	}
	return out
}

func loadScenario(t *testing.T, name string) scenario {
	t.Helper()
	dir := filepath.Join(scenarioDir, name)
	sc := scenario{name: name}
	raw, err := os.ReadFile(filepath.Join(dir, "expect.yaml"))
	if err != nil {
		t.Fatalf("scenario %s: %v", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&sc.expect); err != nil {
		t.Fatalf("scenario %s: expect.yaml: %v", name, err)
	}
	if sc.expect.Service == "" || sc.expect.Cause == "" || len(sc.expect.Keywords) == 0 {
		t.Fatalf("scenario %s: expect.yaml needs service, cause and keywords", name)
	}
	f, err := os.Open(filepath.Join(dir, "status.xml"))
	if err != nil {
		t.Fatalf("scenario %s: %v", name, err)
	}
	defer f.Close()
	st, err := monit.ParseStatus(f)
	if err != nil {
		t.Fatalf("scenario %s: %v", name, err)
	}
	i := slices.IndexFunc(st.Services, func(s engine.Snapshot) bool { return s.Name == sc.expect.Service })
	if i < 0 {
		t.Fatalf("scenario %s: status.xml has no service %q", name, sc.expect.Service)
	}
	sc.input = rca.Input{
		Snapshot: st.Services[i], LogSource: sc.expect.LogSource, LogError: sc.expect.LogError,
		Logs: readLines(t, filepath.Join(dir, "logs.txt")), Actions: whitelist,
		Events: readEvents(t, filepath.Join(dir, "events.txt"), st.Services[i]),
	}
	return sc
}

// readLines returns a file's non-empty lines; a missing file is no lines.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// readEvents reads events.txt: "RFC3339 KIND STATUSBITS" per line, newest first.
func readEvents(t *testing.T, path string, snap engine.Snapshot) []engine.Event {
	t.Helper()
	var out []engine.Event
	for _, l := range readLines(t, path) {
		var at, kind, bits string
		if _, err := fmt.Sscan(l, &at, &kind, &bits); err != nil {
			t.Fatalf("%s: %q: %v", path, l, err)
		}
		when, err := time.Parse(time.RFC3339, at)
		if err != nil {
			t.Fatalf("%s: %q: %v", path, l, err)
		}
		b, err := strconv.ParseUint(bits, 10, 32)
		if err != nil {
			t.Fatalf("%s: %q: %v", path, l, err)
		}
		out = append(out, engine.Event{At: when, Host: snap.Host, Service: snap.Name, Kind: engine.State(kind),
			Status: engine.StatusBits(b), Detail: engine.StatusBits(b).Text()})
	}
	return out
}

// rulesResult is one scenario's outcome with the rules.
type rulesResult struct {
	got      string // Causes[0].ID
	hit      bool
	keywords bool // a keyword appears in the findings' text
}

func runRules(sc scenario) rulesResult {
	f := rca.Analyze(sc.input)
	var r rulesResult
	if len(f.Causes) > 0 {
		r.got = f.Causes[0].ID
		r.hit = r.got == sc.expect.Cause
	}
	text := rca.Render(f, nil, "")
	r.keywords = hasKeyword(text, sc.expect.Keywords)
	return r
}

func hasKeyword(text string, keywords []string) bool {
	text = strings.ToLower(text)
	for _, k := range keywords {
		if strings.Contains(text, strings.ToLower(k)) {
			return true
		}
	}
	return false
}

// TestScenarios scores the rules on the recorded failures, and the model beside them when
// OLLAMA_URL is set (see scoreModel).
func TestScenarios(t *testing.T) {
	scs := loadScenarios(t)
	if len(scs) < 12 {
		t.Fatalf("found %d scenarios, want at least 12", len(scs))
	}
	model := scoreModel(t, scs)
	var table strings.Builder
	fmt.Fprintf(&table, "%-28s %-20s %-20s %-5s %-8s", "scenario", "expected", "rules", "hit", "keyword")
	if model != nil {
		fmt.Fprintf(&table, " %-5s %s", "model", "model's probable cause")
	}
	score := 0
	var passed []string
	for _, sc := range scs {
		r := runRules(sc)
		if r.hit {
			score++
			passed = append(passed, sc.name)
		}
		fmt.Fprintf(&table, "\n%-28s %-20s %-20s %-5v %-8v", sc.name, sc.expect.Cause, r.got, r.hit, r.keywords)
		if model != nil {
			m := model[sc.name]
			fmt.Fprintf(&table, " %-5v %s", m.hit, m.cause)
		}
	}
	fmt.Fprintf(&table, "\nrules: %d/%d", score, len(scs))
	if model != nil {
		fmt.Fprintf(&table, ", model: %d/%d", modelScore(model), len(scs))
	}
	t.Logf("scenario scores\n%s", table.String())
	if score < minScore {
		t.Errorf("rules named the expected cause in %d scenarios, want at least %d", score, minScore)
	}
	checkGolden(t, score, len(scs), passed)
}

// checkGolden compares with score.golden: the score and the scenarios that passed must not
// go down. -update rewrites it.
func checkGolden(t *testing.T, score, total int, passed []string) {
	t.Helper()
	path := filepath.Join(scenarioDir, "score.golden")
	var b strings.Builder
	b.WriteString("# Rules score over testdata/scenarios: the number of scenarios whose probable cause is the\n")
	b.WriteString("# expected one, then those scenarios. TestScenarios fails if either goes down;\n")
	b.WriteString("# go test ./engine/rca -run TestScenarios -update rewrites this file.\n")
	fmt.Fprintf(&b, "score %d/%d\n", score, total)
	for _, p := range passed {
		fmt.Fprintf(&b, "pass %s\n", p)
	}
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatalf("write golden: %v", err)
		}
		return
	}
	golden, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	want := 0
	for _, l := range strings.Split(string(golden), "\n") {
		if rest, ok := strings.CutPrefix(l, "score "); ok {
			want, _ = strconv.Atoi(strings.Split(rest, "/")[0])
		}
		if name, ok := strings.CutPrefix(l, "pass "); ok && !slices.Contains(passed, name) {
			t.Errorf("scenario %s passed in score.golden and fails now", name)
		}
	}
	switch {
	case score < want:
		t.Errorf("rules score = %d, want at least %d (score.golden)", score, want)
	case score > want:
		t.Logf("rules score went up from %d to %d: run with -update to keep it", want, score)
	}
}
