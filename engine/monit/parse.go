package monit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"monit-intel/engine"
)

// ErrMalformed wraps every status document ParseStatus cannot read, even after repair.
var ErrMalformed = errors.New("malformed document")

// ParseStatus decodes a Monit status document, format 1 (/_status?format=xml) or format 2
// (/_status2?format=xml and M/Monit collector messages), into an engine.Status.
//
// It repairs what Monit gets wrong before giving up (see cleanDocument): mislabelled
// encodings, control characters in program output, unescaped '&' and '<' in names. A
// truncated document is an error, never a partial status. Monit's <credentials> are never
// decoded. Errors wrap ErrMalformed and name the line and byte offset in the input.
func ParseStatus(r io.Reader) (engine.Status, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return engine.Status{}, fmt.Errorf("parse monit status: read: %w", err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return engine.Status{}, fmt.Errorf("parse monit status: %w: empty document", ErrMalformed)
	}
	doc, offsets := cleanDocument(raw)
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.CharsetReader = charsetReader
	var m xmlMonit
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF // a document cut before its root element
		}
		return engine.Status{}, fmt.Errorf("parse monit status: %w: %w at byte offset %d",
			ErrMalformed, err, offsets.original(dec.InputOffset()))
	}
	return convert(&m)
}

// charsetReader accepts the encodings Monit declares. cleanDocument has already turned the
// bytes into UTF-8 (valid UTF-8 kept, anything else read as Latin-1), so the input passes
// through unchanged.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "utf-8", "utf8":
		return input, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// convert maps the decoded document onto the domain types.
func convert(m *xmlMonit) (engine.Status, error) {
	st := engine.Status{
		Host:         m.Server.LocalHostname,
		MonitID:      firstNonEmpty(m.ID, m.Server.ID),
		MonitVersion: firstNonEmpty(m.Version, m.Server.Version),
		PollSec:      pollSeconds(m.Server.Poll),
	}
	if st.Host == "" {
		return engine.Status{}, fmt.Errorf("parse monit status: %w: no <localhostname>", ErrMalformed)
	}
	services := m.Services
	if len(m.Services2) > 0 {
		services = append(services, m.Services2...)
	}
	st.Services = make([]engine.Snapshot, 0, len(services))
	r := &figureReader{}
	for i := range services {
		snap, err := convertService(r, st.Host, &services[i])
		if err != nil {
			return engine.Status{}, fmt.Errorf("parse monit status: %w: service %d: %w", ErrMalformed, i+1, err)
		}
		st.Services = append(st.Services, snap)
	}
	return st, nil
}

// pollSeconds reads <poll>, Monit's daemon interval. It only widens the clock check's
// allowance (engine.CheckClock), so an unreadable value is read as absent (0), without a note:
// notes belong to a service.
func pollSeconds(raw string) int {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// convertService maps one service; r is shared by the document's services and holds only
// this service's notes while it runs.
func convertService(r *figureReader, host string, s *xmlService) (engine.Snapshot, error) {
	name := firstNonEmpty(s.NameAttr, s.NameElem)
	if name == "" {
		return engine.Snapshot{}, errors.New("no name")
	}
	r.notes = nil
	typ := serviceType(r, firstNonEmpty(s.TypeAttr, s.TypeElem))
	snap := engine.Snapshot{
		Host:          host,
		Name:          name,
		Type:          typ,
		CollectedAt:   collectedAt(r, s),
		Status:        engine.StatusBits(r.bits("status", s.Status, math.MaxUint32)),
		StatusHint:    engine.StatusBits(r.bits("status_hint", s.StatusHint, math.MaxUint32)),
		Monitor:       engine.MonitorState(r.bits("monitor", s.Monitor, math.MaxUint8)),
		PendingAction: engine.PendingAction(r.bits("pendingaction", s.PendingAction, math.MaxUint8)),
		Ports:         ports(r, s.Ports),
		Sockets:       sockets(r, s.Sockets),
		Icmp:          icmps(r, s.Icmps),
	}
	switch snap.Type {
	case engine.TypeProcess:
		snap.Process = processFigures(r, s)
	case engine.TypeProgram:
		snap.Program = programFigures(r, s.Program)
	case engine.TypeFilesystem:
		snap.Filesystem = filesystemFigures(r, s)
	case engine.TypeSystem:
		snap.System = systemFigures(r, s.System)
	case engine.TypeFile, engine.TypeDirectory, engine.TypeFifo:
		snap.File = fileFigures(r, s)
	case engine.TypeNet:
		snap.Net = netFigures(r, s.Link)
	}
	snap.ParseNotes = r.notes
	return snap, nil
}

// serviceType reads the type; a missing or unreadable one is engine.TypeUnknown, with a
// note: the service's common figures (status, monitor state) are still worth keeping.
func serviceType(r *figureReader, raw string) engine.ServiceType {
	if strings.TrimSpace(raw) == "" {
		r.note("type", raw, "missing")
		return engine.TypeUnknown
	}
	n := len(r.notes)
	v := r.int("type", raw)
	if v != nil && (*v < 0 || *v > math.MaxInt8) {
		r.note("type", raw, "out of range")
		v = nil
	}
	if v == nil {
		if len(r.notes) == n {
			r.note("type", raw, "not a number")
		}
		return engine.TypeUnknown
	}
	return engine.ServiceType(*v)
}

// collectedAt is when Monit last checked the service: zero, with a note, when unreadable.
func collectedAt(r *figureReader, s *xmlService) time.Time {
	t := r.unixTime("collected_sec", s.CollectedSec)
	usec, ok := r.whole("collected_usec", s.CollectedUsec, unitNone)
	if t.IsZero() || !ok {
		return t
	}
	if usec < 0 || usec >= 1e6 {
		r.note("collected_usec", s.CollectedUsec, "out of range")
		return t
	}
	return t.Add(time.Duration(usec) * time.Microsecond)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
