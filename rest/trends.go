package rest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/engine/trend"
)

// Trends reads a figure's samples from the history (sqliteexport.DB).
type Trends interface {
	SamplesOn(ctx context.Context, host, service string, f trend.Figure, since, until time.Time) ([]trend.Sample, error)
}

// defaultTrendWindow is the window of GET /trends without since.
const defaultTrendWindow = 24 * time.Hour

type trendInput struct {
	Service string    `query:"service" required:"true" maxLength:"256"`
	Host    string    `query:"host" maxLength:"256" doc:"the Monit host; needed when several have the service"`
	Figure  string    `query:"figure" required:"true" enum:"load1,load5,load15,cpu,memory,swap,disk,inodes,response_time,exit_status" doc:"cpu and memory are the host's for a system check, the process's (children included) for a process check; disk and inodes are percent used; response_time is the slowest port test in seconds"`
	Since   time.Time `query:"since" doc:"RFC 3339; default 24 hours before until"`
	Until   time.Time `query:"until" doc:"RFC 3339; default now"`
}

// TrendPoint is one reading.
type TrendPoint struct {
	At    time.Time `json:"at"`
	Value float64   `json:"value"`
}

// TrendSummary is a figure over the window: the latest reading, min, average, max and when
// the maximum was first reached.
type TrendSummary struct {
	Samples  int       `json:"samples"`
	Latest   float64   `json:"latest"`
	LatestAt time.Time `json:"latest_at"`
	Min      float64   `json:"min"`
	Avg      float64   `json:"avg"`
	Max      float64   `json:"max"`
	MaxAt    time.Time `json:"max_at"`
}

type trendOutput struct {
	Body struct {
		Service string        `json:"service"`
		Host    string        `json:"host"`
		Figure  string        `json:"figure"`
		Label   string        `json:"label"`
		Unit    string        `json:"unit" doc:"%, s, or empty for load and exit status"`
		Since   time.Time     `json:"since"`
		Until   time.Time     `json:"until"`
		Summary *TrendSummary `json:"summary"` // null when the window holds no reading
		Points  []TrendPoint  `json:"points" nullable:"false" doc:"oldest first"`
	}
}

func (s *Server) trendRoutes() {
	huma.Register(s.api, huma.Operation{OperationID: "trends", Method: http.MethodGet, Path: "/trends",
		Summary: "A service's figure over a window: readings and latest, min, avg, max"}, s.trends)
}

func (s *Server) trends(ctx context.Context, in *trendInput) (*trendOutput, error) {
	if s.deps.Trends == nil {
		return nil, huma.Error503ServiceUnavailable("trends are not configured")
	}
	c, err := s.lookup(in.Host, in.Service)
	if err != nil {
		return nil, err
	}
	f, _ := trend.Parse(in.Figure) // the enum let only known figures through
	if has := trend.For(c.Snapshot.Type); !slices.Contains(has, f) {
		return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("%s is a %s check: it has no figure %s (it has: %s)",
			quote(in.Service), c.Snapshot.Type, f, figureNames(has)))
	}
	until := in.Until
	if until.IsZero() {
		until = s.opts.Now()
	}
	since := in.Since
	if since.IsZero() {
		since = until.Add(-defaultTrendWindow)
	}
	if !since.Before(until) {
		return nil, huma.Error422UnprocessableEntity("since must be before until")
	}
	samples, err := s.deps.Trends.SamplesOn(ctx, c.Snapshot.Host, in.Service, f, since, until)
	if err != nil {
		return nil, problem(err, "read the trend")
	}
	out := &trendOutput{}
	b := &out.Body
	b.Service, b.Host, b.Figure, b.Label, b.Unit = in.Service, c.Snapshot.Host, string(f), f.Label(), strings.TrimSpace(f.Unit())
	b.Since, b.Until = since.UTC(), until.UTC()
	b.Points = make([]TrendPoint, 0, len(samples))
	for _, p := range samples {
		b.Points = append(b.Points, TrendPoint{At: p.At.UTC(), Value: p.Value})
	}
	if sum, ok := trend.Summarise(samples); ok {
		b.Summary = &TrendSummary{Samples: sum.N, Latest: sum.Latest, LatestAt: sum.LatestAt.UTC(), Min: sum.Min,
			Avg: sum.Avg, Max: sum.Max, MaxAt: sum.MaxAt.UTC()}
	}
	return out, nil
}

func figureNames(list []trend.Figure) string {
	out := make([]string, len(list))
	for i, f := range list {
		out[i] = string(f)
	}
	return strings.Join(out, ", ")
}
