package sqliteexport

import (
	"testing"
	"time"

	"monit-intel/engine/trend"
)

// TestSamples records three cycles and reads each figure back in a window that leaves out the
// first: the values come back scaled, oldest first, and a failed port test is no reading.
func TestSamples(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	t0 := time.Unix(1795507134, 0).UTC()
	for i := range 3 {
		st := sampleStatus(t0.Add(time.Duration(i) * time.Minute))
		st.Services[0].System.Load1 = ptr(float64(i))
		if i == 2 {
			st.Services[4].Ports[0].ResponseSec = 0.25
		}
		if _, err := db.RecordCycle(ctx, st.Services[0].CollectedAt, st, nil); err != nil {
			t.Fatal(err)
		}
	}
	since, until := t0.Add(time.Minute), t0.Add(2*time.Minute)
	tests := []struct {
		service string
		fig     trend.Figure
		want    []float64
	}{
		{"vm", trend.Load1, []float64{1, 2}},
		{"vm", trend.CPU, []float64{11.4, 11.4}},
		{"vm", trend.Memory, []float64{1.5, 1.5}},
		{"sleeper", trend.Memory, []float64{0.1, 0.1}},
		{"sleeper", trend.CPU, []float64{0, 0}},
		{"rootfs", trend.Disk, []float64{4.9, 4.9}},
		{"rootfs", trend.Inodes, []float64{2.6, 2.6}},
		{"failing", trend.ExitStatus, []float64{1, 1}},
		{"localhost-closed", trend.ResponseTime, []float64{0.25}},
		{"rootfs", trend.Load1, nil},
	}
	for _, tt := range tests {
		got, err := db.SamplesOn(ctx, "", tt.service, tt.fig, since, until)
		if err != nil {
			t.Fatalf("Samples(%s, %s) error = %v", tt.service, tt.fig, err)
		}
		var vals []float64
		for _, s := range got {
			vals = append(vals, s.Value)
		}
		if len(vals) != len(tt.want) {
			t.Errorf("Samples(%s, %s) = %v, want %v", tt.service, tt.fig, vals, tt.want)
			continue
		}
		for i := range vals {
			if d := vals[i] - tt.want[i]; d > 1e-9 || d < -1e-9 {
				t.Errorf("Samples(%s, %s) = %v, want %v", tt.service, tt.fig, vals, tt.want)
			}
		}
		if len(got) > 0 && got[0].At.Before(since) {
			t.Errorf("Samples(%s, %s) starts at %v, before %v", tt.service, tt.fig, got[0].At, since)
		}
	}
	if _, err := db.SamplesOn(ctx, "", "vm", trend.Figure("nope"), since, until); err == nil {
		t.Error("Samples(unknown figure) error = nil")
	}
}

// BenchmarkSamples reads a day and a week of one figure out of a week of five-minute cycles
// of six services (2,016 cycles), as Mother and GET /trends do.
func BenchmarkSamples(b *testing.B) {
	ctx := b.Context()
	db := openTest(b)
	t0 := time.Unix(1795507134, 0).UTC()
	const cycles = 7 * 24 * 12
	for i := range cycles {
		st := sampleStatus(t0.Add(time.Duration(i) * 5 * time.Minute))
		st.Services[4].Ports[0].ResponseSec = 0.002 // both port tests pass
		if _, err := db.RecordCycle(ctx, st.Services[0].CollectedAt, st, nil); err != nil {
			b.Fatal(err)
		}
	}
	end := t0.Add(cycles * 5 * time.Minute)
	for _, bc := range []struct {
		name, service string
		fig           trend.Figure
		span          time.Duration
	}{
		{"system_cpu_24h", "vm", trend.CPU, 24 * time.Hour},
		{"system_cpu_7d", "vm", trend.CPU, 7 * 24 * time.Hour},
		{"response_time_7d", "localhost-closed", trend.ResponseTime, 7 * 24 * time.Hour},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := db.SamplesOn(ctx, "", bc.service, bc.fig, end.Add(-bc.span), end); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
