package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// runUser runs `monit-intel user ARGS` in-process with stdin (a pipe, as from a script).
func runUser(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(t.Context(), append([]string{"user"}, args...), strings.NewReader(stdin), &out, &errb,
		func(string) string { return "" })
	return code, out.String(), errb.String()
}

func TestUserCommand(t *testing.T) {
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: testdata/demo/status.xml\ndata_dir: %s\n", t.TempDir()))
	steps := []struct {
		name     string
		stdin    string
		args     []string
		wantCode int
		want     string // in stdout, or stderr on failure
	}{
		{"add", "operator-pw\n", []string{"add", "alice", "--role", "operator"}, 0, "added alice"},
		{"add a viewer by default", "viewer-pw1\n", []string{"add", "victor"}, 0, "added victor"},
		{"add again", "operator-pw\n", []string{"add", "alice"}, 1, "already exists"},
		{"reserved name", "whatever-pw\n", []string{"add", "api"}, 1, "API token"},
		{"bad name", "whatever-pw\n", []string{"add", "Bob Smith"}, 1, "invalid user"},
		{"short password", "short\n", []string{"add", "bob"}, 1, "at least 8"},
		{"no password", "", []string{"add", "bob"}, 1, "no password"},
		{"bad role", "whatever-pw\n", []string{"add", "bob", "--role", "admin"}, 2, "role"},
		{"no name", "", []string{"add"}, 2, "one NAME"},
		{"unknown verb", "", []string{"rename", "x"}, 2, "unknown user command"},
		{"passwd", "new-password\n", []string{"passwd", "victor", "--role", "operator"}, 0, "changed victor"},
		{"passwd unknown", "new-password\n", []string{"passwd", "nobody"}, 1, "unknown user"},
		{"list", "", []string{"list"}, 0, "victor  operator"},
		{"del", "", []string{"del", "alice"}, 0, "deleted alice"},
		{"del again", "", []string{"del", "alice"}, 1, "unknown user"},
	}
	for _, s := range steps {
		code, out, errOut := runUser(t, s.stdin, append(s.args, "--config", cfg)...)
		got := out
		if s.wantCode != 0 {
			got = errOut
		}
		if code != s.wantCode || !strings.Contains(got, s.want) {
			t.Errorf("%s: user %v = %d, stdout %q, stderr %q; want %d and %q", s.name, s.args, code, out, errOut, s.wantCode, s.want)
		}
		for _, pw := range []string{"operator-pw", "viewer-pw1", "new-password", "$argon2id"} {
			if strings.Contains(out+errOut, pw) {
				t.Errorf("%s: the output shows %q", s.name, pw)
			}
		}
	}
}

// TestUserCommandThroughTheDaemon: while serve holds state.db, `user` goes through the
// daemon's API, and the user it adds can log in to the web UI at once.
func TestUserCommandThroughTheDaemon(t *testing.T) {
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: testdata/demo/status.xml\ndata_dir: %s\n", t.TempDir()))
	d := startDaemon(t, cfg)
	bin := buildBinary(t)
	out := addUser(t, bin, cfg, "carol", "operator", "carol-password", "--url", d.url)
	if !strings.Contains(out, "added carol") {
		t.Fatalf("user add beside the daemon: %s", out)
	}
	list, err := runBinary(t, bin, "user", "list", "--config", cfg, "--url", d.url)
	if err != nil || !strings.Contains(list, "carol  operator") {
		t.Errorf("user list beside the daemon: %v %s", err, list)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for pw, want := range map[string]int{"wrong-password": http.StatusUnauthorized, "carol-password": http.StatusSeeOther} {
		resp, err := c.PostForm(d.url+"/ui/login", url.Values{"name": {"carol"}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("login with %s = %d, want %d", pw, resp.StatusCode, want)
		}
	}
}

// TestServeStopsWithABrowserOpen: an overview left open holds an event stream; SIGTERM must
// not wait the whole grace period for it.
func TestServeStopsWithABrowserOpen(t *testing.T) {
	cfg := writeConfig(t, fmt.Sprintf("monit:\n  url: testdata/demo/status.xml\ndata_dir: %s\n", t.TempDir()))
	if code, _, errOut := runUser(t, "dana-password\n", "add", "dana", "--config", cfg); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	d := startDaemon(t, cfg)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(d.url+"/ui/login", url.Values{"name": {"dana"}, "password": {"dana-password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, d.url+"/ui/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	stream, err := c.Do(req)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("event stream: %v %v", err, stream)
	}
	defer stream.Body.Close()
	start := time.Now()
	stopDaemon(t, d)
	if took := time.Since(start); took > shutdownGrace/2 {
		t.Errorf("shutdown took %v with a browser open, want well under the %v grace", took, shutdownGrace)
	}
}
