package rca

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"monit-intel/engine"
)

// Thresholds of the rules on figures.
const (
	fullPercent     = 90.0      // filesystem usage that counts as full when Monit's limit matched
	certSoonDays    = 14        // a certificate this close to expiry explains a failed test
	flapEvents      = 3         // NEW events within flapWindow that make a service flapping
	flapWindow      = time.Hour // measured back from the snapshot's collection time
	maxEvidenceText = 200       // runes of program output quoted as evidence
)

// diskFigures: Monit's resource limit matched on a filesystem that is (nearly) full.
func diskFigures(in Input) []string {
	s := in.Snapshot
	fs := s.Filesystem
	if fs == nil || s.Status&engine.BitResource == 0 {
		return nil
	}
	var ev []string
	if fs.BlockPercent != nil && *fs.BlockPercent >= fullPercent {
		ev = append(ev, fmt.Sprintf("space usage %.1f%% (%s MB of %s MB)",
			*fs.BlockPercent, fig("%.1f", fs.BlockUsageMB), fig("%.1f", fs.BlockTotalMB)))
	}
	if fs.InodePercent != nil && *fs.InodePercent >= fullPercent {
		ev = append(ev, fmt.Sprintf("inode usage %.1f%%", *fs.InodePercent))
	}
	return ev
}

// certFigures: a TLS port whose certificate has expired, or expires soon while Monit reports
// a failed connection test that otherwise answered.
func certFigures(in Input) []string {
	s := in.Snapshot
	var ev []string
	for _, p := range s.Ports {
		if p.CertDays == nil {
			continue
		}
		d := *p.CertDays
		switch {
		case d <= 0:
			ev = append(ev, fmt.Sprintf("certificate of %s expired (valid %d days)", portName(p), d))
		case d < certSoonDays && s.Status&engine.BitConnection != 0 && p.ResponseSec >= 0:
			ev = append(ev, fmt.Sprintf("certificate of %s expires in %d days", portName(p), d))
		}
	}
	return ev
}

// permissionFigures: Monit's permission, owner or group test failed.
func permissionFigures(in Input) []string {
	s := in.Snapshot
	bits := s.Status & (engine.BitPermission | bitUID | bitGID)
	if bits == 0 {
		return nil
	}
	ev := "Monit: " + bits.Text()
	if s.File != nil {
		ev += fmt.Sprintf(" (mode %s, uid %s, gid %s)", s.File.Mode, fig("%d", s.File.UID), fig("%d", s.File.GID))
	}
	return []string{ev}
}

// flappingFigures: Monit's restart limit matched, or several failures in the last hour.
func flappingFigures(in Input) []string {
	s := in.Snapshot
	var ev []string
	if s.Status&engine.BitTimeout != 0 {
		ev = append(ev, "Monit: Timeout (the service restarted more often than its restart limit allows)")
	}
	n := 0
	for _, e := range in.Events {
		if e.Kind == engine.StateNew && !e.At.Before(s.CollectedAt.Add(-flapWindow)) && !e.At.After(s.CollectedAt) {
			n++
		}
	}
	if n >= flapEvents {
		ev = append(ev, fmt.Sprintf("%d new failures within %s before %s", n, flapWindow,
			s.CollectedAt.UTC().Format(time.RFC3339)))
	}
	return ev
}

// icmpFigures: the host does not answer ping.
func icmpFigures(in Input) []string {
	s := in.Snapshot
	if s.Status&engine.BitIcmp == 0 {
		return nil
	}
	return []string{"Monit: ICMP failed (no answer to ping)"}
}

// linkFigures: a network interface without link.
func linkFigures(in Input) []string {
	if in.Snapshot.Status&engine.BitLink == 0 {
		return nil
	}
	return []string{"Monit: Link down on " + in.Snapshot.Name}
}

// backupName matches the names and words of backup jobs.
var backupName = regexp.MustCompile(`(?i)backup|borg|restic|rsync|duplicity|duplicati|rclone|rsnapshot|` +
	`bacula|bareos|pg_?dump|mysqldump|pgbackrest|kopia|urbackup`)

// backupFigures: a program check that runs a backup exited non-zero.
func backupFigures(in Input) []string {
	p := in.Snapshot.Program
	if p == nil || p.ExitStatus == nil || *p.ExitStatus == 0 {
		return nil
	}
	if !backupName.MatchString(in.Snapshot.Name) && !backupName.MatchString(p.Output) {
		return nil
	}
	return []string{fmt.Sprintf("backup program %s exited with status %d", in.Snapshot.Name, *p.ExitStatus)}
}

// resourceFigures: Monit's resource limit matched; the figures say which.
func resourceFigures(in Input) []string {
	s := in.Snapshot
	if s.Status&engine.BitResource == 0 {
		return nil
	}
	if f := figureLine(s); f != "" {
		return []string{"Monit: Resource limit matched; " + f}
	}
	return []string{"Monit: Resource limit matched"}
}

// programFigures: a program check exited non-zero.
func programFigures(in Input) []string {
	p := in.Snapshot.Program
	if p == nil || p.ExitStatus == nil || *p.ExitStatus == 0 {
		return nil
	}
	ev := fmt.Sprintf("check program exited with status %d", *p.ExitStatus)
	if out := sanitize(strings.TrimSpace(p.Output), "", maxEvidenceText); out != "" {
		ev += ": " + out
	}
	return []string{ev}
}

// staleFigures: Monit's timestamp test failed.
func staleFigures(in Input) []string {
	s := in.Snapshot
	if s.Status&engine.BitTimestamp == 0 {
		return nil
	}
	ev := "Monit: Timestamp failed"
	if s.File != nil && !s.File.Modified.IsZero() {
		ev += "; last modified " + s.File.Modified.UTC().Format(time.RFC3339)
	}
	return []string{ev}
}

// missingPathFigures: a file, directory, fifo, filesystem or program that does not exist.
func missingPathFigures(in Input) []string {
	s := in.Snapshot
	if s.Status&engine.BitNonExist == 0 {
		return nil
	}
	switch s.Type {
	case engine.TypeFile, engine.TypeDirectory, engine.TypeFifo, engine.TypeFilesystem, engine.TypeProgram:
		return []string{fmt.Sprintf("Monit: Does not exist (%s %s)", s.Type, s.Name)}
	}
	return nil
}

// portFigures: the connection tests (ports, unix sockets) Monit reports failed, by name.
func portFigures(in Input) []string {
	s := in.Snapshot
	if s.FailingBits()&engine.BitConnection == 0 {
		return nil
	}
	var ev []string
	for _, t := range s.FailedTests() {
		if t.Kind != engine.TestIcmp {
			ev = append(ev, sanitize(t.Result(), "", 200))
		}
	}
	if len(ev) == 0 {
		ev = append(ev, "Monit: Connection failed")
	}
	return ev
}

// notRunningFigures: a process check found no process.
func notRunningFigures(in Input) []string {
	s := in.Snapshot
	if s.Type != engine.TypeProcess || s.Status&engine.BitNonExist == 0 {
		return nil
	}
	return []string{"Monit: Does not exist (no process matches the pidfile or pattern)"}
}

// portName words a port test: "HTTP over TCP at 127.0.0.1:80/_ping".
func portName(p engine.PortCheck) string {
	name := fmt.Sprintf("%s:%d", p.Hostname, p.Port)
	if p.Request != "" {
		name += sanitize(p.Request, "", 100)
	}
	proto := p.Protocol
	if proto == "" {
		proto = "DEFAULT"
	}
	return fmt.Sprintf("%s (%s over %s)", name, proto, p.Type)
}
