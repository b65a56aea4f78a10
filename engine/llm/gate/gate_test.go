package gate

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm/slowfake"
)

func TestGateBoundsCallsAndWaiters(t *testing.T) {
	tests := []struct {
		name                    string
		concurrency, queue      int
		callers                 int
		wantOK, wantBusy, wantP int
	}{
		{name: "one at a time, none waiting", concurrency: 1, queue: 0, callers: 5, wantOK: 1, wantBusy: 4, wantP: 1},
		{name: "one at a time, two waiting", concurrency: 1, queue: 2, callers: 5, wantOK: 3, wantBusy: 2, wantP: 1},
		{name: "two at a time, one waiting", concurrency: 2, queue: 1, callers: 200, wantOK: 3, wantBusy: 197, wantP: 2},
		{name: "room for all", concurrency: 3, queue: 10, callers: 8, wantOK: 8, wantBusy: 0, wantP: 3},
		{name: "zero concurrency means one", concurrency: 0, queue: 0, callers: 3, wantOK: 1, wantBusy: 2, wantP: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				model := &slowfake.LLM{Delay: 10 * time.Second}
				g := New(tt.concurrency, tt.queue)
				llm := g.Wrap(model)
				var ok, busy atomic.Int32
				var wg sync.WaitGroup
				for range tt.callers {
					wg.Go(func() {
						_, err := llm.Chat(t.Context(), engine.LLMRequest{})
						switch {
						case err == nil:
							ok.Add(1)
						case errors.Is(err, engine.ErrLLMBusy) && errors.Is(err, engine.ErrLLMUnavailable):
							busy.Add(1)
						default:
							t.Errorf("Chat() error = %v, want nil or ErrLLMBusy", err)
						}
					})
					synctest.Wait() // callers arrive one after another
				}
				wg.Wait()
				if int(ok.Load()) != tt.wantOK || int(busy.Load()) != tt.wantBusy {
					t.Errorf("answered %d, busy %d; want %d and %d", ok.Load(), busy.Load(), tt.wantOK, tt.wantBusy)
				}
				if model.Peak() != tt.wantP {
					t.Errorf("peak calls in flight = %d, want %d", model.Peak(), tt.wantP)
				}
				if g.Running() != 0 || g.Waiting() != 0 {
					t.Errorf("after the calls: running %d, waiting %d; want 0 and 0", g.Running(), g.Waiting())
				}
			})
		})
	}
}

// A waiter whose deadline passes before a slot frees gets ErrLLMBusy, not a timeout of the
// model, and leaves the queue.
func TestGateWaiterDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := New(1, 1)
		llm := g.Wrap(&slowfake.LLM{Delay: 10 * time.Second})
		go llm.Chat(t.Context(), engine.LLMRequest{})
		synctest.Wait()
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		start := time.Now()
		_, err := llm.ChatStream(ctx, engine.LLMRequest{}, func(string) error { return nil })
		if !errors.Is(err, engine.ErrLLMBusy) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("ChatStream() error = %v, want ErrLLMBusy wrapping the deadline", err)
		}
		if waited := time.Since(start); waited != 3*time.Second {
			t.Errorf("waited %s, want the caller's 3s deadline", waited)
		}
		if g.Waiting() != 0 {
			t.Errorf("Waiting() = %d after the deadline, want 0", g.Waiting())
		}
	})
}

func TestGatePingPassesThrough(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := New(1, 0)
		llm := g.Wrap(&slowfake.LLM{Delay: time.Hour})
		ctx, cancel := context.WithCancel(t.Context())
		go llm.Chat(ctx, engine.LLMRequest{})
		synctest.Wait()
		if err := llm.Ping(t.Context()); err != nil {
			t.Errorf("Ping() with the slot taken = %v, want nil", err)
		}
		if llm.Model() != "slowfake" {
			t.Errorf("Model() = %q, want slowfake", llm.Model())
		}
		cancel()
	})
}
