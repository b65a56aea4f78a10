package mother

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/olebedev/when"
	"github.com/olebedev/when/rules/common"
	"github.com/olebedev/when/rules/en"
)

// Window is the stretch of time a message asks about. Since is zero when no time was said;
// Until is never zero once the window is resolved (it is now when the message set no end).
// History, changes, figures, the audit and logs all read the same window.
type Window struct {
	Since time.Time
	Until time.Time
}

// Said reports whether the message set a window.
func (w Window) Said() bool { return !w.Since.IsZero() }

// Contains reports whether t falls in the window: at or after Since, before or at Until.
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Since) && (w.Until.IsZero() || !t.After(w.Until))
}

// orDefault returns w, or the span d before now when no window was said.
func (w Window) orDefault(now time.Time, d time.Duration) Window {
	if w.Said() {
		return w
	}
	return Window{Since: now.Add(-d), Until: now}
}

// Parts of a day the time words name, as hours from midnight.
const (
	nightStart   = 18 // "last night" runs from 18:00 the day before…
	nightEnd     = 8  // …to 08:00
	morningEnd   = 12
	afternoonEnd = 18
)

// readWindow finds the time a message speaks of and marks its words as used, so that "night"
// in "last night" is never read as part of a service name (nightly_dump). The rules read the
// phrases operators use ("last night", "yesterday between 2 and 4", "this week", "since
// Monday", "in the last 2 hours", "24h"); what they do not read is handed to olebedev/when,
// a maintained natural-date parser ("2 hours ago", "on Nov 23", "friday 14:00").
func readWindow(msg string, ts []token, now time.Time) Window {
	if len(ts) > 0 && isPartOfDay(ts[0].text) && (len(ts) == 1 || ts[1].clause) {
		ts[0].used = true // "morning. status?" greets
	}
	if w, ok := ruleWindow(ts, now); ok {
		return w
	}
	if !slices.ContainsFunc(ts, func(t token) bool { return !t.used && whenMayRead(t) }) {
		return Window{} // nothing olebedev/when could read: its regular expressions cost most of a turn's reading
	}
	return whenWindow(msg, now)
}

// whenMayRead reports whether a word is one olebedev/when reads as (part of) a time the rules
// left: a month or a word such as "ago", a clock time ("14:30", "3pm"), a day of the month
// ("23rd").
func whenMayRead(t token) bool {
	w := t.text
	if whenHints[w] || strings.Contains(w, ":") {
		return true
	}
	for _, suffix := range []string{"am", "pm", "st", "nd", "rd", "th"} {
		if n, ok := strings.CutSuffix(w, suffix); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			return true
		}
	}
	return false
}

// whenHints are the words without digits that olebedev/when reads as times.
var whenHints = words(`ago at noon midnight morning afternoon evening night tonight tomorrow next past
	jan january feb february mar march apr april may jun june jul july aug august sep sept
	september oct october nov november dec december mon tue wed thu thur fri sat sun`)

// midnight is the start of the day daysBack days before now's day, in now's location.
func midnight(now time.Time, daysBack int) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d-daysBack, 0, 0, 0, 0, now.Location())
}

// dayWord returns how many days back a word names: today 0, yesterday 1, a weekday the days
// since its latest occurrence (today counts).
func dayWord(w string, now time.Time) (int, bool) {
	switch w {
	case "today", "heute", "aujourdhui", "hoy":
		return 0, true
	case "yesterday", "gestern", "hier", "ayer", "yday", "ystd", "yesterdy", "yesteday":
		return 1, true
	case "vorgestern", "anteayer":
		return 2, true
	}
	if wd, ok := weekdayWord(w); ok {
		return (int(now.Weekday()) - int(wd) + 7) % 7, true
	}
	return 0, false
}

// dateWord reads an ISO date ("2026-11-22") as days back from now's day.
func dateWord(w string, now time.Time) (int, bool) {
	d, err := time.ParseInLocation("2006-01-02", w, now.Location())
	if err != nil || d.After(now) {
		return 0, false
	}
	return int(midnight(now, 0).Sub(d).Hours()+12) / 24, true
}

// loadQualifier reports whether the span at i names a load average ("15 min load", "load
// over 5 minutes"), not a window.
func loadQualifier(ts []token, i, n int) bool {
	near := func(j int) bool { return j >= 0 && j < len(ts) && (ts[j].text == "load" || ts[j].text == "loadavg") }
	if !near(i-1) && !near(i+n) && !(i >= 2 && near(i-2)) {
		return false
	}
	num, ok := number(strings.TrimRight(ts[i].text, "minh"))
	return ok && (num == 1 || num == 5 || num == 15)
}

func weekdayWord(w string) (time.Weekday, bool) {
	if wd, ok := weekdays[w]; ok {
		return wd, true
	}
	if len(w) >= 3 {
		if off, ok := en.WEEKDAY_OFFSET[w]; ok {
			return time.Weekday(off), true
		}
	}
	return 0, false
}

// ruleWindow reads the phrases of ruleWindow's doc. The first phrase found wins.
func ruleWindow(ts []token, now time.Time) (Window, bool) {
	mark := func(from, to int) {
		for j := max(from, 0); j < to && j < len(ts); j++ {
			ts[j].used = true
		}
	}
	text := func(i int) string {
		if i < 0 || i >= len(ts) {
			return ""
		}
		return ts[i].text
	}
	for i := range ts {
		w := text(i)
		switch {
		case (w == "night" && (text(i-1) == "last" || text(i-1) == "lst")) || w == "overnight" || w == "tonight" || w == "nachts":
			if w == "night" {
				mark(i-1, i)
			}
			mark(i, i+1)
			since := midnight(now, 1).Add(nightStart * time.Hour)
			return Window{Since: since, Until: minTime(midnight(now, 0).Add(nightEnd*time.Hour), now)}, true
		case w == "week" && (text(i-1) == "this" || text(i-1) == "diese"):
			mark(i-1, i+1)
			back := (int(now.Weekday()) + 6) % 7 // days since Monday
			return Window{Since: midnight(now, back), Until: now}, true
		case (w == "morning" || w == "afternoon" || w == "evening" || w == "night") && text(i-1) == "good":
			mark(i-1, i+1) // a greeting, no time
			continue
		case (w == "morning" || w == "afternoon" || w == "evening") && text(i-1) == "this":
			mark(i-1, i+1)
			return partOfDay(w, 0, now), true
		case w == "weekend" || w == "wochenende":
			mark(i, i+1)
			sat := midnight(now, (int(now.Weekday())+1)%7) // the latest Saturday, today included
			return clampWindow(Window{Since: sat, Until: sat.AddDate(0, 0, 2)}, now), true
		}
		if back, ok := dayWord(w, now); ok {
			return dayWindow(ts, i, back, now, mark), true
		}
		if back, ok := dateWord(w, now); ok {
			return dayWindow(ts, i, back, now, mark), true
		}
		if d, n, ok := spanAt(ts, i); ok && !loadQualifier(ts, i, n) {
			if lead := text(i - 1); countLead[lead] || lead == "this" {
				mark(i-1, i)
			}
			mark(i, i+n)
			return Window{Since: now.Add(-d), Until: now}, true
		}
		if w, ok := hoursWindow(ts, i, now, mark); ok {
			return w, true
		}
	}
	return Window{}, false
}

// hoursWindow reads hours at i ("between 19 and 20") and the day that may follow them ("on
// monday"); without a day they are today's, or yesterday's when they have not come yet.
func hoursWindow(ts []token, i int, now time.Time, mark func(int, int)) (Window, bool) {
	a, b, n, ok := hourRange(ts, i)
	if !ok {
		return Window{}, false
	}
	mark(i, i+n)
	day := midnight(now, 0)
	if day.Add(a).After(now) {
		day = midnight(now, 1) // "between 16 and 18" said at 14:30 is yesterday's
	}
	for j := i + n; j < min(i+n+2, len(ts)); j++ {
		if back, ok := dayWord(ts[j].text, now); ok {
			mark(j-1, j+1)
			day = midnight(now, back)
			break
		}
	}
	return clampWindow(Window{Since: day.Add(a), Until: day.Add(b)}, now), true
}

// dayWindow reads a day word at i and what goes with it: "since" before it makes the window
// run until now; "between 2 and 4", "from 14 to 16" or "morning" after it narrow it to those
// hours; alone it is the whole day ("what failed yesterday"). Today always ends now.
func dayWindow(ts []token, i, back int, now time.Time, mark func(int, int)) Window {
	mark(i, i+1)
	prev := func(j int) string {
		if j < 0 {
			return ""
		}
		return ts[j].text
	}
	if prev(i-1) == "before" && prev(i-2) == "day" { // "the day before yesterday"
		mark(i-2, i)
		back++
	}
	lead := i - 1
	if w := prev(lead); w == "on" || w == "last" || w == "lst" {
		mark(lead, lead+1)
		lead--
	}
	day := midnight(now, back)
	if w := prev(lead); w == "since" || w == "seit" || w == "depuis" {
		mark(lead, lead+1)
		if i+1 < len(ts) && isPartOfDay(ts[i+1].text) { // "since yesterday evening"
			mark(i+1, i+2)
			return Window{Since: partOfDay(ts[i+1].text, back, now).Since, Until: now}
		}
		return Window{Since: day, Until: now}
	}
	for j := i + 1; j < min(i+4, len(ts)); j++ {
		if a, b, n, ok := hourRange(ts, j); ok {
			mark(j, j+n)
			return clampWindow(Window{Since: day.Add(a), Until: day.Add(b)}, now)
		}
		if isPartOfDay(ts[j].text) {
			mark(j, j+1)
			return partOfDay(ts[j].text, back, now)
		}
	}
	return clampWindow(Window{Since: day, Until: day.Add(24 * time.Hour)}, now)
}

func isPartOfDay(w string) bool {
	return w == "morning" || w == "afternoon" || w == "evening" || w == "night"
}

// partOfDay is the morning (00–12), afternoon (12–18) or evening (18–24) of a day, or its
// night (18:00 to 08:00 the next day).
func partOfDay(w string, back int, now time.Time) Window {
	day := midnight(now, back)
	switch w {
	case "morning":
		return clampWindow(Window{Since: day, Until: day.Add(morningEnd * time.Hour)}, now)
	case "afternoon":
		return clampWindow(Window{Since: day.Add(morningEnd * time.Hour), Until: day.Add(afternoonEnd * time.Hour)}, now)
	case "night":
		return clampWindow(Window{Since: day.Add(nightStart * time.Hour), Until: day.Add((24 + nightEnd) * time.Hour)}, now)
	}
	return clampWindow(Window{Since: day.Add(afternoonEnd * time.Hour), Until: day.Add(24 * time.Hour)}, now)
}

// hourRange reads "between 2 and 4", "from 14:00 to 16:00", "2-4pm" at i: the two offsets
// from midnight and how many words it took.
func hourRange(ts []token, i int) (from, to time.Duration, n int, ok bool) {
	lead := ts[i].text
	if lead != "between" && lead != "from" && lead != "zwischen" && lead != "von" {
		if a, b, found := strings.Cut(lead, "-"); found {
			if x, okA := clockHour(a, ""); okA {
				if y, okB := clockHour(b, ""); okB {
					return x, y, 1, true
				}
			}
		}
		return 0, 0, 0, false
	}
	j := i + 1
	read := func() (time.Duration, bool) {
		if j >= len(ts) {
			return 0, false
		}
		suffix := ""
		if j+1 < len(ts) && (ts[j+1].text == "pm" || ts[j+1].text == "am") {
			suffix = ts[j+1].text
		}
		h, ok := clockHour(ts[j].text, suffix)
		j++
		if suffix != "" {
			j++
		}
		return h, ok
	}
	a, okA := read()
	if !okA || j >= len(ts) || (ts[j].text != "and" && ts[j].text != "to" && ts[j].text != "und" && ts[j].text != "bis") {
		return 0, 0, 0, false
	}
	j++
	b, okB := read()
	if !okB {
		return 0, 0, 0, false
	}
	switch {
	case b > a:
	case a < 12*time.Hour && b+12*time.Hour > a:
		b += 12 * time.Hour // "between 11 and 1"
	default:
		b += 24 * time.Hour // "between 23 and 1" runs past midnight
	}
	return a, b, j - i, true
}

// clockHour reads "2", "14", "14:30", "2pm", "2am" as an offset from midnight.
func clockHour(w, suffix string) (time.Duration, bool) {
	if strings.HasSuffix(w, "pm") || strings.HasSuffix(w, "am") {
		w, suffix = w[:len(w)-2], w[len(w)-2:]
	}
	h, m, _ := strings.Cut(w, ":")
	hour, err := strconv.Atoi(h)
	if err != nil || hour < 0 || hour > 24 {
		return 0, false
	}
	minute := 0
	if m != "" {
		if minute, err = strconv.Atoi(m); err != nil || minute < 0 || minute > 59 {
			return 0, false
		}
	}
	if suffix == "pm" && hour < 12 {
		hour += 12
	}
	return time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute, true
}

// clampWindow keeps a window from reaching past now; a window wholly in the future is empty.
func clampWindow(w Window, now time.Time) Window {
	w.Until = minTime(w.Until, now)
	if w.Until.Before(w.Since) {
		w.Until = w.Since
	}
	return w
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// greeting is a time word that greets: "good morning" asks about no morning.
var greeting = regexp.MustCompile(`\bgood\s+(morning|afternoon|evening|night)\b`)

// whenWindow asks olebedev/when for a time in the message: the window runs from that time to
// now. A time in the future is no window for questions about the past.
func whenWindow(msg string, now time.Time) Window {
	p := when.New(nil)
	p.Add(en.All...)
	p.Add(common.All...)
	msg = greeting.ReplaceAllString(cutRunes(strings.ToLower(msg), maxMessageRunes), "")
	r, err := p.Parse(msg, now)
	if err != nil || r == nil || !r.Time.Before(now) {
		return Window{}
	}
	return Window{Since: r.Time, Until: now}
}
