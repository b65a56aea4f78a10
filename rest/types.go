package rest

import (
	"time"

	"monit-intel/engine"
)

// Service is one service's latest snapshot with its failure state.
type Service struct {
	Host          string     `json:"host"`
	Service       string     `json:"service"`
	Type          string     `json:"type" enum:"filesystem,directory,file,process,host,system,fifo,program,net,unknown"`
	State         string     `json:"state,omitempty" enum:"OK,NEW,ONGOING,CHANGED,RECOVERED,UNMONITORED,INITIALIZING" doc:"classification at the last cycle"`
	Status        uint32     `json:"status" doc:"Monit's status bitmap, 0 = OK"`
	StatusHint    uint32     `json:"status_hint,omitempty" doc:"the status bits Monit reports as changes (\"if changed …\"), not failures"`
	StatusText    string     `json:"status_text" doc:"the status as monit status words it"`
	FailedTests   []string   `json:"failed_tests,omitempty" nullable:"false" doc:"the connection tests Monit reports failed, by name"`
	Monitor       uint8      `json:"monitor" doc:"Monit's monitor bitmask"`
	MonitorText   string     `json:"monitor_text"`
	PendingAction string     `json:"pending_action,omitempty"`
	CollectedAt   time.Time  `json:"collected_at"`
	HostStale     bool       `json:"host_stale,omitempty" doc:"the host's Monit is STALE (silent for collector.stale_after of its intervals): state and figures are its last report, as old as collected_at says"`
	FailingSince  *time.Time `json:"failing_since,omitempty"`
	Failures      int        `json:"failures" doc:"how many times the service started failing"`
	Figures       *Figures   `json:"figures,omitempty"`
	ParseNotes    []string   `json:"parse_notes,omitempty" nullable:"false" doc:"figures Monit printed that could not be read; each is left out of figures"`
}

// Figures are a snapshot's type-specific numbers; absent ones are omitted.
type Figures struct {
	PID         *int       `json:"pid,omitempty"`
	UptimeSec   *int64     `json:"uptime_sec,omitempty"`
	Children    *int       `json:"children,omitempty"`
	CPUPercent  *float64   `json:"cpu_percent,omitempty"`
	MemPercent  *float64   `json:"mem_percent,omitempty"`
	MemKB       *int64     `json:"mem_kb,omitempty"`
	ExitStatus  *int       `json:"exit_status,omitempty"`
	Output      string     `json:"output,omitempty"`
	FSPercent   *float64   `json:"fs_percent,omitempty"`
	FSUsedMB    *float64   `json:"fs_used_mb,omitempty"`
	FSTotalMB   *float64   `json:"fs_total_mb,omitempty"`
	Load1       *float64   `json:"load1,omitempty"`
	Load5       *float64   `json:"load5,omitempty"`
	Load15      *float64   `json:"load15,omitempty"`
	SwapPercent *float64   `json:"swap_percent,omitempty"`
	FileSize    *int64     `json:"file_size,omitempty"`
	LinkState   *int       `json:"link_state,omitempty"`
	Ports       []Port     `json:"ports,omitempty" nullable:"false"`
	Tests       []Test     `json:"tests,omitempty" nullable:"false" doc:"every connection test: ports, unix sockets, ping"`
	ResponseSec *float64   `json:"response_sec,omitempty" doc:"the slowest test's response time, -1 when any test failed"`
	CollectedAt *time.Time `json:"collected_at,omitempty"`
}

// Test is one connection test Monit runs for the service.
type Test struct {
	Name        string   `json:"name" doc:"e.g. HTTP GET /api/ready on 127.0.0.1:8080"`
	Kind        string   `json:"kind" enum:"port,unix,icmp"`
	Hostname    string   `json:"hostname,omitempty"`
	Port        int      `json:"port,omitempty"`
	Path        string   `json:"path,omitempty" doc:"unix socket path"`
	Protocol    string   `json:"protocol,omitempty"`
	Request     string   `json:"request,omitempty"`
	ResponseSec *float64 `json:"response_sec,omitempty" doc:"absent when failed or not tested yet"`
	Failed      bool     `json:"failed"`
}

// Port is one port check; response_sec is -1 when it failed.
type Port struct {
	Hostname    string  `json:"hostname"`
	Port        int     `json:"port"`
	Protocol    string  `json:"protocol"`
	ResponseSec float64 `json:"response_sec"`
}

// Event is a failure event.
type Event struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Host    string    `json:"host"`
	Service string    `json:"service"`
	Kind    string    `json:"kind" enum:"NEW,CHANGED,RECOVERED,UNMONITORED,MONITORED,CHANGE_DETECTED,STALE" doc:"CHANGE_DETECTED is a change Monit watches for (\"Checksum changed\"), not a failure; STALE and a RECOVERED of service Monit: the host went silent, and spoke again"`
	Status  uint32    `json:"status"`
	Detail  string    `json:"detail"`
}

// Analysis is a stored root-cause analysis.
type Analysis struct {
	ID               int64             `json:"id"`
	At               time.Time         `json:"at"`
	Host             string            `json:"host"`
	Service          string            `json:"service"`
	EventID          int64             `json:"event_id,omitempty"`
	Source           string            `json:"source" enum:"llm,rules" doc:"llm when the model answered; the rules' part is always in text"`
	Model            string            `json:"model,omitempty"`
	DurationMS       int64             `json:"duration_ms"`
	PromptTokens     int               `json:"prompt_tokens,omitempty"`
	ResponseTokens   int               `json:"response_tokens,omitempty"`
	Truncated        bool              `json:"truncated,omitempty" doc:"the model server cut the prompt"`
	Summary          string            `json:"summary"`
	Causes           []string          `json:"causes" nullable:"false" doc:"the rules' cause IDs, most specific first"`
	ProbableCause    string            `json:"probable_cause,omitempty" doc:"the model's"`
	SuggestedActions []SuggestedAction `json:"suggested_actions" nullable:"false"`
	LLMError         string            `json:"llm_error,omitempty" doc:"why the model's part is missing"`
	Cached           bool              `json:"cached,omitempty"`
	Text             string            `json:"text"`
	Proposals        []Proposal        `json:"proposals,omitempty" nullable:"false" doc:"POST /analyze only: the suggested actions, pending approval"`
	Refused          []string          `json:"refused,omitempty" nullable:"false" doc:"POST /analyze only: suggested actions the whitelist refused"`
}

// SuggestedAction is an action the model proposed; nothing runs until approved.
type SuggestedAction struct {
	Action  string `json:"action"`
	Service string `json:"service"`
}

func toService(c engine.Classified) Service {
	s := c.Snapshot
	out := Service{
		Host: s.Host, Service: s.Name, Type: s.Type.String(), State: string(c.State.State),
		Status: uint32(s.Status), StatusHint: uint32(s.ChangedBits()), StatusText: s.StatusText(), Monitor: uint8(s.Monitor),
		MonitorText: s.Monitor.Text(), PendingAction: s.PendingAction.String(),
		CollectedAt: s.CollectedAt.UTC(), Failures: c.State.Failures, Figures: toFigures(s),
	}
	for _, t := range s.FailedTests() {
		out.FailedTests = append(out.FailedTests, t.Result())
	}
	for _, n := range s.ParseNotes {
		out.ParseNotes = append(out.ParseNotes, n.String())
	}
	if out.State == "" {
		out.State = string(engine.StateOK)
		if s.Failing() {
			out.State = string(engine.StateOngoing)
		}
	}
	if !c.State.Since.IsZero() {
		since := c.State.Since.UTC()
		out.FailingSince = &since
	}
	return out
}

func toFigures(s engine.Snapshot) *Figures {
	var f Figures
	has := false
	if p := s.Process; p != nil {
		has = true
		f.PID, f.UptimeSec, f.Children = p.PID, p.UptimeSec, p.Children
		f.CPUPercent, f.MemPercent, f.MemKB = p.CPUPercent, p.MemPercent, p.MemKB
	}
	if g := s.Program; g != nil {
		has = true
		f.ExitStatus, f.Output = g.ExitStatus, g.Output
	}
	if fs := s.Filesystem; fs != nil {
		has = true
		f.FSPercent, f.FSUsedMB, f.FSTotalMB = fs.BlockPercent, fs.BlockUsageMB, fs.BlockTotalMB
	}
	if y := s.System; y != nil {
		has = true
		f.Load1, f.Load5, f.Load15 = y.Load1, y.Load5, y.Load15
		f.MemPercent, f.MemKB, f.SwapPercent = y.MemPercent, y.MemKB, y.SwapPercent
	}
	if fi := s.File; fi != nil && fi.Size != nil {
		has = true
		f.FileSize = fi.Size
	}
	if n := s.Net; n != nil {
		has = true
		f.LinkState = n.LinkState
	}
	for _, p := range s.Ports {
		has = true
		f.Ports = append(f.Ports, Port{Hostname: p.Hostname, Port: p.Port, Protocol: p.Protocol, ResponseSec: p.ResponseSec})
	}
	for _, t := range s.Tests() {
		has = true
		v := Test{Name: t.Name(), Kind: string(t.Kind), Hostname: t.Hostname, Port: t.Port, Path: t.Path,
			Protocol: t.Protocol, Request: t.Request, Failed: t.Failed}
		if t.ResponseSec >= 0 {
			v.ResponseSec = &t.ResponseSec
		}
		f.Tests = append(f.Tests, v)
	}
	if sec, ok := s.ResponseSummary(); ok {
		f.ResponseSec = &sec
	}
	if !has {
		return nil
	}
	return &f
}

func toEvent(e engine.Event) Event {
	return Event{ID: e.ID, At: e.At.UTC(), Host: e.Host, Service: e.Service, Kind: string(e.Kind),
		Status: uint32(e.Status), Detail: e.Detail}
}

func toAnalysis(a engine.Analysis) Analysis {
	out := Analysis{ID: a.ID, At: a.At.UTC(), Host: a.Host, Service: a.Service, EventID: a.EventID,
		Source: a.Source, Model: a.Model, DurationMS: a.Duration.Milliseconds(), PromptTokens: a.PromptTokens,
		ResponseTokens: a.ResponseTokens, Truncated: a.Truncated, Summary: a.Summary, Causes: a.Causes,
		ProbableCause: a.ProbableCause, LLMError: a.LLMError, Cached: a.Cached, Text: a.Text,
		SuggestedActions: []SuggestedAction{}}
	if out.Causes == nil {
		out.Causes = []string{}
	}
	for _, s := range a.SuggestedActions {
		out.SuggestedActions = append(out.SuggestedActions, SuggestedAction{Action: s.Action, Service: s.Service})
	}
	return out
}
