package slowfake

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"monit-intel/engine"
)

// LLM answers Content after Delay, or fails with engine.ErrLLMUnavailable when the caller's
// context ends first. Its zero value answers at once with an empty reply.
type LLM struct {
	Delay   time.Duration
	Content string

	calls, inFlight, peak atomic.Int32
}

var _ engine.LLM = (*LLM)(nil)

// Model names the fake's model.
func (m *LLM) Model() string { return "slowfake" }

// Ping always answers.
func (m *LLM) Ping(context.Context) error { return nil }

// ChatStream is Chat, with the answer passed to fn in one piece.
func (m *LLM) ChatStream(ctx context.Context, req engine.LLMRequest, fn func(string) error) (engine.LLMReply, error) {
	r, err := m.Chat(ctx, req)
	if err == nil && r.Content != "" {
		err = fn(r.Content)
	}
	return r, err
}

// Chat waits Delay and answers Content.
func (m *LLM) Chat(ctx context.Context, _ engine.LLMRequest) (engine.LLMReply, error) {
	m.calls.Add(1)
	n := m.inFlight.Add(1)
	defer m.inFlight.Add(-1)
	for p := m.peak.Load(); n > p && !m.peak.CompareAndSwap(p, n); p = m.peak.Load() {
	}
	t := time.NewTimer(m.Delay)
	defer t.Stop()
	select {
	case <-t.C:
		return engine.LLMReply{Content: m.Content, Model: m.Model(), DoneReason: "stop"}, nil
	case <-ctx.Done():
		return engine.LLMReply{}, fmt.Errorf("%w: %w", engine.ErrLLMUnavailable, ctx.Err())
	}
}

// Calls is the number of Chat and ChatStream calls so far.
func (m *LLM) Calls() int { return int(m.calls.Load()) }

// Peak is the most calls that were in flight at once.
func (m *LLM) Peak() int { return int(m.peak.Load()) }
