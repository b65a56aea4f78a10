package engine

import (
	"strconv"
	"strings"
)

// ServiceType is Monit's service type number (the type attribute of <service>).
type ServiceType int8

// Monit's service types, numbered as Monit numbers them.
const (
	TypeFilesystem ServiceType = 0
	TypeDirectory  ServiceType = 1
	TypeFile       ServiceType = 2
	TypeProcess    ServiceType = 3
	TypeHost       ServiceType = 4
	TypeSystem     ServiceType = 5
	TypeFifo       ServiceType = 6
	TypeProgram    ServiceType = 7
	TypeNet        ServiceType = 8
	// TypeUnknown is a type monit-intel does not know (a newer Monit's) or could not read.
	TypeUnknown ServiceType = -1
)

var typeNames = [...]string{"filesystem", "directory", "file", "process", "host", "system", "fifo", "program", "net"}

// String returns the lower-case word used in the database and the API ("process", "program", …).
func (t ServiceType) String() string {
	if t >= 0 && int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// ParseServiceType is the inverse of String.
func ParseServiceType(s string) (ServiceType, bool) {
	for i, n := range typeNames {
		if n == s {
			return ServiceType(i), true
		}
	}
	return 0, false
}

// StatusBits is Monit's <status> error bitmap (enum Event_Type); 0 means OK.
type StatusBits uint32

// The bits Monit sets in <status>, in the order of Monit's Event_Table (src/event.c), which
// is the order `monit status` words them in, with Monit's words for each state of the test's
// event: failed, succeeded, changed ("if changed checksum then alert" sets the bit in
// <status> and in <status_hint>) and changed not.
var statusLabels = []struct {
	bit                                    StatusBits
	failed, succeeded, changed, changedNot string
}{
	{0x20000, "Action done", "Action done", "Action done", "Action done"},
	{0x4000000, "Download bytes exceeded", "Download bytes ok", "Download bytes changed", "Download bytes not changed"},
	{0x8000000, "Upload bytes exceeded", "Upload bytes ok", "Upload bytes changed", "Upload bytes not changed"},
	{0x1, "Checksum failed", "Checksum succeeded", "Checksum changed", "Checksum not changed"},
	{0x20, "Connection failed", "Connection succeeded", "Connection changed", "Connection not changed"},
	{0x8000, "Content failed", "Content succeeded", "Content match", "Content doesn't match"},
	{0x800, "Data access error", "Data access succeeded", "Data access changed", "Data access not changed"},
	{0x1000, "Execution failed", "Execution succeeded", "Execution changed", "Execution not changed"},
	{0x2000, "Filesystem flags failed", "Filesystem flags succeeded", "Filesystem flags changed", "Filesystem flags not changed"},
	{0x100, "GID failed", "GID succeeded", "GID changed", "GID not changed"},
	{0x100000, "Heartbeat failed", "Heartbeat succeeded", "Heartbeat changed", "Heartbeat not changed"},
	{0x4000, "ICMP failed", "ICMP succeeded", "ICMP changed", "ICMP not changed"},
	{0x10000, "Monit instance failed", "Monit instance succeeded", "Monit instance changed", "Monit instance not changed"},
	{0x400, "Invalid type", "Type succeeded", "Type changed", "Type not changed"},
	{0x800000, "Link down", "Link up", "Link changed", "Link not changed"},
	{0x200, "Does not exist", "Exists", "Existence changed", "Existence not changed"},
	{0x10000000, "Download packets exceeded", "Download packets ok", "Download packets changed", "Download packets not changed"},
	{0x20000000, "Upload packets exceeded", "Upload packets ok", "Upload packets changed", "Upload packets not changed"},
	{0x40, "Permission failed", "Permission succeeded", "Permission changed", "Permission not changed"},
	{0x40000, "PID failed", "PID succeeded", "PID changed", "PID not changed"},
	{0x80000, "PPID failed", "PPID succeeded", "PPID changed", "PPID not changed"},
	{0x2, "Resource limit matched", "Resource limit succeeded", "Resource limit changed", "Resource limit not changed"},
	{0x2000000, "Saturation exceeded", "Saturation ok", "Saturation changed", "Saturation not changed"},
	{0x10, "Size failed", "Size succeeded", "Size changed", "Size not changed"},
	{0x1000000, "Speed failed", "Speed ok", "Speed changed", "Speed not changed"},
	{0x200000, "Status failed", "Status succeeded", "Status changed", "Status not changed"},
	{0x4, "Timeout", "Timeout recovery", "Timeout changed", "Timeout not changed"},
	{0x8, "Timestamp failed", "Timestamp succeeded", "Timestamp changed", "Timestamp not changed"},
	{0x80, "UID failed", "UID succeeded", "UID changed", "UID not changed"},
	{0x400000, "Uptime failed", "Uptime succeeded", "Uptime changed", "Uptime not changed"},
	{0x40000000, "Does exist", "Does not exist", "Existence changed", "Existence not changed"},
}

// Named bits the analysis refers to.
const (
	BitChecksum   StatusBits = 0x1
	BitResource   StatusBits = 0x2
	BitTimeout    StatusBits = 0x4
	BitTimestamp  StatusBits = 0x8
	BitSize       StatusBits = 0x10
	BitConnection StatusBits = 0x20
	BitPermission StatusBits = 0x40
	BitNonExist   StatusBits = 0x200
	BitData       StatusBits = 0x800
	BitExec       StatusBits = 0x1000
	BitIcmp       StatusBits = 0x4000
	BitContent    StatusBits = 0x8000
	BitPID        StatusBits = 0x40000
	BitHeartbeat  StatusBits = 0x100000
	BitStatus     StatusBits = 0x200000
	BitUptime     StatusBits = 0x400000
	BitLink       StatusBits = 0x800000
)

// EventWords words one event as Monit's log does: the test's words for the event's state,
// Monit's State_Type (0 succeeded, 1 failed, 2 changed, 4 changed not). An event of a test
// that succeeded again reads "Exists", not the "Does not exist" of its failure. An unknown
// bit or state falls back to Text.
func EventWords(id StatusBits, state int) string {
	for _, l := range statusLabels {
		if l.bit != id {
			continue
		}
		switch state {
		case 0:
			return l.succeeded
		case 1:
			return l.failed
		case 2:
			return l.changed
		case 4:
			return l.changedNot
		}
	}
	return id.Text()
}

// Text words the bitmap as `monit status` words failed tests: the labels of the set bits in
// Monit's order joined with " | ", "OK" for 0. Unknown bits are shown as hex so nothing is
// hidden.
func (b StatusBits) Text() string { return Words(b, 0) }

// Words words a status as `monit status` does: each set bit is "… changed" when the hint
// has it too (a change Monit detected), "… failed" otherwise; "OK" for 0.
func Words(status, hint StatusBits) string {
	if status == 0 {
		return "OK"
	}
	var parts []string
	rest := status
	for _, l := range statusLabels {
		if status&l.bit == 0 {
			continue
		}
		if hint&l.bit != 0 {
			parts = append(parts, l.changed)
		} else {
			parts = append(parts, l.failed)
		}
		rest &^= l.bit
	}
	if rest != 0 {
		parts = append(parts, "Unknown status 0x"+strconv.FormatUint(uint64(rest), 16))
	}
	return strings.Join(parts, " | ")
}

// Labels returns the failed-test label of each set bit, in Monit's order.
func (b StatusBits) Labels() []string {
	var out []string
	for _, l := range statusLabels {
		if b&l.bit != 0 {
			out = append(out, l.failed)
		}
	}
	return out
}

// MonitorState is Monit's <monitor> bitmask: 0 not monitored, 1 monitored, 2 initializing,
// 4 waiting; combinations such as 5 and 6 occur.
type MonitorState uint8

// Monitor bits.
const (
	MonitorYes     MonitorState = 1
	MonitorInit    MonitorState = 2
	MonitorWaiting MonitorState = 4
)

// Text words the state as Monit's web page does.
func (m MonitorState) Text() string {
	switch {
	case m == 0:
		return "Not monitored"
	case m&MonitorWaiting != 0:
		return "Waiting"
	case m&MonitorInit != 0:
		return "Initializing"
	default:
		return "Monitored"
	}
}

// PendingAction is Monit's <pendingaction> (enum Action_Type); 0 means none.
type PendingAction uint8

var actionNames = [...]string{"", "alert", "restart", "stop", "exec", "unmonitor", "start", "monitor"}

// String returns Monit's name for the action, "" for none.
func (a PendingAction) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "unknown"
}
