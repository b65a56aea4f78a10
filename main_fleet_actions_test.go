package main

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

// webMonit is a real Monit with a process check called "web" (the same name on every host).
type webMonit struct {
	m   *monittest.Monit
	web monittest.Daemon
}

// startWebMonit starts a Monit named name with the process "web", its httpd on listen;
// collector, when set, is where it pushes as it would to M/Monit.
func startWebMonit(t *testing.T, name, collector string, listen monittest.Listen) webMonit {
	t.Helper()
	m := monittest.New(t)
	m.System, m.Listen = name, listen
	if collector != "" {
		m.Settings = fmt.Sprintf("set mmonit %s timeout 2 seconds", collector)
	}
	web := m.Daemon(t, "web")
	m.Start(t, web.Check())
	return webMonit{m: m, web: web}
}

// pid is the pid Monit reports for web, once it has started it.
func (w webMonit) pid(t *testing.T) int {
	t.Helper()
	st := w.m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
		s, ok := monittest.Find(st, "web")
		return ok && s.Process != nil && engine.ValueOr(s.Process.PID, 0) > 0
	})
	s, _ := monittest.Find(st, "web")
	return *s.Process.PID
}

// TestFleetActionsOnTheRightMonit runs the real binary with this machine's Monit (polled) and
// four that push, each with a process "web": an approved restart on beta restarts beta's web
// only, through beta's Monit HTTPS interface with the credentials and the TLS trust of
// hosts.beta; gamma, without a hosts: entry, is refused and says why; delta, whose entry
// points at beta's Monit (a copy-paste slip), is refused because that Monit answers as beta.
func TestFleetActionsOnTheRightMonit(t *testing.T) {
	port := monittest.FreePort(t)
	collector := fmt.Sprintf("http://monit:push-pw@127.0.0.1:%d/collector", port)
	local := startWebMonit(t, "local", "", monittest.ListenTCP)
	alpha := startWebMonit(t, "alpha", collector, monittest.ListenTCP)
	beta := startWebMonit(t, "beta", collector, monittest.ListenTLS)
	gamma := startWebMonit(t, "gamma", collector, monittest.ListenTCP)
	viewer := startWebMonit(t, "viewer", collector, monittest.ListenTCP) // its entry holds a read-only user
	delta := startWebMonit(t, "delta", collector, monittest.ListenTCP)   // its entry holds beta's URL
	cfg := writeConfig(t, fmt.Sprintf(`monit:
  - url: %s
    username: %s
    password: %s
    interval: 1s
collector:
  users:
    monit: push-pw
hosts:
  alpha: {url: %s, username: %s, password: %s}
  beta: {url: %s, username: %s, password: %s, tls: {ca_file: %s, server_name: %s}}
  viewer: {url: %s, username: %s, password: %s}
  delta: {url: %s, username: %s, password: %s, tls: {ca_file: %s, server_name: %s}}
data_dir: %s
ollama:
  url: http://127.0.0.1:%d
  timeout: 1s
`, local.m.URL, local.m.Username, local.m.Password, alpha.m.URL, alpha.m.Username, alpha.m.Password,
		beta.m.URL, beta.m.Username, beta.m.Password, beta.m.CAFile, monittest.CertName,
		viewer.m.URL, viewer.m.ReadOnlyUsername, viewer.m.ReadOnlyPassword,
		beta.m.URL, beta.m.Username, beta.m.Password, beta.m.CAFile, monittest.CertName, t.TempDir(), monittest.FreePort(t)))
	d := startDaemonAt(t, cfg, port)
	waitFor(t, 30*time.Second, func() bool {
		for _, host := range []string{"local", "alpha", "beta", "delta", "gamma", "viewer"} {
			_, body := d.call(t, "GET", "/status?host="+host, "")
			if !strings.Contains(fmt.Sprint(body["services"]), "service:web ") {
				return false
			}
		}
		return true
	})
	before := map[string]int{"local": local.pid(t), "alpha": alpha.pid(t), "beta": beta.pid(t), "gamma": gamma.pid(t),
		"viewer": viewer.pid(t), "delta": delta.pid(t)}

	t.Run("a name on several hosts needs the host", func(t *testing.T) {
		code, body := d.call(t, "POST", "/mother/actions/suggest", `{"action":"restart","service":"web"}`)
		if code != 409 || !strings.Contains(fmt.Sprint(body["detail"]), "service web is on several hosts (alpha, beta, delta, gamma, local, viewer): name the host") {
			t.Errorf("restart web = %d %v, want 409 asking for the host", code, body)
		}
	})

	t.Run("another host without a hosts entry is refused", func(t *testing.T) {
		code, body := d.call(t, "POST", "/mother/actions/suggest", `{"action":"restart","host":"gamma","service":"web"}`)
		if code != 422 || !strings.Contains(fmt.Sprint(body["detail"]), "no hosts.gamma entry: monit-intel has no credentials for gamma's Monit") {
			t.Errorf("restart web on gamma = %d %v, want 422 naming hosts.gamma", code, body)
		}
	})

	t.Run("systemd stays local", func(t *testing.T) {
		code, body := d.call(t, "POST", "/mother/actions/suggest", `{"action":"systemctl_restart","host":"beta","service":"web"}`)
		if code != 422 || !strings.Contains(fmt.Sprint(body["detail"]), "is local-only") {
			t.Errorf("systemctl_restart web on beta = %d %v, want 422 local-only", code, body)
		}
	})

	t.Run("an entry pointing at another host's Monit is refused", func(t *testing.T) {
		code, body := d.call(t, "POST", "/mother/actions/suggest", `{"action":"restart","host":"delta","service":"web"}`)
		want := fmt.Sprintf("hosts.delta.url (%s) answers as Monit beta (id ", beta.m.URL)
		if detail := fmt.Sprint(body["detail"]); code != 422 || !strings.Contains(detail, want) ||
			!strings.Contains(detail, "), not delta (id ") || !strings.Contains(detail, "nothing was run") {
			t.Errorf("restart web on delta = %d %v, want 422 saying %q…, not delta", code, body, want)
		}
		_, audit := d.call(t, "GET", "/mother/actions/audit?limit=1", "")
		if row := audit["entries"].([]any)[0].(map[string]any); row["result"] != "refused" || row["host"] != "delta" ||
			!strings.Contains(fmt.Sprint(row["error"]), "answers as Monit beta") {
			t.Errorf("audit row = %v, want refused on delta naming beta", row)
		}
		for name, w := range map[string]webMonit{"beta": beta, "delta": delta} {
			if pid := w.pid(t); pid != before[name] {
				t.Errorf("%s's web has pid %d, was %d: nothing was to run", name, pid, before[name])
			}
		}
	})

	t.Run("an approved restart runs on beta's Monit", func(t *testing.T) {
		code, prop := d.call(t, "POST", "/mother/actions/suggest", `{"action":"restart","host":"beta","service":"web"}`)
		wantCommand := fmt.Sprintf("monit restart web (beta's Monit HTTP interface, %s)", beta.m.URL)
		if code != 200 || prop["host"] != "beta" || prop["command"] != wantCommand {
			t.Fatalf("restart web on beta = %d %v, want a proposal on beta: %s", code, prop, wantCommand)
		}
		code, out := d.call(t, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true}`, prop["id"]))
		if code != 200 || out["status"] != "executed" || out["via"] != "monit-http" || out["host"] != "beta" || out["command"] != wantCommand {
			t.Fatalf("approve = %d %v, want executed through Monit's HTTP interface", code, out)
		}
		beta.m.WaitFor(t, 20*time.Second, func(st engine.Status) bool {
			s, ok := monittest.Find(st, "web")
			return ok && s.Process != nil && engine.ValueOr(s.Process.PID, 0) > 0 && *s.Process.PID != before["beta"]
		})
		// beta restarted (its Monit took at least one cycle): the others' web kept its pid.
		for name, w := range map[string]webMonit{"local": local, "alpha": alpha, "gamma": gamma, "viewer": viewer, "delta": delta} {
			if pid := w.pid(t); pid != before[name] {
				t.Errorf("%s's web has pid %d, was %d: only beta's was to restart", name, pid, before[name])
			}
		}
		_, audit := d.call(t, "GET", "/mother/actions/audit?limit=10", "")
		var rows []string
		for _, e := range audit["entries"].([]any) {
			if row := e.(map[string]any); row["proposal_id"] == prop["id"] {
				rows = append(rows, fmt.Sprintf("%s@%s", row["result"], row["host"]))
				if row["command"] != wantCommand {
					t.Errorf("audit row command = %v, want %s", row["command"], wantCommand)
				}
			}
		}
		if got := strings.Join(rows, ","); got != "executed@beta,approved@beta,proposed@beta" {
			t.Errorf("audit rows of the proposal = %s, want proposed, approved, executed on beta", got)
		}
		// The MACs cover the host: the chain still verifies.
		if out, err := exec.Command(buildBinary(t), "audit", "verify", "--config", cfg).CombinedOutput(); err != nil ||
			!strings.Contains(string(out), "action audit log intact") {
			t.Errorf("audit verify = %v\n%s", err, out)
		}
	})

	t.Run("a read-only user is refused by that Monit, naming the host", func(t *testing.T) {
		code, prop := d.call(t, "POST", "/mother/actions/suggest", `{"action":"restart","host":"viewer","service":"web"}`)
		if code != 200 {
			t.Fatalf("restart web on viewer = %d %v, want a proposal", code, prop)
		}
		code, out := d.call(t, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true}`, prop["id"]))
		if errText := fmt.Sprint(out["error"]); code != 200 || out["status"] != "failed" ||
			!strings.Contains(errText, `host "viewer"`) || !strings.Contains(errText, "monit http 403") {
			t.Errorf("approve with a read-only user = %d %v, want failed with Monit's 403 naming viewer", code, out)
		}
		if pid := viewer.pid(t); pid != before["viewer"] {
			t.Errorf("viewer's web has pid %d, was %d: the read-only user restarted it", pid, before["viewer"])
		}
	})

	t.Run("an unreachable Monit fails naming its host, with no fallback", func(t *testing.T) {
		alpha.m.Stop(t)
		code, prop := d.call(t, "POST", "/mother/actions/suggest", `{"action":"restart","host":"alpha","service":"web"}`)
		if code != 200 {
			t.Fatalf("restart web on alpha = %d %v, want a proposal (alpha's services stay on the board)", code, prop)
		}
		code, out := d.call(t, "POST", "/mother/actions/execute", fmt.Sprintf(`{"id":%q,"approve":true}`, prop["id"]))
		if errText := fmt.Sprint(out["error"]); code != 200 || out["status"] != "failed" || out["via"] != "monit-http" ||
			!strings.Contains(errText, `host "alpha"`) || !strings.Contains(errText, "unreachable") ||
			!strings.Contains(errText, "nothing was run") {
			t.Errorf("approve on a stopped Monit = %d %v, want failed naming alpha, unreachable, nothing run", code, out)
		}
		if pid := local.pid(t); pid != before["local"] {
			t.Errorf("local web has pid %d, was %d: nothing was to run here", pid, before["local"])
		}
	})

	t.Run("no password is logged", func(t *testing.T) {
		for _, m := range []*monittest.Monit{local.m, alpha.m, beta.m, gamma.m, viewer.m, delta.m} {
			if strings.Contains(d.logs.String(), m.Password) || strings.Contains(d.logs.String(), m.ReadOnlyPassword) {
				t.Errorf("the daemon's log shows the password of %s's Monit", m.System)
			}
		}
	})
}
