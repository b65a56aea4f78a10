package rca

import (
	"time"

	"monit-intel/engine"
)

// at is the collection time of the hand-built snapshots (Monit's capture: 2026-11-24 07:58:54 UTC).
var at = time.Unix(1795507134, 0).UTC()

func ptr[T any](v T) *T { return &v }

func process(name string, bits engine.StatusBits) engine.Snapshot {
	s := engine.Snapshot{Host: "vm", Name: name, Type: engine.TypeProcess, CollectedAt: at, Status: bits, Monitor: engine.MonitorYes}
	if bits&engine.BitNonExist == 0 {
		s.Process = &engine.ProcessFigures{PID: new(4321), PPID: new(1), UptimeSec: new(int64(12)),
			CPUPercentTotal: ptr(97.5), MemPercentTotal: ptr(3.2), MemKBTotal: ptr(int64(812345))}
	}
	return s
}

func program(name string, exit int, output string) engine.Snapshot {
	return engine.Snapshot{Host: "vm", Name: name, Type: engine.TypeProgram, CollectedAt: at,
		Status: engine.BitStatus, Monitor: engine.MonitorYes,
		Program: &engine.ProgramFigures{Started: at, ExitStatus: &exit, Output: output}}
}

func filesystem(name string, percent float64) engine.Snapshot {
	return engine.Snapshot{Host: "vm", Name: name, Type: engine.TypeFilesystem, CollectedAt: at,
		Status: engine.BitResource, Monitor: engine.MonitorYes,
		Filesystem: &engine.FilesystemFigures{FSType: "ext4", BlockPercent: &percent,
			BlockUsageMB: new(percent * 2580.196), BlockTotalMB: new(258019.6), InodePercent: ptr(2.6)}}
}

func host(name string, bits engine.StatusBits, ports ...engine.PortCheck) engine.Snapshot {
	return engine.Snapshot{Host: "vm", Name: name, Type: engine.TypeHost, CollectedAt: at,
		Status: bits, Monitor: engine.MonitorYes, Ports: ports}
}

func file(name string, bits engine.StatusBits) engine.Snapshot {
	return engine.Snapshot{Host: "vm", Name: name, Type: engine.TypeFile, CollectedAt: at,
		Status: bits, Monitor: engine.MonitorYes,
		File: &engine.FileFigures{Mode: "777", UID: new(33), GID: new(33), Size: ptr(int64(6)), Modified: at.Add(-50 * time.Hour)}}
}

func causeIDs(f Findings) []string {
	ids := make([]string, 0, len(f.Causes))
	for _, c := range f.Causes {
		ids = append(ids, c.ID)
	}
	return ids
}
