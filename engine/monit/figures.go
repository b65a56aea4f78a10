package monit

import (
	"strings"
	"time"

	"monit-intel/engine"
)

// Each function returns nil when Monit did not print the type's block: the service is not
// monitored, is initializing, does not exist, or (programs) has not run yet. A figure that
// is printed but unreadable is nil, with a note in r.

func processFigures(r *figureReader, s *xmlService) *engine.ProcessFigures {
	if s.PID == "" {
		return nil
	}
	p := &engine.ProcessFigures{
		PID:       r.int("pid", s.PID),
		PPID:      r.int("ppid", s.PPID),
		UptimeSec: r.int64("uptime", s.Uptime, unitSec),
		Threads:   r.int("threads", s.Threads),
		Children:  r.int("children", s.Children),
	}
	if c := s.CPU; c != nil {
		p.CPUPercent = r.float("cpu/percent", c.Percent, unitPercent)
		p.CPUPercentTotal = r.float("cpu/percenttotal", c.PercentTotal, unitPercent)
	}
	if m := s.Memory; m != nil {
		p.MemPercent = r.float("memory/percent", m.Percent, unitPercent)
		p.MemPercentTotal = r.float("memory/percenttotal", m.PercentTotal, unitPercent)
		p.MemKB = r.int64("memory/kilobyte", m.Kilobyte, unitKB)
		p.MemKBTotal = r.int64("memory/kilobytetotal", m.KilobyteTotal, unitKB)
	}
	if s.FDs != nil {
		p.FDOpen = r.int("filedescriptors/open", s.FDs.Open)
	}
	return p
}

// cdataEscapedEnd is how Monit writes "]]>" inside a CDATA section (REFERENCE 6.2.4).
const cdataEscapedEnd = "]]&gt;"

func programFigures(r *figureReader, p *xmlProgram) *engine.ProgramFigures {
	if p == nil {
		return nil
	}
	return &engine.ProgramFigures{
		Started:    r.unixTime("program/started", p.Started),
		ExitStatus: r.int("program/status", p.Status),
		Output:     strings.ReplaceAll(p.Output, cdataEscapedEnd, "]]>"),
	}
}

func filesystemFigures(r *figureReader, s *xmlService) *engine.FilesystemFigures {
	if s.Block == nil && s.FSType == nil {
		return nil
	}
	f := &engine.FilesystemFigures{}
	if s.FSType != nil {
		f.FSType = *s.FSType
	}
	if b := s.Block; b != nil {
		f.BlockPercent = r.float("block/percent", b.Percent, unitPercent)
		f.BlockUsageMB = r.float("block/usage", b.Usage, unitMB)
		f.BlockTotalMB = r.float("block/total", b.Total, unitMB)
	}
	if i := s.Inode; i != nil {
		f.InodePercent = r.float("inode/percent", i.Percent, unitPercent)
		f.InodeUsage = r.int64("inode/usage", i.Usage, unitNone)
		f.InodeTotal = r.int64("inode/total", i.Total, unitNone)
	}
	return f
}

func systemFigures(r *figureReader, s *xmlSystem) *engine.SystemFigures {
	if s == nil {
		return nil
	}
	return &engine.SystemFigures{
		Load1:       r.float("system/load/avg01", s.Load.Avg01, unitNone),
		Load5:       r.float("system/load/avg05", s.Load.Avg05, unitNone),
		Load15:      r.float("system/load/avg15", s.Load.Avg15, unitNone),
		CPUUser:     r.float("system/cpu/user", s.CPU.User, unitPercent),
		CPUSystem:   r.float("system/cpu/system", s.CPU.System, unitPercent),
		CPUWait:     r.float("system/cpu/wait", s.CPU.Wait, unitPercent),
		MemPercent:  r.float("system/memory/percent", s.Memory.Percent, unitPercent),
		MemKB:       r.int64("system/memory/kilobyte", s.Memory.Kilobyte, unitKB),
		SwapPercent: r.float("system/swap/percent", s.Swap.Percent, unitPercent),
		SwapKB:      r.int64("system/swap/kilobyte", s.Swap.Kilobyte, unitKB),
	}
}

func fileFigures(r *figureReader, s *xmlService) *engine.FileFigures {
	if s.Mode == nil && s.Timestamps == nil && s.Timestamp == "" {
		return nil
	}
	f := &engine.FileFigures{
		UID:  r.int("uid", s.UID),
		GID:  r.int("gid", s.GID),
		Size: r.int64("size", s.Size, unitNone),
	}
	if s.Mode != nil {
		f.Mode = *s.Mode
	}
	if s.Checksum != nil {
		f.Checksum = *s.Checksum
	}
	if t := s.Timestamps; t != nil {
		f.Accessed = r.unixTime("timestamps/access", t.Access)
		f.Changed = r.unixTime("timestamps/change", t.Change)
		f.Modified = r.unixTime("timestamps/modify", t.Modify)
	} else {
		f.Modified = r.unixTime("timestamp", s.Timestamp)
	}
	return f
}

func netFigures(r *figureReader, l *xmlLink) *engine.NetFigures {
	if l == nil {
		return nil
	}
	return &engine.NetFigures{
		LinkState:       r.int("link/state", l.State),
		SpeedBits:       r.int64("link/speed", l.Speed, unitNone),
		DownloadBytes:   r.float("link/download/bytes/now", l.Download.Bytes, unitNone),
		UploadBytes:     r.float("link/upload/bytes/now", l.Upload.Bytes, unitNone),
		DownloadErrors:  r.float("link/download/errors/now", l.Download.Errors, unitNone),
		UploadErrors:    r.float("link/upload/errors/now", l.Upload.Errors, unitNone),
		DownloadPackets: r.float("link/download/packets/now", l.Download.Packets, unitNone),
		UploadPackets:   r.float("link/upload/packets/now", l.Upload.Packets, unitNone),
	}
}

// noResponse is Monit's response time of a test that failed or has not run; an unreadable
// response time is read as it too.
const noResponse = -1

func ports(r *figureReader, in []xmlPort) []engine.PortCheck {
	if len(in) == 0 {
		return nil
	}
	out := make([]engine.PortCheck, len(in))
	for i, p := range in {
		out[i] = engine.PortCheck{
			Hostname:    p.Hostname,
			Port:        deref(r.int("port/portnumber", p.PortNumber)),
			Protocol:    p.Protocol,
			Type:        p.Type,
			Request:     p.Request,
			ResponseSec: responseTime(r, "port/responsetime", p.ResponseTime),
			CertDays:    r.int("port/certificate/valid", p.CertValid),
		}
	}
	return out
}

func sockets(r *figureReader, in []xmlUnix) []engine.SocketCheck {
	if len(in) == 0 {
		return nil
	}
	out := make([]engine.SocketCheck, len(in))
	for i, u := range in {
		out[i] = engine.SocketCheck{Path: u.Path, Protocol: u.Protocol,
			ResponseSec: responseTime(r, "unix/responsetime", u.ResponseTime)}
	}
	return out
}

func icmps(r *figureReader, in []xmlIcmp) []engine.IcmpCheck {
	if len(in) == 0 {
		return nil
	}
	out := make([]engine.IcmpCheck, len(in))
	for i, c := range in {
		out[i] = engine.IcmpCheck{Type: c.Type, ResponseSec: responseTime(r, "icmp/responsetime", c.ResponseTime)}
	}
	return out
}

func responseTime(r *figureReader, field, raw string) float64 {
	if v := r.float(field, raw, unitSec); v != nil {
		return *v
	}
	return noResponse
}

// maxUnixTime is the last second of year 9999: later times cannot be written as RFC 3339
// (JSON, the API), so they are out of range.
const maxUnixTime = 253402300799

// unixTime reads a Unix time in seconds; zero when absent or unreadable.
func (r *figureReader) unixTime(field, raw string) time.Time {
	v, ok := r.whole(field, raw, unitNone)
	if !ok {
		return time.Time{}
	}
	if v < 0 || v > maxUnixTime {
		r.note(field, raw, "out of range")
		return time.Time{}
	}
	return time.Unix(v, 0).UTC()
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
