package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"monit-intel/engine"
	"monit-intel/engine/llm/ollamatest"
	"monit-intel/engine/monit/monittest"
	"monit-intel/rest/ui/browsertest"
)

// addUser runs `monit-intel user add NAME --role ROLE` with the password on stdin.
func addUser(t *testing.T, bin, cfg, name, role, password string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, append([]string{"user", "add", name, "--role", role, "--config", cfg}, args...)...)
	cmd.Stdin = strings.NewReader(password + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("user add %s: %v\n%s", name, err, out)
	}
	if strings.Contains(string(out), password) {
		t.Errorf("user add printed the password: %s", out)
	}
	return string(out)
}

// TestWebUIEndToEnd drives the web UI in a real Chromium against the real daemon, which
// watches a real Monit and asks a real Ollama: an operator logs in and sees the failing
// service first, finds a service's chart drawn, asks Mother and sees the answer stream, has
// Mother propose starting a stopped process, approves it in the browser after the
// confirmation step and sees Monit start it, then finds the approval under their name in
// the audit. A viewer is refused the approval. Screenshots go to the test's artifact
// directory.
func TestWebUIEndToEnd(t *testing.T) {
	browser := browsertest.Start(t)
	ollama := ollamatest.Start(t)
	m := monittest.New(t)
	sleeper := m.Daemon(t, "sleeper")
	job := m.Toggle(t, "backup_job")
	m.Start(t, sleeper.Check()+"\n"+job.Check())
	job.Fail(t)
	running := func(st engine.Status) bool {
		s, ok := monittest.Find(st, "sleeper")
		return ok && s.Process != nil && engine.ValueOr(s.Process.PID, 0) > 0 && s.Monitor&engine.MonitorYes != 0
	}
	first, _ := monittest.Find(m.WaitFor(t, 20*time.Second, running), "sleeper")
	if out, err := m.CLI(context.Background(), "stop", "sleeper"); err != nil {
		t.Fatalf("monit stop: %v %s", err, out)
	}
	m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "sleeper")
		b, _ := monittest.Find(st, "backup_job")
		return ok && s.Monitor == 0 && !monittest.Alive(*first.Process.PID) && b.Status != 0
	})

	bin := buildBinary(t)
	cfg := writeConfig(t, fmt.Sprintf("monit: {url: %s, interval: 1s}\ndata_dir: %s\nollama: {url: %s, model: %s, num_ctx: 2048, timeout: 60s}\n",
		m.URL, t.TempDir(), ollama.URL, ollama.Model))
	addUser(t, bin, cfg, "alice", "operator", "alice-password")
	d := startDaemon(t, cfg, "MONIT_USER="+m.Username, "MONIT_PASSWORD="+m.Password)
	addUser(t, bin, cfg, "victor", "viewer", "victor-password", "--url", d.url) // through the daemon, which holds state.db
	waitFor(t, 20*time.Second, func() bool {
		code, body := d.call(t, "GET", "/status", "")
		return code == 200 && body["count"] == float64(3)
	})

	tab := browsertest.Tab(t, browser, 1440, 900, false)
	t.Run("login", func(t *testing.T) {
		browsertest.Run(t, tab, "the login form", chromedp.Navigate(d.url+"/"), chromedp.WaitVisible("#name"),
			chromedp.SendKeys("#name", "alice"), chromedp.SendKeys("#password", "wrong-password"), chromedp.Submit("#password"),
			chromedp.WaitVisible("#login-error"))
		browsertest.Screenshot(t, tab, "login-wrong-password")
		browsertest.Run(t, tab, "log in", chromedp.SendKeys("#password", "alice-password"), chromedp.Submit("#password"),
			chromedp.WaitVisible("#services"))
		if got := browsertest.Eval[string](t, tab, `document.querySelector("#rows tr th a").textContent`); got != "backup_job" {
			t.Errorf("first row = %q, want the failing backup_job", got)
		}
		browsertest.Screenshot(t, tab, "overview")
	})
	t.Run("service chart", func(t *testing.T) {
		waitFor(t, 20*time.Second, func() bool { // two cycles give the chart two points
			code, body := d.call(t, "GET", "/history/snapshots?service=monittest", "")
			return code == 200 && len(body["snapshots"].([]any)) >= 2
		})
		browsertest.Run(t, tab, "open a service", chromedp.Navigate(d.url+"/ui/services/monittest"))
		browsertest.WaitJS(t, tab, "the chart", `document.querySelectorAll("#chart .uplot canvas").length > 0`)
		browsertest.Screenshot(t, tab, "service-chart")
	})
	t.Run("mother streams", func(t *testing.T) {
		browsertest.Run(t, tab, "ask Mother", chromedp.Navigate(d.url+"/ui/mother"), chromedp.WaitVisible("#question"),
			chromedp.SendKeys("#question", "why is backup_job failing?"), chromedp.Click("#ask button"))
		browsertest.WaitJSFor(t, tab, "the answer", `document.querySelector("#chat li[data-done]")`, 90*time.Second)
		if n := browsertest.Eval[string](t, tab, `document.querySelector("#chat .a").dataset.chunks || "0"`); n == "0" {
			t.Error("the answer came in no chunk: it did not stream")
		}
		if u := browsertest.Eval[string](t, tab, `document.querySelector("#chat .understood").textContent`); !strings.Contains(u, "backup_job") {
			t.Errorf("understood = %q, want it to name backup_job", u)
		}
		if a := browsertest.Eval[string](t, tab, `document.querySelector("#chat .a").textContent`); !strings.Contains(a, "Hello from tiny model.") {
			t.Errorf("answer = %q, want the model's prose", a)
		}
		browsertest.Screenshot(t, tab, "mother-answer")
	})
	t.Run("propose and approve", func(t *testing.T) {
		browsertest.Run(t, tab, "ask for an action", chromedp.SendKeys("#question", "start sleeper\r"))
		browsertest.WaitJS(t, tab, "the proposal", `document.querySelectorAll("#chat .proposal button").length === 2`)
		browsertest.Run(t, tab, "approve", chromedp.Click("#chat .proposal button"))
		browsertest.WaitJS(t, tab, "the confirmation step", `document.querySelector("#chat .proposal button.primary")`)
		browsertest.Screenshot(t, tab, "mother-confirm")
		browsertest.Run(t, tab, "confirm", chromedp.Click("#chat .proposal button.primary"))
		browsertest.WaitJS(t, tab, "the result", `document.querySelector("#chat .proposal [data-status]")`)
		if s := browsertest.Eval[string](t, tab, `document.querySelector("#chat .proposal [data-status]").dataset.status`); s != "executed" {
			t.Errorf("result = %q, want executed", s)
		}
		browsertest.Screenshot(t, tab, "mother-executed")
		st := m.WaitFor(t, 20*time.Second, running)
		if s, _ := monittest.Find(st, "sleeper"); *s.Process.PID == *first.Process.PID {
			t.Errorf("pid %d unchanged: Monit did not start a new process", *s.Process.PID)
		}
	})
	t.Run("mother remembers", func(t *testing.T) {
		browsertest.Run(t, tab, "Mother again", chromedp.Navigate(d.url+"/ui/mother"), chromedp.WaitVisible("#question"))
		browsertest.WaitJS(t, tab, "the conversation so far", `document.body.dataset.history === "2"`)
		if q := browsertest.Eval[string](t, tab, `document.querySelector("#chat li .q").textContent`); q != "why is backup_job failing?" {
			t.Errorf("first remembered question = %q", q)
		}
	})
	t.Run("propose on the service page, approve on the approvals page", func(t *testing.T) {
		browsertest.Run(t, tab, "propose a restart", chromedp.Navigate(d.url+"/ui/services/sleeper"),
			chromedp.WaitVisible("#h-actions"), chromedp.Click(`//button[text()="Propose monit_restart"]`),
			chromedp.WaitVisible("#approve"))
		browsertest.Screenshot(t, tab, "approvals-confirm")
		browsertest.Run(t, tab, "approve", chromedp.Click("#approve"), chromedp.WaitVisible("#outcome-status"))
		if s := browsertest.Eval[string](t, tab, `document.querySelector("#outcome-status").textContent`); s != "executed" {
			t.Errorf("result = %q, want executed", s)
		}
		browsertest.Screenshot(t, tab, "approvals-result")
	})
	t.Run("audit names the user", func(t *testing.T) {
		browsertest.Run(t, tab, "the audit", chromedp.Navigate(d.url+"/ui/audit?user=alice&kind=approved"),
			chromedp.WaitVisible("#audit"))
		rows := browsertest.Eval[string](t, tab, `document.querySelector("#audit tbody").textContent`)
		if !strings.Contains(rows, "alice") || !strings.Contains(rows, "monit restart sleeper") {
			t.Errorf("audit rows = %q, want alice's approval of monit restart sleeper", rows)
		}
		if c := browsertest.Eval[string](t, tab, `document.querySelector("#chain").className`); c != "ok" {
			t.Errorf("chain state = %q, want ok", c)
		}
		browsertest.Screenshot(t, tab, "audit")
	})
	t.Run("viewer is refused", func(t *testing.T) {
		code, prop := d.call(t, "POST", "/mother/actions/suggest", `{"action":"monit_stop","service":"sleeper"}`)
		if code != 200 {
			t.Fatalf("suggest = %d %v", code, prop)
		}
		id := prop["id"].(string)
		viewer := browsertest.PrivateTab(t, browser, 375, 800, true)
		browsertest.Run(t, viewer, "log in as a viewer", chromedp.Navigate(d.url+"/ui/approvals/"+id), chromedp.WaitVisible("#name"),
			chromedp.SendKeys("#name", "victor"), chromedp.SendKeys("#password", "victor-password"), chromedp.Submit("#password"),
			chromedp.WaitVisible("#command"))
		if browsertest.Eval[bool](t, viewer, `!!document.querySelector("#approve")`) {
			t.Error("a viewer is offered the approve button")
		}
		status := browsertest.EvalAsync[int](t, viewer, fmt.Sprintf(`fetch("/ui/approvals/%s", {method: "POST",
			body: new URLSearchParams({decision: "approve", confirm: "yes"})}).then(r => r.status)`, id))
		if status != 403 {
			t.Errorf("a viewer's approval = %d, want 403", status)
		}
		browsertest.Screenshot(t, viewer, "viewer-375-dark")
		if code, body := d.call(t, "GET", "/mother/actions", ""); code != 200 || len(body["proposals"].([]any)) != 1 {
			t.Errorf("pending after the viewer's attempt = %d %v, want the proposal still pending", code, body)
		}
	})
}
