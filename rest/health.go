package rest

import (
	"context"
	"time"

	enginefleet "monit-intel/engine/fleet"
)

// Dependency is the last check of something the daemon needs.
type Dependency struct {
	Name      string    `json:"name" doc:"monit or ollama"`
	OK        bool      `json:"ok"`
	Error     string    `json:"error,omitempty"`
	Target    string    `json:"target,omitempty" doc:"URL or path checked"`
	CheckedAt time.Time `json:"checked_at"`
	Required  bool      `json:"required" doc:"without it the daemon cannot ingest"`
}

// HealthReport is the answer of /health.
type HealthReport struct {
	Status     string           `json:"status" enum:"ok,degraded" doc:"all an anonymous caller is told"`
	Degraded   bool             `json:"degraded,omitempty"`
	Version    string           `json:"version,omitempty"`
	UptimeSec  int64            `json:"uptime_sec,omitempty"`
	LastIngest *LastIngest      `json:"last_ingest,omitempty"`
	Deps       []Dependency     `json:"dependencies,omitempty" nullable:"false" doc:"with the token"`
	Databases  map[string]int64 `json:"database_bytes,omitempty" doc:"with the token"`
	Notify     *NotifyHealth    `json:"notify,omitempty"`
	StaleHosts []HostInfo       `json:"stale_hosts,omitempty" nullable:"false" doc:"with the token: Monits silent for 3 of their intervals"`
}

// HostInfo is one Monit host of the fleet.
type HostInfo struct {
	Name       string     `json:"name" doc:"Monit's localhostname"`
	MonitID    string     `json:"monit_id,omitempty" doc:"Monit's id (pushing hosts)"`
	Source     string     `json:"source" enum:"push,poll,history" doc:"history: known only from stored snapshots (older than the host registry), not heard from since"`
	IntervalS  int64      `json:"interval_sec,omitzero" doc:"absent when not known (a host known only from the board)"`
	LastSeen   time.Time  `json:"last_seen,omitzero" doc:"the host's last message (its newest snapshot for a host known from history); absent when none is known"`
	Stale      bool       `json:"stale"`
	StaleSince *time.Time `json:"stale_since,omitempty"`
	Services   int        `json:"services"`
}

func (s *Server) hostInfos(onlyStale bool) []HostInfo {
	if s.deps.Fleet == nil {
		return nil
	}
	var out []HostInfo
	for _, h := range s.deps.Fleet.Hosts() {
		if onlyStale && !h.Stale {
			continue
		}
		hi := HostInfo{Name: h.Name, Source: h.Source, IntervalS: int64(h.Interval.Seconds()),
			LastSeen: h.LastSeen.UTC(), Stale: h.Stale, Services: len(s.deps.Board.ServicesOn(h.Name))}
		if h.Source == enginefleet.SourcePush {
			hi.MonitID = h.ID
		}
		if h.Stale {
			at := h.StaleSince.UTC()
			hi.StaleSince = &at
		}
		out = append(out, hi)
	}
	return out
}

type healthOutput struct {
	Body HealthReport
}

// LastIngest is the last ingest cycle.
type LastIngest struct {
	At         time.Time `json:"at"`
	DurationMS int64     `json:"duration_ms"`
	Services   int       `json:"services"`
	Events     int       `json:"events"`
	Error      string    `json:"error,omitempty"`
	// Monit's clock against monit-intel's, from the collection times of the last document.
	MonitClockOffsetSec int64  `json:"monit_clock_offset_sec" doc:"positive when Monit's clock is ahead; negative when it is behind or the document is late (beyond one poll interval)"`
	MonitClockWarning   string `json:"monit_clock_warning,omitempty" doc:"set when Monit's clock is more than 5 minutes off"`
}

// health answers 200 while the daemon works; degraded says a dependency is down or the last
// ingest failed. Without credentials it says only that: the details (versions, targets,
// errors) are for an authenticated caller.
func (s *Server) health(ctx context.Context, _ *struct{}) (*healthOutput, error) {
	out := &healthOutput{}
	b := &out.Body
	b.Version, b.UptimeSec = s.opts.Version, int64(s.opts.Now().Sub(s.started).Seconds())
	if c := s.deps.Board.LastCycle(); !c.At.IsZero() {
		b.LastIngest = &LastIngest{At: c.At.UTC(), DurationMS: c.Duration.Milliseconds(), Services: c.Services,
			Events: c.Events, Error: c.Err, MonitClockOffsetSec: c.Clock.OffsetSec, MonitClockWarning: c.Clock.Detail}
		b.Degraded = c.Err != ""
	}
	b.Deps = s.deps.Health.Dependencies()
	if b.Deps == nil {
		b.Deps = []Dependency{}
	}
	for _, d := range b.Deps {
		if !d.OK {
			b.Degraded = true
		}
	}
	b.Databases = s.deps.Health.DatabaseSizes()
	if _, ok := PrincipalFrom(ctx); ok {
		b.Notify = s.notifyHealth(ctx)
	}
	if b.StaleHosts = s.hostInfos(true); len(b.StaleHosts) > 0 {
		b.Degraded = true
	}
	b.Status = "ok"
	if b.Degraded {
		b.Status = "degraded"
	}
	if _, ok := PrincipalFrom(ctx); !ok {
		out.Body = HealthReport{Status: b.Status}
	}
	return out, nil
}
