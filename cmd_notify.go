package main

import (
	"context"
	"log/slog"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/analyze"
	"monit-intel/engine/approve"
	"monit-intel/engine/config"
	"monit-intel/engine/notify"
	"monit-intel/rest"
)

// notifyTick is how often the outbox is looked at when nothing woke it (retries, holds).
const notifyTick = 5 * time.Second

// notifier wires notifications: the Notifier decides, the outbox (state.db) keeps, the
// Dispatcher delivers.
type notifier struct {
	n    *notify.Notifier
	d    *notify.Dispatcher
	box  notify.Outbox
	log  *slog.Logger
	none bool // no targets configured
}

func newNotifier(cfg config.Config, box notify.Outbox, logger *slog.Logger) *notifier {
	targets := cfg.NotifyTargets()
	d := notify.NewDispatcher(box, targets, notify.DispatcherOptions{Logger: logger})
	o := cfg.NotifyOptions()
	o.Logger, o.Wake = logger, d.Wake
	return &notifier{n: notify.New(targets, box, o), d: d, box: box, none: len(targets) == 0,
		log: logger.With("component", "notify")}
}

// afterCycle queues the cycle's notifications; a failure is logged, never stops ingest.
func (nt *notifier) afterCycle(ctx context.Context, res engine.CycleResult) {
	if err := nt.n.AfterCycle(ctx, res); err != nil {
		nt.log.Error("queue notifications", "err", err)
	}
}

// hostEvent queues the notifications of a fleet host's own event (STALE, RECOVERED).
func (nt *notifier) hostEvent(ctx context.Context, ev engine.Event) {
	nt.afterCycle(ctx, engine.CycleResult{Host: ev.Host, Events: []engine.Event{ev}})
}

// NotifyHealth is the outbox's depth and each target's last delivery.
func (nt *notifier) NotifyHealth(ctx context.Context) (rest.NotifyHealth, error) {
	h := rest.NotifyHealth{}
	for _, t := range nt.d.Health() {
		h.Targets = append(h.Targets, rest.NotifyTarget{Target: t.Target, LastError: t.LastError,
			LastErrorAt: t.LastErrorAt, LastSentAt: t.LastSentAt})
	}
	var err error
	h.OutboxDepth, err = nt.box.OutboxDepth(ctx)
	return h, err
}

// status is nil without targets, so /health stays as it was.
func (nt *notifier) status() rest.NotifyStatus {
	if nt.none {
		return nil
	}
	return nt
}

// notifyingAnalyses tells the notifier about every analysis stored: the rules' one goes into
// the event's message, the model's follows it.
type notifyingAnalyses struct {
	analyze.Store
	nt *notifier
}

func (s notifyingAnalyses) SaveAnalysis(ctx context.Context, a engine.Analysis) (int64, error) {
	id, err := s.Store.SaveAnalysis(ctx, a)
	if err != nil {
		return id, err
	}
	a.ID = id
	if nerr := s.nt.n.Analysis(ctx, a); nerr != nil {
		s.nt.log.Error("queue analysis notification", "err", nerr)
	}
	return id, nil
}

// notifyingProposals tells the notifier about every new pending proposal.
type notifyingProposals struct {
	approve.Proposals
	nt *notifier
}

func (s notifyingProposals) PutProposal(ctx context.Context, p engine.Proposal) error {
	if err := s.Proposals.PutProposal(ctx, p); err != nil {
		return err
	}
	if err := s.nt.n.Proposal(ctx, p); err != nil {
		s.nt.log.Error("queue proposal notification", "err", err)
	}
	return nil
}
