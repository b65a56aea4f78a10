package trend

import (
	"slices"
	"time"

	"monit-intel/engine"
)

// Figure is one number a service reports over time.
type Figure string

// The figures. CPU and Memory mean the host's for a system check and the process's (with its
// children) for a process check.
const (
	Load1        Figure = "load1"
	Load5        Figure = "load5"
	Load15       Figure = "load15"
	CPU          Figure = "cpu"
	Memory       Figure = "memory"
	Swap         Figure = "swap"
	Disk         Figure = "disk"
	Inodes       Figure = "inodes"
	ResponseTime Figure = "response_time"
	ExitStatus   Figure = "exit_status"
)

// All lists every figure, in the order answers show them.
var All = []Figure{Load1, Load5, Load15, CPU, Memory, Swap, Disk, Inodes, ResponseTime, ExitStatus}

// Parse returns the figure named s.
func Parse(s string) (Figure, bool) {
	f := Figure(s)
	return f, slices.Contains(All, f)
}

// Unit is the figure's unit as an answer prints it after a number: "%", " s" or "".
func (f Figure) Unit() string {
	switch f {
	case CPU, Memory, Swap, Disk, Inodes:
		return "%"
	case ResponseTime:
		return " s"
	}
	return ""
}

// Label is the figure for a person: "CPU usage", "disk usage".
func (f Figure) Label() string {
	switch f {
	case Load1:
		return "load (1 min)"
	case Load5:
		return "load (5 min)"
	case Load15:
		return "load (15 min)"
	case CPU:
		return "CPU usage"
	case Memory:
		return "memory usage"
	case Swap:
		return "swap usage"
	case Disk:
		return "disk usage"
	case Inodes:
		return "inode usage"
	case ResponseTime:
		return "response time"
	case ExitStatus:
		return "exit status"
	}
	return string(f)
}

// For lists the figures a service type has, in the order of All.
func For(t engine.ServiceType) []Figure {
	switch t {
	case engine.TypeSystem:
		return []Figure{Load1, Load5, Load15, CPU, Memory, Swap}
	case engine.TypeProcess:
		return []Figure{CPU, Memory}
	case engine.TypeFilesystem:
		return []Figure{Disk, Inodes}
	case engine.TypeHost:
		return []Figure{ResponseTime}
	case engine.TypeProgram:
		return []Figure{ExitStatus}
	}
	return nil
}

// Value reads a figure from a snapshot; false when the snapshot does not carry it (another
// type, an unmonitored service, a figure Monit did not report, a port test that failed).
func Value(s engine.Snapshot, f Figure) (float64, bool) {
	switch {
	case s.System != nil:
		return systemValue(s.System, f)
	case s.Process != nil:
		return processValue(s.Process, f)
	case s.Filesystem != nil && f == Disk:
		return deref(s.Filesystem.BlockPercent)
	case s.Filesystem != nil && f == Inodes:
		return deref(s.Filesystem.InodePercent)
	case s.Program != nil && f == ExitStatus && s.Program.ExitStatus != nil:
		return float64(*s.Program.ExitStatus), true
	case f == ResponseTime:
		return slowestPort(s)
	}
	return 0, false
}

func deref(v *float64) (float64, bool) {
	if v == nil {
		return 0, false
	}
	return *v, true
}

func systemValue(s *engine.SystemFigures, f Figure) (float64, bool) {
	switch f {
	case Load1:
		return deref(s.Load1)
	case Load5:
		return deref(s.Load5)
	case Load15:
		return deref(s.Load15)
	case CPU:
		if s.CPUUser == nil || s.CPUSystem == nil {
			return 0, false
		}
		return *s.CPUUser + *s.CPUSystem, true
	case Memory:
		return deref(s.MemPercent)
	case Swap:
		return deref(s.SwapPercent)
	}
	return 0, false
}

func processValue(p *engine.ProcessFigures, f Figure) (float64, bool) {
	pick := func(total, own *float64) (float64, bool) {
		switch {
		case total != nil && *total >= 0:
			return *total, true
		case own != nil && *own >= 0:
			return *own, true
		}
		return 0, false
	}
	switch f {
	case CPU:
		return pick(p.CPUPercentTotal, p.CPUPercent)
	case Memory:
		return pick(p.MemPercentTotal, p.MemPercent)
	}
	return 0, false
}

// slowestPort is the slowest port or ping test, as the history stores it; false when a test
// failed or none ran.
func slowestPort(s engine.Snapshot) (float64, bool) {
	v, ok := 0.0, false
	for _, p := range s.Ports {
		if p.ResponseSec < 0 {
			return 0, false
		}
		v, ok = max(v, p.ResponseSec), true
	}
	return v, ok
}

// Sample is one reading of a figure.
type Sample struct {
	At    time.Time
	Value float64
}

// Summary is a series over a window: the latest reading, min, average, max and when the max
// was first reached.
type Summary struct {
	N        int
	Latest   float64
	LatestAt time.Time
	Min      float64
	Avg      float64
	Max      float64
	MaxAt    time.Time
}

// Summarise summarises samples in time order; false when there are none.
func Summarise(samples []Sample) (Summary, bool) {
	if len(samples) == 0 {
		return Summary{}, false
	}
	s := Summary{N: len(samples), Min: samples[0].Value, Max: samples[0].Value, MaxAt: samples[0].At}
	sum := 0.0
	for _, x := range samples {
		sum += x.Value
		s.Min = min(s.Min, x.Value)
		if x.Value > s.Max {
			s.Max, s.MaxAt = x.Value, x.At
		}
	}
	last := samples[len(samples)-1]
	s.Latest, s.LatestAt = last.Value, last.At
	s.Avg = sum / float64(len(samples))
	return s, true
}
