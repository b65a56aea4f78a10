package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"monit-intel/act"
	"monit-intel/engine"
	"monit-intel/engine/approve"
	enginefleet "monit-intel/engine/fleet"
)

type approvalsData struct {
	Pending    []engine.Proposal
	Decided    []engine.AuditEntry // the latest results, with their output
	Configured bool
}

// decidedShown is how many recent results the approvals page lists.
const decidedShown = 10

func (u *UI) approvals(w http.ResponseWriter, r *http.Request, _ Principal) {
	d := approvalsData{Configured: u.deps.Actions != nil}
	if d.Configured {
		var err error
		if d.Pending, err = u.deps.Actions.Pending(r.Context()); err != nil {
			u.fail(w, r, http.StatusInternalServerError, "The pending proposals could not be read: "+err.Error())
			return
		}
	}
	if u.deps.Audit != nil {
		entries, err := u.deps.Audit.AuditEntries(r.Context(), 100)
		if err != nil {
			u.fail(w, r, http.StatusInternalServerError, "The audit log could not be read: "+err.Error())
			return
		}
		for _, e := range entries {
			switch e.Result {
			case engine.AuditExecuted, engine.AuditFailed, engine.AuditRejected:
				if len(d.Decided) < decidedShown {
					d.Decided = append(d.Decided, e)
				}
			}
		}
	}
	u.render(w, r, http.StatusOK, "approvals", "Approvals", d)
}

type confirmData struct {
	Proposal engine.Proposal
	Found    bool
	Outcome  *approve.Outcome
	Error    string
	// Stale is set when the proposal's host is STALE: its Monit may not answer.
	Stale *enginefleet.Host
}

// confirm is the confirmation step: the exact command, who proposed it and until when, and
// the buttons that decide it.
func (u *UI) confirm(w http.ResponseWriter, r *http.Request, _ Principal) {
	if u.deps.Actions == nil {
		u.fail(w, r, http.StatusServiceUnavailable, "Actions are not configured.")
		return
	}
	pending, err := u.deps.Actions.Pending(r.Context())
	if err != nil {
		u.fail(w, r, http.StatusInternalServerError, "The pending proposals could not be read: "+err.Error())
		return
	}
	d := confirmData{}
	for _, p := range pending {
		if p.ID == r.PathValue("id") {
			d.Proposal, d.Found = p, true
		}
	}
	if h, ok := u.staleHosts()[d.Proposal.Host]; ok && d.Found {
		d.Stale = &h
	}
	status := http.StatusOK
	if !d.Found {
		status = http.StatusNotFound
	}
	u.render(w, r, status, "confirm", "Approve an action", d)
}

// decisionResult is the JSON answer to a decision made from Mother's page.
type decisionResult struct {
	Status   string `json:"status"`
	Command  string `json:"command"`
	ExitCode int    `json:"exit_code"`
	Output   string `json:"output,omitempty"`
	Error    string `json:"error,omitempty"`
	User     string `json:"user"`
}

// decide approves (runs once) or rejects a proposal as the logged-in operator. Approving
// needs confirm=yes: the confirmation step's button sends it.
func (u *UI) decide(w http.ResponseWriter, r *http.Request, p Principal) {
	if u.deps.Actions == nil {
		u.fail(w, r, http.StatusServiceUnavailable, "Actions are not configured.")
		return
	}
	id, decision := r.PathValue("id"), r.PostFormValue("decision")
	if decision != "approve" && decision != "reject" {
		u.fail(w, r, http.StatusBadRequest, "The decision must be approve or reject.")
		return
	}
	if decision == "approve" && r.PostFormValue("confirm") != "yes" {
		http.Redirect(w, r, "/ui/approvals/"+id, http.StatusSeeOther)
		return
	}
	o, err := u.deps.Actions.Execute(r.Context(), id, decision == "approve", false)
	u.log.Info("decision", "user", p.Name, "role", p.Role, "proposal_id", id, "decision", decision, "status", o.Status)
	d := confirmData{Proposal: o.Proposal, Found: o.Proposal.ID != "", Outcome: &o}
	status := http.StatusOK
	if err != nil {
		d.Error, status = err.Error(), decisionStatus(err)
	}
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(decisionResult{Status: o.Status, Command: o.Command, ExitCode: o.Result.ExitCode,
			Output: o.Result.Output, Error: firstOf(d.Error, o.Error), User: p.Name})
		return
	}
	u.render(w, r, status, "confirm", "Decision", d)
}

func decisionStatus(err error) int {
	switch {
	case errors.Is(err, engine.ErrUnknownProposal):
		return http.StatusNotFound
	case errors.Is(err, engine.ErrProposalExpired):
		return http.StatusGone
	case errors.Is(err, engine.ErrProposalUsed):
		return http.StatusConflict
	case errors.Is(err, act.ErrRefused):
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
