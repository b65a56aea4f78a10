package logs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Bounds on a journalctl run.
const (
	// waitDelay is how long a killed journalctl (or a child holding its output open) may take
	// to let go of its pipes before they are closed under it.
	waitDelay = time.Second
	// stderrBytes is how much of journalctl's standard error an error message quotes.
	stderrBytes = 1024
)

// journalArgs is the fixed, read-only argument vector: the unit comes from the validated registry
// entry, never from a request. --quiet drops "-- No entries --" and hints, so a unit without
// entries gives zero lines.
func journalArgs(src Source, n int, since, until time.Time) []string {
	args := []string{"-u", src.Unit, "-n", strconv.Itoa(n), "--no-pager", "-o", "short-iso", "--quiet"}
	if !since.IsZero() {
		args = append(args, "--since", "@"+strconv.FormatInt(since.Unix(), 10))
	}
	if !until.IsZero() {
		args = append(args, "--until", "@"+strconv.FormatInt(until.Unix(), 10))
	}
	if src.JournalDir != "" {
		args = append(args, "--directory", src.JournalDir)
	}
	return args
}

// journalSource describes a journalctl entry for a person.
func journalSource(src Source) string {
	s := "journalctl -u " + src.Unit
	if src.JournalDir != "" {
		s += " --directory " + src.JournalDir
	}
	return s
}

// journal runs journalctl without a shell, bounded by the registry's timeout, and returns the
// last n lines it printed (an entry with a multi-line message prints several).
func (r *Registry) journal(ctx context.Context, src Source, n int, since, until time.Time) ([]string, error) {
	runCtx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, r.journalctl, journalArgs(src, n, since, until)...)
	// journalctl runs in its own process group and the whole group is killed, so nothing it
	// started outlives the timeout holding its output open.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	// Escape sequences would reach the LLM and the terminal as text.
	cmd.Env = append(os.Environ(), "SYSTEMD_COLORS=0")
	out := newLineCollector(n)
	stderr := &headBuffer{limit: stderrBytes}
	cmd.Stdout, cmd.Stderr = out, stderr
	err := cmd.Run()
	switch {
	case err == nil:
		return out.lines(), nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("%s timed out after %s", r.journalctl, r.timeout)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if msg := stderr.text(r.redactor); msg != "" {
			return nil, fmt.Errorf("%s: %w: %s", r.journalctl, err, msg)
		}
		return nil, fmt.Errorf("%s: %w", r.journalctl, err)
	}
	return nil, fmt.Errorf("run journalctl: %w", err)
}

// headBuffer keeps the first limit bytes written to it and drops the rest.
type headBuffer struct {
	limit int
	buf   []byte
	cut   bool
}

func (h *headBuffer) Write(p []byte) (int, error) {
	room := h.limit - len(h.buf)
	if len(p) > room {
		h.buf, h.cut = append(h.buf, p[:max(room, 0)]...), true
	} else {
		h.buf = append(h.buf, p...)
	}
	return len(p), nil
}

// text returns what was kept as one sanitised, redacted line, suitable for an error message.
func (h *headBuffer) text(red Redactor) string {
	var parts []string
	for line := range strings.Lines(string(h.buf)) {
		if line = strings.TrimSpace(line); line != "" {
			parts = append(parts, line)
		}
	}
	s := sanitizeLine([]byte(strings.Join(parts, " | ")), false)
	if h.cut {
		s += CutMarker
	}
	return red.Lines([]string{s})[0]
}
