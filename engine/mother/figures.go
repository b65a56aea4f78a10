package mother

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/trend"
)

// figureWords are the words that ask for a figure.
var figureWords = map[string][]trend.Figure{
	"cpu": {trend.CPU}, "processor": {trend.CPU}, "prozessor": {trend.CPU},
	"memory": {trend.Memory}, "mem": {trend.Memory}, "ram": {trend.Memory}, "speicher": {trend.Memory},
	"swap": {trend.Swap},
	"load": {trend.Load1, trend.Load5, trend.Load15}, "loadavg": {trend.Load1, trend.Load5, trend.Load15},
	"disk": {trend.Disk}, "disks": {trend.Disk}, "space": {trend.Disk}, "storage": {trend.Disk},
	"full": {trend.Disk}, "filesystem": {trend.Disk}, "partition": {trend.Disk}, "platz": {trend.Disk},
	"big": {trend.Disk}, "size": {trend.Disk}, "capacity": {trend.Disk},
	"inode": {trend.Inodes}, "inodes": {trend.Inodes},
	"response": {trend.ResponseTime}, "latency": {trend.ResponseTime}, "ping": {trend.ResponseTime},
	"slow": {trend.ResponseTime}, "fast": {trend.ResponseTime},
	"exit": {trend.ExitStatus}, "code": {trend.ExitStatus},
}

// readFigures returns the figures the words ask for, in the order of trend.All.
func readFigures(ts []token) []trend.Figure {
	var out []trend.Figure
	for _, t := range ts {
		if t.used {
			continue
		}
		for _, p := range append(parts(t.text), t.text) { // "cpu-auslastung"
			for _, f := range figureWords[p] {
				if !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b trend.Figure) int { return slices.Index(trend.All, a) - slices.Index(trend.All, b) })
	if one, ok := loadAverage(ts); ok && slices.Contains(out, trend.Load1) {
		out = slices.DeleteFunc(out, func(f trend.Figure) bool {
			return (f == trend.Load1 || f == trend.Load5 || f == trend.Load15) && f != one
		})
	}
	return out
}

// loadAverage reads which load average a message names: "15 min load", "load 5".
func loadAverage(ts []token) (trend.Figure, bool) {
	for i := range ts {
		if _, n, ok := spanAt(ts, i); ok && loadQualifier(ts, i, n) || (ts[i].text != "load" && i > 0 && ts[i-1].text == "load") {
			switch strings.TrimRight(ts[i].text, "minh") {
			case "1":
				return trend.Load1, true
			case "5":
				return trend.Load5, true
			case "15":
				return trend.Load15, true
			}
		}
	}
	return "", false
}

// defaultFigureWindow is the trend's window when the message sets none.
const defaultFigureWindow = 24 * time.Hour

// figures answers with each asked figure of each service: its value now and its trend over the
// window. Without a service, the host (system check) answers for load, CPU, memory and swap,
// every filesystem for disk and inodes, every host check for response time and every program
// for exit status.
func (tr *turnState) figures(ctx context.Context, in Intent) answer {
	w := in.Window.orDefault(tr.now, defaultFigureWindow)
	var b strings.Builder
	var shown []string
	for _, c := range tr.figureServices(in) {
		figs := applicable(in.Figures, c.Snapshot.Type)
		if len(figs) == 0 {
			fmt.Fprintf(&b, "%s (%s) has no %s figures; it has: %s.\n", serviceName(c, tr.fleet), c.Snapshot.Type,
				figureList(in.Figures), figureList(trend.For(c.Snapshot.Type)))
			continue
		}
		shown = append(shown, c.Snapshot.Name)
		for _, f := range figs {
			b.WriteString(tr.figureLine(ctx, c, f, w) + "\n")
		}
	}
	if b.Len() == 0 {
		return answer{facts: fmt.Sprintf("No service reports %s.\n", figureList(in.Figures))}
	}
	return answer{facts: b.String(), services: shown, prose: true, window: w,
		task: "Say in one to three sentences whether these figures look normal or worrying, and why."}
}

// figureServices are the services a figures question is about.
func (tr *turnState) figureServices(in Intent) []engine.Classified {
	var out []engine.Classified
	named := append(slices.Clone(in.Services), in.Ambiguous...)
	for _, n := range named {
		if c, ok := tr.service(n); ok {
			out = append(out, c)
		}
	}
	if len(out) > 0 || len(named) > 0 {
		return out[:min(len(out), maxServicesShown)]
	}
	host := in.Host || !slices.ContainsFunc(in.Figures, func(f trend.Figure) bool { return !hostFigure(f) })
	for _, c := range tr.services {
		if len(applicable(in.Figures, c.Snapshot.Type)) > 0 && (!host || c.Snapshot.Type == engine.TypeSystem) {
			out = append(out, c)
		}
	}
	return out[:min(len(out), maxServicesShown)]
}

// hostFigure reports whether a figure asked without a service means the host's: load, CPU,
// memory and swap do ("ram usage"); disk, inodes, response time and exit status belong to
// their own checks.
func hostFigure(f trend.Figure) bool {
	switch f {
	case trend.Load1, trend.Load5, trend.Load15, trend.CPU, trend.Memory, trend.Swap:
		return true
	}
	return false
}

// applicable keeps the figures a service type has.
func applicable(figs []trend.Figure, t engine.ServiceType) []trend.Figure {
	if len(figs) == 0 {
		return trend.For(t) // the model asked for figures without saying which
	}
	var out []trend.Figure
	for _, f := range figs {
		if slices.Contains(trend.For(t), f) {
			out = append(out, f)
		}
	}
	return out
}

// figureLine is "rootfs disk usage: now 41.2% (12.3 GB of 30.0 GB used, 17.7 GB free);
// 2026-11-24 14:30 to 2026-11-25 14:30: min 40.1%, avg 40.8%, max 43.0% at 2026-11-25 03:20
// (288 samples)".
func (tr *turnState) figureLine(ctx context.Context, c engine.Classified, f trend.Figure, w Window) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: ", serviceName(c, tr.fleet), f.Label())
	if v, ok := trend.Value(c.Snapshot, f); ok {
		fmt.Fprintf(&b, "%s %s", tr.nowLabel(c), number1(v, f))
		if fs := c.Snapshot.Filesystem; fs != nil && f == trend.Disk && fs.BlockUsageMB != nil && fs.BlockTotalMB != nil {
			fmt.Fprintf(&b, " (%s of %s used, %s free)", megabytes(*fs.BlockUsageMB), megabytes(*fs.BlockTotalMB),
				megabytes(*fs.BlockTotalMB-*fs.BlockUsageMB))
		}
	} else {
		b.WriteString("no current reading")
	}
	samples, err := tr.m.data.Samples(ctx, c.Snapshot.Host, c.Snapshot.Name, f, w.Since, w.Until)
	if err != nil {
		fmt.Fprintf(&b, "; trend unavailable: %s", show(err.Error()))
		return b.String()
	}
	fmt.Fprintf(&b, "; %s to %s: ", stamp(w.Since, tr.now), stamp(w.Until, tr.now))
	s, ok := trend.Summarise(samples)
	if !ok {
		b.WriteString("no readings")
		return b.String()
	}
	fmt.Fprintf(&b, "min %s, avg %s, max %s at %s (%s)", number1(s.Min, f), number1(s.Avg, f),
		number1(s.Max, f), stamp(s.MaxAt, tr.now), plural(s.N, "sample"))
	return b.String()
}

// figuresNow is a service's figures in its latest snapshot: "CPU usage 2.6%, memory usage
// 6.9%", so a status answer (and the model) has the numbers, not only the state.
func figuresNow(s engine.Snapshot) string {
	var out []string
	for _, f := range trend.For(s.Type) {
		if v, ok := trend.Value(s, f); ok {
			out = append(out, f.Label()+" "+number1(v, f))
		}
	}
	return strings.Join(out, ", ")
}

func number1(v float64, f trend.Figure) string {
	switch f {
	case trend.ResponseTime:
		return fmt.Sprintf("%.3f%s", v, f.Unit())
	case trend.ExitStatus:
		return fmt.Sprintf("%.0f", v)
	case trend.Load1, trend.Load5, trend.Load15:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.1f%s", v, f.Unit())
}

func megabytes(mb float64) string {
	if mb >= 1024 {
		return fmt.Sprintf("%.1f GB", mb/1024)
	}
	return fmt.Sprintf("%.0f MB", mb)
}

func figureList(figs []trend.Figure) string {
	out := make([]string, len(figs))
	for i, f := range figs {
		out[i] = f.Label()
	}
	return strings.Join(out, ", ")
}

// uptime answers how long processes (and the host) have been up, from Monit's figures.
func (tr *turnState) uptime(in Intent) answer {
	var b strings.Builder
	var shown []string
	named := len(in.Services) > 0 || len(in.Ambiguous) > 0
	for _, c := range tr.services {
		n := c.Snapshot.Name
		if named && !slices.Contains(in.Services, n) && !slices.Contains(in.Ambiguous, n) {
			continue
		}
		p := c.Snapshot.Process
		switch {
		case p != nil && p.UptimeSec != nil:
			up := time.Duration(*p.UptimeSec) * time.Second
			fmt.Fprintf(&b, "%s: running for %s (since %s)%s\n", serviceName(c, tr.fleet), span(up),
				stamp(c.Snapshot.CollectedAt.Add(-up), tr.now), pid(p))
		case named && c.Snapshot.Type == engine.TypeProcess && c.Snapshot.Failing():
			fmt.Fprintf(&b, "%s is not running: %s\n", serviceName(c, tr.fleet), statusLine(c, tr.now, tr.fleet))
		case named:
			fmt.Fprintf(&b, "Monit reports no uptime for %s: %s\n", serviceName(c, tr.fleet), statusLine(c, tr.now, tr.fleet))
		default:
			continue
		}
		shown = append(shown, n)
	}
	if b.Len() == 0 {
		return answer{facts: "No process check reports an uptime.\n"}
	}
	return answer{facts: b.String(), services: shown}
}

// pid is ", pid N" when Monit reported it.
func pid(p *engine.ProcessFigures) string {
	if p.PID == nil {
		return ""
	}
	return fmt.Sprintf(", pid %d", *p.PID)
}

// span is a duration for a person: "3 days 4 h", "5 h 12 min", "40 min".
func span(d time.Duration) string {
	days := int(d.Hours()) / 24
	h := int(d.Hours()) % 24
	m := int(d.Minutes()) % 60
	switch {
	case days > 0:
		return fmt.Sprintf("%d days %d h", days, h)
	case h > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	}
	return fmt.Sprintf("%d min", m)
}
