package main

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"monit-intel/engine/llm/ollamatest"
	"monit-intel/engine/monit/monittest"
)

// startDemo runs the built binary on the demo's own configuration, with its data and logs in
// a temporary directory, cycles every interval instead of 30 s, and an Ollama address where
// nothing listens (the demo must make sense without a model).
func startDemo(t *testing.T, interval string) (*daemon, string) {
	t.Helper()
	return startDemoWith(t, interval, fmt.Sprintf("{url: \"http://127.0.0.1:%d\", timeout: 2s}", monittest.FreePort(t)))
}

// startDemoWith is startDemo with the given ollama section (YAML flow style).
func startDemoWith(t *testing.T, interval, ollama string) (*daemon, string) {
	t.Helper()
	raw, err := os.ReadFile("testdata/demo/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := string(raw)
	for old, repl := range map[string]string{
		"data_dir: ./data":       "data_dir: " + dir + "/data",
		"data/demo-logs":         dir + "/demo-logs",
		"interval: 30s":          "interval: " + interval,
		"listen: 127.0.0.1:8000": "listen: 127.0.0.1:8000\nollama: " + ollama,
	} {
		if !strings.Contains(cfg, old) {
			t.Fatalf("testdata/demo/config.yaml has no %q: keep this test in step with it", old)
		}
		cfg = strings.ReplaceAll(cfg, old, repl)
	}
	return startDaemon(t, writeConfig(t, cfg)), dir + "/data"
}

// TestDemoFirstMinute is what a newcomer sees in the first minute of the README's first
// command: a day of history with every kind of event, analyses quoting the logs of the
// failure, a state that changes while they watch, and Mother answering about the service
// asked about.
func TestDemoFirstMinute(t *testing.T) {
	start := time.Now()
	d, _ := startDemo(t, "2s")

	t.Run("a quiet start", func(t *testing.T) {
		// The recorded day is replayed at its own times: it is no Monit a day behind. (Live
		// steps that follow may warn that no model answers: this machine may have none.)
		boot, _, _ := strings.Cut(d.logs.String(), `msg="monit-intel started"`)
		if strings.Contains(boot, "level=WARN") || strings.Contains(boot, "level=ERROR") {
			t.Errorf("the demo's start logged a warning or an error:\n%s", boot)
		}
	})

	t.Run("24 hours of history", func(t *testing.T) {
		since := start.Add(-25 * time.Hour).UTC().Format(time.RFC3339)
		code, body := d.call(t, "GET", "/history/snapshots?service=homelab&limit=1000&since="+since, "")
		snaps, _ := body["snapshots"].([]any)
		if code != 200 || len(snaps) < 25 {
			t.Fatalf("snapshots of homelab = %d, %d rows; want a day of them", code, len(snaps))
		}
		oldest, err := time.Parse(time.RFC3339, snaps[len(snaps)-1].(map[string]any)["collected_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if age := start.Sub(oldest); age < 23*time.Hour || age > 24*time.Hour+time.Minute {
			t.Errorf("oldest snapshot %s is %s old, want about 24 h", oldest, age)
		}
	})

	t.Run("every kind of event and state", func(t *testing.T) {
		_, body := d.call(t, "GET", "/history?limit=200", "")
		kinds := map[string]int{}
		flaps := 0
		for _, e := range body["events"].([]any) {
			ev := e.(map[string]any)
			kinds[ev["kind"].(string)]++
			if ev["service"] == "nordvpn_status" && ev["kind"] == "NEW" {
				flaps++
			}
		}
		for _, k := range []string{"NEW", "CHANGED", "RECOVERED"} {
			if kinds[k] == 0 {
				t.Errorf("events by kind = %v, want a %s", kinds, k)
			}
		}
		if flaps < 3 {
			t.Errorf("nordvpn_status failed %d times, want it flapping", flaps)
		}
		if states := demoStates(t, d); states["system_backup"] != "ONGOING" && states["system_backup"] != "CHANGED" {
			t.Errorf("states = %v, want system_backup still failing", states)
		}
	})

	t.Run("an analysis quotes the log line of the failure", func(t *testing.T) {
		_, body := d.call(t, "GET", "/analyses?service=system_backup&limit=20", "")
		stamp := regexp.MustCompile(`(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) \[\d+\] rsync: \[receiver\] write failed`)
		for _, a := range body["analyses"].([]any) {
			m := stamp.FindStringSubmatch(a.(map[string]any)["text"].(string))
			if m == nil {
				continue
			}
			at, err := time.ParseInLocation("2006/01/02 15:04:05", m[1], time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if at.Before(start.Add(-24*time.Hour)) || at.After(start) {
				t.Errorf("quoted line dated %s, want a time within the last day before %s", at, start)
			}
			return
		}
		t.Errorf("no analysis of system_backup quotes rsync's failure: %v", body)
	})

	t.Run("every service of the log registry has its log", func(t *testing.T) {
		for _, name := range []string{"system_backup", "nordvpn_reconnect", "nordvpn_status", "gamma_conn", "network_resurrect", "zfs_sanoid"} {
			code, body := d.call(t, "GET", "/logs/"+name, "")
			lines, _ := body["lines"].([]any)
			if code != 200 || len(lines) == 0 {
				t.Errorf("GET /logs/%s = %d, %d lines; want the demo's log", name, code, len(lines))
			}
		}
	})

	t.Run("a state changes within 60 s", func(t *testing.T) {
		before := demoStates(t, d)
		waitFor(t, 60*time.Second-time.Since(start), func() bool {
			after := demoStates(t, d)
			for name, s := range after {
				if before[name] != s {
					t.Logf("%s: %s -> %s after %s", name, before[name], s, time.Since(start).Round(time.Second))
					return true
				}
			}
			return false
		})
	})

	t.Run("an approved action is simulated", func(t *testing.T) {
		code, prop := d.call(t, "POST", "/mother/actions/suggest", `{"action":"monit_restart","service":"smbd"}`)
		if code != 200 || prop["simulated"] != true {
			t.Fatalf("suggest = %d %v, want a simulated proposal", code, prop)
		}
		code, out := d.call(t, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true}`, prop["id"]))
		if code != 200 || out["status"] != "simulated" {
			t.Errorf("execute = %d %v, want it simulated: the demo's services are a recording", code, out)
		}
	})

	t.Run("Mother answers about system_backup", func(t *testing.T) {
		code, body := d.call(t, "POST", "/mother/chat", `{"message":"why is system_backup failing?"}`)
		text, _ := body["text"].(string)
		services := fmt.Sprint(body["services"])
		if code != 200 || services != "[system_backup]" || !strings.HasPrefix(text, "system_backup") ||
			!strings.Contains(text, "disk_full") {
			t.Errorf("chat = %d services %s:\n%s\nwant an answer about system_backup's full disk", code, services, text)
		}
	})
}

// TestDemoMotherWithRealOllama asks the README's question with a real Ollama (the tiny
// deterministic model): the facts about system_backup come first, then the model's prose.
func TestDemoMotherWithRealOllama(t *testing.T) {
	srv := ollamatest.Start(t)
	d, _ := startDemoWith(t, "30s", fmt.Sprintf("{url: %q, model: %q, timeout: 60s, num_ctx: 2048}", srv.URL, srv.Model))
	code, body := d.call(t, "POST", "/mother/chat", `{"message":"why is system_backup failing?"}`)
	text, _ := body["text"].(string)
	if code != 200 || fmt.Sprint(body["services"]) != "[system_backup]" || !strings.HasPrefix(text, "system_backup") ||
		!strings.Contains(text, "Model (tiny): Hello from tiny model.") {
		t.Errorf("chat = %d %v:\n%s\nwant system_backup's facts, then the model's prose", code, body["services"], text)
	}
}

// demoStates is each service's state in /status.
func demoStates(t *testing.T, d *daemon) map[string]string {
	t.Helper()
	_, body := d.call(t, "GET", "/status", "")
	out := map[string]string{}
	for _, s := range body["services"].([]any) {
		svc := s.(map[string]any)
		out[svc["service"].(string)] = svc["state"].(string)
	}
	return out
}

// TestREADMEExamples runs the README's examples against the demo, as written but for the
// address: every curl must answer 2xx (unknown services and paths are 404s), and every REPL
// line must answer without "no service called".
func TestREADMEExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("curl is not installed (CI=true): %v", err)
		}
		t.Skipf("curl is not installed: %v", err)
	}
	examples, queries := readmeExamples(t)
	if len(examples) < 10 || len(queries) == 0 {
		t.Fatalf("found %d examples and %d SQL queries in README.md, want the demo's and the API's", len(examples), len(queries))
	}
	d, dataDir := startDemo(t, "30s")
	bin := buildBinary(t)
	// Each line runs in a shell of its own: the token the README reads into $TOKEN comes
	// with the environment, and the REPL's through MONIT_INTEL_TOKEN.
	env := append(os.Environ(), "TOKEN="+d.token, "MONIT_INTEL_TOKEN="+d.token)
	for _, ex := range examples {
		t.Run(ex, func(t *testing.T) {
			line := strings.ReplaceAll(ex, "http://127.0.0.1:8000", d.url)
			line = strings.ReplaceAll(line, "data/api-token", filepath.Join(dataDir, "api-token"))
			line = strings.Replace(line, "curl -s ", "curl -sS --fail-with-body ", 1)
			for _, repl := range []string{"go run . repl", "monit-intel repl"} {
				if strings.Contains(line, repl) {
					line = strings.Replace(line, repl, bin+" repl --url "+d.url, 1)
					break
				}
			}
			cmd := exec.CommandContext(t.Context(), "sh", "-c", line) // a test runs the README's shell lines as a user would
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			if err != nil || len(out) == 0 && strings.Contains(line, "curl") {
				t.Fatalf("%s: %v\n%s", line, err, out)
			}
			if strings.Contains(string(out), "no service called") || strings.Contains(string(out), "unknown service") {
				t.Errorf("%s names a service the demo does not have: %q", ex, out)
			}
		})
	}
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dataDir, "monit_history.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range queries {
		rows, err := db.QueryContext(t.Context(), q)
		if err != nil {
			t.Errorf("README query %s: %v", q, err)
			continue
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		if n == 0 {
			t.Errorf("README query %s: no rows on the demo", q)
		}
	}
}

// readmeExamples returns the README's shell lines that talk to a running daemon (curl calls
// to http://127.0.0.1:8000 and the REPL, in sh blocks outside Deploy, which is about a
// server) and its SQL queries.
func readmeExamples(t *testing.T) (shell, queries []string) {
	t.Helper()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	section, block, query, cont := "", "", "", ""
	for _, l := range strings.Split(string(raw), "\n") {
		if block == "sh" && strings.HasSuffix(l, "\\") { // a command continued on the next line
			cont += strings.TrimSuffix(l, "\\")
			continue
		}
		l, cont = cont+strings.TrimSpace(l), ""
		switch {
		case strings.HasPrefix(l, "## "):
			section = l
		case strings.HasPrefix(l, "```") && block == "":
			block = strings.TrimPrefix(l, "```")
		case strings.HasPrefix(l, "```"):
			if block == "sql" {
				queries = append(queries, query)
			}
			block, query = "", ""
		case block == "sql":
			query += l + "\n"
		case block == "sh" && section != "## Deploy on a server":
			cmd, _, _ := strings.Cut(l, "   #")
			cmd = strings.TrimSpace(cmd)
			if strings.Contains(cmd, "http://127.0.0.1:8000") || strings.Contains(cmd, " repl") || strings.Contains(cmd, "api-token") {
				shell = append(shell, cmd)
			}
		}
	}
	return shell, queries
}
