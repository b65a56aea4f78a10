package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// raw sends a request with exactly the headers given (Host among them), as a browser or an
// attacker would, and returns the status and body.
func (d *daemon) raw(t *testing.T, method, path, body string, hdr http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, d.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if h := hdr.Get("Host"); h != "" {
		req.Host = h
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeRefusesTheRebindingAttack replays issue 12's DNS-rebinding attack against the real
// binary with no token configured: a page served as rebind.example proposes a restart, reads
// the id and approves it. Every step is refused, and nothing reaches the audit log.
func TestServeRefusesTheRebindingAttack(t *testing.T) {
	status, err := filepath.Abs("testdata/demo/status.xml")
	if err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	cfg := writeConfig(t, fmt.Sprintf("monit: {url: %s, interval: 1s}\ndata_dir: %s\napi: {allowed_hosts: [monit.home.arpa]}\n",
		status, dataDir))
	d := startDaemon(t, cfg)
	if st, err := os.Stat(filepath.Join(dataDir, "api-token")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("DATA_DIR/api-token = %v, %v; want a file of mode 0600", st, err)
	}
	port := strings.TrimPrefix(d.url, "http://127.0.0.1")
	evil := http.Header{"Host": {"rebind.example" + port}, "Origin": {"http://rebind.example" + port}}
	steps := []struct{ method, path, body string }{
		{"POST", "/mother/actions/suggest", `{"action":"monit_restart","service":"sleeper"}`},
		{"GET", "/mother/actions", ""},
		{"POST", "/mother/actions/execute", `{"id":"x","approve":true}`},
		{"GET", "/status", ""},
		{"GET", "/health", ""},
	}
	for _, s := range steps {
		if code, body := d.raw(t, s.method, s.path, s.body, evil); code != http.StatusMisdirectedRequest {
			t.Errorf("attacker %s %s = %d %s, want 421", s.method, s.path, code, body)
		}
	}
	home := http.Header{"Host": {"monit.home.arpa" + port}}
	if code, body := d.raw(t, "GET", "/health", "", home); code != 200 || strings.TrimSpace(body) != `{"status":"ok"}` &&
		strings.TrimSpace(body) != `{"status":"degraded"}` {
		t.Errorf("anonymous /health = %d %s, want only the status", code, body)
	}
	if code, _ := d.raw(t, "GET", "/mother/actions", "", home); code != http.StatusUnauthorized {
		t.Errorf("anonymous GET /mother/actions from an allowed host = %d, want 401", code)
	}
	home.Set("Authorization", "Bearer "+d.token)
	if code, body := d.raw(t, "POST", "/mother/actions/suggest", `{"action":"monit_restart","service":"sleeper"}`, home); code != 415 {
		t.Errorf("suggest without Content-Type = %d %s, want 415", code, body)
	}
	cross := http.Header{"Host": {"monit.home.arpa" + port}, "Authorization": {"Bearer " + d.token},
		"Content-Type": {"application/json"}, "Sec-Fetch-Site": {"cross-site"}, "Origin": {"http://evil.example"}}
	if code, body := d.raw(t, "POST", "/mother/actions/suggest", `{"action":"monit_restart","service":"sleeper"}`, cross); code != 403 {
		t.Errorf("cross-site suggest = %d %s, want 403", code, body)
	}
	if code, body := d.call(t, "GET", "/mother/actions/audit", ""); code != 200 || strings.Contains(fmt.Sprint(body), "sleeper") {
		t.Errorf("audit = %d %v, want no trace of the attack", code, body)
	}
	if strings.Contains(d.logs.String(), d.token) {
		t.Error("the log shows the API token")
	}
}

// TestServeNeverShowsURLCredentials writes the passwords into monit.url and ollama.url
// (http://user:pw@host) and looks for them everywhere the daemon writes: its log, /health,
// problem details, Mother's notes, the audit log.
func TestServeNeverShowsURLCredentials(t *testing.T) {
	m := monittest.New(t)
	sleeper := m.Daemon(t, "sleeper")
	m.Start(t, sleeper.Check())
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "sleeper")
		return ok && s.Process != nil && engine.ValueOr(s.Process.PID, 0) > 0
	})
	const ollamaPW = "ollama-hunter2"
	monitURL := strings.Replace(m.URL, "http://", "http://"+m.Username+":"+m.Password+"@", 1)
	ollamaURL := fmt.Sprintf("http://ops:%s@127.0.0.1:%d", ollamaPW, monittest.FreePort(t))
	cfg := writeConfig(t, fmt.Sprintf("monit: {url: '%s', interval: 1s}\ndata_dir: %s\nollama: {url: '%s', timeout: 2s}\n",
		monitURL, t.TempDir(), ollamaURL))
	d := startDaemon(t, cfg)
	var seen strings.Builder
	record := func(code int, body any) { fmt.Fprintf(&seen, "%d %v\n", code, body) }
	waitFor(t, 15*time.Second, func() bool { // the credentials in the URL work
		code, body := d.call(t, "GET", "/status", "")
		record(code, body)
		return code == 200 && body["count"] == float64(2)
	})
	waitFor(t, 15*time.Second, func() bool {
		code, body := d.call(t, "GET", "/health", "")
		record(code, body)
		return strings.Contains(fmt.Sprint(body), "ollama") && strings.Contains(fmt.Sprint(body), "monit")
	})
	record(d.call(t, "POST", "/analyze", `{"service":"sleeper","force":true}`))
	record(d.call(t, "POST", "/mother/chat", `{"message":"why is sleeper failing?"}`))
	code, prop := d.call(t, "POST", "/mother/actions/suggest", `{"action":"monit_restart","service":"sleeper"}`)
	record(code, prop)
	if id, ok := prop["id"].(string); ok {
		record(d.call(t, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true}`, id)))
	}
	record(d.call(t, "POST", "/mother/actions/execute", `{"id":"nosuch","approve":true}`))
	record(d.call(t, "GET", "/mother/actions/audit?limit=50", ""))
	if !strings.Contains(seen.String(), "127.0.0.1") {
		t.Fatalf("the answers name no target at all; the test sees nothing:\n%s", seen.String())
	}
	for where, text := range map[string]string{"the answers": seen.String(), "the log": d.logs.String()} {
		for _, pw := range []string{m.Password, ollamaPW} {
			if strings.Contains(text, pw) {
				t.Errorf("%s show the password %q:\n%s", where, pw, text)
			}
		}
	}

	// Monit down, with the password in its URL: the failed cycles' errors.
	down := strings.Replace(monitURL, m.URL[len("http://127.0.0.1:"):], fmt.Sprint(monittest.FreePort(t)), 1)
	cfg = writeConfig(t, fmt.Sprintf("monit: {url: '%s', interval: 1s}\ndata_dir: %s\n", down, t.TempDir()))
	d = startDaemon(t, cfg)
	waitFor(t, 15*time.Second, func() bool {
		_, h := d.call(t, "GET", "/health", "")
		return strings.Contains(fmt.Sprint(h), "refused")
	})
	_, h := d.call(t, "GET", "/health", "")
	if text := fmt.Sprint(h) + d.logs.String(); strings.Contains(text, m.Password) {
		t.Errorf("with Monit down, /health or the log show the password:\n%s", text)
	}
}

// TestPipedReplNeverApproves replays `printf 'restart X\n/approve ID\n' | monit-intel repl`
// against the real daemon: the REPL refuses the approval, exits non-zero, and the proposal
// stays pending with no approval in the audit log.
func TestPipedReplNeverApproves(t *testing.T) {
	status, err := filepath.Abs("testdata/demo/status.xml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, fmt.Sprintf("monit: {url: %s, interval: 1s}\ndata_dir: %s\nollama: {url: 'http://127.0.0.1:%d'}\n",
		status, t.TempDir(), monittest.FreePort(t)))
	d := startDaemon(t, cfg)
	waitFor(t, 15*time.Second, func() bool {
		code, body := d.call(t, "GET", "/status", "")
		return code == 200 && body["count"] == float64(10)
	})
	code, prop := d.call(t, "POST", "/mother/actions/suggest", `{"action":"monit_restart","service":"sleeper"}`)
	id, _ := prop["id"].(string)
	if code != 200 || id == "" {
		t.Fatalf("suggest = %d %v", code, prop)
	}
	cmd := exec.CommandContext(t.Context(), buildBinary(t), "repl", "--config", cfg, "--url", d.url)
	cmd.Stdin = strings.NewReader("restart sleeper\n/approve " + id + "\ny\n")
	cmd.Env = append(os.Environ(), "MONIT_INTEL_CONFIG=", "MONIT_INTEL_TOKEN=")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "approval needs a terminal") {
		t.Errorf("piped repl = %v:\n%s\nwant the approval refused and a non-zero exit", err, out)
	}
	_, pending := d.call(t, "GET", "/mother/actions", "")
	if !strings.Contains(fmt.Sprint(pending), id) {
		t.Errorf("pending = %v, want %s still pending", pending, id)
	}
	_, audit := d.call(t, "GET", "/mother/actions/audit?limit=50", "")
	for _, e := range audit["entries"].([]any) {
		if r := e.(map[string]any)["result"]; r == "approved" || r == "executed" {
			t.Errorf("audit has %v, want no approval from a pipe", e)
		}
	}
}

// TestTokenFileProblemsStopWithTheReason: serve refuses a token file others may read, and a
// REPL without any token says where it looked, before contacting anything.
func TestTokenFileProblemsStopWithTheReason(t *testing.T) {
	dataDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dataDir, "api-token"), []byte("tok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dataDir, "api-token"), 0o644)
	cfg := writeConfig(t, fmt.Sprintf("monit: {url: testdata/demo/status.xml}\ndata_dir: %s\nlisten: 127.0.0.1:%d\n",
		dataDir, monittest.FreePort(t)))
	code, _, stderr := runCmd(t, nil, "serve", "--config", cfg)
	if code == 0 || !strings.Contains(stderr, "chmod 600") || strings.Contains(stderr, "tok\n") {
		t.Errorf("serve with a world-readable token = %d %q, want a refusal saying chmod 600", code, stderr)
	}
	cfg = writeConfig(t, fmt.Sprintf("data_dir: %s\n", t.TempDir()))
	code, _, stderr = runCmd(t, nil, "repl", "--config", cfg)
	if code == 0 || !strings.Contains(stderr, "no API token") || !strings.Contains(stderr, "MONIT_INTEL_TOKEN") {
		t.Errorf("repl without a token = %d %q, want the reason and the way out", code, stderr)
	}
}
