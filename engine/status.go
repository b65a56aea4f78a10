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

// The bits Monit sets in <status>, with the labels of Monit's own Event_Table.
var statusLabels = []struct {
	bit   StatusBits
	label string
}{
	{0x1, "Checksum failed"},
	{0x2, "Resource limit matched"},
	{0x4, "Timeout"},
	{0x8, "Timestamp failed"},
	{0x10, "Size failed"},
	{0x20, "Connection failed"},
	{0x40, "Permission failed"},
	{0x80, "UID failed"},
	{0x100, "GID failed"},
	{0x200, "Does not exist"},
	{0x400, "Invalid type"},
	{0x800, "Data access error"},
	{0x1000, "Execution failed"},
	{0x2000, "Filesystem flags failed"},
	{0x4000, "ICMP failed"},
	{0x8000, "Content failed"},
	{0x10000, "Monit instance changed"},
	{0x20000, "Action done"},
	{0x40000, "PID failed"},
	{0x80000, "PPID failed"},
	{0x100000, "Heartbeat failed"},
	{0x200000, "Status failed"},
	{0x400000, "Uptime failed"},
	{0x800000, "Link down"},
	{0x1000000, "Speed failed"},
	{0x2000000, "Saturation exceeded"},
	{0x4000000, "Download bytes exceeded"},
	{0x8000000, "Upload bytes exceeded"},
	{0x10000000, "Download packets exceeded"},
	{0x20000000, "Upload packets exceeded"},
	{0x40000000, "Does exist"},
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

// Text words the bitmap as Monit's summary does: the labels of the set bits joined with " | ",
// "OK" for 0. Unknown bits are shown as hex so nothing is hidden.
func (b StatusBits) Text() string {
	if b == 0 {
		return "OK"
	}
	var parts []string
	rest := b
	for _, l := range statusLabels {
		if b&l.bit != 0 {
			parts = append(parts, l.label)
			rest &^= l.bit
		}
	}
	if rest != 0 {
		parts = append(parts, "Unknown status 0x"+strconv.FormatUint(uint64(rest), 16))
	}
	return strings.Join(parts, " | ")
}

// Labels returns the label of each set bit, in bit order.
func (b StatusBits) Labels() []string {
	var out []string
	for _, l := range statusLabels {
		if b&l.bit != 0 {
			out = append(out, l.label)
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
