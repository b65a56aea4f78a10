package metrics

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"monit-intel/engine"
)

// Metrics owns the daemon's registry and its instruments. It is safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry
	log *slog.Logger

	cycleDuration prometheus.Histogram
	cycleErrors   prometheus.Counter

	llm       llmInstruments
	proposals *prometheus.CounterVec
	actions   *prometheus.CounterVec
}

// New returns the metrics of a daemon whose services are on board, with the Go runtime and
// process collectors. logger receives scrape errors.
func New(board Board, logger *slog.Logger) *Metrics {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{reg: prometheus.NewRegistry(), log: logger.With("component", "metrics")}
	m.cycleDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "monit_intel_ingest_cycle_duration_seconds",
		Help:    "Duration of ingest cycles (read Monit, classify, store), failed ones included.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	})
	m.cycleErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "monit_intel_ingest_errors_total",
		Help: "Ingest cycles that failed (Monit unreachable, a bad document, a store error).",
	})
	m.llm = newLLMInstruments()
	m.proposals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "monit_intel_proposals_total",
		Help: "Action proposals by result: proposed (stored, waiting for a person) or refused (not whitelisted).",
	}, []string{"result"})
	m.actions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "monit_intel_actions_total",
		Help: "Decisions on proposals by result: approved, rejected, executed, failed, refused, dry_run, simulated.",
	}, []string{"result"})
	m.reg.MustRegister(newServiceCollector(board), m.cycleDuration, m.cycleErrors, m.proposals, m.actions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.llm.register(m.reg)
	for _, r := range proposalResults {
		m.proposals.WithLabelValues(r)
	}
	for _, r := range actionResults {
		m.actions.WithLabelValues(r)
	}
	return m
}

// Registry is the registry /metrics serves (for tests and further collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus's text format (or OpenMetrics when asked). A
// collector error is logged and the rest is served, so one bad figure cannot blank a scrape.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            slogPrinter{m.log},
		ErrorHandling:       promhttp.ContinueOnError,
		Registry:            m.reg,
		MaxRequestsInFlight: 4,
	})
}

// ObserveCycle records one ingest cycle and whether it failed.
func (m *Metrics) ObserveCycle(res engine.CycleResult, err error) {
	m.cycleDuration.Observe(res.Duration.Seconds())
	if err != nil {
		m.cycleErrors.Inc()
	}
}

// slogPrinter is promhttp's error log on slog.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) { p.log.Warn("metrics scrape", "err", fmt.Sprint(v...)) }
