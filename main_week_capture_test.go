package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit/monittest"
)

var captureWeek = flag.Bool("capture-week", false, "recapture testdata/mother/week/*.xml from the installed monit")

// weekDir holds the recorded week Mother's conversation set runs against: two status
// documents of a real Monit (every check passing, then every check that can fail failing),
// the plan of the week (plan.txt) and the log lines of its services (logs.txt). expandWeek
// turns them into a week of cycles.
const weekDir = "testdata/mother/week"

// weekServices are the checks of the recorded Monit. "failing" is the name Monit's own test
// set-ups use: an ordinary word that must not swallow "why is X failing?".
const weekSystem = "homelab"

// TestCaptureWeek rewrites testdata/mother/week/ok.xml and failing.xml from a live Monit 5.33:
// program checks whose scripts pass or fail on cue (nordvpn_status, nordvpn_reconnect,
// system_backup, nightly_dump, failing), two processes that are killed (media_server,
// web_proxy), a host check against a local HTTP server that is closed (db_host), the root
// filesystem and the system. It only runs with -capture-week: the captures change on every
// run (pids, times, figures).
func TestCaptureWeek(t *testing.T) {
	if !*captureWeek {
		t.Skip("the week is recaptured only with -capture-week")
	}
	m := monittest.New(t)
	m.System = weekSystem
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	port := ln.Addr().(*net.TCPAddr).Port

	programs := map[string][2]string{ // name: output when passing, output and exit when failing
		"nordvpn_status":    {"Status: Connected", `echo "Status: Disconnected"; exit 1`},
		"nordvpn_reconnect": {"You are connected to Germany #812", `echo "Whoops! Connection failed. Please try again."; exit 1`},
		"system_backup":     {"backup complete: 41 GB", `echo "rsync: write failed on \"/mnt/backup/home.tar\": No space left on device (28)"; exit 23`},
		"nightly_dump":      {"dump complete", `echo "pg_dump: error: connection to server on socket failed"; exit 1`},
	}
	var checks strings.Builder
	var flags []string
	for _, name := range []string{"nordvpn_status", "nordvpn_reconnect", "system_backup", "nightly_dump"} {
		flag := filepath.Join(m.Dir, name+".fail")
		flags = append(flags, flag)
		script := m.WriteScript(t, name+".sh", fmt.Sprintf("if [ -e %q ]; then %s; fi\necho %q\n", flag, programs[name][1], programs[name][0]))
		fmt.Fprintf(&checks, "check program %s with path %q\n    if status != 0 then alert\n", name, script)
	}
	failing := m.WriteScript(t, "failing.sh", "echo 'check failed: something is wrong'\nexit 1\n")
	fmt.Fprintf(&checks, "check program failing with path %q\n    if status != 0 then alert\n", failing)
	var pids []int
	for _, name := range []string{"media_server", "web_proxy"} {
		pid := startSleeper(t)
		pids = append(pids, pid)
		pidfile := m.WriteFile(t, name+".pid", strconv.Itoa(pid)+"\n")
		fmt.Fprintf(&checks, "check process %s with pidfile %q\n    if does not exist then alert\n", name, pidfile)
	}
	fmt.Fprintf(&checks, "check host db_host with address 127.0.0.1\n    if failed port %d protocol http request \"/\" then alert\n", port)
	checks.WriteString("check filesystem rootfs with path /\n")
	m.Start(t, checks.String())

	m.WaitFor(t, 60*time.Second, weekReady(false))
	save(t, m, "ok.xml")
	for _, f := range flags {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	srv.Close()
	m.WaitFor(t, 60*time.Second, weekReady(true))
	save(t, m, "failing.xml")
}

// weekReady waits for every check to have its figures (two cycles for process CPU) and to be
// passing, or failing when fail is set; "failing" always fails.
func weekReady(fail bool) func(engine.Status) bool {
	return func(st engine.Status) bool {
		if len(st.Services) != 10 {
			return false
		}
		for _, s := range st.Services {
			switch {
			case s.Monitor&engine.MonitorYes == 0:
				return false
			case s.Type == engine.TypeProgram && s.Program == nil:
				return false
			case s.Type == engine.TypeProcess && !fail && (s.Process == nil || s.Process.CPUPercent == nil || *s.Process.CPUPercent < 0):
				return false
			case s.Type == engine.TypeSystem || s.Type == engine.TypeFilesystem:
				continue
			case s.Name == "failing":
				if !s.Failing() {
					return false
				}
			case s.Failing() != fail:
				return false
			}
		}
		return true
	}
}

// startSleeper starts a process for a process check to watch; it is killed with the test.
func startSleeper(t *testing.T) int {
	cmd := exec.Command("sleep", "100000")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process.Pid
}

// save writes Monit's full status document, as the daemon polls it, to weekDir.
func save(t *testing.T, m *monittest.Monit, name string) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.URL+"/_status?format=xml&level=full", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(m.Username, m.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("fetch status: %d %v", resp.StatusCode, err)
	}
	if err := os.WriteFile(filepath.Join(weekDir, name), body, 0o644); err != nil {
		t.Fatal(err)
	}
}
