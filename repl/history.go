package repl

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// defaultHistoryMax is how many input lines the history file keeps.
const defaultHistoryMax = 1000

// DefaultHistoryPath is where the REPL keeps its input history: $XDG_STATE_HOME/monit-intel/
// repl_history, or ~/.local/state/monit-intel/repl_history. getenv is os.Getenv in main.
func DefaultHistoryPath(getenv func(string) string) (string, error) {
	if dir := getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "monit-intel", "repl_history"), nil
	}
	home := getenv("HOME")
	if !filepath.IsAbs(home) {
		return "", errors.New("history path: neither XDG_STATE_HOME nor HOME is an absolute path")
	}
	return filepath.Join(home, ".local", "state", "monit-intel", "repl_history"), nil
}

// historyFile keeps input lines between runs: loaded at start (and cut to max lines), then
// appended line by line, so nothing is lost however the process ends.
type historyFile struct {
	path string
	max  int
	last string
}

// loadHistory reads the history, oldest first. A missing file is an empty history; a file
// longer than max is rewritten with its newest max lines.
func loadHistory(path string, max int) (*historyFile, []string, error) {
	h := &historyFile{path: path, max: max}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil, nil
	}
	if err != nil {
		return h, nil, fmt.Errorf("read history: %w", err)
	}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > max {
		lines = lines[len(lines)-max:]
		if err := h.rewrite(lines); err != nil {
			return h, lines, err
		}
	}
	if len(lines) > 0 {
		h.last = lines[len(lines)-1]
	}
	return h, lines, nil
}

// rewrite replaces the file atomically with lines.
func (h *historyFile) rewrite(lines []string) error {
	tmp, err := os.CreateTemp(filepath.Dir(h.path), ".repl_history-*")
	if err != nil {
		return fmt.Errorf("trim history: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("trim history: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("trim history: %w", err)
	}
	if err := os.Rename(tmp.Name(), h.path); err != nil {
		return fmt.Errorf("trim history: %w", err)
	}
	return nil
}

// add appends one line, skipping blank lines and a repeat of the previous line.
func (h *historyFile) add(line string) error {
	if strings.TrimSpace(line) == "" || line == h.last || strings.ContainsAny(line, "\r\n") {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	if _, err := f.WriteString(line + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("save history: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save history: %w", err)
	}
	h.last = line
	return nil
}
