package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/approve"
)

// Actions is the approval flow (approve.Flow).
type Actions interface {
	Propose(ctx context.Context, a engine.SuggestedAction, source, proposer string) (engine.Proposal, error)
	Execute(ctx context.Context, id string, approve, dryRun bool) (approve.Outcome, error)
	Pending(ctx context.Context) ([]engine.Proposal, error)
}

// AuditLog reads the action audit log (sqliteexport.DB).
type AuditLog interface {
	AuditEntries(ctx context.Context, limit int) ([]engine.AuditEntry, error)
}

// Proposal is a pending (or decided) action. Nothing runs until it is approved through
// POST /mother/actions/execute.
type Proposal struct {
	ID        string    `json:"id" doc:"random, single use"`
	Action    string    `json:"action"`
	Host      string    `json:"host,omitempty" doc:"the service's Monit host; another host's Monit is reached through its HTTP interface"`
	Service   string    `json:"service"`
	Unit      string    `json:"unit,omitempty"`
	Command   string    `json:"command" doc:"exactly what will run"`
	Source    string    `json:"source" enum:"user,mother,analysis,api"`
	Proposer  string    `json:"proposer,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	State     string    `json:"state"`
	Simulated bool      `json:"simulated,omitempty" doc:"Monit is read from a file (a replay): approving it runs nothing"`
}

func toProposal(p engine.Proposal) Proposal {
	return Proposal{ID: p.ID, Action: p.Action, Host: p.Host, Service: p.Service, Unit: p.Unit, Command: p.Command,
		Source: p.Source, Proposer: p.Proposer, CreatedAt: p.CreatedAt.UTC(), ExpiresAt: p.ExpiresAt.UTC(),
		State: string(p.State), Simulated: p.Simulated}
}

type suggestInput struct {
	Body struct {
		Action  string `json:"action" minLength:"1" maxLength:"64" doc:"a whitelisted action (systemctl_restart, monit_start, …) or a verb (restart, start, stop, status, monitor, unmonitor, logs)"`
		Host    string `json:"host,omitempty" maxLength:"256" doc:"the service's host; needed when several hosts have the service"`
		Service string `json:"service" minLength:"1" maxLength:"256" doc:"a Monit service seen in the latest status"`
	}
}

type proposalOutput struct {
	Body Proposal
}

type executeInput struct {
	Body struct {
		ID      string `json:"id" minLength:"1" maxLength:"64"`
		Approve bool   `json:"approve" doc:"true runs it once; false rejects it"`
		DryRun  bool   `json:"dry_run,omitempty" doc:"show the command and its validation; run nothing"`
	}
}

type executeOutput struct {
	Body struct {
		ID         string `json:"id"`
		Status     string `json:"status" enum:"executed,failed,rejected,dry_run,refused,simulated" doc:"simulated: Monit is read from a file and nothing ran"`
		Host       string `json:"host,omitempty" doc:"the proposal's Monit host; another host's Monit is reached through its HTTP interface"`
		Command    string `json:"command" doc:"what ran, or would run; for another host it says how (that host's Monit HTTP interface)"`
		ExitCode   int    `json:"exit_code"`
		Output     string `json:"output,omitempty"`
		Truncated  bool   `json:"truncated,omitempty"`
		DurationMS int64  `json:"duration_ms"`
		Via        string `json:"via,omitempty" doc:"exec, monit-http, monit-cli or simulated"`
		Error      string `json:"error,omitempty"`
	}
}

type pendingOutput struct {
	Body struct {
		Proposals []Proposal `json:"proposals" nullable:"false"`
	}
}

type auditInput struct {
	Limit int `query:"limit" default:"20" minimum:"1" maximum:"1000"`
}

// AuditEntry is one row of the MAC-chained action audit log.
type AuditEntry struct {
	ID           int64     `json:"id"`
	At           time.Time `json:"at"`
	ProposalID   string    `json:"proposal_id"`
	Source       string    `json:"source"`
	Actor        string    `json:"actor,omitempty" doc:"who took the step: the proposer, or the user who approved or rejected (api for the API token)"`
	Action       string    `json:"action"`
	Host         string    `json:"host,omitempty"`
	Service      string    `json:"service"`
	Command      string    `json:"command"`
	UserApproved bool      `json:"user_approved"`
	Result       string    `json:"result"`
	ExitCode     *int      `json:"exit_code,omitempty"`
	Error        string    `json:"error,omitempty"`
	Simulated    bool      `json:"simulated,omitempty" doc:"an approval that ran nothing: Monit is read from a file"`
	Hash         string    `json:"hash"`
}

type auditOutput struct {
	Body struct {
		Entries []AuditEntry `json:"entries" nullable:"false" doc:"newest first"`
	}
}

func (s *Server) actionRoutes() {
	huma.Register(s.api, huma.Operation{OperationID: "actions-suggest", Method: http.MethodPost,
		Path: "/mother/actions/suggest", Summary: "Propose a whitelisted action (stored as pending, runs nothing)",
		MaxBodyBytes: maxBody}, s.suggest)
	huma.Register(s.api, huma.Operation{OperationID: "actions-execute", Method: http.MethodPost,
		Path: "/mother/actions/execute", Summary: "Approve (run once), reject, or dry-run a proposal",
		MaxBodyBytes: maxBody}, s.execute)
	huma.Register(s.api, huma.Operation{OperationID: "actions-pending", Method: http.MethodGet,
		Path: "/mother/actions", Summary: "Pending proposals"}, s.pending)
	huma.Register(s.api, huma.Operation{OperationID: "actions-audit", Method: http.MethodGet,
		Path: "/mother/actions/audit", Summary: "The action audit log, newest first"}, s.audit)
}

func (s *Server) suggest(ctx context.Context, in *suggestInput) (*proposalOutput, error) {
	if s.deps.Actions == nil {
		return nil, huma.Error503ServiceUnavailable("actions are not configured")
	}
	b := in.Body
	p, err := s.deps.Actions.Propose(ctx, engine.SuggestedAction{Action: b.Action, Host: b.Host, Service: b.Service}, engine.SourceAPI, "")
	if err != nil {
		// The flow has audited the refusal; an unknown service is a 404 here as everywhere, and
		// a name several hosts have, without a host, a 409.
		switch hosts := s.deps.Board.HostsOf(b.Service); {
		case len(hosts) == 0:
			return nil, unknownService(b.Service)
		case len(hosts) > 1 && b.Host == "":
			return nil, huma.Error409Conflict(err.Error())
		}
		return nil, problem(err, "") // "propose: …"
	}
	return &proposalOutput{Body: toProposal(p)}, nil
}

func (s *Server) execute(ctx context.Context, in *executeInput) (*executeOutput, error) {
	if s.deps.Actions == nil {
		return nil, huma.Error503ServiceUnavailable("actions are not configured")
	}
	if p, ok := PrincipalFrom(ctx); !ok || !p.CanApprove() {
		return nil, huma.Error403Forbidden(fmt.Sprintf("user %q (role %s) may not approve or reject actions: an operator may",
			p.Name, p.Role))
	}
	o, err := s.deps.Actions.Execute(ctx, in.Body.ID, in.Body.Approve, in.Body.DryRun)
	if err != nil {
		return nil, problem(err, "") // "execute ID: …", "dry run: …"
	}
	out := &executeOutput{}
	b := &out.Body
	b.ID, b.Status, b.Host, b.Command, b.Error = in.Body.ID, o.Status, o.Proposal.Host, o.Command, o.Error
	b.ExitCode, b.Output, b.Truncated = o.Result.ExitCode, o.Result.Output, o.Result.Truncated
	b.DurationMS, b.Via = o.Result.Duration.Milliseconds(), o.Result.Via
	return out, nil
}

func (s *Server) pending(ctx context.Context, _ *struct{}) (*pendingOutput, error) {
	out := &pendingOutput{}
	out.Body.Proposals = []Proposal{}
	if s.deps.Actions == nil {
		return out, nil
	}
	list, err := s.deps.Actions.Pending(ctx)
	if err != nil {
		return nil, problem(err, "pending proposals")
	}
	for _, p := range list {
		out.Body.Proposals = append(out.Body.Proposals, toProposal(p))
	}
	return out, nil
}

func (s *Server) audit(ctx context.Context, in *auditInput) (*auditOutput, error) {
	if s.deps.Audit == nil {
		return nil, huma.Error503ServiceUnavailable("the audit log is not configured")
	}
	list, err := s.deps.Audit.AuditEntries(ctx, in.Limit)
	if err != nil {
		return nil, problem(err, "read the audit log")
	}
	out := &auditOutput{}
	out.Body.Entries = make([]AuditEntry, 0, len(list))
	for _, e := range list {
		out.Body.Entries = append(out.Body.Entries, AuditEntry{ID: e.ID, At: e.At.UTC(), ProposalID: e.ProposalID,
			Source: e.Source, Actor: e.Actor, Action: e.Action, Host: e.Host, Service: e.Service, Command: e.Command, UserApproved: e.UserApproved,
			Result: e.Result, ExitCode: e.ExitCode, Error: e.Error, Simulated: e.Simulated(), Hash: e.Hash})
	}
	return out, nil
}

// actionProblem maps the approval flow's errors.
func actionProblem(err error, detail string) error {
	switch {
	case errors.Is(err, engine.ErrUnknownProposal):
		return huma.Error404NotFound(detail)
	case errors.Is(err, engine.ErrProposalExpired):
		return huma.NewError(http.StatusGone, detail)
	case errors.Is(err, engine.ErrProposalUsed):
		return huma.Error409Conflict(detail)
	case errors.Is(err, act.ErrRefused):
		return huma.Error422UnprocessableEntity(detail)
	}
	return nil
}
