package ollamatest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Pinned is the Ollama version the kit builds unless OLLAMA_VERSION says otherwise.
const Pinned = "0.17.4"

// kitFiles must all be present in the kit directory.
const kitFiles = "build-ollama.sh, Modelfile, tiny.gguf"

// findKit returns the directory holding the kit: OLLAMA_E2E_DIR, else ../shared/ollama-e2e
// beside the repository root (the directory holding go.mod), else /work/shared/ollama-e2e.
func findKit() (string, error) {
	var candidates []string
	if dir := os.Getenv("OLLAMA_E2E_DIR"); dir != "" {
		candidates = append(candidates, dir)
	} else {
		if root, err := RepoRoot(); err == nil {
			candidates = append(candidates, filepath.Join(root, "..", "shared", "ollama-e2e"))
		}
		candidates = append(candidates, "/work/shared/ollama-e2e")
	}
	for _, dir := range candidates {
		if hasKit(dir) {
			return filepath.Abs(dir)
		}
	}
	return "", fmt.Errorf("no ollama e2e kit (%s) in %s; set OLLAMA_E2E_DIR", kitFiles,
		strings.Join(candidates, " or "))
}

func hasKit(dir string) bool {
	for _, f := range strings.Split(kitFiles, ", ") {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}

// RepoRoot walks up from the working directory (a package directory under go test) to the
// directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("repo root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repo root: no go.mod above the working directory")
		}
		dir = parent
	}
}

// cachedBinary is where build-ollama.sh puts the binary; it mirrors the script's CACHE line.
func cachedBinary() string {
	version := os.Getenv("OLLAMA_VERSION")
	if version == "" {
		version = Pinned
	}
	cache := os.Getenv("OLLAMA_E2E_CACHE")
	if cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, _ := os.UserHomeDir()
			base = filepath.Join(home, ".cache")
		}
		cache = filepath.Join(base, "monit-intel", "ollama-"+version)
	}
	return filepath.Join(cache, "bin", "ollama")
}

// buildTimeout bounds the build script: a cold build takes about 6 minutes on 2 cores.
const buildTimeout = 20 * time.Minute

// runBuild runs the kit's build script (which returns at once when the binary is cached) and
// returns the path it prints on its last line.
func runBuild(ctx context.Context, kit string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(kit, "build-ollama.sh"))
	cmd.Dir = kit
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("build-ollama.sh: %w: %s", err, tail(stderr.String(), 2000))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	bin := strings.TrimSpace(lines[len(lines)-1])
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("build-ollama.sh printed %q: %w", bin, err)
	}
	return bin, nil
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
