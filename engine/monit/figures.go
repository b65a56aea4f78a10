package monit

import (
	"strings"

	"monit-intel/engine"
)

// Each function returns nil when Monit did not print the type's block: the service is not
// monitored, is initializing, does not exist, or (programs) has not run yet.

func processFigures(s *xmlService) *engine.ProcessFigures {
	if s.PID == nil {
		return nil
	}
	p := &engine.ProcessFigures{
		PID:      *s.PID,
		PPID:     deref(s.PPID),
		Threads:  s.Threads,
		Children: s.Children,
	}
	if s.Uptime != nil {
		p.UptimeSec = *s.Uptime
	}
	if s.CPU != nil {
		p.CPUPercent, p.CPUPercentTotal = s.CPU.Percent, s.CPU.PercentTotal
	}
	if m := s.Memory; m != nil {
		p.MemPercent, p.MemPercentTotal = m.Percent, m.PercentTotal
		p.MemKB, p.MemKBTotal = m.Kilobyte, m.KilobyteTotal
	}
	if s.FDs != nil {
		p.FDOpen = s.FDs.Open
	}
	return p
}

// cdataEscapedEnd is how Monit writes "]]>" inside a CDATA section (REFERENCE 6.2.4).
const cdataEscapedEnd = "]]&gt;"

func programFigures(p *xmlProgram) *engine.ProgramFigures {
	if p == nil {
		return nil
	}
	return &engine.ProgramFigures{
		Started:    unixTime(p.Started, 0),
		ExitStatus: p.Status,
		Output:     strings.ReplaceAll(p.Output, cdataEscapedEnd, "]]>"),
	}
}

func filesystemFigures(s *xmlService) *engine.FilesystemFigures {
	if s.Block == nil && s.FSType == nil {
		return nil
	}
	f := &engine.FilesystemFigures{}
	if s.FSType != nil {
		f.FSType = *s.FSType
	}
	if b := s.Block; b != nil {
		f.BlockPercent, f.BlockUsageMB, f.BlockTotalMB = b.Percent, b.Usage, b.Total
	}
	if i := s.Inode; i != nil {
		f.InodePercent, f.InodeUsage, f.InodeTotal = i.Percent, i.Usage, i.Total
	}
	return f
}

func systemFigures(s *xmlSystem) *engine.SystemFigures {
	if s == nil {
		return nil
	}
	return &engine.SystemFigures{
		Load1:       s.Load.Avg01,
		Load5:       s.Load.Avg05,
		Load15:      s.Load.Avg15,
		CPUUser:     s.CPU.User,
		CPUSystem:   s.CPU.System,
		CPUWait:     s.CPU.Wait,
		MemPercent:  s.Memory.Percent,
		MemKB:       s.Memory.Kilobyte,
		SwapPercent: s.Swap.Percent,
		SwapKB:      s.Swap.Kilobyte,
	}
}

func fileFigures(s *xmlService) *engine.FileFigures {
	if s.Mode == nil && s.Timestamps == nil {
		return nil
	}
	f := &engine.FileFigures{
		UID:  deref(s.UID),
		GID:  deref(s.GID),
		Size: s.Size,
	}
	if s.Mode != nil {
		f.Mode = *s.Mode
	}
	if s.Checksum != nil {
		f.Checksum = *s.Checksum
	}
	if t := s.Timestamps; t != nil {
		f.Accessed = unixTime(t.Access, 0)
		f.Changed = unixTime(t.Change, 0)
		f.Modified = unixTime(t.Modify, 0)
	}
	return f
}

func netFigures(l *xmlLink) *engine.NetFigures {
	if l == nil {
		return nil
	}
	return &engine.NetFigures{
		LinkState:       l.State,
		SpeedBits:       l.Speed,
		DownloadBytes:   l.Download.Bytes,
		UploadBytes:     l.Upload.Bytes,
		DownloadErrors:  l.Download.Errors,
		UploadErrors:    l.Upload.Errors,
		DownloadPackets: l.Download.Packets,
		UploadPackets:   l.Upload.Packets,
	}
}

func ports(in []xmlPort) []engine.PortCheck {
	if len(in) == 0 {
		return nil
	}
	out := make([]engine.PortCheck, len(in))
	for i, p := range in {
		out[i] = engine.PortCheck{
			Hostname:    p.Hostname,
			Port:        p.PortNumber,
			Protocol:    p.Protocol,
			Type:        p.Type,
			Request:     p.Request,
			ResponseSec: p.ResponseTime,
			CertDays:    p.CertValid,
		}
	}
	return out
}

func sockets(in []xmlUnix) []engine.SocketCheck {
	if len(in) == 0 {
		return nil
	}
	out := make([]engine.SocketCheck, len(in))
	for i, u := range in {
		out[i] = engine.SocketCheck{Path: u.Path, Protocol: u.Protocol, ResponseSec: u.ResponseTime}
	}
	return out
}

func icmps(in []xmlIcmp) []engine.IcmpCheck {
	if len(in) == 0 {
		return nil
	}
	out := make([]engine.IcmpCheck, len(in))
	for i, c := range in {
		out[i] = engine.IcmpCheck{Type: c.Type, ResponseSec: c.ResponseTime}
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
