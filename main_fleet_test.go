package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"monit-intel/engine/monit/monittest"
)

// fleetMonit is one real Monit of the fleet test.
type fleetMonit struct {
	m   *monittest.Monit
	job monittest.Toggle
}

// startPusher starts a Monit that pushes to the daemon as it would to M/Monit.
func startPusher(t *testing.T, d *daemon, name, user, pass, extra string) fleetMonit {
	t.Helper()
	m := monittest.New(t)
	m.System = name
	m.Settings = fmt.Sprintf("set mmonit http://%s:%s@%s/collector timeout 2 seconds",
		user, pass, strings.TrimPrefix(d.url, "http://"))
	job := m.Toggle(t, "job")
	m.Start(t, job.Check()+extra)
	return fleetMonit{m: m, job: job}
}

// hostsOf returns /hosts as name → its fields.
func hostsOf(t *testing.T, d *daemon) map[string]map[string]any {
	t.Helper()
	_, body := d.call(t, "GET", "/hosts", "")
	out := map[string]map[string]any{}
	list, _ := body["hosts"].([]any)
	for _, h := range list {
		m := h.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

func failingOn(t *testing.T, d *daemon, host string) float64 {
	t.Helper()
	code, body := d.call(t, "GET", "/status?failing=true&host="+host, "")
	if code != 200 {
		return -1
	}
	n, _ := body["count"].(float64)
	return n
}

// postCollector sends one collector message as Monit does.
func postCollector(t *testing.T, d *daemon, user, pass, encoding string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest("POST", d.url+"/collector", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, pass)
	req.Header.Set("Content-Type", "text/xml")
	if encoding != "" {
		req.Header.Set("Content-Encoding", encoding)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /collector: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// sampleMessage is a message a real Monit 5.33 sent, with its id and name replaced.
func sampleMessage(t *testing.T, id, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("engine/fleet/testdata/heartbeat.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "515284eeec9a806daa177124adab5321", id, 1)
	return []byte(strings.Replace(s, "<localhostname>vm</localhostname>", "<localhostname>"+name+"</localhostname>", 1))
}

// TestFleetOfRealMonits runs the real binary with three real Monits pushing to /collector
// and a fourth one polled.
func TestFleetOfRealMonits(t *testing.T) {
	polled := monittest.New(t)
	polled.System = "delta"
	pjob := polled.Toggle(t, "job")
	polled.Start(t, pjob.Check())
	cfg := writeConfig(t, fmt.Sprintf(`monit:
  - url: %s
    username: %s
    password: %s
    interval: 1s
collector:
  users:
    monit: push-pw
  max_bytes: 65536
data_dir: %s
ollama:
  url: http://127.0.0.1:%d
  timeout: 1s
`, polled.URL, polled.Username, polled.Password, t.TempDir(), monittest.FreePort(t)))
	if code, _, errOut := runUser(t, "vera-password\n", "add", "vera", "--config", cfg); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	d := startDaemon(t, cfg, "MONIT_INTEL_LOG_LEVEL=debug")

	alpha := startPusher(t, d, "alpha", "monit", "push-pw", `check program "worker" with path "/bin/true"
    if status != 0 then alert
`)
	beta := startPusher(t, d, "beta", "monit", "push-pw", "")
	gamma := startPusher(t, d, "gamma", "monit", "push-pw", "")
	waitFor(t, 20*time.Second, func() bool {
		h := hostsOf(t, d)
		return h["alpha"]["source"] == "push" && h["beta"]["source"] == "push" && h["gamma"]["source"] == "push" &&
			h["delta"]["source"] == "poll"
	})

	t.Run("failures appear under the right host", func(t *testing.T) {
		alpha.job.Fail(t)
		gamma.job.Fail(t)
		waitFor(t, 20*time.Second, func() bool {
			return failingOn(t, d, "alpha") == 1 && failingOn(t, d, "gamma") == 1
		})
		if n := failingOn(t, d, "beta"); n != 0 {
			t.Errorf("beta has %v failing services, want 0", n)
		}
		_, hist := d.call(t, "GET", "/history?service=job&limit=20", "")
		hosts := map[string]bool{}
		for _, e := range hist["events"].([]any) {
			ev := e.(map[string]any)
			if ev["kind"] == "NEW" {
				hosts[ev["host"].(string)] = true
			}
		}
		if !hosts["alpha"] || !hosts["gamma"] || hosts["beta"] || hosts["delta"] {
			t.Errorf("NEW events of job on %v, want alpha and gamma", hosts)
		}
		// Monit pushed the event itself as the state changed; nothing polls these hosts.
		if logs := d.logs.String(); !regexp.MustCompile(`msg="monit event" .*host=alpha service=job event="Status failed"`).MatchString(logs) {
			t.Errorf("no event message from alpha in the log:\n%s", logs)
		}
	})

	t.Run("a recovery is logged as one, in Monit's words", func(t *testing.T) {
		alpha.job.Pass(t)
		waitFor(t, 20*time.Second, func() bool { return failingOn(t, d, "alpha") == 0 })
		waitFor(t, 10*time.Second, func() bool {
			return regexp.MustCompile(`msg="monit event" .*host=alpha service=job event="Status succeeded" state=succeeded`).MatchString(d.logs.String())
		})
		if regexp.MustCompile(`msg="monit event" .* state=[0-9]`).MatchString(d.logs.String()) {
			t.Errorf("a Monit event's state is logged as a number:\n%s", d.logs)
		}
		if !regexp.MustCompile(`msg=analysed .*host=gamma service=job`).MatchString(d.logs.String()) {
			t.Errorf("gamma's job analysis is not logged with its host:\n%s", d.logs)
		}
		if code, body := d.call(t, "GET", "/history?service=job&host=GAMMA", ""); code != 404 ||
			!strings.Contains(fmt.Sprint(body["detail"]), `did you mean "gamma"`) {
			t.Errorf("/history?host=GAMMA = %d %v, want a 404 suggesting gamma", code, body)
		}
	})

	t.Run("actions reach another host only through a hosts entry", func(t *testing.T) {
		waitFor(t, 10*time.Second, func() bool {
			code, _ := d.call(t, "POST", "/mother/actions/suggest", `{"action":"restart","host":"delta","service":"job"}`)
			return code == 200 // delta, the polled Monit, is this machine's
		})
		code, body := d.call(t, "POST", "/mother/actions/suggest", `{"action":"restart","service":"worker"}`)
		if code != 422 || !strings.Contains(fmt.Sprint(body["detail"]), "no hosts.alpha entry") {
			t.Errorf("restart of alpha's worker = %d %v, want it refused for want of hosts.alpha", code, body)
		}
	})

	t.Run("bad credentials are refused and store nothing", func(t *testing.T) {
		for _, c := range []struct{ user, pass string }{{"monit", "wrong"}, {"nobody", "push-pw"}, {"", ""}} {
			if code := postCollector(t, d, c.user, c.pass, "", sampleMessage(t, "0123456789abcdef0123456789abcdef", "intruder")); code != 401 {
				t.Errorf("push as %q = %d, want 401", c.user, code)
			}
		}
		if _, ok := hostsOf(t, d)["intruder"]; ok {
			t.Error("a push with bad credentials created a host")
		}
		if code, body := d.call(t, "GET", "/status?host=intruder", ""); code != 404 ||
			!strings.Contains(fmt.Sprint(body["detail"]), `unknown host "intruder": the known hosts are alpha, beta, delta, gamma`) {
			t.Errorf("/status?host=intruder = %d %v, want a 404 naming the known hosts", code, body)
		}
	})

	t.Run("a gzip push is read", func(t *testing.T) {
		// Real Monits gzip once the collector answered `Server: mmonit/3.7`.
		if !regexp.MustCompile(`msg="collector message" .*host=alpha .*gzip=true`).MatchString(d.logs.String()) {
			t.Errorf("alpha's Monit never sent a gzip message:\n%s", d.logs)
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(sampleMessage(t, "fedcba9876543210fedcba9876543210", "zipped"))
		zw.Close()
		if code := postCollector(t, d, "monit", "push-pw", "gzip", buf.Bytes()); code != 200 {
			t.Fatalf("gzip push = %d, want 200", code)
		}
		if h := hostsOf(t, d)["zipped"]; h == nil || h["services"] == float64(0) {
			t.Errorf("the gzip push's host: %v", h)
		}
	})

	t.Run("malformed and oversized pushes are refused, the daemon stays up", func(t *testing.T) {
		valid := sampleMessage(t, "00000000000000000000000000000001", "broken")
		cases := []struct {
			name     string
			body     []byte
			encoding string
			want     int
		}{
			{"truncated", valid[:len(valid)/2], "", 400},
			{"not xml", []byte("hello"), "", 400},
			{"not gzip", valid, "gzip", 400},
			{"oversized", bytes.Repeat([]byte("<a>"), 30000), "", 413},
		}
		for _, c := range cases {
			if code := postCollector(t, d, "monit", "push-pw", c.encoding, c.body); code != c.want {
				t.Errorf("%s push = %d, want %d", c.name, code, c.want)
			}
		}
		if code, _ := d.call(t, "GET", "/health", ""); code != 200 {
			t.Errorf("/health after bad pushes = %d", code)
		}
		if _, ok := hostsOf(t, d)["broken"]; ok {
			t.Error("a refused push created a host")
		}
	})

	t.Run("a killed Monit becomes STALE, then RECOVERED", func(t *testing.T) {
		beta.m.Stop(t)
		waitFor(t, 20*time.Second, func() bool {
			_, h := d.call(t, "GET", "/health", "")
			return strings.Contains(fmt.Sprint(h["stale_hosts"]), "name:beta")
		})
		checkFleetUI(t, d, "vera", "vera-password")
		_, reply := d.call(t, "POST", "/mother/chat", `{"message":"what's broken?","session":"stale"}`)
		if text := fmt.Sprint(reply["text"]); !strings.Contains(text, "beta is silent since") || !strings.Contains(text, "(STALE)") {
			t.Errorf("Mother's overview with beta STALE does not say so:\n%s", text)
		}
		beta.m.Restart(t)
		waitFor(t, 20*time.Second, func() bool {
			_, h := d.call(t, "GET", "/health", "")
			return !strings.Contains(fmt.Sprint(h["stale_hosts"]), "name:beta")
		})
		_, reply = d.call(t, "POST", "/mother/chat", `{"message":"what's broken?","session":"stale"}`)
		if text := fmt.Sprint(reply["text"]); strings.Contains(text, "silent") {
			t.Errorf("Mother's overview still calls beta silent after RECOVERED:\n%s", text)
		}
		_, hist := d.call(t, "GET", "/history?service=Monit&limit=50", "")
		var kinds []string
		for _, e := range hist["events"].([]any) {
			if ev := e.(map[string]any); ev["host"] == "beta" {
				kinds = append(kinds, ev["kind"].(string))
			}
		}
		if got := strings.Join(kinds, ","); got != "RECOVERED,STALE" { // newest first
			t.Errorf("beta's host events = %s, want STALE then RECOVERED", got)
		}
	})
}
