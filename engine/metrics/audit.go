package metrics

import (
	"context"

	"monit-intel/engine"
)

// AuditLog appends to the action audit log (approve.Audit, sqliteexport.DB).
type AuditLog interface {
	AppendAudit(ctx context.Context, e engine.AuditEntry) (int64, error)
}

// proposalResults and actionResults are the label values of monit_intel_proposals_total and
// monit_intel_actions_total; each series exists from the start.
var (
	proposalResults = []string{"proposed", "refused"}
	actionResults   = []string{engine.AuditApproved, engine.AuditRejected, engine.AuditExecuted, engine.AuditFailed,
		engine.AuditRefused, engine.AuditDryRun, "simulated"}
)

// WrapAudit returns a with each row it stores counted: a proposal stored or refused counts in
// monit_intel_proposals_total, every later step (an approval, a rejection, a run's result, a
// dry run, a refused approval) in monit_intel_actions_total. The audit log is where every
// one of them is written exactly once, so counting there misses none.
func (m *Metrics) WrapAudit(a AuditLog) AuditLog { return observedAudit{a: a, m: m} }

type observedAudit struct {
	a AuditLog
	m *Metrics
}

func (o observedAudit) AppendAudit(ctx context.Context, e engine.AuditEntry) (int64, error) {
	id, err := o.a.AppendAudit(ctx, e)
	if err == nil {
		o.m.countAudit(e)
	}
	return id, err
}

func (m *Metrics) countAudit(e engine.AuditEntry) {
	switch {
	case e.Result == engine.AuditProposed:
		m.proposals.WithLabelValues("proposed").Inc()
	case e.Result == engine.AuditRefused && e.ProposalID == "": // Propose refused it: no proposal exists
		m.proposals.WithLabelValues("refused").Inc()
	case e.Simulated():
		m.actions.WithLabelValues("simulated").Inc()
	default:
		m.actions.WithLabelValues(e.Result).Inc()
	}
}
