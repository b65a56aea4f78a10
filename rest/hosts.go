package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/engine"
	enginefleet "monit-intel/engine/fleet"
)

type hostsOutput struct {
	Body struct {
		Hosts []HostInfo `json:"hosts" nullable:"false"`
	}
}

func (s *Server) hostRoutes() {
	huma.Register(s.api, huma.Operation{OperationID: "hosts", Method: http.MethodGet, Path: "/hosts",
		Summary: "The Monit hosts: pushing, polled, or known from history"}, s.listHosts)
}

// listHosts lists the fleet's hosts, then those only the history knows (seen before the last
// start, silent since).
func (s *Server) listHosts(context.Context, *struct{}) (*hostsOutput, error) {
	out := &hostsOutput{}
	out.Body.Hosts = s.hostInfos(false)
	known := map[string]bool{}
	for _, h := range out.Body.Hosts {
		known[h.Name] = true
	}
	for _, name := range s.deps.Board.Hosts() {
		if known[name] {
			continue
		}
		services := s.deps.Board.ServicesOn(name)
		hi := HostInfo{Name: name, Source: enginefleet.SourceHistory, Services: len(services)}
		for _, c := range services {
			if c.Snapshot.CollectedAt.After(hi.LastSeen) {
				hi.LastSeen = c.Snapshot.CollectedAt.UTC()
			}
		}
		out.Body.Hosts = append(out.Body.Hosts, hi)
	}
	if out.Body.Hosts == nil {
		out.Body.Hosts = []HostInfo{}
	}
	return out, nil
}

// knownHosts are the names of the hosts the board or the fleet knows, sorted.
func (s *Server) knownHosts() []string {
	var registered []enginefleet.Host
	if s.deps.Fleet != nil {
		registered = s.deps.Fleet.Hosts()
	}
	return enginefleet.KnownHosts(s.deps.Board.Hosts(), registered)
}

// isHost reports whether the board or the fleet knows host, without sorting either list:
// /status?host= asks it at every request.
func (s *Server) isHost(host string) bool {
	if s.deps.Board.ServicesOn(host) != nil {
		return true
	}
	if s.deps.Fleet != nil {
		for _, h := range s.deps.Fleet.Hosts() {
			if h.Name == host {
				return true
			}
		}
	}
	return slices.Contains(s.deps.Board.Hosts(), host) // a host whose last message had no services
}

// knownHost refuses a host= that names no known host with a 404 that lists the known ones
// (and the one meant, when only the case differs: host names are matched exactly, as Monit
// writes them). An empty host is every host.
func (s *Server) knownHost(host string) error {
	if host == "" {
		return nil
	}
	if s.isHost(host) {
		return nil
	}
	known := s.knownHosts()
	detail := fmt.Sprintf("unknown host %q", host)
	if k := enginefleet.CaseSlip(host, known); k != "" {
		return huma.Error404NotFound(detail + fmt.Sprintf(": did you mean %q? (host names are matched exactly)", k))
	}
	if len(known) == 0 {
		return huma.Error404NotFound(detail + ": no host is known yet (GET /hosts lists them)")
	}
	return huma.Error404NotFound(fmt.Sprintf("%s: the known hosts are %s (GET /hosts lists them)", detail,
		strings.Join(known, ", ")))
}

// lookup finds a service on the board: on the host named, or on the only host that has it.
// A name several hosts have, without a host, is a 409 that lists them; an unknown host is a
// 404 that lists the known ones.
func (s *Server) lookup(host, name string) (engine.Classified, error) {
	if host != "" {
		if err := s.knownHost(host); err != nil {
			return engine.Classified{}, err
		}
		c, err := s.deps.Board.ServiceOn(host, name)
		if err != nil {
			return c, huma.Error404NotFound(fmt.Sprintf("unknown service %q on host %q: GET /status?host=%s lists its services",
				name, host, host))
		}
		return c, nil
	}
	switch hosts := s.deps.Board.HostsOf(name); len(hosts) {
	case 0:
		return engine.Classified{}, unknownService(name)
	case 1:
		return s.deps.Board.ServiceOn(hosts[0], name)
	default:
		return engine.Classified{}, huma.Error409Conflict(fmt.Sprintf("service %q is on several hosts (%s): say which with host",
			name, strings.Join(hosts, ", ")))
	}
}

// logsHere refuses the logs of a service of another host (fleet.LogsHere): the one named, or,
// without a host, the one host that has the service when this machine does not.
func (s *Server) logsHere(host, name string) error {
	local := ""
	if s.deps.LocalHost != nil {
		local = s.deps.LocalHost()
	}
	if hosts := s.deps.Board.HostsOf(name); host == "" && len(hosts) > 0 && !slices.Contains(hosts, local) {
		host = hosts[0]
	}
	return enginefleet.LogsHere(local, host, name)
}

func isAmbiguous(err error) bool {
	var se huma.StatusError
	return errors.As(err, &se) && se.GetStatus() == http.StatusConflict
}
