package rest

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

type hostsOutput struct {
	Body struct {
		Hosts []HostInfo `json:"hosts"`
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
		if !known[name] {
			out.Body.Hosts = append(out.Body.Hosts, HostInfo{Name: name, Source: "history",
				Services: len(s.deps.Board.ServicesOn(name))})
		}
	}
	if out.Body.Hosts == nil {
		out.Body.Hosts = []HostInfo{}
	}
	return out, nil
}
