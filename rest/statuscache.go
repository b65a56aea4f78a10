package rest

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/engine"
)

// statusCache keeps the whole fleet's /status encoded: the body of the board's last version
// read, and each host's services encoded apart. 15,000 services take ~40 ms of CPU and ~30 MB
// to convert, redact and encode; a read between two changes now costs nothing, and a read
// after a push encodes the pushed host's 30 services and joins the rest. Reads of one host
// are cheap and are not cached. Guarded by mu: one reader builds, the others wait for it.
type statusCache struct {
	mu      sync.Mutex
	version uint64
	stale   string    // the stale hosts the bodies mark (staleKey)
	bodies  [2][]byte // the whole fleet at version: every service, failing ones only
	hosts   map[string]hostFragment
}

// hostFragment is one host's services encoded as members of the services array.
type hostFragment struct {
	version uint64
	stale   bool      // the host was STALE: its services say host_stale
	json    [2][]byte // every service, failing ones only: comma-separated, no brackets
	count   [2]int
	failing int
}

// fleetStatus returns the whole fleet's /status body for the board's current version and
// the stale hosts, and that version.
func (s *Server) fleetStatus(failingOnly bool, stale map[string]bool) ([]byte, uint64, error) {
	c := &s.statuses
	c.mu.Lock()
	defer c.mu.Unlock()
	version, hosts := s.deps.Board.Snapshot()
	i := 0
	if failingOnly {
		i = 1
	}
	key := staleKey(stale)
	if c.bodies[i] != nil && c.version == version && c.stale == key {
		return c.bodies[i], version, nil
	}
	if c.version != version || c.stale != key {
		c.version, c.stale, c.bodies = version, key, [2][]byte{}
	}
	if c.hosts == nil {
		c.hosts = map[string]hostFragment{}
	}
	size, count, failing := 0, 0, 0
	fresh := make(map[string]hostFragment, len(hosts))
	for _, h := range hosts {
		f, ok := c.hosts[h.Host]
		if !ok || f.version != h.Version || f.stale != stale[h.Host] {
			var err error
			if f, err = s.encodeHost(h, stale[h.Host]); err != nil {
				return nil, 0, err
			}
		}
		fresh[h.Host] = f
		size += len(f.json[i]) + 1
		count += f.count[i]
		failing += f.failing
	}
	c.hosts = fresh // hosts no longer on the board go
	body := make([]byte, 0, size+64)
	body = append(body, `{"services":[`...)
	first := true
	for _, h := range hosts {
		f := fresh[h.Host].json[i]
		if len(f) == 0 {
			continue
		}
		if !first {
			body = append(body, ',')
		}
		body, first = append(body, f...), false
	}
	body = fmt.Appendf(body, "],\"count\":%d,\"failing\":%d}\n", count, failing)
	c.bodies[i] = body
	return body, version, nil
}

// encodeHost converts, redacts and encodes one host's services as huma would encode them in
// a body (its transformer, then the JSON format).
func (s *Server) encodeHost(h engine.HostServices, stale bool) (hostFragment, error) {
	f := hostFragment{version: h.Version, stale: stale}
	redact := redactBodies(s.deps.Redactor)
	var buf bytes.Buffer
	for _, c := range h.Services {
		svc := toService(c)
		svc.HostStale = stale
		v, err := redact(nil, "200", svc)
		if err != nil {
			return f, err
		}
		buf.Reset()
		if err := strictJSON.Marshal(&buf, v); err != nil {
			return f, err
		}
		js := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		failing := c.Snapshot.Failing()
		for i, take := range []bool{true, failing} {
			if !take {
				continue
			}
			if f.count[i] > 0 {
				f.json[i] = append(f.json[i], ',')
			}
			f.json[i] = append(f.json[i], js...)
			f.count[i]++
		}
		if failing {
			f.failing++
		}
	}
	return f, nil
}

// preEncoded is a response body already redacted and encoded; jsonFormat writes it as is.
type preEncoded struct{ body []byte }

func (p preEncoded) encodedJSON() []byte { return p.body }

// jsonFormat is strictJSON, writing a preEncoded body's bytes instead of encoding it again.
var jsonFormat = func() (f huma.Format) {
	f = strictJSON
	f.Marshal = func(w io.Writer, v any) error {
		if p, ok := v.(interface{ encodedJSON() []byte }); ok && p.encodedJSON() != nil {
			_, err := w.Write(p.encodedJSON())
			return err
		}
		return strictJSON.Marshal(w, v)
	}
	return f
}()

// statusETag is the entity tag of a /status response: the server's start, the board's
// version, the stale hosts and the query. Strong: one version of the board with the same
// stale hosts always encodes to the same bytes.
func (s *Server) statusETag(version uint64, host string, failing bool, stale map[string]bool) string {
	h := fnv.New64a()
	io.WriteString(h, host)
	if failing {
		h.Write([]byte{0, 1})
	}
	io.WriteString(h, "\x00"+staleKey(stale))
	return `"` + strconv.FormatInt(s.started.UnixNano(), 36) + "-" + strconv.FormatUint(version, 36) + "-" +
		strconv.FormatUint(h.Sum64(), 36) + `"`
}

// staleKey names a set of stale hosts: their names, sorted.
func staleKey(stale map[string]bool) string {
	names := make([]string, 0, len(stale))
	for h, ok := range stale {
		if ok {
			names = append(names, h)
		}
	}
	slices.Sort(names)
	return strings.Join(names, "\x00")
}

// noneMatch reports whether an If-None-Match field value (RFC 9110 13.1.2) matches etag: "*",
// or a list holding it, compared weakly (a W/ prefix is ignored).
func noneMatch(field, etag string) bool {
	for tag := range strings.SplitSeq(field, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag {
			return true
		}
	}
	return false
}
