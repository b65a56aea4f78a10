package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"monit-intel/engine/config"
	"monit-intel/engine/llm/ollamafake"
	"monit-intel/engine/monit/monittest"
)

// repeatedStep returns the first step an error message names twice, "" when none. The steps
// are the parts of "a: b: c"; a part that repeats an earlier one, or starts with it and goes
// on (`read logs of "x"` … `read logs of "x" from …`), names it twice. Quotes do not count.
func repeatedStep(msg string) string {
	var seen []string
	for _, part := range strings.Split(msg, ": ") {
		step := strings.TrimSpace(strings.ReplaceAll(part, `"`, ""))
		if step == "" {
			continue
		}
		for _, s := range seen {
			if step == s || strings.HasPrefix(step, s+" ") {
				return s
			}
		}
		seen = append(seen, step)
	}
	return ""
}

func TestRepeatedStep(t *testing.T) {
	tests := []struct{ msg, want string }{
		{"propose: propose: action refused: unknown action", "propose"},
		{`execute "nope": execute nope: claim proposal: unknown proposal`, "execute nope"},
		{`read logs of "x": read logs of "x" from /var/log/x: EOF`, "read logs of x"},
		{"chat: chat: context canceled", "chat"},
		{"propose: action refused: unknown action", ""},
		{`fetch: monit at http://h:1 is unreachable: dial tcp 127.0.0.1:1: connect: connection refused`, ""},
		{"analyse web: save analysis: database is locked", ""},
	}
	for _, tt := range tests {
		if got := repeatedStep(tt.msg); got != tt.want {
			t.Errorf("repeatedStep(%q) = %q, want %q", tt.msg, got, tt.want)
		}
	}
}

// TestErrorsNameEachStepOnce drives the commands and the REST API into their errors and checks
// that no error names a step twice (issue 13: `propose: propose: action refused…`).
func TestErrorsNameEachStepOnce(t *testing.T) {
	var msgs []string
	for _, args := range cliErrorCases(t) {
		code, out, errOut := runCmd(t, map[string]string{"MONIT_INTEL_TOKEN": restToken}, args...)
		if code == 0 {
			t.Errorf("monit-intel %v = 0 %q, want an error", args, out)
		}
		msgs = append(msgs, errorLines(errOut)...)
	}
	msgs = append(msgs, restErrors(t)...)
	for _, m := range msgs {
		t.Log(m)
	}
	if len(msgs) < 20 {
		t.Fatalf("collected %d error messages, want the cases' errors:\n%s", len(msgs), strings.Join(msgs, "\n"))
	}
	for _, m := range msgs {
		if s := repeatedStep(m); s != "" {
			t.Errorf("%q names %q twice", m, s)
		}
	}
}

// errorLines keeps the error lines of a command's stderr (not its log lines or usage).
func errorLines(stderr string) []string {
	var out []string
	for line := range strings.Lines(stderr) {
		if strings.HasPrefix(line, "monit-intel ") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return out
}

func cliErrorCases(t *testing.T) [][]string {
	dir := t.TempDir()
	unreachable := writeConfig(t, fmt.Sprintf("monit: {url: 'http://127.0.0.1:%d'}\ndata_dir: %s/a\n", monittest.FreePort(t), dir))
	badLogs := writeConfig(t, fmt.Sprintf("monit: {url: testdata/demo/status.xml}\ndata_dir: %s/b\nlogs:\n  x: {strategy: tail}\n", dir))
	noSocket := writeConfig(t, fmt.Sprintf("monit: {url: 'unix://%s/monit.sock'}\ndata_dir: %s/c\n", dir, dir))
	tlsToPlain := writeConfig(t, fmt.Sprintf("monit: {url: 'https://127.0.0.1:%d'}\ndata_dir: %s/d\n", monittest.FreePort(t), dir))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	demo := "testdata/demo/config.yaml"
	return [][]string{
		{"logs", "nope", "--config", demo},
		{"logs", "alpha", "--config", demo},
		{"logs", "failing", "--config", "does-not-exist.yaml"},
		{"ingest", "--config", unreachable},
		{"ingest", "--config", badLogs},
		{"ingest", "--config", noSocket},
		{"ingest", "--config", tlsToPlain},
		{"serve", "--config", unreachable, "--listen", ln.Addr().String()},
		{"serve", "--config", badLogs},
		{"audit", "verify", "--config", badLogs},
		{"version", "extra"},
		{"repl", "--url", fmt.Sprintf("http://127.0.0.1:%d", monittest.FreePort(t))},
	}
}

// restErrors starts the daemon's API in-process over the demo's document, with the model
// down, and returns the detail of each error it answers.
func restErrors(t *testing.T) []string {
	fake := ollamafake.New(t, ollamafake.Reply{})
	fake.SetMode(ollamafake.Down)
	cfg, err := config.Load("testdata/demo/config.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.Ollama.URL, cfg.API.Token = t.TempDir(), fake.URL, restToken
	cfg.Monit.Replay.LogsOut = filepath.Join(cfg.DataDir, "demo-logs")
	ctx := t.Context()
	s, err := openStores(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := &env{logger: slog.New(slog.DiscardHandler), getenv: func(string) string { return "" }}
	d, srv, err := wireServer(ctx, cfg, s, e)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ingest(ctx); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- srv.Run(sctx, ln, time.Second) }()
	defer func() { stop(); <-done }()
	base := "http://" + ln.Addr().String()
	used := restCall(t, base, "POST", "/mother/actions/suggest", `{"action":"monit_start","service":"smbd"}`)["id"]
	restCall(t, base, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":false}`, used))
	var msgs []string
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/mother/actions/suggest", `{"action":"rm","service":"smbd"}`},
		{"POST", "/mother/actions/suggest", `{"action":"restart","service":"nope"}`},
		{"POST", "/mother/actions/suggest", `{"action":"systemctl_restart","service":"smbd"}`},
		{"POST", "/mother/actions/execute", `{"id":"nope","approve":true}`},
		{"POST", "/mother/actions/execute", `{"id":"nope","approve":true,"dry_run":true}`},
		{"POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true}`, used)},
		{"POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true,"dry_run":true}`, used)},
		{"POST", "/analyze", `{"service":"nope"}`},
		{"GET", "/logs/nope", ""},
		{"GET", "/logs/alpha", ""},
		{"GET", "/history?service=nope", ""},
		{"GET", "/history/snapshots?service=nope", ""},
	} {
		body := restCall(t, base, c.method, c.path, c.body)
		detail, _ := body["detail"].(string)
		if status, _ := body["status"].(float64); detail == "" || status < 404 || status > 499 {
			t.Errorf("%s %s %s = %v, want the handler's error", c.method, c.path, c.body, body)
		}
		msgs = append(msgs, detail)
	}
	return msgs
}

// restToken is the API token of restErrors' daemon.
const restToken = "h5-errors-test-token"

func restCall(t *testing.T, base, method, path, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+restToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&out); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, raw)
	}
	return out
}

// TestFailedStartLeavesNoData: a start that fails (a bad configuration, Monit unreachable, the
// port taken) leaves no data directory behind it created, and never removes one that existed.
func TestFailedStartLeavesNoData(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	unreachable := fmt.Sprintf("monit: {url: 'http://127.0.0.1:%d'}\n", monittest.FreePort(t))
	badLogs := "monit: {url: testdata/demo/status.xml}\nlogs:\n  x: {strategy: tail}\n"
	badUnit := "monit: {url: testdata/demo/status.xml}\nactions: {units: {x: '-rf.service'}}\n"
	tests := []struct {
		name, config string
		args         []string
		want         string
	}{
		{"ingest, Monit unreachable", unreachable, []string{"ingest"}, "unreachable"},
		{"ingest, bad logs entry", badLogs, []string{"ingest"}, "logs.x.path"},
		{"serve, bad logs entry", badLogs, []string{"serve"}, "logs.x.path"},
		{"serve, bad unit", badUnit, []string{"serve"}, "actions.units.x"},
		{"serve, port taken", unreachable, []string{"serve", "--listen", ln.Addr().String()}, "address already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, existed := range []bool{false, true} {
				dataDir := t.TempDir() + "/data/sub"
				if existed {
					if err := os.MkdirAll(dataDir, 0o750); err != nil {
						t.Fatal(err)
					}
				}
				cfg := writeConfig(t, tt.config+"data_dir: "+dataDir+"\n")
				code, _, errOut := runCmd(t, nil, append(tt.args, "--config", cfg)...)
				if code != 1 || !strings.Contains(errOut, tt.want) {
					t.Errorf("%v = %d %q, want 1 and %q", tt.args, code, errOut, tt.want)
				}
				_, err := os.Stat(filepath.Dir(dataDir))
				if existed && err != nil {
					t.Errorf("the data dir that existed before is gone: %v", err)
				}
				if !existed && err == nil {
					t.Errorf("a failed start left %s behind", filepath.Dir(dataDir))
				}
			}
		})
	}
}
