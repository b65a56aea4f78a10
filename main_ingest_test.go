package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"monit-intel/bolt"
	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// runCmd runs the CLI in-process and returns its exit code, stdout and stderr.
func runCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func queryEvents(t *testing.T, dataDir string) []string {
	t.Helper()
	rows, err := openHistory(t, dataDir).Query(`SELECT service, kind, status, detail FROM failure_events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var service, kind, detail string
		var status int64
		if err := rows.Scan(&service, &kind, &status, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %d %s", service, kind, status, detail))
	}
	return out
}

// TestIngestAgainstRealMonit runs `monit-intel ingest` cycles against a real Monit daemon:
// failures are NEW once, then ONGOING without a new event, then RECOVERED.
func TestIngestAgainstRealMonit(t *testing.T) {
	m := monittest.New(t)
	job := m.Toggle(t, "job")
	sleeper := m.Daemon(t, "sleeper")
	closedPort := monittest.FreePort(t)
	m.Start(t, fmt.Sprintf(`%s
check file missing with path {{DIR}}/does-not-exist
check host closed with address 127.0.0.1
    if failed port %d type tcp with timeout 1 seconds then alert
%s`, job.Check(), closedPort, sleeper.Check()))
	dataDir := t.TempDir()
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\ndata_dir: %s\n", m.URL, dataDir))
	env := map[string]string{"MONIT_USER": m.Username, "MONIT_PASSWORD": m.Password}

	failing := func(name string, bits engine.StatusBits) func(engine.Status) bool {
		return func(st engine.Status) bool {
			s, ok := monittest.Find(st, name)
			return ok && s.Status == bits && s.Monitor == engine.MonitorYes
		}
	}
	job.Fail(t)
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "sleeper")
		return failing("job", engine.BitStatus)(st) && failing("missing", engine.BitNonExist)(st) &&
			failing("closed", engine.BitConnection)(st) && ok && s.Process != nil
	})
	if code, out, errOut := runCmd(t, env, "ingest", "--config", cfg); code != 0 {
		t.Fatalf("ingest exit %d: %s %s", code, out, errOut)
	}
	want := []string{
		"job NEW 2097152 Status failed",
		"missing NEW 512 Does not exist",
		fmt.Sprintf("closed NEW 32 Connection failed: port 127.0.0.1:%d (TCP) failed", closedPort),
	}
	if got := queryEvents(t, dataDir); !sameSet(got, want) {
		t.Fatalf("events after the first cycle = %q, want %q", got, want)
	}

	time.Sleep(1500 * time.Millisecond) // let Monit run another check cycle
	if code, _, errOut := runCmd(t, env, "ingest", "--config", cfg); code != 0 {
		t.Fatalf("second ingest: %s", errOut)
	}
	if got := queryEvents(t, dataDir); len(got) != 3 {
		t.Fatalf("events after an unchanged cycle = %q, want still 3 (ONGOING adds none)", got)
	}
	assertState(t, dataDir, "job", engine.StateOngoing, 1)

	job.Pass(t)
	m.WaitFor(t, 20*time.Second, failing("job", 0))
	if code, _, errOut := runCmd(t, env, "ingest", "--config", cfg); code != 0 {
		t.Fatalf("third ingest: %s", errOut)
	}
	got := queryEvents(t, dataDir)
	if len(got) != 4 || got[3] != "job RECOVERED 0 OK (was: Status failed)" {
		t.Fatalf("events after recovery = %q, want a 4th: job RECOVERED", got)
	}
	assertState(t, dataDir, "job", engine.StateRecovered, 1)
	assertPID(t, dataDir, "sleeper")
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func assertState(t *testing.T, dataDir, service string, want engine.State, failures int) {
	t.Helper()
	st, err := bolt.Open(dataDir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	states, err := st.States(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k, s := range states {
		if k.Service == service {
			if s.State != want || s.Failures != failures {
				t.Errorf("%s state = %s with %d failures, want %s with %d", service, s.State, s.Failures, want, failures)
			}
			return
		}
	}
	t.Errorf("no state for %s", service)
}

func assertPID(t *testing.T, dataDir, service string) {
	t.Helper()
	db := openHistory(t, dataDir)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM snapshots WHERE service = ? AND pid > 0 AND type = 'process'`, service).Scan(&n); err != nil || n == 0 {
		t.Errorf("%s: %d process rows with a pid (err %v), want some", service, n, err)
	}
}

// TestIngestBadInput checks that each failure is one clear line and a non-zero exit, and that
// nothing is written.
func TestIngestBadInput(t *testing.T) {
	m := monittest.Start(t, "")
	tests := []struct {
		name string
		url  string
		env  map[string]string
		want string
	}{
		{name: "monit down", url: fmt.Sprintf("http://127.0.0.1:%d", monittest.FreePort(t)), want: "unreachable"},
		{name: "wrong password", url: m.URL, env: map[string]string{"MONIT_USER": m.Username, "MONIT_PASSWORD": "nope"}, want: "401"},
		{name: "missing file", url: "/nonexistent/status.xml", want: "no such file"},
		{name: "malformed document", url: "testdata/config/full.yaml", want: "parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dataDir := t.TempDir()
			cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: %s\n  timeout: 3s\ndata_dir: %s\n", tt.url, dataDir))
			code, _, errOut := runCmd(t, tt.env, "ingest", "--config", cfg)
			if code == 0 || !strings.Contains(errOut, tt.want) {
				t.Errorf("ingest exit %d, stderr %q; want non-zero and %q", code, errOut, tt.want)
			}
			if strings.Contains(errOut, "nope") || strings.Contains(errOut, m.Password) {
				t.Errorf("stderr shows the password: %q", errOut)
			}
			if got := queryEvents(t, dataDir); len(got) != 0 {
				t.Errorf("events written after a failed cycle: %q", got)
			}
		})
	}
}

func TestIngestWhileDaemonHoldsState(t *testing.T) {
	dataDir := t.TempDir()
	held, err := bolt.Open(dataDir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: testdata/demo/status.xml\ndata_dir: %s\n", dataDir))
	// As a user would meet it: the real binary, in its own process.
	bin := buildBinary(t)
	start := time.Now()
	out, err := runBinary(t, bin, "ingest", "--config", cfg)
	if err == nil || !strings.Contains(out, "daemon holds it") {
		t.Errorf("ingest beside a held state.db: err %v, output %q; want a failure naming the daemon", err, out)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("ingest took %v to give up, want about a second", d)
	}
}

func TestUsageAndVersion(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		want     string
	}{
		{[]string{"version"}, 0, "monit-intel dev"},
		{[]string{"help"}, 0, "Commands:"},
		{nil, 2, "Commands:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"ingest", "--help"}, 0, "-no-analyze"},
		{[]string{"logs"}, 2, "want exactly one SERVICE"},
		{[]string{"logs", "x", "-n", "-3", "--config", "testdata/demo/config.yaml"}, 2, "-n must not be negative"},
		{[]string{"audit", "check"}, 2, "the only audit command is `verify`"},
	}
	for _, tt := range tests {
		code, out, errOut := runCmd(t, nil, tt.args...)
		if code != tt.wantCode || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("monit-intel %v = %d %q %q, want %d and %q", tt.args, code, out, errOut, tt.wantCode, tt.want)
		}
	}
}

// TestHelpForEveryCommand: `monit-intel help CMD` and `CMD --help` print the command's own
// usage to stdout and exit 0, listing exactly the flags its usage line names.
func TestHelpForEveryCommand(t *testing.T) {
	flagRE := regexp.MustCompile(`-{1,2}([a-z][a-z-]*)`)
	for _, c := range commands() {
		want := flagRE.FindAllStringSubmatch(c.args, -1)
		for _, args := range [][]string{{"help", c.name}, {c.name, "--help"}, {c.name, "-h"}} {
			code, out, errOut := runCmd(t, nil, args...)
			if code != 0 || errOut != "" || !strings.HasPrefix(out, "usage: monit-intel "+c.name) {
				t.Errorf("monit-intel %v = %d %q %q, want 0 and the usage on stdout", args, code, out, errOut)
				continue
			}
			for _, f := range want {
				if !strings.Contains(out, "  -"+f[1]) {
					t.Errorf("monit-intel %v does not describe -%s:\n%s", args, f[1], out)
				}
			}
			if got := strings.Count(out, "\n  -"); got != len(want) {
				t.Errorf("monit-intel %v describes %d flags, its usage line names %d:\n%s", args, got, len(want), out)
			}
		}
	}
	code, _, errOut := runCmd(t, nil, "serve", "--bogus")
	if code != 2 || strings.Count(errOut, "flag provided but not defined") != 1 {
		t.Errorf("serve --bogus = %d %q, want 2 and the error once", code, errOut)
	}
}
