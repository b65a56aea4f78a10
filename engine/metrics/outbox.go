package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// OutboxDepth counts the notifications waiting in the outbox (engine/notify's Outbox).
type OutboxDepth interface {
	OutboxDepth(ctx context.Context) (int, error)
}

// outboxReadTimeout bounds the outbox read of one scrape.
const outboxReadTimeout = time.Second

// WatchOutbox adds monit_intel_notify_outbox_depth, read from box at each scrape. A failed
// read leaves the series out of that scrape and is logged.
func (m *Metrics) WatchOutbox(box OutboxDepth) {
	m.reg.MustRegister(outboxCollector{box: box, m: m, desc: prometheus.NewDesc("monit_intel_notify_outbox_depth",
		"Notifications waiting in the outbox to be delivered (retries included).", nil, nil)})
}

type outboxCollector struct {
	box  OutboxDepth
	m    *Metrics
	desc *prometheus.Desc
}

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), outboxReadTimeout)
	defer cancel()
	n, err := c.box.OutboxDepth(ctx)
	if err != nil {
		c.m.log.Error("read the outbox depth", "err", err)
		return
	}
	ch <- gauge(c.desc, float64(n))
}
