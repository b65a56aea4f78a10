package monittest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit"
)

// Timeouts of the harness itself.
const (
	startTimeout = 15 * time.Second
	stopTimeout  = 5 * time.Second
	pollEvery    = 100 * time.Millisecond
	bindAttempts = 3
)

// DirPlaceholder in the checks given to Start is replaced by Monit.Dir.
const DirPlaceholder = "{{DIR}}"

// Monit is one Monit daemon run by a test. Fields are set by New; System and Settings may be
// changed before Start.
type Monit struct {
	// Listen is where Monit's httpd listens; ListenTCP unless changed before Start.
	Listen Listen
	// URL is the httpd base URL: http://127.0.0.1:PORT, https://127.0.0.1:PORT with
	// ListenTLS, unix://DIR/monit.sock with ListenUnix.
	URL string
	// CAFile is the PEM certificate Monit serves with ListenTLS (self-signed, made by Start),
	// to trust it with monit.TLSOptions.
	CAFile string
	// Username and Password are the admin credentials (allow user:"password").
	Username, Password string
	// ReadOnlyUsername and ReadOnlyPassword are a read-only user (403 on actions).
	ReadOnlyUsername, ReadOnlyPassword string
	// Dir is the temporary directory holding the control file, Monit's own files and
	// whatever the checks refer to.
	Dir string
	// ControlFile is the monitrc path (mode 0600, as Monit requires).
	ControlFile string
	// System is the `check system` name, which Monit reports as <localhostname>: the Host
	// of every snapshot. Default "monittest".
	System string
	// Settings are extra global statements written before the checks, e.g. a `set mmonit`
	// line.
	Settings string
	// Client fetches this Monit's status with the admin credentials (set by Start).
	Client *monit.Client

	bin     string
	marker  string
	cmd     *exec.Cmd
	exited  chan struct{}
	stopped bool
}

// New prepares a Monit (directory, credentials) without starting it, so that a test can
// write scripts into Dir first. It skips the test when monit is missing, and fails it
// under CI=true.
func New(t testing.TB) *Monit {
	t.Helper()
	bin, err := exec.LookPath("monit")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("monit is not installed (CI=true): %v", err)
		}
		t.Skipf("monit is not installed (apt-get install monit): %v", err)
	}
	// Not t.TempDir: its name comes from the test name, and characters such as '#' would
	// change the meaning of the control file.
	dir, err := os.MkdirTemp("", "monittest-")
	if err != nil {
		t.Fatalf("monittest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return &Monit{
		Username:         "admin",
		Password:         randomHex(t, 12),
		ReadOnlyUsername: "guest",
		ReadOnlyPassword: randomHex(t, 12),
		Dir:              dir,
		ControlFile:      filepath.Join(dir, "monitrc"),
		System:           "monittest",
		bin:              bin,
		marker:           "MONITTEST_RUN=" + randomHex(t, 16),
	}
}

// Start is New followed by Monit.Start.
func Start(t testing.TB, checks string) *Monit {
	t.Helper()
	m := New(t)
	m.Start(t, checks)
	return m
}

// Start writes the control file with checks (DirPlaceholder replaced by Dir), runs
// `monit -I -c ControlFile`, and returns once /_status?format=xml answers. The daemon and
// everything it started are stopped on t.Cleanup.
func (m *Monit) Start(t testing.TB, checks string) {
	t.Helper()
	if m.cmd != nil {
		t.Fatal("monittest: Start called twice")
	}
	t.Cleanup(func() { m.cleanup(t) })
	checks = strings.ReplaceAll(checks, DirPlaceholder, m.Dir)
	if m.Listen == ListenTLS {
		m.CAFile = m.writeCertificate(t)
	}
	var lastErr error
	for range bindAttempts {
		port := FreePort(t)
		m.URL = m.Listen.url(m.Dir, port)
		m.writeControlFile(t, m.Listen.httpd(m.Dir, port, m.pemFile()), checks)
		m.launch(t)
		if lastErr = m.waitReady(t); lastErr == nil {
			return
		}
		m.stop()
		if !errors.Is(lastErr, errPortTaken) {
			break
		}
	}
	t.Fatalf("monittest: monit did not come up: %v\n%s", lastErr, m.Output())
}

var errPortTaken = errors.New("httpd port taken")

func (m *Monit) writeControlFile(t testing.TB, httpd, checks string) {
	t.Helper()
	rc := fmt.Sprintf(`set daemon 1
set logfile %[1]s/monit.log
set pidfile %[1]s/monit.pid
set idfile %[1]s/monit.id
set statefile %[1]s/monit.state
%[2]s
    allow %[3]s:"%[4]s"
    allow %[5]s:"%[6]s" read-only
%[7]s
check system %[8]s
%[9]s
`, m.Dir, httpd, m.Username, m.Password, m.ReadOnlyUsername, m.ReadOnlyPassword,
		m.Settings, quoteName(m.System), checks)
	if err := os.WriteFile(m.ControlFile, []byte(rc), 0o600); err != nil {
		t.Fatalf("monittest: %v", err)
	}
	// WriteFile keeps the mode of an existing file; Monit refuses a readable monitrc.
	if err := os.Chmod(m.ControlFile, 0o600); err != nil {
		t.Fatalf("monittest: %v", err)
	}
	client, err := monit.New(monit.Options{URL: m.URL, Username: m.Username, Password: m.Password, Timeout: 5 * time.Second,
		TLS: monit.TLSOptions{CAFile: m.CAFile}})
	if err != nil {
		t.Fatalf("monittest: %v", err)
	}
	m.Client = client
}

func (m *Monit) launch(t testing.TB) {
	t.Helper()
	out, err := os.Create(m.outputPath())
	if err != nil {
		t.Fatalf("monittest: %v", err)
	}
	defer out.Close()
	cmd := exec.Command(m.bin, "-I", "-c", m.ControlFile)
	cmd.Dir = m.Dir
	cmd.Stdout, cmd.Stderr = out, out
	// Monit passes its environment to the programs it starts; the marker finds them later.
	cmd.Env = append(os.Environ(), m.marker)
	if err := cmd.Start(); err != nil {
		t.Fatalf("monittest: start monit: %v", err)
	}
	m.cmd, m.exited, m.stopped = cmd, make(chan struct{}), false
	go func() {
		_ = cmd.Wait()
		close(m.exited)
	}()
}

// waitReady polls the status until it parses, the daemon exits, or its httpd cannot bind.
func (m *Monit) waitReady(t testing.TB) error {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	var lastErr error
	for time.Now().Before(deadline) {
		if strings.Contains(m.Output(), "Cannot bind") {
			return errPortTaken
		}
		select {
		case <-m.exited:
			return fmt.Errorf("monit exited: %s", m.cmd.ProcessState)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, lastErr = m.Client.Fetch(ctx)
		cancel()
		if lastErr == nil {
			return nil
		}
		time.Sleep(pollEvery)
	}
	return fmt.Errorf("no status after %s: %w", startTimeout, lastErr)
}

// Stop stops the daemon and the processes it started. Cleanup calls it; a test may call it
// earlier (to test an unreachable Monit, say).
func (m *Monit) Stop(t testing.TB) {
	t.Helper()
	if err := m.stop(); err != nil {
		t.Errorf("monittest: %v", err)
	}
}

func (m *Monit) stop() error {
	if m.cmd == nil || m.stopped {
		return nil
	}
	m.stopped = true
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case <-m.exited:
	case <-time.After(stopTimeout):
		_ = m.cmd.Process.Kill()
		<-m.exited
		err = fmt.Errorf("monit (pid %d) ignored SIGTERM for %s and was killed", m.cmd.Process.Pid, stopTimeout)
	}
	return errors.Join(err, killMarked(m.marker))
}

func (m *Monit) cleanup(t testing.TB) {
	if err := m.stop(); err != nil {
		t.Errorf("monittest: %v", err)
	}
	if t.Failed() {
		t.Logf("monittest: monit output:\n%s", m.Output())
	}
}

// Output returns what the daemon printed so far (its log goes there too).
func (m *Monit) Output() string {
	b, err := os.ReadFile(m.outputPath())
	if err != nil {
		return ""
	}
	return string(b)
}

func (m *Monit) outputPath() string { return filepath.Join(m.Dir, "monit.out") }

// Fetch returns the current status, failing the test on error.
func (m *Monit) Fetch(t testing.TB) engine.Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := m.Client.Fetch(ctx)
	if err != nil {
		t.Fatalf("monittest: %v", err)
	}
	return st
}

// WaitFor polls the status (every 200 ms, one Monit cycle is 1 s) until cond holds, and
// returns that status. It fails the test after timeout, showing the last status.
func (m *Monit) WaitFor(t testing.TB, timeout time.Duration, cond func(engine.Status) bool) engine.Status {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last engine.Status
	var lastErr error
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		last, lastErr = m.Client.Fetch(ctx)
		cancel()
		if lastErr == nil && cond(last) {
			return last
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if lastErr != nil {
		t.Fatalf("monittest: condition not met within %s; last fetch: %v", timeout, lastErr)
	}
	t.Fatalf("monittest: condition not met within %s; last status:\n%s", timeout, Summary(last))
	return engine.Status{}
}

// CLI runs `monit -c ControlFile args...` and returns its combined output. With the daemon
// running, actions (start, stop, restart, monitor, unmonitor) go through its httpd and
// return as soon as they are accepted.
func (m *Monit) CLI(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, m.bin, append([]string{"-c", m.ControlFile}, args...)...)
	cmd.Env = append(os.Environ(), m.marker)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("monit %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return string(out), nil
}

// FreePort asks the kernel for a free loopback port: one nothing listens on, for a closed-port
// check or a server a test starts. Another process may take it before it is used; Start
// retries with a new one.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("monittest: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("monittest: %v", err)
	}
	return hex.EncodeToString(b)
}

// quoteName quotes a service name for the control file, so that names which are Monit
// keywords (or contain spaces) stay names.
func quoteName(s string) string { return `"` + s + `"` }
