package monit

import "encoding/xml"

// The structs below mirror Monit's status document, formats 1 and 2 (REFERENCE 1.2–1.5), in
// every layout from Monit 5.3 to 5.35, but only the parts monit-intel keeps. encoding/xml
// skips every element without a field, which is how <credentials> (Monit's admin password in
// clear) is dropped: there is deliberately no field for it, so it is never copied out of the
// input buffer. Tags match direct children only, so a service's <status> never picks up
// <program><status>, nor its <type> a <port><type>.
//
// Every figure is decoded as text and read by a figureReader (numbers.go): one odd value
// (a unit suffix, a float in a whole-number field) costs that figure, never the document.
// An empty string means Monit did not print the element.

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
	Poll          string `xml:"poll"`
}

type xmlService struct {
	TypeAttr      string `xml:"type,attr"` // format 1
	TypeElem      string `xml:"type"`      // format 2
	NameAttr      string `xml:"name,attr"` // format 2
	NameElem      string `xml:"name"`      // format 1
	CollectedSec  string `xml:"collected_sec"`
	CollectedUsec string `xml:"collected_usec"`
	Status        string `xml:"status"`
	StatusHint    string `xml:"status_hint"`
	Monitor       string `xml:"monitor"`
	PendingAction string `xml:"pendingaction"`

	// Process.
	PID      string            `xml:"pid"`
	PPID     string            `xml:"ppid"`
	Uptime   string            `xml:"uptime"`
	Threads  string            `xml:"threads"` // 5.16 and later
	Children string            `xml:"children"`
	Memory   *xmlProcessMemory `xml:"memory"`
	CPU      *xmlProcessCPU    `xml:"cpu"`
	FDs      *xmlFDs           `xml:"filedescriptors"` // 5.27 and later

	// File, directory, fifo (and filesystem, which also has mode, uid and gid).
	Mode       *string        `xml:"mode"`
	UID        string         `xml:"uid"`
	GID        string         `xml:"gid"`
	Timestamps *xmlTimestamps `xml:"timestamps"` // 5.22 and later
	Timestamp  string         `xml:"timestamp"`  // 5.21 and earlier: max(mtime, ctime)
	Size       string         `xml:"size"`
	Checksum   *string        `xml:"checksum"`

	// Filesystem. Monit 5.20 and earlier print a numeric <flags> and no <fstype>.
	FSType *string   `xml:"fstype"`
	Block  *xmlBlock `xml:"block"`
	Inode  *xmlInode `xml:"inode"`

	Program *xmlProgram `xml:"program"`
	System  *xmlSystem  `xml:"system"`
	Link    *xmlLink    `xml:"link"` // 5.11 and later
	Ports   []xmlPort   `xml:"port"`
	Sockets []xmlUnix   `xml:"unix"`
	Icmps   []xmlIcmp   `xml:"icmp"`
}

type xmlProcessMemory struct {
	Percent       string `xml:"percent"`
	PercentTotal  string `xml:"percenttotal"`
	Kilobyte      string `xml:"kilobyte"`
	KilobyteTotal string `xml:"kilobytetotal"`
}

type xmlProcessCPU struct {
	Percent      string `xml:"percent"`
	PercentTotal string `xml:"percenttotal"`
}

type xmlFDs struct {
	Open string `xml:"open"` // process only; the system service reports allocated/unused/maximum
}

type xmlTimestamps struct {
	Access string `xml:"access"`
	Change string `xml:"change"`
	Modify string `xml:"modify"`
}

type xmlBlock struct {
	Percent string `xml:"percent"`
	Usage   string `xml:"usage"` // "2051.3 MB" in Monit 5.3
	Total   string `xml:"total"`
}

type xmlInode struct {
	Percent string `xml:"percent"`
	Usage   string `xml:"usage"`
	Total   string `xml:"total"`
}

type xmlProgram struct {
	Started string `xml:"started"`
	Status  string `xml:"status"`
	Output  string `xml:"output"`
}

type xmlSystem struct {
	Load struct {
		Avg01 string `xml:"avg01"`
		Avg05 string `xml:"avg05"`
		Avg15 string `xml:"avg15"`
	} `xml:"load"`
	CPU struct {
		User   string `xml:"user"`
		System string `xml:"system"`
		Wait   string `xml:"wait"`
	} `xml:"cpu"`
	Memory xmlPercentKB `xml:"memory"`
	Swap   xmlPercentKB `xml:"swap"`
}

type xmlPercentKB struct {
	Percent  string `xml:"percent"`
	Kilobyte string `xml:"kilobyte"`
}

type xmlLink struct {
	State    string       `xml:"state"`
	Speed    string       `xml:"speed"`
	Download xmlDirection `xml:"download"`
	Upload   xmlDirection `xml:"upload"`
}

type xmlDirection struct {
	Packets string `xml:"packets>now"`
	Bytes   string `xml:"bytes>now"`
	Errors  string `xml:"errors>now"`
}

type xmlPort struct {
	Hostname     string `xml:"hostname"`
	PortNumber   string `xml:"portnumber"`
	Request      string `xml:"request"`
	Protocol     string `xml:"protocol"`
	Type         string `xml:"type"`
	ResponseTime string `xml:"responsetime"`
	CertValid    string `xml:"certificate>valid"` // 5.21 and later, TLS only
}

// xmlUnix is an "if failed unixsocket PATH" test (Monit's socketlist).
type xmlUnix struct {
	Path         string `xml:"path"`
	Protocol     string `xml:"protocol"`
	ResponseTime string `xml:"responsetime"`
}

type xmlIcmp struct {
	Type         string `xml:"type"`
	ResponseTime string `xml:"responsetime"`
}
