package replay

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestShiftLine(t *testing.T) {
	d := 36*time.Hour + 90*time.Second
	tests := []struct{ name, in, want string }{
		{"offset zone", "2026-11-30T01:30:01+00:00 start", "2026-12-01T13:31:31+00:00 start"},
		{"Z", "at 2026-11-30T23:59:00Z end", "at 2026-12-02T12:00:30Z end"},
		{"other zone kept", "2026-11-30T01:30:01+01:00 x", "2026-12-01T13:31:31+01:00 x"},
		{"rsync", "2026/11/30 01:44:36 [51377] rsync: write failed", "2026/12/01 13:46:06 [51377] rsync: write failed"},
		{"two stamps", "2026-11-30T00:00:00Z .. 2026-11-30T00:00:01Z", "2026-12-01T12:01:30Z .. 2026-12-01T12:01:31Z"},
		{"no stamp", "building file list", "building file list"},
		{"date alone is a name, not a time", "tank/data@autosnap_2026-11-29_hourly", "tank/data@autosnap_2026-11-29_hourly"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shiftLine(tt.in, d); got != tt.want {
				t.Errorf("shiftLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestLogsFollowTheSteps checks what the log registry will read: dated backup logs under
// the shifted dates, each line written once and only when its step lands, times matching the
// failures, modification times of the last line (the glob strategy picks the newest).
func TestLogsFollowTheSteps(t *testing.T) {
	start := time.Date(2031, 7, 4, 15, 20, 0, 0, time.UTC)
	c := &clock{t: start}
	s, out := openDemo(t, c, time.Time{})
	shift := start.Sub(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	today := filepath.Join(out, "backup_log_"+time.Date(2026, 11, 30, 1, 30, 1, 0, time.UTC).Add(shift).Format(time.DateOnly)+".log")
	yesterday := filepath.Join(out, "backup_log_"+time.Date(2026, 11, 29, 1, 30, 1, 0, time.UTC).Add(shift).Format(time.DateOnly)+".log")

	if _, err := s.Fetch(t.Context()); err != nil { // the first step: 24 h ago
		t.Fatal(err)
	}
	if _, err := os.Stat(yesterday); err != nil {
		t.Errorf("after the first step: %v, want the previous backup's log", err)
	}
	if _, err := os.Stat(today); err == nil {
		t.Errorf("after the first step %s exists; its lines are 14 h later", today)
	}
	play(t, s, c, 5)
	b, err := os.ReadFile(today)
	if err != nil {
		t.Fatal(err)
	}
	failed := time.Date(2026, 11, 30, 1, 44, 36, 0, time.UTC).Add(shift).Format("2006/01/02 15:04:05")
	if !strings.Contains(string(b), failed+" [51377] rsync: [receiver] write failed") {
		t.Errorf("%s =\n%s\nwant the rsync failure at %s", today, b, failed)
	}
	if n := strings.Count(string(b), "\n"); n != 10 {
		t.Errorf("%s has %d lines, want each of the template's 10 once", today, n)
	}
	info, err := os.Stat(today)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 30, 7, 41, 10, 0, time.UTC).Add(shift); !info.ModTime().Equal(want) {
		t.Errorf("%s modified %s, want its last line's time %s", today, info.ModTime(), want)
	}
	// Live lines come again with each loop of the live steps.
	z, err := os.ReadFile(filepath.Join(out, "zfs-sanoid.log"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(z), "dataset is busy"); n != 2 {
		t.Errorf("zfs-sanoid.log has %d 'dataset is busy' lines after 5 live steps, want 1 per loop (2):\n%s", n, z)
	}
}
