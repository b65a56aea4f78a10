package llm_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"monit-intel/engine"
	"monit-intel/engine/llm"
	"monit-intel/engine/llm/ollamatest"
)

// TestE2E runs the adapter against a real Ollama 0.17.4 with the tiny model (see
// ollamatest for when it skips).
func TestE2E(t *testing.T) {
	srv := ollamatest.Start(t)
	c := newClient(t, srv.URL, llm.Options{Model: srv.Model, NumCtx: 512})

	t.Run("ping", func(t *testing.T) {
		if err := c.Ping(t.Context()); err != nil {
			t.Errorf("Ping() error = %v", err)
		}
	})
	t.Run("schema", func(t *testing.T) { e2eSchema(t, c) })
	t.Run("stream", func(t *testing.T) { e2eStream(t, c) })
	t.Run("unknown model", func(t *testing.T) {
		missing := newClient(t, srv.URL, llm.Options{Model: "nope:1b"})
		want := "llm unavailable: model 'nope:1b' not found at " + srv.URL + " (ollama pull nope:1b)"
		_, err := missing.Chat(t.Context(), question(""))
		checkErr(t, "Chat()", err, want, nil)
		checkErr(t, "Ping()", missing.Ping(t.Context()), want, nil)
	})
	t.Run("truncation", func(t *testing.T) { e2eTruncation(t, srv) })
}

// e2eSchema: with a format schema the server's grammar makes the tiny model answer a valid
// object of exactly that schema (empty strings, zeros).
func e2eSchema(t *testing.T, c *llm.Client) {
	req := question(analysisSchema)
	req.NumPredict = 256 // the grammar spends a token per character; the model's default is 64
	reply, err := c.Chat(t.Context(), req)
	if err != nil {
		t.Fatalf("Chat() error = %v", err)
	}
	var got struct {
		Summary string   `json:"summary"`
		Causes  []string `json:"causes"`
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(reply.Content)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil || got.Causes == nil {
		t.Errorf("Chat() content %q is not an object of the schema: %v", reply.Content, err)
	}
	if reply.DoneReason != "stop" || reply.Model != "tiny" || reply.PromptTokens <= 0 ||
		reply.ResponseTokens <= 0 || reply.Duration <= 0 || reply.Truncated {
		t.Errorf("Chat() = %+v, want stop, model tiny, counters and a duration, not truncated",
			reply)
	}
}

func e2eStream(t *testing.T, c *llm.Client) {
	var chunks []string
	reply, err := c.ChatStream(t.Context(), question(""), func(chunk string) error {
		chunks = append(chunks, chunk)
		return nil
	})
	if err != nil {
		t.Fatalf("ChatStream() error = %v", err)
	}
	const want = "Hello from tiny model."
	if strings.Join(chunks, "") != want || len(chunks) < 2 || reply.Content != want {
		t.Errorf("ChatStream() chunks %q, content %q, want %q in several chunks", chunks,
			reply.Content, want)
	}
}

// e2eTruncation: a prompt longer than num_ctx is cut by the runner, which logs it, and the
// reply shows prompt_eval_count == num_ctx. num_ctx above the model's 2048 is capped, which
// only a client that has pinged knows.
func e2eTruncation(t *testing.T, srv *ollamatest.Server) {
	long := question("")
	long.Messages[1].Content = strings.Repeat("disk ", 600) // about 3000 tokens
	tests := []struct {
		name       string
		req        engine.LLMRequest
		numCtx     int
		ping       bool
		wantPrompt int
		want       bool
	}{
		{name: "short prompt", req: question(""), numCtx: 512, want: false},
		{name: "long prompt", req: long, numCtx: 512, wantPrompt: 512, want: true},
		{name: "num_ctx above the model, not pinged", req: long, numCtx: 4096, wantPrompt: 2048},
		{name: "num_ctx above the model, pinged", req: long, numCtx: 4096, ping: true,
			wantPrompt: 2048, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, srv.URL, llm.Options{Model: srv.Model, NumCtx: tt.numCtx})
			if tt.ping {
				if err := c.Ping(t.Context()); err != nil {
					t.Fatalf("Ping() error = %v", err)
				}
			}
			reply, err := c.Chat(t.Context(), tt.req)
			if err != nil {
				t.Fatalf("Chat() error = %v", err)
			}
			if reply.Truncated != tt.want || (tt.wantPrompt > 0 && reply.PromptTokens != tt.wantPrompt) {
				t.Errorf("Chat() = %+v, want Truncated %v, PromptTokens %d", reply, tt.want,
					tt.wantPrompt)
			}
		})
	}
	if logs := srv.Logs(); !strings.Contains(logs, `msg="truncating input prompt" limit=512`) {
		t.Errorf("the server did not log cutting the prompt to 512 tokens:\n%s", logs)
	}
}
