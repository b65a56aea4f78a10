package repl

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// ANSI attributes used when colour is on.
const (
	ansiBold   = "1"
	ansiDim    = "2"
	ansiRed    = "31"
	ansiGreen  = "32"
	ansiYellow = "33"
)

// printer writes everything the user reads. Colour is only used on a terminal; text that
// comes from the daemon is sanitized so a log line or a model answer cannot drive the
// terminal with escape sequences.
type printer struct {
	w     io.Writer
	color bool
	now   func() time.Time
	loc   *time.Location
}

// cell is one table cell with an optional colour.
type cell struct {
	text  string
	color string
}

func plain(s string) cell { return cell{text: sanitizeLine(s)} }

func (p *printer) paint(color, s string) string {
	if !p.color || color == "" {
		return s
	}
	return "\x1b[" + color + "m" + s + "\x1b[0m"
}

func (p *printer) line(s string) { fmt.Fprintln(p.w, s) }

// note prints a remark of the REPL itself, dimmed on a terminal.
func (p *printer) note(format string, args ...any) {
	fmt.Fprintln(p.w, p.paint(ansiDim, fmt.Sprintf(format, args...)))
}

// table prints rows under a header, columns padded to the widest cell, the last column
// unpadded.
func (p *printer) table(header []string, rows [][]cell) {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	hdr := make([]cell, len(header))
	for i, h := range header {
		hdr[i] = cell{text: h, color: ansiBold}
	}
	p.row(hdr, widths)
	for _, r := range rows {
		p.row(r, widths)
	}
}

func (p *printer) row(cells []cell, widths []int) {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteString("  ")
		}
		b.WriteString(p.paint(c.color, c.text))
		if i < len(cells)-1 {
			b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text)))
		}
	}
	fmt.Fprintln(p.w, strings.TrimRight(b.String(), " "))
}

// stamp formats an instant for tables; the zero time prints as "-".
func (p *printer) stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(p.loc).Format("2006-01-02 15:04:05")
}

// age formats how long ago t was ("3h12m"); "" for the zero time.
func (p *printer) age(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return shortDuration(p.now().Sub(t))
}

// shortDuration prints a duration with its two largest units: 45s, 12m30s, 3h12m, 2d4h.
func shortDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Truncate(time.Second)
	days := d / (24 * time.Hour)
	hours := (d % (24 * time.Hour)) / time.Hour
	mins := (d % time.Hour) / time.Minute
	secs := (d % time.Minute) / time.Second
	switch {
	case days > 0:
		return fmt.Sprintf("%dd%dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh%dm", hours, mins)
	case mins > 0:
		return fmt.Sprintf("%dm%ds", mins, secs)
	}
	return fmt.Sprintf("%ds", secs)
}

// count writes n and a noun, with an "s" unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// sanitize removes control characters except newline and tab: ESC, CR, C1 controls and DEL.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
}

// sanitizeLine is sanitize for one table cell or line: newlines and tabs become spaces.
func sanitizeLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		return r
	}, sanitize(s))
}
