package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"monit-intel/engine"
)

type llmInstruments struct {
	calls       *prometheus.CounterVec
	duration    prometheus.Histogram
	tokens      *prometheus.CounterVec
	truncations prometheus.Counter
}

func newLLMInstruments() llmInstruments {
	return llmInstruments{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "monit_intel_llm_calls_total",
			Help: "Model calls by result: ok, busy (refused by ollama.concurrency/ollama.queue) or error.",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "monit_intel_llm_call_duration_seconds",
			Help:    "Duration of model calls that reached the model, waiting for a slot included.",
			Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300},
		}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "monit_intel_llm_tokens_total",
			Help: "Tokens of answered model calls: prompt (Ollama's prompt_eval_count) or response (eval_count).",
		}, []string{"kind"}),
		truncations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "monit_intel_llm_truncations_total",
			Help: "Answered model calls whose prompt the server cut to fit num_ctx.",
		}),
	}
}

func (l llmInstruments) register(reg *prometheus.Registry) {
	reg.MustRegister(l.calls, l.duration, l.tokens, l.truncations)
	// Every label value is known: the series exist (at 0) before the first call.
	for _, r := range []string{"ok", "busy", "error"} {
		l.calls.WithLabelValues(r)
	}
	for _, k := range []string{"prompt", "response"} {
		l.tokens.WithLabelValues(k)
	}
}

// WrapLLM returns llm with each Chat and ChatStream call counted and timed. Wrap the gated
// model (engine/llm/gate) so calls the gate refuses count as busy. Ping is not a call.
func (m *Metrics) WrapLLM(llm engine.LLM) engine.LLM { return observedLLM{llm: llm, in: m.llm} }

type observedLLM struct {
	llm engine.LLM
	in  llmInstruments
}

func (o observedLLM) Model() string                  { return o.llm.Model() }
func (o observedLLM) Ping(ctx context.Context) error { return o.llm.Ping(ctx) }

func (o observedLLM) Chat(ctx context.Context, req engine.LLMRequest) (engine.LLMReply, error) {
	start := time.Now()
	reply, err := o.llm.Chat(ctx, req)
	o.in.observe(time.Since(start), reply, err)
	return reply, err
}

func (o observedLLM) ChatStream(ctx context.Context, req engine.LLMRequest, fn func(string) error) (engine.LLMReply, error) {
	start := time.Now()
	reply, err := o.llm.ChatStream(ctx, req, fn)
	o.in.observe(time.Since(start), reply, err)
	return reply, err
}

func (l llmInstruments) observe(took time.Duration, reply engine.LLMReply, err error) {
	switch {
	case errors.Is(err, engine.ErrLLMBusy):
		l.calls.WithLabelValues("busy").Inc()
		return // it never reached the model
	case err != nil:
		l.calls.WithLabelValues("error").Inc()
	default:
		l.calls.WithLabelValues("ok").Inc()
		l.tokens.WithLabelValues("prompt").Add(float64(max(reply.PromptTokens, 0)))
		l.tokens.WithLabelValues("response").Add(float64(max(reply.ResponseTokens, 0)))
		if reply.Truncated {
			l.truncations.Inc()
		}
	}
	l.duration.Observe(took.Seconds())
}
