package rca

import (
	"fmt"
	"strings"

	"monit-intel/engine"
)

// Bits engine does not name.
const (
	bitUID     engine.StatusBits = 0x80
	bitGID     engine.StatusBits = 0x100
	bitInvalid engine.StatusBits = 0x400
	bitFsFlags engine.StatusBits = 0x2000
	bitPPID    engine.StatusBits = 0x80000
	bitExist   engine.StatusBits = 0x40000000
	highestBit engine.StatusBits = 0x80000000
)

// meaning explains the monitoring state and each set status bit for the service's type.
func meaning(s engine.Snapshot) []string {
	var out []string
	switch {
	case s.Monitor == 0:
		out = append(out, "Monit does not monitor the service now, so it reports no figures.")
	case s.Monitor&engine.MonitorInit != 0:
		out = append(out, "Monit is still initialising the service; figures may be missing.")
	}
	if s.PendingAction != 0 {
		out = append(out, fmt.Sprintf("A %q action is pending in Monit.", s.PendingAction.String()))
	}
	for bit := engine.StatusBits(1); bit != 0 && bit <= highestBit; bit <<= 1 {
		if s.Status&bit == 0 {
			continue
		}
		m := bitMeaning(bit, s)
		if s.StatusHint&bit != 0 {
			m += " (Monit marks this bit as a change, not a failure.)"
		}
		out = append(out, m)
	}
	return out
}

// bitMeaning explains one status bit for the service.
func bitMeaning(bit engine.StatusBits, s engine.Snapshot) string {
	label := bit.Text()
	switch bit {
	case engine.BitResource:
		return label + ": " + resourceMeaning(s)
	case engine.BitTimeout:
		return label + ": Monit restarted the service more often than its restart limit allows " +
			"(\"if N restarts within M cycles\"): the service is flapping."
	case engine.BitConnection:
		return label + ": " + connectionMeaning(s)
	case engine.BitNonExist:
		return label + ": " + nonExistMeaning(s.Type)
	case engine.BitStatus:
		if p := s.Program; p != nil {
			return fmt.Sprintf("%s: the check program exited with status %s (Monit's \"if status != 0\" "+
				"test); its output says what it found.", label, fig("%d", p.ExitStatus))
		}
		return label + ": the check program's exit status failed its test."
	}
	if m, ok := plainMeanings[bit]; ok {
		return label + ": " + m
	}
	return label + ": Monit reports this test as failed."
}

// plainMeanings are the bits whose meaning does not depend on the service type.
var plainMeanings = map[engine.StatusBits]string{
	engine.BitChecksum:  "the file's checksum changed: its content was edited, replaced or tampered with.",
	engine.BitTimestamp: "the path was not modified (or was modified) within the expected time: a job that writes it may not have run.",
	engine.BitSize:      "the file's size passed its limit or changed.",
	engine.BitPermission: "the path's permission bits differ from the expected mode (a chmod, a deploy or a " +
		"package update changed them).",
	bitUID:              "the path's owner differs from the expected user.",
	bitGID:              "the path's group differs from the expected group.",
	bitInvalid:          "the path exists but is not of the checked type (e.g. a file where a directory was expected).",
	engine.BitData:      "Monit could not read the service's data (stat, the process table or the filesystem statistics failed).",
	engine.BitExec:      "Monit could not run the service's start, stop or check program, or it timed out.",
	bitFsFlags:          "the filesystem's mount flags changed (for example remounted read-only after I/O errors).",
	engine.BitIcmp:      "the host did not answer ping: it is down or the network path to it is broken.",
	engine.BitContent:   "a line in the file matched Monit's content test (for a log file, an error pattern).",
	engine.BitPID:       "the process ID changed: the process was restarted.",
	bitPPID:             "the parent process changed: the process was re-parented or restarted.",
	engine.BitHeartbeat: "the service stopped sending its heartbeat.",
	engine.BitUptime:    "the uptime is below its limit: the service or host was restarted recently.",
	engine.BitLink:      "the network interface has no link (cable, switch port, driver or a down VPN interface).",
	bitExist:            "a path that must not exist is present (e.g. a lock or flag file left behind).",
}

// resourceMeaning explains the resource bit with the type's figures.
func resourceMeaning(s engine.Snapshot) string {
	var what string
	switch s.Type {
	case engine.TypeFilesystem:
		what = "the filesystem's space or inode usage passed its limit"
	case engine.TypeProcess:
		what = "the process passed a CPU, memory, thread or file-descriptor limit"
	case engine.TypeSystem:
		what = "the host's load, CPU, memory or swap passed a limit"
	default:
		what = "a resource test passed its limit"
	}
	if f := figureLine(s); f != "" {
		return what + " (" + f + ")."
	}
	return what + "."
}

// connectionMeaning explains the connection bit with the failing port tests.
func connectionMeaning(s engine.Snapshot) string {
	var failed []string
	for _, t := range s.FailedTests() {
		if t.Kind != engine.TestIcmp {
			failed = append(failed, sanitize(t.Result(), "", 200))
		}
	}
	for _, p := range s.Ports {
		switch {
		case p.ResponseSec < 0:
		case p.CertDays != nil && *p.CertDays < certSoonDays:
			failed = append(failed, fmt.Sprintf("%s answered but its certificate is valid %d more days",
				portName(p), *p.CertDays))
		}
	}
	m := "a port, socket or protocol test got no valid answer (refused, timed out, wrong reply or certificate)"
	if len(failed) > 0 {
		m += ": " + strings.Join(failed, "; ")
	}
	return m + "."
}

// nonExistMeaning explains "Does not exist" for the service type.
func nonExistMeaning(t engine.ServiceType) string {
	switch t {
	case engine.TypeProcess:
		return "no running process matches the pidfile or pattern: it stopped, crashed or was killed."
	case engine.TypeFilesystem:
		return "the filesystem is not mounted or its mount point is missing."
	case engine.TypeProgram:
		return "the check program itself is missing or not executable."
	case engine.TypeNet:
		return "the network interface does not exist (a VPN or USB interface that went away)."
	}
	return "the checked path is missing."
}

// figureLine words the snapshot's main figures in one line, "" when there are none.
func figureLine(s engine.Snapshot) string {
	var parts []string
	if p := s.Process; p != nil {
		parts = append(parts, fmt.Sprintf("pid %s, uptime %ss", fig("%d", p.PID), fig("%d", p.UptimeSec)))
		if p.CPUPercentTotal != nil && *p.CPUPercentTotal >= 0 {
			parts = append(parts, fmt.Sprintf("cpu %.1f%%", *p.CPUPercentTotal))
		}
		if p.MemPercentTotal != nil {
			parts = append(parts, fmt.Sprintf("memory %.1f%%", *p.MemPercentTotal))
		}
		if p.MemKBTotal != nil {
			parts = append(parts, fmt.Sprintf("%d kB", *p.MemKBTotal))
		}
	}
	if fs := s.Filesystem; fs != nil {
		parts = append(parts, fmt.Sprintf("space %s%% (%s of %s MB)",
			fig("%.1f", fs.BlockPercent), fig("%.1f", fs.BlockUsageMB), fig("%.1f", fs.BlockTotalMB)))
		if fs.InodePercent != nil {
			parts = append(parts, fmt.Sprintf("inodes %.1f%%", *fs.InodePercent))
		}
	}
	if sy := s.System; sy != nil {
		parts = append(parts, fmt.Sprintf("load %s %s %s, memory %s%%, swap %s%%",
			fig("%.2f", sy.Load1), fig("%.2f", sy.Load5), fig("%.2f", sy.Load15),
			fig("%.1f", sy.MemPercent), fig("%.1f", sy.SwapPercent)))
	}
	return strings.Join(parts, ", ")
}
