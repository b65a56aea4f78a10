package trend

import (
	"testing"
	"time"

	"monit-intel/engine"
)

func TestSummarise(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		samples []Sample
		want    Summary
		ok      bool
	}{
		{name: "none"},
		{name: "one", samples: []Sample{{t0, 3}}, ok: true,
			want: Summary{N: 1, Latest: 3, LatestAt: t0, Min: 3, Avg: 3, Max: 3, MaxAt: t0}},
		{name: "max first reached", ok: true,
			samples: []Sample{{t0, 1}, {t0.Add(time.Hour), 9}, {t0.Add(2 * time.Hour), 9}, {t0.Add(3 * time.Hour), 5}},
			want:    Summary{N: 4, Latest: 5, LatestAt: t0.Add(3 * time.Hour), Min: 1, Avg: 6, Max: 9, MaxAt: t0.Add(time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Summarise(tt.samples)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Summarise() = %+v, %v, want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestValue(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	two := 2
	tests := []struct {
		name string
		snap engine.Snapshot
		fig  Figure
		want float64
		ok   bool
	}{
		{"system cpu is user+system", engine.Snapshot{System: &engine.SystemFigures{CPUUser: f(10), CPUSystem: f(2.5)}}, CPU, 12.5, true},
		{"system cpu unknown", engine.Snapshot{System: &engine.SystemFigures{}}, CPU, 0, false},
		{"process memory total", engine.Snapshot{Process: &engine.ProcessFigures{MemPercent: f(1), MemPercentTotal: f(4)}}, Memory, 4, true},
		{"process cpu not sampled yet", engine.Snapshot{Process: &engine.ProcessFigures{CPUPercent: f(-1)}}, CPU, 0, false},
		{"disk", engine.Snapshot{Filesystem: &engine.FilesystemFigures{BlockPercent: f(41.5)}}, Disk, 41.5, true},
		{"disk not reported", engine.Snapshot{Filesystem: &engine.FilesystemFigures{}}, Disk, 0, false},
		{"load", engine.Snapshot{System: &engine.SystemFigures{Load5: f(0.7)}}, Load5, 0.7, true},
		{"no inodes", engine.Snapshot{Filesystem: &engine.FilesystemFigures{}}, Inodes, 0, false},
		{"exit status", engine.Snapshot{Program: &engine.ProgramFigures{ExitStatus: &two}}, ExitStatus, 2, true},
		{"program not run yet", engine.Snapshot{Program: &engine.ProgramFigures{}}, ExitStatus, 0, false},
		{"slowest port", engine.Snapshot{Ports: []engine.PortCheck{{ResponseSec: 0.01}, {ResponseSec: 0.2}}}, ResponseTime, 0.2, true},
		{"failed port", engine.Snapshot{Ports: []engine.PortCheck{{ResponseSec: 0.01}, {ResponseSec: -1}}}, ResponseTime, 0, false},
		{"wrong type", engine.Snapshot{Program: &engine.ProgramFigures{}}, Disk, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Value(tt.snap, tt.fig)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Value() = %v, %v, want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
