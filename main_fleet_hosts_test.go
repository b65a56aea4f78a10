package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"monit-intel/engine/monit/monittest"
)

// restartDaemon stops the daemon and starts the binary again on the same address, where the
// Monits push.
func restartDaemon(t *testing.T, d *daemon, cfg string) *daemon {
	t.Helper()
	stopDaemon(t, d)
	port, err := strconv.Atoi(d.url[strings.LastIndex(d.url, ":")+1:])
	if err != nil {
		t.Fatal(err)
	}
	return startDaemonAt(t, cfg, port)
}

// pushConfig is a daemon's configuration for Monits that push (user monit, password
// push-pw); its one poll target and Ollama answer nowhere.
func pushConfig(t *testing.T, dataDir string) string {
	t.Helper()
	return writeConfig(t, fmt.Sprintf(`monit:
  url: http://127.0.0.1:%d
  interval: 1h
collector:
  users:
    monit: push-pw
data_dir: %s
ollama:
  url: http://127.0.0.1:%d
  timeout: 1s
`, monittest.FreePort(t), dataDir, monittest.FreePort(t)))
}

// hostEventsOf returns a host's own events (STALE, RECOVERED), newest first.
func hostEventsOf(t *testing.T, d *daemon, host string) []string {
	t.Helper()
	_, hist := d.call(t, "GET", "/history?service=Monit&host="+host+"&limit=50", "")
	var kinds []string
	for _, e := range hist["events"].([]any) {
		if k := e.(map[string]any)["kind"].(string); k == "STALE" || k == "RECOVERED" {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

func staleListed(t *testing.T, d *daemon, host string) bool {
	t.Helper()
	_, h := d.call(t, "GET", "/health", "")
	return strings.Contains(fmt.Sprint(h["stale_hosts"]), "name:"+host+" ")
}

// TestFleetRegistryAcrossRestarts: a real Monit pushes, then stops; the daemon restarts and
// still knows the host, calls it STALE once (not again after another restart) and RECOVERED
// when the Monit comes back.
func TestFleetRegistryAcrossRestarts(t *testing.T) {
	cfg := pushConfig(t, t.TempDir())
	d := startDaemon(t, cfg)
	epsilon := startPusher(t, d, "epsilon", "monit", "push-pw", "")
	waitFor(t, 20*time.Second, func() bool { return hostsOf(t, d)["epsilon"]["source"] == "push" })
	epsilon.m.Stop(t)

	d = restartDaemon(t, d, cfg)
	if h := hostsOf(t, d)["epsilon"]; h["source"] != "push" || h["stale"] != false {
		t.Fatalf("/hosts after the restart, before epsilon spoke: %v; want it known, pushing, not stale yet", h)
	}
	waitFor(t, 20*time.Second, func() bool { return staleListed(t, d, "epsilon") })
	if got := hostEventsOf(t, d, "epsilon"); strings.Join(got, ",") != "STALE" {
		t.Fatalf("epsilon's host events after the restart = %v, want one STALE", got)
	}

	d = restartDaemon(t, d, cfg)
	if !staleListed(t, d, "epsilon") {
		t.Error("/health after another restart does not list epsilon as stale")
	}
	time.Sleep(4 * time.Second) // more than 3 of epsilon's 1 s intervals: a second STALE would be stored by now
	if got := hostEventsOf(t, d, "epsilon"); strings.Join(got, ",") != "STALE" {
		t.Fatalf("epsilon's host events after another restart = %v, want still one STALE", got)
	}

	if code, body := d.call(t, "GET", "/status?host=epsilon", ""); code != 200 || !strings.Contains(fmt.Sprint(body), "host_stale:true") {
		t.Errorf("/status?host=epsilon while it is stale = %d %v, want its services marked host_stale", code, body)
	}

	epsilon.m.Restart(t)
	waitFor(t, 20*time.Second, func() bool { return !staleListed(t, d, "epsilon") })
	if got := hostEventsOf(t, d, "epsilon"); strings.Join(got, ",") != "RECOVERED,STALE" {
		t.Errorf("epsilon's host events = %v, want STALE, then RECOVERED", got)
	}
	if logs := d.logs.String(); strings.Contains(logs, `msg="new host"`) {
		t.Errorf("the daemon restarted with epsilon in its registry calls it a new host:\n%s", logs)
	}
	if code, body := d.call(t, "GET", "/hosts", ""); code != 200 || strings.Contains(fmt.Sprint(body), "0001-01-01") {
		t.Errorf("/hosts = %d %v, want no zero time", code, body)
	}
}

// TestConversationOnTwoHosts: two real Monits push a service of the same name; Mother asks
// which host, a follow-up stays on the host named, and /mother/history and SQLite's
// conversations keep each turn's hosts.
func TestConversationOnTwoHosts(t *testing.T) {
	dataDir := t.TempDir()
	cfg := pushConfig(t, dataDir)
	d := startDaemon(t, cfg)
	alpha := startPusher(t, d, "alpha", "monit", "push-pw", "")
	startPusher(t, d, "gamma", "monit", "push-pw", "")
	alpha.job.Fail(t)
	waitFor(t, 20*time.Second, func() bool { return failingOn(t, d, "alpha") == 1 && len(hostsOf(t, d)) == 2 })

	steps := []struct{ msg, intent, hosts string }{
		{"why is job failing", "which_host", "alpha,gamma"},
		{"alpha", "why", "alpha"},
		{"show me its logs", "logs", "alpha"},
		{"how is job on gamma", "status", "gamma"},
		{"and the history?", "history", "gamma"},
	}
	for _, s := range steps {
		code, reply := d.call(t, "POST", "/mother/chat", fmt.Sprintf(`{"message":%q,"session":"two"}`, s.msg))
		u, _ := reply["understood"].(map[string]any)
		if code != 200 || reply["intent"] != s.intent || fmt.Sprint(u["hosts"]) != "["+strings.ReplaceAll(s.hosts, ",", " ")+"]" {
			t.Errorf("%q = %d intent %v hosts %v, want %s on %s (%v)", s.msg, code, reply["intent"], u["hosts"], s.intent, s.hosts, reply["text"])
		}
	}
	_, hist := d.call(t, "GET", "/mother/history?session=two", "")
	var got []string
	for _, tu := range hist["turns"].([]any) {
		got = append(got, fmt.Sprint(tu.(map[string]any)["hosts"]))
	}
	if strings.Join(got, ",") != "[alpha gamma],[alpha],[alpha],[gamma],[gamma]" {
		t.Errorf("/mother/history hosts = %v", got)
	}
	var exported int
	db := openHistory(t, dataDir)
	if err := db.QueryRow(`SELECT count(*) FROM conversations WHERE session = 'two' AND hosts = 'gamma'`).Scan(&exported); err != nil || exported != 2 {
		t.Errorf("conversations rows on gamma = %d, %v; want 2", exported, err)
	}
	t.Run("the REPL's commands take a host", func(t *testing.T) { replOnTwoHosts(t, d, cfg) })
}

// replOnTwoHosts runs the REPL (pipe mode) against a daemon where alpha and gamma both have
// job, failing on alpha: each command about one service takes its host, and tables name the
// hosts.
func replOnTwoHosts(t *testing.T, d *daemon, cfg string) {
	cmd := exec.Command(buildBinary(t), "repl", "--config", cfg, "--url", d.url, "--session", "repl")
	cmd.Stdin = strings.NewReader("/history job on alpha\n/history job 5 gamma\n/history job\n/failing\n" +
		"/analyze job on alpha\n/analyze job gamma\n/status on nosuch\n")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "MONIT_INTEL_CONFIG=")
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	_ = cmd.Run() // pipe mode exits non-zero after an error: /status on nosuch is one
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^AT +KIND +DETAIL\n.*NEW +Status failed`),                    // alpha's own history: no HOST column
		regexp.MustCompile(`No events for job on gamma\.`),                                   // gamma's job never failed
		regexp.MustCompile(`(?m)^HOST +AT +KIND +DETAIL\nalpha +.* NEW +Status failed`),      // /history job: the fleet's
		regexp.MustCompile(`(?m)^HOST +SERVICE +TYPE.*\nalpha +job +program +(NEW|ONGOING)`), // /failing names the host
		regexp.MustCompile(`job on alpha · rules · `),                                        // the analysis names its host
		regexp.MustCompile(`job on gamma is healthy`),
	} {
		if !want.MatchString(out.String()) {
			t.Errorf("repl output lacks %s:\n%s\nerrors:\n%s", want, out.String(), errs.String())
		}
	}
	if !strings.Contains(errs.String(), `error: status: unknown host "nosuch": the known hosts are alpha, gamma`) ||
		strings.Count(errs.String(), "error:") != 1 {
		t.Errorf("repl errors = %s, want one, for the unknown host", errs.String())
	}
}
