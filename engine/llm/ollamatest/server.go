package ollamatest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Model is the name Start gives the tiny model.
const Model = "tiny"

// Bounds of the start-up steps; generous because the machine's 2 cores are shared.
const (
	readyTimeout  = 30 * time.Second
	createTimeout = 60 * time.Second
	stopTimeout   = 10 * time.Second
)

// Server is a running `ollama serve` with the tiny model created.
type Server struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// Model is the tiny model's name ("tiny").
	Model string
	// Bin is the ollama binary.
	Bin string
	// Kit is the kit directory (Modelfile, tiny.gguf).
	Kit string
	// ModelsDir is the server's OLLAMA_MODELS, a temp dir (it shows in /api/show).
	ModelsDir string

	logPath string
}

// Start runs a fresh Ollama server for t and creates the tiny model in it. The server is
// stopped when t ends. See the package doc for when it skips.
func Start(t testing.TB) *Server {
	t.Helper()
	kit, err := findKit()
	if err != nil {
		unavailable(t, "%v", err)
	}
	if _, err := os.Stat(cachedBinary()); err != nil && os.Getenv("CI") != "true" {
		unavailable(t, "ollama is not built (no %s): run bash %s first (about 6 minutes cold)",
			cachedBinary(), filepath.Join(kit, "build-ollama.sh"))
	}
	bin, err := runBuild(t.Context(), kit)
	if err != nil {
		unavailable(t, "%v", err)
	}
	dir := t.TempDir()
	s := &Server{Model: Model, Bin: bin, Kit: kit, logPath: filepath.Join(dir, "ollama.log")}
	port, err := freePort()
	if err != nil {
		t.Fatalf("ollamatest: %v", err)
	}
	host := fmt.Sprintf("127.0.0.1:%d", port)
	s.URL = "http://" + host
	models, home := filepath.Join(dir, "models"), filepath.Join(dir, "home")
	s.ModelsDir = models
	for _, d := range []string{models, home} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatalf("ollamatest: %v", err)
		}
	}
	env := serverEnv(host, models, home)
	if err := s.serve(t, env); err != nil {
		t.Fatalf("ollamatest: %v\n%s", err, s.Logs())
	}
	if err := s.createModel(t.Context(), env); err != nil {
		t.Fatalf("ollamatest: %v\n%s", err, s.Logs())
	}
	return s
}

// Logs returns what the server has logged so far (e.g. "truncating input prompt").
func (s *Server) Logs() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return fmt.Sprintf("(no ollama log: %v)", err)
	}
	return string(b)
}

// unavailable skips t, or fails it under CI=true, where the tool must be there.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("ollamatest (CI=true): "+format, args...)
	}
	t.Skipf("ollamatest: "+format, args...)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// serverEnv is the caller's environment without its OLLAMA_* settings (OLLAMA_DEBUG is kept
// for diagnosis), plus the server's own.
func serverEnv(host, models, home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OLLAMA_") && !strings.HasPrefix(kv, "OLLAMA_DEBUG=") {
			continue
		}
		if strings.HasPrefix(kv, "HOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "OLLAMA_HOST="+host, "OLLAMA_MODELS="+models, "HOME="+home,
		"OLLAMA_NO_CLOUD=1")
}

// serve starts `ollama serve` in its own process group and waits until it answers.
func (s *Server) serve(t testing.TB, env []string) error {
	logFile, err := os.Create(s.logPath)
	if err != nil {
		return fmt.Errorf("ollama log: %w", err)
	}
	cmd := exec.Command(s.Bin, "serve")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start %s serve: %w", s.Bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(exited)
	}()
	t.Cleanup(func() { stop(t, cmd.Process.Pid, exited) })
	return s.waitReady(t.Context(), exited)
}

// stop interrupts the server (it stops its runners), then kills whatever is left of its
// process group.
func stop(t testing.TB, pid int, exited <-chan struct{}) {
	_ = syscall.Kill(pid, syscall.SIGINT)
	select {
	case <-exited:
	case <-time.After(stopTimeout):
		t.Logf("ollamatest: ollama (pid %d) ignored SIGINT for %s, killing it", pid, stopTimeout)
	}
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		t.Logf("ollamatest: kill process group %d: %v", pid, err)
	}
	<-exited
}

// waitReady polls GET /api/version until it answers, the server exits or readyTimeout passes.
func (s *Server) waitReady(ctx context.Context, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/version", nil)
		if err != nil {
			return fmt.Errorf("wait for ollama: %w", err)
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errors.New("ollama serve exited before it answered")
		case <-ctx.Done():
			return fmt.Errorf("ollama serve did not answer %s/api/version within %s", s.URL,
				readyTimeout)
		case <-tick.C:
		}
	}
}

// createModel runs `ollama create tiny -f Modelfile` in the kit directory against the server.
func (s *Server) createModel(ctx context.Context, env []string) error {
	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.Bin, "create", s.Model, "-f", "Modelfile")
	cmd.Dir = s.Kit
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("ollama create %s: %w: %s", s.Model, err, tail(string(out), 2000))
	}
	return nil
}
