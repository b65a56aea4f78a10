package promtest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tool returns the path of a Prometheus tool ("promtool", "prometheus"); without it the test
// skips, or fails under CI=true.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (CI=true; Debian's prometheus package): %v", name, err)
		}
		t.Skipf("%s is not installed (Debian's prometheus package): %v", name, err)
	}
	return p
}

// Server is a running Prometheus.
type Server struct {
	URL  string
	logs *buffer
}

// Start runs Prometheus with config (prometheus.yml) on a free loopback port and returns it
// once it is ready. Files the config names belong in dir.
func Start(t testing.TB, dir, config string) *Server {
	t.Helper()
	bin := Tool(t, "prometheus")
	cfgFile := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	s := &Server{URL: "http://" + addr, logs: &buffer{}}
	cmd := exec.Command(bin, "--config.file="+cfgFile, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+addr)
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.URL + "/-/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-done:
			t.Fatalf("prometheus exited:\n%s", s.logs)
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("prometheus not ready within 20s:\n%s", s.logs)
	return nil
}

// Query runs an instant PromQL query and returns the label set of each series.
func (s *Server) Query(t testing.TB, query string) []map[string]string {
	t.Helper()
	resp, err := http.Get(s.URL + "/api/v1/query?query=" + url.QueryEscape(query))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Status, Error string
		Data          struct {
			Result []struct{ Metric map[string]string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Status != "success" {
		t.Fatalf("query %s: %v %s %s", query, err, body.Status, body.Error)
	}
	out := make([]map[string]string, 0, len(body.Data.Result))
	for _, r := range body.Data.Result {
		out = append(out, r.Metric)
	}
	return out
}

// Targets is Prometheus's view of its targets (health, last error), for a failure message.
func (s *Server) Targets() string {
	resp, err := http.Get(s.URL + "/api/v1/targets")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8192))
	return string(b)
}

// CheckMetrics runs `promtool check metrics` over a scrape's text.
func CheckMetrics(t testing.TB, text string) {
	t.Helper()
	run(t, text, "check", "metrics")
}

// CheckRules runs `promtool check rules` over a rules file's text.
func CheckRules(t testing.TB, rules string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(file, []byte(rules), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "", "check", "rules", file)
}

func run(t testing.TB, stdin string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), Tool(t, "promtool"), args...)
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// buffer collects Prometheus's output, written by exec's copying goroutine while the test
// may read it.
type buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
