package logs

import (
	"regexp"
	"time"
)

// windowScanLines is how many of a file's last lines a window read looks through: about the
// last days of a busy service's log, read backwards in blocks like any tail.
const windowScanLines = 20000

// fileWindow returns the last n lines of the file logged in [since, until]. A line without a
// time of its own (a stack trace, a continued message) belongs to the timed line before it.
// When no line carries a time, the newest n lines come back and untimed is true.
func (r *Registry) fileWindow(path string, n int, since, until time.Time) (lines []string, untimed bool, err error) {
	if since.IsZero() {
		lines, err = tailFile(r.open, path, n)
		return lines, false, err
	}
	all, err := tailFile(r.open, path, windowScanLines)
	if err != nil {
		return nil, false, err
	}
	ref := until
	if ref.IsZero() {
		ref = time.Now() // only the year of a syslog stamp depends on it
	}
	timed, in := false, false
	var out []string
	for _, l := range all {
		if t, ok := lineTime(l, ref); ok {
			timed = true
			in = !t.Before(since) && (until.IsZero() || !t.After(until))
		}
		if in {
			out = append(out, l)
		}
	}
	if !timed {
		return all[max(0, len(all)-n):], true, nil
	}
	return out[max(0, len(out)-n):], false, nil
}

// The line time formats read, at the start of a line (after an optional '['): ISO 8601 and
// RFC 3339 (journalctl -o short-iso, most daemons), nginx's error log, syslog, and the common
// log format's [02/Jan/2006:15:04:05 -0700] anywhere in the first 80 bytes.
var (
	isoTime    = regexp.MustCompile(`^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)`)
	nginxTime  = regexp.MustCompile(`^(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})`)
	syslogTime = regexp.MustCompile(`^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2})`)
	clfTime    = regexp.MustCompile(`\[(\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\]`)
)

// lineTime reads the time a log line starts with. Times without a zone are in ref's location;
// a syslog time, which has no year, is in the year that puts it at most a day after ref.
func lineTime(line string, ref time.Time) (time.Time, bool) {
	loc := ref.Location()
	if m := isoTime.FindStringSubmatch(line); m != nil {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z07:00",
			"2006-01-02 15:04:05.999999999Z0700"} {
			if t, err := time.Parse(layout, m[1]); err == nil {
				return t, true
			}
		}
		for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05,999999999"} {
			if t, err := time.ParseInLocation(layout, m[1], loc); err == nil {
				return t, true
			}
		}
	}
	if m := nginxTime.FindStringSubmatch(line); m != nil {
		if t, err := time.ParseInLocation("2006/01/02 15:04:05", m[1], loc); err == nil {
			return t, true
		}
	}
	if m := syslogTime.FindStringSubmatch(line); m != nil {
		if t, err := time.ParseInLocation("Jan _2 15:04:05", m[1], loc); err == nil {
			t = t.AddDate(ref.Year(), 0, 0)
			if t.After(ref.Add(24 * time.Hour)) {
				t = t.AddDate(-1, 0, 0)
			}
			return t, true
		}
	}
	head := line[:min(len(line), 80)]
	if m := clfTime.FindStringSubmatch(head); m != nil {
		if t, err := time.Parse("02/Jan/2006:15:04:05 -0700", m[1]); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
