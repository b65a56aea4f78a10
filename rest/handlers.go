package rest

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/engine"
)

const maxBody = 64 << 10 // request bodies are small JSON objects

type rootOutput struct {
	Body struct {
		Name    string            `json:"name"`
		Version string            `json:"version"`
		Links   map[string]string `json:"links"`
	}
}

type statusInput struct {
	Host        string `query:"host" doc:"only services of this Monit host"`
	Failing     bool   `query:"failing" doc:"only services that are failing now"`
	IfNoneMatch string `header:"If-None-Match" doc:"the ETag of a response already held: 304 Not Modified while the services have not changed (RFC 9110)"`
}

type statusOutput struct {
	Status int
	ETag   string `header:"ETag" doc:"changes whenever the services do"`
	Body   struct {
		Services []Service `json:"services" nullable:"false"`
		Count    int       `json:"count"`
		Failing  int       `json:"failing"`
		preEncoded
	}
}

type historyInput struct {
	Host    string `query:"host" doc:"a Monit host; empty for every host"`
	Service string `query:"service" doc:"a service name; empty for every service"`
	Limit   int    `query:"limit" default:"20" minimum:"1" maximum:"1000"`
}

type historyOutput struct {
	Body struct {
		Events []Event `json:"events" nullable:"false" doc:"newest first"`
	}
}

type seriesInput struct {
	Host    string    `query:"host" doc:"the Monit host; needed when several have the service"`
	Service string    `query:"service" required:"true"`
	Since   time.Time `query:"since" doc:"RFC 3339; default 24 hours ago"`
	Limit   int       `query:"limit" default:"288" minimum:"1" maximum:"10000"`
}

type seriesOutput struct {
	Body struct {
		Service   string    `json:"service"`
		Snapshots []Service `json:"snapshots" nullable:"false" doc:"newest first; state is not kept per snapshot"`
	}
}

type logsInput struct {
	Service string `path:"service"`
	Host    string `query:"host" maxLength:"256" doc:"the Monit host of the service; logs are read on this machine only, so another host's is refused"`
	Lines   int    `query:"lines" minimum:"0" maximum:"2000" doc:"default and maximum: the service's max_lines"`
}

type logsOutput struct {
	Body struct {
		Service  string   `json:"service"`
		Strategy string   `json:"strategy"`
		Source   string   `json:"source" doc:"the file read, or the journalctl command"`
		MaxLines int      `json:"max_lines"`
		Lines    []string `json:"lines" nullable:"false" doc:"oldest first, redacted"`
	}
}

type analyzeInput struct {
	Body struct {
		Service string `json:"service,omitempty" doc:"one service; empty analyses every failing service"`
		Host    string `json:"host,omitempty" doc:"the Monit host: of the service (needed when several have it), or the one whose failing services to analyse"`
		Force   bool   `json:"force,omitempty" doc:"ask the model again even for a failure it already explained"`
	}
}

type analysesOutput struct {
	Body struct {
		Analyses []Analysis `json:"analyses" nullable:"false"`
	}
}

type analyzeOutput struct {
	Body struct {
		Analyses []Analysis `json:"analyses" nullable:"false"`
		Healthy  []string   `json:"healthy,omitempty" nullable:"false" doc:"the named service is not failing: nothing was analysed or stored"`
	}
}

type analysesInput struct {
	Host    string `query:"host" doc:"a Monit host; empty for every host"`
	Service string `query:"service"`
	Limit   int    `query:"limit" default:"10" minimum:"1" maximum:"200"`
}

func (s *Server) routes() {
	huma.Register(s.api, huma.Operation{OperationID: "root", Method: http.MethodGet, Path: "/",
		Summary: "Name, version and links"}, s.root)
	huma.Register(s.api, huma.Operation{OperationID: "health", Method: http.MethodGet, Path: "/health",
		Summary: "The daemon, its last ingest and its dependencies", Security: []map[string][]string{}}, s.health)
	huma.Register(s.api, huma.Operation{OperationID: "status", Method: http.MethodGet, Path: "/status",
		Summary: "Every service's latest snapshot and failure state"}, s.status)
	huma.Register(s.api, huma.Operation{OperationID: "history", Method: http.MethodGet, Path: "/history",
		Summary: "Failure events, newest first"}, s.history)
	huma.Register(s.api, huma.Operation{OperationID: "history-snapshots", Method: http.MethodGet,
		Path: "/history/snapshots", Summary: "A service's figures over time"}, s.series)
	huma.Register(s.api, huma.Operation{OperationID: "logs", Method: http.MethodGet, Path: "/logs/{service}",
		Summary: "A service's log lines from the registry"}, s.logs)
	huma.Register(s.api, huma.Operation{OperationID: "analyze", Method: http.MethodPost, Path: "/analyze",
		Summary: "Run the analysis now, for one service or every failing one", MaxBodyBytes: maxBody}, s.analyze)
	huma.Register(s.api, huma.Operation{OperationID: "analyses", Method: http.MethodGet, Path: "/analyses",
		Summary: "Stored analyses, newest first"}, s.analyses)
	s.actionRoutes()
	s.motherRoutes()
	s.trendRoutes()
	s.userRoutes()
	s.hostRoutes()
}

func (s *Server) root(context.Context, *struct{}) (*rootOutput, error) {
	out := &rootOutput{}
	out.Body.Name, out.Body.Version = "monit-intel", s.opts.Version
	out.Body.Links = map[string]string{
		"health": "/health", "status": "/status", "history": "/history?service=NAME&limit=5",
		"snapshots": "/history/snapshots?service=NAME", "logs": "/logs/NAME", "analyze": "POST /analyze",
		"analyses": "/analyses", "openapi": "/openapi.json", "docs": "/docs",
	}
	return out, nil
}

// status serves the board. The whole fleet's answer is encoded once per version of the
// board (statusCache); a client that holds the current ETag gets 304 without a body.
func (s *Server) status(_ context.Context, in *statusInput) (*statusOutput, error) {
	if err := s.knownHost(in.Host); err != nil {
		return nil, err
	}
	version := s.deps.Board.Version() // before the services: what is read next is at least as new
	stale := s.staleHosts()
	out := &statusOutput{Status: http.StatusOK, ETag: s.statusETag(version, in.Host, in.Failing, stale)}
	if in.IfNoneMatch != "" && noneMatch(in.IfNoneMatch, out.ETag) {
		out.Status = http.StatusNotModified
		return out, nil
	}
	if in.Host != "" {
		out.Body.Services, out.Body.Count, out.Body.Failing = statusOf(s.deps.Board.ServicesOn(in.Host), in.Failing, stale)
		return out, nil
	}
	body, version, err := s.fleetStatus(in.Failing, stale)
	if err != nil {
		return nil, problem(err, "encode the status")
	}
	out.ETag = s.statusETag(version, "", in.Failing, stale)
	out.Body.preEncoded = preEncoded{body: body}
	return out, nil
}

// statusOf converts the services (only the failing ones when failing is set) and counts
// those failing; the services of a stale host say so.
func statusOf(services []engine.Classified, failing bool, stale map[string]bool) (out []Service, count, failed int) {
	out = make([]Service, 0, len(services))
	for _, c := range services {
		f := c.Snapshot.Failing()
		if failing && !f {
			continue
		}
		if f {
			failed++
		}
		v := toService(c)
		v.HostStale = stale[c.Snapshot.Host]
		out = append(out, v)
	}
	return out, len(out), failed
}

// staleHosts are the hosts that are STALE now: /status marks their services.
func (s *Server) staleHosts() map[string]bool {
	stale := map[string]bool{}
	for _, h := range s.hostInfos(true) {
		stale[h.Name] = true
	}
	return stale
}

func (s *Server) history(ctx context.Context, in *historyInput) (*historyOutput, error) {
	events, err := s.deps.History.EventsOn(ctx, in.Host, in.Service, in.Limit)
	if err != nil {
		return nil, problem(err, "read failure events")
	}
	if len(events) == 0 {
		// A host or service Monit no longer reports still has its history; only a name that
		// is neither current nor in the history is unknown.
		if err := s.knownHost(in.Host); err != nil {
			return nil, err
		}
	}
	if len(events) == 0 && in.Service != "" {
		// A service Monit no longer reports still has its history; only a name that is
		// neither current nor in the history is unknown.
		if _, err := s.lookup(in.Host, in.Service); err != nil && !isAmbiguous(err) {
			return nil, err
		}
	}
	out := &historyOutput{}
	out.Body.Events = make([]Event, 0, len(events))
	for _, e := range events {
		out.Body.Events = append(out.Body.Events, toEvent(e))
	}
	return out, nil
}

func (s *Server) series(ctx context.Context, in *seriesInput) (*seriesOutput, error) {
	if _, err := s.lookup(in.Host, in.Service); err != nil {
		return nil, err
	}
	since := in.Since
	if since.IsZero() {
		since = s.opts.Now().Add(-24 * time.Hour)
	}
	snaps, err := s.deps.History.SeriesOn(ctx, in.Host, in.Service, since, in.Limit)
	if err != nil {
		return nil, problem(err, "read snapshots")
	}
	out := &seriesOutput{}
	out.Body.Service = in.Service
	out.Body.Snapshots = make([]Service, 0, len(snaps))
	for _, snap := range snaps {
		v := toService(engine.Classified{Snapshot: snap})
		v.State = ""
		out.Body.Snapshots = append(out.Body.Snapshots, v)
	}
	return out, nil
}

func (s *Server) logs(ctx context.Context, in *logsInput) (*logsOutput, error) {
	if err := s.knownHost(in.Host); err != nil {
		return nil, err
	}
	if err := s.logsHere(in.Host, in.Service); err != nil {
		return nil, problem(err, "")
	}
	res, err := s.deps.Logs.Read(ctx, in.Service, in.Lines)
	if err != nil {
		return nil, problem(err, "") // the registry names the service and the source
	}
	out := &logsOutput{}
	out.Body.Service, out.Body.Strategy, out.Body.Source = res.Service, string(res.Strategy), res.Source
	out.Body.MaxLines, out.Body.Lines = res.MaxLines, res.Lines
	if out.Body.Lines == nil {
		out.Body.Lines = []string{}
	}
	return out, nil
}

func (s *Server) analyze(ctx context.Context, in *analyzeInput) (*analyzeOutput, error) {
	out := &analyzeOutput{}
	out.Body.Analyses = []Analysis{}
	var targets []engine.Classified
	if in.Body.Service != "" {
		c, err := s.lookup(in.Body.Host, in.Body.Service)
		if err != nil {
			return nil, err
		}
		if !c.Snapshot.Failing() {
			// Rules and model would only restate that it is fine; storing that would read as a
			// failure explained.
			out.Body.Healthy = []string{c.Snapshot.Name}
			return out, nil
		}
		targets = append(targets, c)
	} else {
		if err := s.knownHost(in.Body.Host); err != nil {
			return nil, err
		}
		for _, c := range s.deps.Board.Services() {
			if c.Snapshot.Failing() && (in.Body.Host == "" || c.Snapshot.Host == in.Body.Host) {
				targets = append(targets, c)
			}
		}
	}
	for _, c := range targets {
		an, err := s.deps.Analyzer.Analyze(ctx, c.Snapshot, 0, in.Body.Force)
		if err != nil {
			return nil, problem(err, "") // "analyze NAME: …"
		}
		v := toAnalysis(an)
		v.Proposals, v.Refused = s.proposeSuggested(ctx, an)
		out.Body.Analyses = append(out.Body.Analyses, v)
	}
	return out, nil
}

// proposeSuggested turns the model's suggested actions into pending proposals a person may
// approve (source "analysis"); the approval flow validates each again.
func (s *Server) proposeSuggested(ctx context.Context, an engine.Analysis) ([]Proposal, []string) {
	proposals, refused := []Proposal{}, []string(nil)
	if s.deps.Actions == nil {
		return proposals, nil
	}
	for _, a := range an.SuggestedActions {
		a.Host = an.Host // the analysed service's host, whatever the model wrote
		p, err := s.deps.Actions.Propose(ctx, a, engine.SourceAnalysis, fmt.Sprintf("analysis #%d", an.ID))
		if err != nil {
			refused = append(refused, err.Error())
			continue
		}
		proposals = append(proposals, toProposal(p))
	}
	return proposals, refused
}

func (s *Server) analyses(ctx context.Context, in *analysesInput) (*analysesOutput, error) {
	list, err := s.deps.History.AnalysesOn(ctx, in.Host, in.Service, in.Limit)
	if err != nil {
		return nil, problem(err, "read analyses")
	}
	if len(list) == 0 {
		if err := s.knownHost(in.Host); err != nil {
			return nil, err
		}
	}
	if len(list) == 0 && in.Service != "" {
		if _, err := s.lookup(in.Host, in.Service); err != nil && !isAmbiguous(err) {
			return nil, err
		}
	}
	out := &analysesOutput{}
	out.Body.Analyses = make([]Analysis, 0, len(list))
	for _, a := range list {
		out.Body.Analyses = append(out.Body.Analyses, toAnalysis(a))
	}
	return out, nil
}
