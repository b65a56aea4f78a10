package replay

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// markerName marks a log directory the replay created, so that it may empty it again.
const markerName = ".monit-intel-replay"

// Time formats found in the templates, and how each is written back.
var (
	rfc3339Re = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`)
	slashRe   = regexp.MustCompile(`\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}`) // rsync's log, UTC
	dateRe    = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
)

const slashLayout = "2006/01/02 15:04:05"

// logLine is one template line and the time it belongs to (its first timestamp, or the one
// of the line before it).
type logLine struct {
	at   time.Time
	text string
}

// logFile is one template and where its shifted copy goes.
type logFile struct {
	out   string
	lines []logLine
}

// logWriter appends shifted template lines to the copies, step by step.
type logWriter struct {
	files []logFile
}

// newLogWriter reads every template under dir and prepares out: created with a marker, or
// emptied when it carries the marker. A dated file name (backup_log_2026-11-29.log) gets the
// date of its first line after the history shift.
func newLogWriter(dir, out string, shift time.Duration) (*logWriter, error) {
	if out == "" {
		return nil, fmt.Errorf("replay logs %s: no directory to write the shifted logs to", dir)
	}
	if err := prepareOut(out); err != nil {
		return nil, err
	}
	w := &logWriter{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		lines, err := readTemplate(path)
		if err != nil {
			return err
		}
		w.files = append(w.files, logFile{out: filepath.Join(out, datedName(rel, lines, shift)), lines: lines})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("replay logs %s: %w", dir, err)
	}
	return w, nil
}

func prepareOut(out string) error {
	if _, err := os.Stat(out); err == nil {
		if _, err := os.Stat(filepath.Join(out, markerName)); err != nil {
			return fmt.Errorf("replay logs: %s %w", out, errNotOurs)
		}
		if err := os.RemoveAll(out); err != nil {
			return fmt.Errorf("replay logs: empty %s: %w", out, err)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("replay logs: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, markerName), []byte("written by monit-intel's replay; emptied on each start\n"), 0o644); err != nil {
		return fmt.Errorf("replay logs: %w", err)
	}
	return nil
}

func readTemplate(path string) ([]logLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []logLine
	var at time.Time
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t, ok := firstTime(sc.Text()); ok {
			at = t
		}
		out = append(out, logLine{at: at, text: sc.Text()})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

func firstTime(line string) (time.Time, bool) {
	if m := rfc3339Re.FindString(line); m != "" {
		if t, err := time.Parse(time.RFC3339Nano, m); err == nil {
			return t, true
		}
	}
	if m := slashRe.FindString(line); m != "" {
		if t, err := time.Parse(slashLayout, m); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func datedName(rel string, lines []logLine, shift time.Duration) string {
	base := filepath.Base(rel)
	d := dateRe.FindString(base)
	if d == "" {
		return rel
	}
	t, err := time.Parse(time.DateOnly, d)
	for _, l := range lines {
		if !l.at.IsZero() {
			t, err = l.at, nil
			break
		}
	}
	if err != nil {
		return rel
	}
	return filepath.Join(filepath.Dir(rel), strings.Replace(base, d, t.Add(shift).UTC().Format(time.DateOnly), 1))
}

// write appends, to each copy, the lines with from < at <= to, every time in them moved by
// d, and sets the copy's modification time to its last line's.
func (w *logWriter) write(from, to time.Time, d time.Duration) error {
	for _, f := range w.files {
		var b strings.Builder
		var last time.Time
		for _, l := range f.lines {
			if l.at.After(to) || (!from.IsZero() && !l.at.After(from)) {
				continue
			}
			b.WriteString(shiftLine(l.text, d))
			b.WriteByte('\n')
			last = l.at.Add(d)
		}
		if b.Len() == 0 {
			continue
		}
		if err := appendFile(f.out, b.String(), last); err != nil {
			return err
		}
	}
	return nil
}

func appendFile(path, text string, mtime time.Time) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := fh.WriteString(text); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	if !mtime.IsZero() {
		return os.Chtimes(path, mtime, mtime)
	}
	return nil
}

// shiftLine moves every timestamp in line by d, keeping its format and zone.
func shiftLine(line string, d time.Duration) string {
	line = rfc3339Re.ReplaceAllStringFunc(line, func(m string) string {
		t, err := time.Parse(time.RFC3339Nano, m)
		if err != nil {
			return m
		}
		layout := "2006-01-02T15:04:05-07:00"
		if strings.HasSuffix(m, "Z") {
			layout = "2006-01-02T15:04:05Z07:00"
		}
		if strings.Contains(m, ".") {
			layout = strings.Replace(layout, "05", "05.000000", 1)
		}
		return t.Add(d).In(t.Location()).Format(layout)
	})
	return slashRe.ReplaceAllStringFunc(line, func(m string) string {
		t, err := time.Parse(slashLayout, m)
		if err != nil {
			return m
		}
		return t.Add(d).Format(slashLayout)
	})
}
