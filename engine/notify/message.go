package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Kinds of notifications besides the engine's event kinds (engine.EventKinds).
const (
	KindFlapping = "FLAPPING" // a service changed state too often; see Message.Flapping
	KindAnalysis = "ANALYSIS" // the model's analysis of an event already notified
	KindProposal = "PROPOSAL" // a new pending proposal waits for a person's approval
)

// SchemaVersion is the version of the webhook body; it changes only when a field changes
// meaning or goes away.
const SchemaVersion = 1

// Message is one notification. It is the JSON body monit-intel POSTs to a webhook target
// (a plain http:// or https:// URL), with the header Idempotency-Key set to ID; the other
// services get Title and Text.
type Message struct {
	Version        int           `json:"version" doc:"schema version, 1"`
	ID             string        `json:"id" doc:"idempotency key: the same message delivered twice has the same id"`
	Kind           string        `json:"kind" doc:"NEW, CHANGED, RECOVERED (and other event kinds of the engine), FLAPPING, ANALYSIS or PROPOSAL"`
	At             time.Time     `json:"at" doc:"when it happened (RFC 3339)"`
	Host           string        `json:"host,omitempty" doc:"Monit's host name"`
	Service        string        `json:"service,omitempty" doc:"Monit's service name"`
	Status         string        `json:"status,omitempty" doc:"Monit's words for the service's status"`
	Since          *time.Time    `json:"since,omitempty" doc:"start of the current failure"`
	EventID        int64         `json:"event_id,omitempty" doc:"the failure event in the history"`
	Summary        string        `json:"summary,omitempty" doc:"the analysis summary"`
	AnalysisSource string        `json:"analysis_source,omitempty" enum:"rules,llm" doc:"who wrote the summary"`
	Flapping       *FlappingInfo `json:"flapping,omitempty"`
	Proposal       *ProposalInfo `json:"proposal,omitempty"`
	Title          string        `json:"title" doc:"one line for people"`
	Text           string        `json:"text" doc:"the message for people"`
}

// FlappingInfo describes a service that changes state too often.
type FlappingInfo struct {
	Phase   string    `json:"phase" enum:"started,summary" doc:"started: the first message; summary: it has been quiet for the window"`
	Changes int       `json:"changes" doc:"state changes counted"`
	First   time.Time `json:"first" doc:"first change counted"`
	Last    time.Time `json:"last" doc:"last change counted"`
	State   string    `json:"state" doc:"the service's state at the last change"`
}

// ProposalInfo is a pending proposal waiting for approval.
type ProposalInfo struct {
	ID         string    `json:"id"`
	Action     string    `json:"action"`
	Service    string    `json:"service"`
	Command    string    `json:"command" doc:"what would run"`
	Source     string    `json:"source" doc:"who proposed it: user, mother or analysis"`
	ExpiresAt  time.Time `json:"expires_at"`
	ApproveURL string    `json:"approve_url,omitempty" doc:"the web UI page to approve it; empty when notify_base_url is not set"`
}

// contentKey identifies what a message says, without its times and id: two messages with the
// same key are the same news (a failure classified again after a cycle could not save its
// state has a new "since", and is still the same news).
func (m Message) contentKey() string {
	parts := []string{m.Kind, m.Host, m.Service, m.Status, m.Summary, m.AnalysisSource}
	if f := m.Flapping; f != nil {
		parts = append(parts, f.Phase, f.First.String())
	}
	if p := m.Proposal; p != nil {
		parts = append(parts, p.ID)
	}
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:16])
}

// render fills Title and Text from the other fields.
func (m *Message) render() {
	where := m.Service
	if m.Host != "" {
		where = m.Host + "/" + m.Service
	}
	var b strings.Builder
	switch {
	case m.Proposal != nil:
		p := m.Proposal
		m.Title = fmt.Sprintf("Approval wanted: %s on %s", p.Action, where)
		fmt.Fprintf(&b, "Proposed (%s): %s\nExpires: %s\n", p.Source, p.Command, p.ExpiresAt.UTC().Format(time.RFC3339))
		if p.ApproveURL != "" {
			fmt.Fprintf(&b, "Approve or reject: %s\n", p.ApproveURL)
		} else {
			fmt.Fprintf(&b, "Approve or reject it in monit-intel (proposal %s).\n", p.ID)
		}
	case m.Flapping != nil:
		f := m.Flapping
		if f.Phase == "started" {
			m.Title = fmt.Sprintf("FLAPPING %s", where)
			fmt.Fprintf(&b, "%d state changes since %s; further changes are summarised.\n", f.Changes, f.First.UTC().Format(time.RFC3339))
		} else {
			m.Title = fmt.Sprintf("Flapping ended %s: now %s", where, f.State)
			fmt.Fprintf(&b, "%d state changes from %s to %s.\n", f.Changes, f.First.UTC().Format(time.RFC3339), f.Last.UTC().Format(time.RFC3339))
		}
	case m.Kind == KindAnalysis:
		m.Title = fmt.Sprintf("Analysis %s", where)
	default:
		m.Title = fmt.Sprintf("%s %s", m.Kind, where)
	}
	if m.Status != "" {
		fmt.Fprintf(&b, "Monit: %s\n", m.Status)
	}
	if m.Since != nil {
		fmt.Fprintf(&b, "Failing since: %s\n", m.Since.UTC().Format(time.RFC3339))
	}
	if m.Summary != "" {
		fmt.Fprintf(&b, "Analysis (%s): %s\n", m.AnalysisSource, m.Summary)
	}
	m.Text = strings.TrimRight(b.String(), "\n")
}
