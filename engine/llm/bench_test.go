package llm_test

import (
	"testing"

	"monit-intel/engine/llm"
	"monit-intel/engine/llm/ollamafake"
	"monit-intel/engine/llm/ollamatest"
)

// BenchmarkChat measures one Chat call: against the fake (the adapter and the protocol on
// loopback) and against the real server with the tiny model (warm).
func BenchmarkChat(b *testing.B) {
	b.Run("fake", func(b *testing.B) {
		fake := ollamafake.New(b, ollamafake.Reply{})
		benchChat(b, newBenchClient(b, llm.Options{URL: fake.URL}))
	})
	b.Run("ollama-tiny", func(b *testing.B) {
		srv := ollamatest.Start(b)
		benchChat(b, newBenchClient(b, llm.Options{URL: srv.URL, Model: srv.Model, NumCtx: 512}))
	})
}

func newBenchClient(b *testing.B, opts llm.Options) *llm.Client {
	c, err := llm.New(opts)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func benchChat(b *testing.B, c *llm.Client) {
	req := question("")
	if _, err := c.Chat(b.Context(), req); err != nil { // loads the model
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Chat(b.Context(), req); err != nil {
			b.Fatal(err)
		}
	}
}
