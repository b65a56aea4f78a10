package monit

import "encoding/xml"

// The structs below mirror Monit's status document, formats 1 and 2 (REFERENCE 1.2–1.5), but
// only the parts monit-intel keeps. encoding/xml skips every element without a field, which
// is how <credentials> (Monit's admin password in clear) is dropped: there is deliberately no
// field for it, so it is never copied out of the input buffer. Tags match direct children
// only, so a service's <status> never picks up <program><status>, nor its <type> a
// <port><type>.

type xmlMonit struct {
	XMLName   xml.Name     `xml:"monit"`
	ID        string       `xml:"id,attr"`      // format 2
	Version   string       `xml:"version,attr"` // format 2
	Server    xmlServer    `xml:"server"`
	Services  []xmlService `xml:"service"`          // format 1
	Services2 []xmlService `xml:"services>service"` // format 2
}

type xmlServer struct {
	ID            string `xml:"id"`      // format 1
	Version       string `xml:"version"` // format 1
	LocalHostname string `xml:"localhostname"`
	Poll          int    `xml:"poll"`
}

type xmlService struct {
	TypeAttr      *int   `xml:"type,attr"` // format 1
	TypeElem      *int   `xml:"type"`      // format 2
	NameAttr      string `xml:"name,attr"` // format 2
	NameElem      string `xml:"name"`      // format 1
	CollectedSec  int64  `xml:"collected_sec"`
	CollectedUsec int64  `xml:"collected_usec"`
	Status        uint32 `xml:"status"`
	StatusHint    uint32 `xml:"status_hint"`
	Monitor       uint8  `xml:"monitor"`
	PendingAction uint8  `xml:"pendingaction"`

	// Process.
	PID      *int              `xml:"pid"`
	PPID     *int              `xml:"ppid"`
	Uptime   *int64            `xml:"uptime"`
	Threads  *int              `xml:"threads"`
	Children *int              `xml:"children"`
	Memory   *xmlProcessMemory `xml:"memory"`
	CPU      *xmlProcessCPU    `xml:"cpu"`
	FDs      *xmlFDs           `xml:"filedescriptors"`

	// File, directory, fifo (and filesystem, which also has mode, uid and gid).
	Mode       *string        `xml:"mode"`
	UID        *int           `xml:"uid"`
	GID        *int           `xml:"gid"`
	Timestamps *xmlTimestamps `xml:"timestamps"`
	Size       *int64         `xml:"size"`
	Checksum   *string        `xml:"checksum"`

	// Filesystem.
	FSType *string   `xml:"fstype"`
	Block  *xmlBlock `xml:"block"`
	Inode  *xmlInode `xml:"inode"`

	Program *xmlProgram `xml:"program"`
	System  *xmlSystem  `xml:"system"`
	Link    *xmlLink    `xml:"link"`
	Ports   []xmlPort   `xml:"port"`
	Sockets []xmlUnix   `xml:"unix"`
	Icmps   []xmlIcmp   `xml:"icmp"`
}

type xmlProcessMemory struct {
	Percent       *float64 `xml:"percent"`
	PercentTotal  *float64 `xml:"percenttotal"`
	Kilobyte      *int64   `xml:"kilobyte"`
	KilobyteTotal *int64   `xml:"kilobytetotal"`
}

type xmlProcessCPU struct {
	Percent      *float64 `xml:"percent"`
	PercentTotal *float64 `xml:"percenttotal"`
}

type xmlFDs struct {
	Open *int `xml:"open"` // process only; the system service reports allocated/unused/maximum
}

type xmlTimestamps struct {
	Access int64 `xml:"access"`
	Change int64 `xml:"change"`
	Modify int64 `xml:"modify"`
}

type xmlBlock struct {
	Percent float64 `xml:"percent"`
	Usage   float64 `xml:"usage"`
	Total   float64 `xml:"total"`
}

type xmlInode struct {
	Percent *float64 `xml:"percent"`
	Usage   *int64   `xml:"usage"`
	Total   *int64   `xml:"total"`
}

type xmlProgram struct {
	Started int64  `xml:"started"`
	Status  int    `xml:"status"`
	Output  string `xml:"output"`
}

type xmlSystem struct {
	Load struct {
		Avg01 float64 `xml:"avg01"`
		Avg05 float64 `xml:"avg05"`
		Avg15 float64 `xml:"avg15"`
	} `xml:"load"`
	CPU struct {
		User   *float64 `xml:"user"`
		System *float64 `xml:"system"`
		Wait   *float64 `xml:"wait"`
	} `xml:"cpu"`
	Memory xmlPercentKB `xml:"memory"`
	Swap   xmlPercentKB `xml:"swap"`
}

type xmlPercentKB struct {
	Percent  float64 `xml:"percent"`
	Kilobyte int64   `xml:"kilobyte"`
}

type xmlLink struct {
	State    int          `xml:"state"`
	Speed    int64        `xml:"speed"`
	Download xmlDirection `xml:"download"`
	Upload   xmlDirection `xml:"upload"`
}

type xmlDirection struct {
	Packets float64 `xml:"packets>now"`
	Bytes   float64 `xml:"bytes>now"`
	Errors  float64 `xml:"errors>now"`
}

type xmlPort struct {
	Hostname     string  `xml:"hostname"`
	PortNumber   int     `xml:"portnumber"`
	Request      string  `xml:"request"`
	Protocol     string  `xml:"protocol"`
	Type         string  `xml:"type"`
	ResponseTime float64 `xml:"responsetime"`
	CertValid    *int    `xml:"certificate>valid"`
}

// xmlUnix is an "if failed unixsocket PATH" test (Monit's socketlist).
type xmlUnix struct {
	Path         string  `xml:"path"`
	Protocol     string  `xml:"protocol"`
	ResponseTime float64 `xml:"responsetime"`
}

type xmlIcmp struct {
	Type         string  `xml:"type"`
	ResponseTime float64 `xml:"responsetime"`
}
