package metrics

import (
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// emitter sends one service's samples, its host and service labels first. Figures Monit did
// not report (nil) send nothing: an absent series, never a zero.
type emitter struct {
	ch     chan<- prometheus.Metric
	labels []string
}

func (e emitter) send(d *prometheus.Desc, t prometheus.ValueType, v float64, extra []string) {
	labels := e.labels
	if len(extra) > 0 {
		labels = append(append(make([]string, 0, len(e.labels)+len(extra)), e.labels...), extra...)
	}
	e.ch <- prometheus.MustNewConstMetric(d, t, v, labels...)
}

func (e emitter) gauge(d *prometheus.Desc, v float64, extra ...string) {
	e.send(d, prometheus.GaugeValue, v, extra)
}

func (e emitter) counter(d *prometheus.Desc, v float64, extra ...string) {
	e.send(d, prometheus.CounterValue, v, extra)
}

func (e emitter) float(d *prometheus.Desc, v *float64, extra ...string) {
	if v != nil {
		e.gauge(d, *v, extra...)
	}
}

// percent sends Monit's percent as a ratio 0–1.
func (e emitter) percent(d *prometheus.Desc, v *float64, extra ...string) {
	if v != nil {
		e.gauge(d, ratio(*v), extra...)
	}
}

// ratio turns a percent into a ratio without binary noise (4.1 → 0.041, not
// 0.040999999999999995): Monit prints percents with one decimal.
func ratio(percent float64) float64 { return math.Round(percent*1e4) / 1e6 }

func (e emitter) int(d *prometheus.Desc, v *int) {
	if v != nil {
		e.gauge(d, float64(*v))
	}
}

func (e emitter) int64(d *prometheus.Desc, v *int64) {
	if v != nil {
		e.gauge(d, float64(*v))
	}
}

// kib sends Monit's kilobytes (KiB) as bytes.
func (e emitter) kib(d *prometheus.Desc, v *int64) {
	if v != nil {
		e.gauge(d, float64(*v)*1024)
	}
}

// mib sends Monit's filesystem megabytes (MiB) as bytes.
func (e emitter) mib(d *prometheus.Desc, v *float64) {
	if v != nil {
		e.gauge(d, *v*1024*1024)
	}
}

func gauge(d *prometheus.Desc, v float64) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
