package logs

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLineTime(t *testing.T) {
	ref := time.Date(2026, 11, 25, 14, 30, 0, 0, time.UTC)
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, line string
		want       time.Time
		ok         bool
	}{
		{"rfc3339", "2026-11-25T03:10:41Z rsync: write failed", at("2026-11-25T03:10:41Z"), true},
		{"journalctl short-iso", "2026-11-25T03:10:41+0100 host unit[1]: x", at("2026-11-25T02:10:41Z"), true},
		{"space and fraction, no zone", "2026-11-25 03:10:41.123 worker ready", at("2026-11-25T03:10:41.123Z"), true},
		{"comma fraction", "2026-11-25 03:10:41,500 INFO x", at("2026-11-25T03:10:41.5Z"), true},
		{"bracketed", "[2026-11-20 08:59:40.112 +00:00] [ERR] oom", at("2026-11-20T08:59:40.112Z"), true},
		{"nginx", "2026/11/23 19:04:12 [emerg] 901#901: open() failed", at("2026-11-23T19:04:12Z"), true},
		{"syslog", "Nov 23 19:04:12 box nginx[901]: x", at("2026-11-23T19:04:12Z"), true},
		{"syslog of last year", "Dec 31 23:59:59 box x", at("2025-12-31T23:59:59Z"), true},
		{"common log format", `10.0.0.1 - - [23/Nov/2026:19:04:12 +0000] "GET / HTTP/1.1" 502`, at("2026-11-23T19:04:12Z"), true},
		{"no time", "Status: Disconnected", time.Time{}, false},
		{"not a date", "2026-13-45T99:99:99Z nonsense", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := lineTime(tt.line, ref)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("lineTime(%q) = %v, %v, want %v, %v", tt.line, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestReadWindowFile reads the lines of a window from files: timestamped lines by their time
// (a line without one belongs to the timed line before it), untimed files by their end.
func TestReadWindowFile(t *testing.T) {
	dir := t.TempDir()
	timed := writeFile(t, dir, "error.log", `2026/11/21 10:02:11 [error] upstream timed out
2026/11/23 19:00:05 [notice] exiting
2026/11/23 19:04:12 [emerg] open() "/etc/nginx/sites-enabled/x.conf" failed
  continued line of the emerg
2026/11/23 19:31:40 [notice] start worker processes
2026/11/25 09:12:03 [warn] buffered
`)
	untimed := writeFile(t, dir, "plain.log", "one\ntwo\nthree\n")
	r := newTestRegistry(t, map[string]Source{
		"web":  {Strategy: StrategyTail, Path: timed},
		"glob": {Strategy: StrategyGlob, Path: filepath.Join(dir, "error*.log")},
		"vpn":  {Strategy: StrategyTail, Path: untimed},
	}, Options{})
	since := time.Date(2026, 11, 23, 18, 45, 0, 0, time.UTC)
	until := time.Date(2026, 11, 23, 19, 5, 0, 0, time.UTC)
	tests := []struct {
		name, service string
		n             int
		since, until  time.Time
		want          []string
		untimed       bool
	}{
		{"around a failure", "web", 0, since, until, []string{"2026/11/23 19:00:05 [notice] exiting",
			`2026/11/23 19:04:12 [emerg] open() "/etc/nginx/sites-enabled/x.conf" failed`, "  continued line of the emerg"}, false},
		{"newest n of the window", "web", 1, since, until, []string{"  continued line of the emerg"}, false},
		{"open end", "web", 0, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), time.Time{}, []string{"2026/11/25 09:12:03 [warn] buffered"}, false},
		{"nothing in the window", "web", 0, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 24, 23, 0, 0, 0, time.UTC), nil, false},
		{"glob", "glob", 0, since, until, []string{"2026/11/23 19:00:05 [notice] exiting",
			`2026/11/23 19:04:12 [emerg] open() "/etc/nginx/sites-enabled/x.conf" failed`, "  continued line of the emerg"}, false},
		{"lines without time: the newest", "vpn", 2, since, until, []string{"two", "three"}, true},
		{"no window: the newest", "web", 1, time.Time{}, time.Time{}, []string{"2026/11/25 09:12:03 [warn] buffered"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.ReadWindow(t.Context(), tt.service, tt.n, tt.since, tt.until)
			if err != nil {
				t.Fatalf("ReadWindow() error = %v", err)
			}
			if !slices.Equal(res.Lines, tt.want) || res.Untimed != tt.untimed {
				t.Errorf("ReadWindow() = %q (untimed %v), want %q (untimed %v)", res.Lines, res.Untimed, tt.want, tt.untimed)
			}
		})
	}
}

// TestReadWindowJournal asks a real journalctl for a window of a real journal file.
func TestReadWindowJournal(t *testing.T) {
	requireTool(t, "journalctl")
	dir := makeJournal(t)
	t.Setenv("TZ", "UTC")
	r := newTestRegistry(t, map[string]Source{"vpn": {Strategy: StrategyJournalctl, Unit: "nordvpnd.service", JournalDir: dir}}, Options{})
	since := time.Unix(1714557690, 0) // 10:01:30, after "Daemon started"
	until := time.Unix(1714557810, 0) // 10:03:30, before the key
	res, err := r.ReadWindow(t.Context(), "vpn", 0, since, until)
	if err != nil {
		t.Fatalf("ReadWindow() error = %v", err)
	}
	got := strings.Join(res.Lines, "\n")
	if len(res.Lines) != 2 || !strings.Contains(got, "Connecting to https://svc_user:[REDACTED]@") ||
		!strings.Contains(got, "lost: timeout after 30s") || res.Untimed {
		t.Errorf("ReadWindow() = %q, want the two entries between 10:01:30 and 10:03:30", res.Lines)
	}
}
