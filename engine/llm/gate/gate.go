package gate

import (
	"context"
	"fmt"
	"sync"

	"monit-intel/engine"
)

// Gate lets a bounded number of calls through at once and a bounded number wait. It is safe
// for concurrent use.
type Gate struct {
	slots   chan struct{}
	maxWait int

	mu      sync.Mutex
	waiting int
}

// New returns a Gate for concurrency calls at once (at least 1) and queue waiting callers (at
// least 0).
func New(concurrency, queue int) *Gate {
	return &Gate{slots: make(chan struct{}, max(concurrency, 1)), maxWait: max(queue, 0)}
}

// Acquire waits for a slot and returns the function that frees it. It fails at once, with an
// error wrapping engine.ErrLLMBusy, when every slot is taken and the queue is full, and when
// ctx ends before a slot frees.
func (g *Gate) Acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return release, nil
	default:
	}
	g.mu.Lock()
	if g.waiting >= g.maxWait {
		g.mu.Unlock()
		return nil, fmt.Errorf("%w (ollama.concurrency %d and ollama.queue %d are full)", engine.ErrLLMBusy, cap(g.slots), g.maxWait)
	}
	g.waiting++
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.waiting--
		g.mu.Unlock()
	}()
	select {
	case g.slots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: no free slot before the call's deadline (%w)", engine.ErrLLMBusy, ctx.Err())
	}
}

// Running is the number of calls holding a slot now.
func (g *Gate) Running() int { return len(g.slots) }

// Waiting is the number of calls waiting for a slot now.
func (g *Gate) Waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiting
}

// Wrap returns llm with its Chat and ChatStream calls passing through the gate. Ping does
// not: a health check must not wait behind a long answer.
func (g *Gate) Wrap(llm engine.LLM) engine.LLM { return gated{llm: llm, g: g} }

type gated struct {
	llm engine.LLM
	g   *Gate
}

func (m gated) Model() string                  { return m.llm.Model() }
func (m gated) Ping(ctx context.Context) error { return m.llm.Ping(ctx) }

func (m gated) Chat(ctx context.Context, req engine.LLMRequest) (engine.LLMReply, error) {
	release, err := m.g.Acquire(ctx)
	if err != nil {
		return engine.LLMReply{}, err
	}
	defer release()
	return m.llm.Chat(ctx, req)
}

func (m gated) ChatStream(ctx context.Context, req engine.LLMRequest, fn func(string) error) (engine.LLMReply, error) {
	release, err := m.g.Acquire(ctx)
	if err != nil {
		return engine.LLMReply{}, err
	}
	defer release()
	return m.llm.ChatStream(ctx, req, fn)
}
