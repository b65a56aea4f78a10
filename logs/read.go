package logs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Result is what one read of a service's logs returned.
type Result struct {
	Service  string   `json:"service"`
	Strategy Strategy `json:"strategy"`
	// Source says where the lines came from, for a person: the file read, or
	// "journalctl -u UNIT" (with "--directory DIR" when one is set).
	Source string `json:"source"`
	// File is the file read by tail and glob (for glob, the newest match); empty for journalctl.
	File string `json:"file,omitempty"`
	// Lines are the last lines, oldest first: sanitised (MaxLineBytes, valid UTF-8, no NUL) and
	// redacted by the registry's Redactor.
	Lines []string `json:"lines"`
	// MaxLines is the number of lines asked for after clamping to the entry's max_lines.
	MaxLines int `json:"max_lines"`
	// Empty is true when the source had no lines at all (an empty file, a unit with no entries).
	Empty bool `json:"empty"`
	// Untimed is set by ReadWindow when the file's lines carry no time the reader knows: the
	// lines are then the newest, whatever the window.
	Untimed bool `json:"untimed,omitempty"`
}

// Read returns the last n lines of a service's logs. n <= 0 means the entry's max_lines, and a
// larger n is clamped to it. A service without an entry gives an error wrapping ErrNoSource;
// every other error names the service and the source. The lines are sanitised and redacted:
// they go to the REST API and to the LLM, and nothing that reads logs needs the secrets.
func (r *Registry) Read(ctx context.Context, service string, n int) (Result, error) {
	return r.ReadWindow(ctx, service, n, time.Time{}, time.Time{})
}

// ReadWindow is Read restricted to the lines logged in [since, until] (a zero since means no
// window, a zero until means no end): journalctl gets --since and --until; a file's lines are
// placed by the time they start with (see lineTime), among its last windowScanLines lines.
// A file whose lines carry no time gives its newest lines, and Result.Untimed says so.
func (r *Registry) ReadWindow(ctx context.Context, service string, n int, since, until time.Time) (Result, error) {
	src, ok := r.sources[service]
	if !ok {
		return Result{}, fmt.Errorf("%w for %q%s", ErrNoSource, service, r.withLogs())
	}
	if n <= 0 || n > src.MaxLines {
		n = src.MaxLines
	}
	res := Result{Service: service, Strategy: src.Strategy, MaxLines: n}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("read logs of %q: %w", service, err)
	}
	var lines []string
	var err error
	switch src.Strategy {
	case StrategyTail:
		res.Source, res.File = src.Path, src.Path
		lines, res.Untimed, err = r.fileWindow(src.Path, n, since, until)
	case StrategyGlob:
		res.Source = "glob " + src.Path
		res.File, err = newestMatch(src.Path)
		if err == nil {
			res.Source = res.File
			lines, res.Untimed, err = r.fileWindow(res.File, n, since, until)
		}
	case StrategyJournalctl:
		res.Source = journalSource(src)
		lines, err = r.journal(ctx, src, n, since, until)
	}
	if err != nil {
		return res, fmt.Errorf("read logs of %q from %s: %w", service, res.Source, err)
	}
	res.Lines = r.redactor.Lines(lines)
	res.Empty = len(res.Lines) == 0
	return res, nil
}

// newestMatch returns the regular file matching pattern with the latest modification time; a tie
// goes to the greatest name, so backup_log_2024-05-02 beats backup_log_2024-05-01 written in the
// same second. A match that is a symbolic link, a directory or any other non-regular file is
// skipped (Lstat: a link is never followed, whatever it points at).
func newestMatch(pattern string) (string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return "", fmt.Errorf("glob %q: %w", pattern, err)
	}
	var best string
	var bestTime time.Time
	skipped := 0
	for _, m := range matches {
		info, err := os.Lstat(m)
		if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the glob ran (rotation)
		}
		if err != nil {
			return "", err
		}
		if !info.Mode().IsRegular() {
			skipped++
			continue
		}
		t := info.ModTime()
		if best == "" || t.After(bestTime) || (t.Equal(bestTime) && m > best) {
			best, bestTime = m, t
		}
	}
	switch {
	case best == "" && skipped > 0:
		return "", fmt.Errorf("%w: no regular file matches %q (%d links, directories or special files skipped)",
			ErrNotLogFile, pattern, skipped)
	case best == "":
		return "", fmt.Errorf("no file matches %q", pattern)
	}
	return best, nil
}

// maxNamed bounds the services named by withLogs.
const maxNamed = 20

// withLogs names the services that have a log source, for an error about one that has none.
func (r *Registry) withLogs() string {
	names := r.Services()
	switch {
	case len(names) == 0:
		return " (no service has one: add entries under logs in the configuration)"
	case len(names) > maxNamed:
		return fmt.Sprintf("; services with logs: %s and %d more", strings.Join(names[:maxNamed], ", "), len(names)-maxNamed)
	}
	return "; services with logs: " + strings.Join(names, ", ")
}
