package mother

import (
	"strings"
	"testing"
	"time"

	"monit-intel/engine/llm"
	"monit-intel/engine/llm/ollamatest"
)

// TestRealOllama runs chat turns through a real Ollama serving the tiny deterministic model:
// the facts stream first, then the model's prose ("Hello from tiny model.") arrives through
// out; an unclear message takes the schema-constrained call and then the prose call.
func TestRealOllama(t *testing.T) {
	srv := ollamatest.Start(t)
	client, err := llm.New(llm.Options{URL: srv.URL, Model: srv.Model, Timeout: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mem := &memMemory{}
	m := New(newFakeData(t), mem, Options{LLM: client, NumCtx: 2048, Timeout: 60 * time.Second,
		Now: func() time.Time { return testNow }})

	var c collector
	reply, err := m.Chat(t.Context(), "e2e", "why is gamma_conn failing?", c.out)
	if err != nil {
		t.Fatalf("Chat() error = %v", err)
	}
	if len(c.chunks) < 3 || !strings.HasPrefix(c.chunks[0], "gamma_conn (process): failing") ||
		c.chunks[1] != "\nModel (tiny): " {
		t.Fatalf("streamed %q, want the facts, then the model's header", c.chunks)
	}
	prose := strings.Join(c.chunks[2:], "")
	if strings.TrimSpace(prose) != "Hello from tiny model." || reply.ModelNote != "" || reply.LLMCalls != 1 {
		t.Errorf("prose %q, note %q, calls %d; want the tiny model's answer in one call", prose, reply.ModelNote, reply.LLMCalls)
	}
	if c.text() != reply.Text || mem.count() != 1 {
		t.Errorf("Text differs from the stream, or %d turns stored", mem.count())
	}

	var c2 collector
	reply, err = m.Chat(t.Context(), "e2e", "anything I should worry about?", c2.out)
	if err != nil {
		t.Fatalf("Chat(unclear) error = %v", err)
	}
	// The tiny model's schema answer is arbitrary but valid: whatever intent it chose, the
	// prose call follows.
	if reply.LLMCalls != 2 || reply.Intent == string(KindUnknown) || reply.Intent == string(KindAction) ||
		!strings.HasSuffix(reply.Text, "Model (tiny): Hello from tiny model.\n") {
		t.Errorf("unclear message: intent %q, %d calls, text %q; want a classified intent, 2 calls, the prose",
			reply.Intent, reply.LLMCalls, reply.Text)
	}
}
