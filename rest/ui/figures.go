package ui

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"monit-intel/engine"
)

// figure is one number of a snapshot, named for people.
type figure struct {
	Name  string
	Unit  string
	Value float64
}

func (f figure) String() string { return f.Name + " " + f.Reading() }

// Reading is the value with its unit: "3.5 %".
func (f figure) Reading() string {
	return strconv.FormatFloat(f.Value, 'f', decimals(f.Value), 64) + f.Unit
}

func decimals(v float64) int {
	if v == float64(int64(v)) {
		return 0
	}
	if v < 10 && v > -10 {
		return 2
	}
	return 1
}

// figures returns a snapshot's key figures, the most telling first: that one is the
// overview's sparkline. Figures Monit did not report are left out, never shown as zero.
func figures(s engine.Snapshot) []figure {
	var out []figure
	add := func(name, unit string, v *float64) {
		if v != nil && *v >= 0 {
			out = append(out, figure{name, unit, *v})
		}
	}
	if p := s.Process; p != nil {
		cpu := p.CPUPercentTotal
		if cpu == nil {
			cpu = p.CPUPercent
		}
		add("CPU", " %", cpu)
		add("memory", " %", p.MemPercentTotal)
		if p.MemKBTotal != nil {
			mb := float64(*p.MemKBTotal) / 1024
			add("memory", " MB", &mb)
		}
	}
	if f := s.Filesystem; f != nil {
		add("space used", " %", f.BlockPercent)
		add("inodes used", " %", f.InodePercent)
	}
	if y := s.System; y != nil {
		add("load", "", y.Load1)
		add("CPU user", " %", y.CPUUser)
		add("memory", " %", y.MemPercent)
		add("swap", " %", y.SwapPercent)
	}
	if g := s.Program; g != nil && g.ExitStatus != nil {
		code := float64(*g.ExitStatus)
		add("exit status", "", &code)
	}
	if f := s.File; f != nil && f.Size != nil {
		size := float64(*f.Size)
		add("size", " B", &size)
	}
	if n := s.Net; n != nil {
		add("download", " B/s", n.DownloadBytes)
		add("upload", " B/s", n.UploadBytes)
	}
	for _, p := range s.Ports {
		v := p.ResponseSec
		add(fmt.Sprintf("response %s:%d", p.Hostname, p.Port), " s", &v)
	}
	for _, c := range s.Icmp {
		v := c.ResponseSec
		add("ping", " s", &v)
	}
	return out
}

// spark is one service's sparkline: SVG polyline points and the figure drawn.
type spark struct {
	Points string
	Figure string
}

// sparkline draws the first figure of each snapshot (oldest first) as SVG polyline points in
// a 100×24 box; empty when there are fewer than two.
func sparkline(snaps []engine.Snapshot) spark {
	var vals []float64
	var name string
	for _, s := range snaps {
		if fs := figures(s); len(fs) > 0 {
			vals, name = append(vals, fs[0].Value), fs[0].Name
		}
	}
	if len(vals) < 2 {
		return spark{}
	}
	lo, hi := vals[0], vals[0]
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	var b strings.Builder
	for i, v := range vals {
		x := float64(i) * 100 / float64(len(vals)-1)
		y := 22 - (v-lo)/span*20
		fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
	}
	return spark{Points: strings.TrimSpace(b.String()), Figure: name}
}

// chartData is what ui.js gives uPlot: shared times and one series per figure, null where a
// snapshot lacked it.
type chartData struct {
	T      []int64       `json:"t"`
	Series []chartSeries `json:"series"`
}

type chartSeries struct {
	Name string     `json:"name"`
	Unit string     `json:"unit"`
	V    []*float64 `json:"v"`
}

// maxPoints bounds a chart: more points than pixels only cost the browser.
const maxPoints = 720

// chart turns snapshots (newest first) into chart data, averaging into at most maxPoints
// buckets.
func chart(snaps []engine.Snapshot) string {
	step := (len(snaps) + maxPoints - 1) / maxPoints
	step = max(step, 1)
	var d chartData
	index := map[string]int{}
	for end := len(snaps); end > 0; end -= step {
		start := max(end-step, 0)
		bucket := snaps[start:end]
		sums, counts := map[string]float64{}, map[string]int{}
		for _, s := range bucket {
			for _, f := range figures(s) {
				key := f.Name + "\x00" + f.Unit
				if _, ok := index[key]; !ok {
					index[key] = len(d.Series)
					d.Series = append(d.Series, chartSeries{Name: f.Name, Unit: strings.TrimSpace(f.Unit), V: make([]*float64, len(d.T))})
				}
				sums[key] += f.Value
				counts[key]++
			}
		}
		d.T = append(d.T, bucket[0].CollectedAt.Unix())
		for key, i := range index {
			var v *float64
			if n := counts[key]; n > 0 {
				avg := sums[key] / float64(n)
				v = &avg
			}
			d.Series[i].V = append(d.Series[i].V, v)
		}
	}
	b, _ := json.Marshal(d)
	return string(b)
}

// ranges are the chart's periods.
var ranges = []struct {
	Key   string
	Label string
	Span  time.Duration
}{
	{"24h", "24 h", 24 * time.Hour},
	{"7d", "7 days", 7 * 24 * time.Hour},
	{"30d", "30 days", 30 * 24 * time.Hour},
}
