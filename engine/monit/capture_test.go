package monit_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit"
	"monit-intel/engine/monit/monittest"
)

var capture = flag.Bool("capture", false, "recapture testdata/monit/*.xml from the installed monit (then run with -update)")

const fixtureDir = "../../testdata/monit"

// TestCaptureFixtures rewrites the parser's input fixtures from a live Monit. It only runs
// with -capture: the captures change on every run (pids, times), so they are regenerated on
// purpose, never by a plain `go test`.
func TestCaptureFixtures(t *testing.T) {
	if !*capture {
		t.Skip("fixtures are recaptured only with -capture")
	}
	t.Run("all types", captureAllTypes)
	t.Run("quirks", captureQuirks)
}

// captureAllTypes covers every service type and monitor state in one document:
// all-types.xml (/_status), all-types-v2.xml (/_status2), collector-event.xml (an M/Monit
// event message) and the fixtures derived from them.
func captureAllTypes(t *testing.T) {
	collector := newCollector(t)
	tlsServer := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(tlsServer.Close)

	m := monittest.New(t)
	m.Settings = fmt.Sprintf("set mmonit %s/collector", strings.Replace(collector.URL, "http://", "http://monit:monit@", 1))
	sleeper := m.Daemon(t, "sleeper")
	slow := m.Daemon(t, "slowstop")
	m.WriteScript(t, "slowstop-stop.sh", fmt.Sprintf("sleep 4\nkill \"$(cat %[1]q)\"\nrm -f %[1]q\n", slow.PIDFile))
	fail := m.WriteScript(t, "fail.sh", "echo 'check failed: disk almost full'\nexit 1\n")
	m.WriteFile(t, "watched.txt", "hello\n")
	m.WriteFile(t, "dir/keep", "")
	mkfifo(t, filepath.Join(m.Dir, "test.fifo"))
	m.Start(t, fmt.Sprintf(`
%[1]s    if cpu > 90%% for 3 cycles then alert
    group demo
%[2]s
check file watched with path {{DIR}}/watched.txt
    if changed checksum then alert
    if size > 1 MB then alert
    group demo
check program failing with path %[3]q
    if status != 0 then alert
check host closed with address 127.0.0.1
    if failed port %[4]d type tcp with timeout 1 seconds then alert
    if failed ping count 1 with timeout 2 seconds then alert
check host web with address 127.0.0.1
    if failed port %[5]s protocol http request "/ok" then alert
    if failed port %[6]s protocol https and certificate valid > 1 days then alert
check filesystem rootfs with path /
check directory testdir with path {{DIR}}/dir
check fifo testfifo with path {{DIR}}/test.fifo
check network loopback with interface lo
check file missing with path {{DIR}}/does-not-exist.txt
check file idle with path {{DIR}}/watched.txt
check file every3 with path {{DIR}}/watched.txt
    every 3 cycles
check file croncheck with path {{DIR}}/watched.txt
    every "0 0 31 2 *"
`, sleeper.Check(), slow.Check(), fail, monittest.FreePort(t), portOf(collector.URL), portOf(tlsServer.URL)))

	m.WaitFor(t, 30*time.Second, allTypesReady)
	if _, err := m.CLI(t.Context(), "unmonitor", "idle"); err != nil {
		t.Fatal(err)
	}
	m.WaitFor(t, 10*time.Second, func(st engine.Status) bool { return monitorOf(st, "idle") == 0 })
	if _, err := m.CLI(t.Context(), "stop", "slowstop"); err != nil {
		t.Fatal(err)
	}
	v1, v2 := captureBoth(t, m, func(st engine.Status) bool {
		s, _ := monittest.Find(st, "slowstop")
		return s.PendingAction != 0 && monitorOf(st, "every3") == 5 && allTypesReady(st)
	})
	writeFixture(t, "all-types.xml", v1) // the one fixture that keeps <credentials> as captured
	writeFixture(t, "all-types-v2.xml", redactPassword(v2))
	writeFixture(t, "collector-event.xml", redactPassword(collector.lastEvent(t)))
	writeDerived(t, v1)

	bad, err := rawGet(t.Context(), m.URL+"/_status?format=xml", m.Username, "wrong")
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, "bad-401-page.xml", bad)
}

// allTypesReady holds once every service has been checked with the figures Monit shows.
func allTypesReady(st engine.Status) bool {
	find := func(name string) engine.Snapshot { s, _ := monittest.Find(st, name); return s }
	cpu := find("sleeper").Process
	web := find("web")
	closed := find("closed")
	return cpu != nil && cpu.CPUPercent != nil && *cpu.CPUPercent >= 0 &&
		find("failing").Status == engine.BitStatus &&
		closed.Status == engine.BitConnection && len(closed.Icmp) == 1 &&
		find("missing").Status == engine.BitNonExist &&
		webReady(web.Ports) &&
		find("rootfs").Filesystem != nil && find("loopback").Net != nil && find("testfifo").File != nil &&
		monitorOf(st, "croncheck") == 6
}

// webReady holds once both of web's ports answered and the TLS one reported its certificate.
// Monit lists a service's ports in the reverse of their order in the control file.
func webReady(ports []engine.PortCheck) bool {
	cert := false
	for _, p := range ports {
		if p.ResponseSec <= 0 {
			return false
		}
		cert = cert || p.CertDays != nil
	}
	return len(ports) == 2 && cert
}

// captureQuirks records what Monit does with awkward names and program output: unescaped
// '&' and '<', UTF-8 and Latin-1 bytes, control characters, "]]>" in CDATA.
func captureQuirks(t *testing.T) {
	m := monittest.New(t)
	m.System = "quirk&host"
	noisy := m.WriteScript(t, "noisy.sh",
		`printf 'caf\303\251 \351t\351 \033[31mred\033[0m bell\007 nul-free \001\002 tab\there <b>bold</b> & ]]> end\n'
exit 3
`)
	ok := m.WriteScript(t, "ok.sh", "exit 0\n")
	checks := fmt.Sprintf(`
check program noisy with path %[1]q
    if status != 0 then alert
check program "amp&lt<name>" with path %[2]q
    if status != 0 then alert
check program "café" with path %[2]q
    if status != 0 then alert
check program "caf`+"\xe9"+`-latin1" with path %[2]q
    if status != 0 then alert
check program "a]]>b & <c>" with path %[2]q
    if status != 0 then alert
`, noisy, ok)
	m.Start(t, checks)
	v1, v2 := captureBoth(t, m, func(st engine.Status) bool {
		for _, s := range st.Services {
			if s.Type == engine.TypeProgram && s.Program == nil {
				return false
			}
		}
		return len(st.Services) == 6
	})
	writeFixture(t, "quirks.xml", v1)
	writeFixture(t, "quirks-v2.xml", v2)
}

// captureBoth fetches /_status and /_status2 back to back until both satisfy ready.
func captureBoth(t *testing.T, m *monittest.Monit, ready func(engine.Status) bool) (v1, v2 []byte) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var err1, err2 error
		v1, err1 = rawGet(t.Context(), m.URL+"/_status?format=xml", m.Username, m.Password)
		v2, err2 = rawGet(t.Context(), m.URL+"/_status2?format=xml", m.Username, m.Password)
		if err1 == nil && err2 == nil && parsesAndHolds(v1, ready) && parsesAndHolds(v2, ready) {
			return v1, v2
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no capture satisfied the condition in time; last:\n%s", v1)
	return nil, nil
}

func parsesAndHolds(doc []byte, ready func(engine.Status) bool) bool {
	st, err := monit.ParseStatus(bytes.NewReader(doc))
	return err == nil && ready(st)
}

// writeDerived writes the hand-made edge cases, each a small edit of the live capture.
func writeDerived(t *testing.T, v1 []byte) {
	t.Helper()
	doc := redactPassword(v1)
	half := bytes.Index(doc, []byte(`<name>rootfs</name>`))
	writeFixture(t, "bad-truncated.xml", doc[:half+10])
	writeFixture(t, "bad-truncated-root.xml", bytes.TrimSuffix(doc, []byte("</monit>")))
	writeFixture(t, "bad-name-closes-itself.xml",
		bytes.Replace(doc, []byte("<name>missing</name>"), []byte("<name>miss</name>ing</name>"), 1))
	// A control file saved in Latin-1 throughout: Monit copies its bytes as they are.
	latin1 := bytes.Replace(doc, []byte("<name>watched</name>"), []byte("<name>fichier-surveill\xe9</name>"), 1)
	writeFixture(t, "latin1-name.xml", latin1)
}

var passwordRE = regexp.MustCompile(`<password>[^<]*</password>`)

// redactPassword replaces the captured admin password in fixtures that do not need it.
func redactPassword(doc []byte) []byte {
	return passwordRE.ReplaceAll(doc, []byte("<password>REDACTED</password>"))
}

func writeFixture(t *testing.T, name string, doc []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(fixtureDir, name), doc, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", name, len(doc))
}

func rawGet(ctx context.Context, url, user, password string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func monitorOf(st engine.Status, name string) engine.MonitorState {
	s, ok := monittest.Find(st, name)
	if !ok {
		return 255
	}
	return s.Monitor
}

func portOf(url string) string { return url[strings.LastIndexByte(url, ':')+1:] }

// collector is a stand-in M/Monit that keeps the event messages Monit posts.
type collector struct {
	*httptest.Server
	mu     sync.Mutex
	events [][]byte
}

func newCollector(t *testing.T) *collector {
	c := &collector{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte("<event>")) {
			c.mu.Lock()
			c.events = append(c.events, body)
			c.mu.Unlock()
		}
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *collector) lastEvent(t *testing.T) []byte {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.events) == 0 {
		t.Fatal("monit posted no event message to the collector")
	}
	return c.events[len(c.events)-1]
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}
