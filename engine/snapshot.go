package engine

import (
	"fmt"
	"time"
)

// Status is one Monit status document reduced to what monit-intel keeps. Monit's
// <credentials> are never part of it.
type Status struct {
	Host         string // Monit's <localhostname>
	MonitID      string
	MonitVersion string
	PollSec      int // Monit's poll interval (<poll>), 0 when not reported
	Services     []Snapshot
}

// Snapshot is one service as Monit reported it in one status document. Figures that Monit did
// not report (unmonitored, initializing or missing services, a program that has not run yet)
// are nil, never zero.
type Snapshot struct {
	Host          string
	Name          string
	Type          ServiceType
	CollectedAt   time.Time // collected_sec + collected_usec
	Status        StatusBits
	StatusHint    StatusBits
	Monitor       MonitorState
	PendingAction PendingAction

	Process    *ProcessFigures
	Program    *ProgramFigures
	Filesystem *FilesystemFigures
	System     *SystemFigures
	File       *FileFigures // file, directory and fifo
	Net        *NetFigures
	Ports      []PortCheck
	Sockets    []SocketCheck
	Icmp       []IcmpCheck

	// ParseNotes name the figures Monit printed but monit-intel could not read; each such
	// figure is nil. Nil when every figure was read.
	ParseNotes []ParseNote
}

// ParseNote is one figure of a snapshot that could not be read: which element, what Monit
// printed (at most 32 bytes) and why it was not taken.
type ParseNote struct {
	Field   string `json:"field"`   // the element's path in the service, e.g. "block/usage"
	Value   string `json:"value"`   // what Monit printed
	Problem string `json:"problem"` // e.g. "not a number", "unit ms where MB is expected"
}

// String words the note for people: `block/usage "12 parsecs": unknown unit "parsecs"`.
func (n ParseNote) String() string {
	return fmt.Sprintf("%s %q: %s", n.Field, n.Value, n.Problem)
}

// FailingBits are the status bits Monit reports as failed tests: the bits also set in the
// status hint are changes Monit detected ("if changed checksum"), not failures. A service
// Monit does not monitor, or is still initializing, has no failing bits.
func (s Snapshot) FailingBits() StatusBits {
	if s.Monitor == 0 || s.Monitor&MonitorInit != 0 {
		return 0
	}
	return s.Status &^ s.StatusHint
}

// ChangedBits are the status bits Monit reports as changes ("Checksum changed").
func (s Snapshot) ChangedBits() StatusBits {
	if s.Monitor == 0 || s.Monitor&MonitorInit != 0 {
		return 0
	}
	return s.Status & s.StatusHint
}

// Failing reports whether Monit reports a failed test on the service.
func (s Snapshot) Failing() bool { return s.FailingBits() != 0 }

// StatusText words the service's status as `monit status` does: "Not monitored" or
// "Initializing" while Monit does not test it, else the failed and changed tests ("Checksum
// changed | Permission failed", "OK"), followed by " - restart pending" while an action waits.
func (s Snapshot) StatusText() string {
	var t string
	if s.Monitor == 0 || s.Monitor&MonitorInit != 0 {
		t = s.Monitor.Text()
	} else {
		t = Words(s.Status, s.StatusHint)
	}
	if s.PendingAction != 0 {
		t += " - " + s.PendingAction.String() + " pending"
	}
	return t
}

// ProcessFigures are a process check's figures. Pointers are nil when Monit's process engine
// did not report them or they could not be read; CPU is -1 until Monit has two samples.
type ProcessFigures struct {
	PID             *int
	PPID            *int
	UptimeSec       *int64
	Threads         *int
	Children        *int
	CPUPercent      *float64
	CPUPercentTotal *float64
	MemPercent      *float64
	MemPercentTotal *float64
	MemKB           *int64
	MemKBTotal      *int64
	FDOpen          *int
}

// ProgramFigures are the last run of a program check. Output is at most what Monit keeps
// (512 bytes by default), with control characters removed.
type ProgramFigures struct {
	Started    time.Time // zero when unreadable
	ExitStatus *int
	Output     string
}

// FilesystemFigures are a filesystem check's usage. Block figures are in megabytes as Monit
// reports them; inode figures are nil on filesystems without inodes.
type FilesystemFigures struct {
	FSType       string
	BlockPercent *float64
	BlockUsageMB *float64
	BlockTotalMB *float64
	InodePercent *float64
	InodeUsage   *int64
	InodeTotal   *int64
}

// SystemFigures are the host's load, CPU, memory and swap. CPU fields are nil where the
// platform does not report them; any figure is nil when it could not be read.
type SystemFigures struct {
	Load1, Load5, Load15 *float64
	CPUUser              *float64
	CPUSystem            *float64
	CPUWait              *float64
	MemPercent           *float64
	MemKB                *int64
	SwapPercent          *float64
	SwapKB               *int64
}

// FileFigures belong to file, directory and fifo checks. Times are zero when Monit did not
// report them: Monit 5.21 and earlier print one <timestamp>, max(mtime, ctime), read as
// Modified.
type FileFigures struct {
	Mode     string // octal text as Monit prints it
	UID, GID *int
	Size     *int64 // files only
	Modified time.Time
	Checksum string
	Accessed time.Time // atime
	Changed  time.Time // ctime (inode change)
}

// NetFigures are a network interface check's link figures (per second where Monit says
// "now"); nil when unreadable.
type NetFigures struct {
	LinkState      *int // 1 up, 0 down, -1 unknown
	SpeedBits      *int64
	DownloadBytes  *float64
	UploadBytes    *float64
	DownloadErrors *float64
	UploadErrors   *float64
	// Packets per second.
	DownloadPackets *float64
	UploadPackets   *float64
}

// PortCheck is one <port> connection test. ResponseSec is -1 when the test failed or has not
// run yet.
type PortCheck struct {
	Hostname    string
	Port        int
	Protocol    string
	Type        string // TCP or UDP
	Request     string
	ResponseSec float64
	CertDays    *int
}

// SocketCheck is one <unix> connection test ("if failed unixsocket PATH"). ResponseSec is -1
// when the test failed or has not run yet.
type SocketCheck struct {
	Path        string
	Protocol    string
	ResponseSec float64
}

// IcmpCheck is one <icmp> test; ResponseSec is -1 when it failed.
type IcmpCheck struct {
	Type        string
	ResponseSec float64
}

// ValueOr returns *p, or def when the figure is nil (not reported, or unreadable).
func ValueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
