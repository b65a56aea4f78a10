package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm"
	"monit-intel/engine/llm/ollamafake"
)

const analysisSchema = `{"type":"object","properties":{"summary":{"type":"string"},` +
	`"causes":{"type":"array","items":{"type":"string"}}},"required":["summary","causes"]}`

func newClient(t *testing.T, url string, opts llm.Options) *llm.Client {
	t.Helper()
	opts.URL = url
	c, err := llm.New(opts)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return c
}

func question(schema string) engine.LLMRequest {
	req := engine.LLMRequest{Messages: []engine.LLMMessage{
		{Role: "system", Content: "You explain Monit failures."},
		{Role: "user", Content: "nginx: connection failed"},
	}}
	if schema != "" {
		req.Schema = json.RawMessage(schema)
	}
	return req
}

func TestChatSendsTheRequest(t *testing.T) {
	answer := `{"summary":"nginx is down","causes":["port 80 closed"]}`
	fake := ollamafake.New(t, ollamafake.Reply{Content: answer, PromptTokens: 321})
	c := newClient(t, fake.URL, llm.Options{Model: "qwen2.5:7b"})
	temp := 0.2
	req := question(analysisSchema)
	req.NumCtx, req.NumPredict, req.Temperature = 4096, 512, &temp

	got, err := c.Chat(t.Context(), req)
	if err != nil {
		t.Fatalf("Chat() error = %v", err)
	}
	want := engine.LLMReply{Content: answer, Model: "qwen2.5:7b", DoneReason: "stop",
		PromptTokens: 321, ResponseTokens: 6, Duration: got.Duration}
	if got != want || got.Duration <= 0 {
		t.Errorf("Chat() = %+v, want %+v with a positive Duration", got, want)
	}
	sent := fake.Requests()
	if len(sent) != 1 {
		t.Fatalf("fake got %d requests, want 1", len(sent))
	}
	r := sent[0]
	if r.Model != "qwen2.5:7b" || string(r.Format) != analysisSchema || len(r.Tools) != 0 ||
		r.KeepAlive != nil || r.Stream != nil {
		t.Errorf("request model %q format %s tools %v keep_alive %v stream %v, want the schema, "+
			"no tools, defaults", r.Model, r.Format, r.Tools, r.KeepAlive, r.Stream)
	}
	wantOpts := map[string]any{"num_ctx": 4096.0, "num_predict": 512.0, "temperature": 0.2}
	if !maps.Equal(r.Options, wantOpts) {
		t.Errorf("request options = %v, want %v", r.Options, wantOpts)
	}
	if len(r.Messages) != 2 || r.Messages[1].Role != "user" ||
		r.Messages[1].Content != "nginx: connection failed" {
		t.Errorf("request messages = %+v, want the system and user messages", r.Messages)
	}
}

func TestNumCtxAlwaysSent(t *testing.T) {
	tests := []struct {
		name    string
		opts    llm.Options
		reqCtx  int
		wantCtx int
	}{
		{name: "package default", wantCtx: llm.DefaultNumCtx},
		{name: "client default", opts: llm.Options{NumCtx: 16384}, wantCtx: 16384},
		{name: "request wins", opts: llm.Options{NumCtx: 16384}, reqCtx: 2048, wantCtx: 2048},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := ollamafake.New(t, ollamafake.Reply{})
			req := question("")
			req.NumCtx = tt.reqCtx
			if _, err := newClient(t, fake.URL, tt.opts).Chat(t.Context(), req); err != nil {
				t.Fatalf("Chat() error = %v", err)
			}
			r := fake.Requests()[0]
			if got := ollamafake.NumCtx(r); got != tt.wantCtx || len(r.Options) != 1 {
				t.Errorf("options = %v, want only num_ctx %d", r.Options, tt.wantCtx)
			}
		})
	}
}

func TestChatStreamDeliversChunksInOrder(t *testing.T) {
	chunks := []string{"The", " disk", " on", " /var", " is", " full."}
	fake := ollamafake.New(t, ollamafake.Reply{Chunks: chunks})
	c := newClient(t, fake.URL, llm.Options{})
	var got []string
	reply, err := c.ChatStream(t.Context(), question(""), func(chunk string) error {
		got = append(got, chunk)
		return nil
	})
	if err != nil {
		t.Fatalf("ChatStream() error = %v", err)
	}
	if !slices.Equal(got, chunks) || reply.Content != strings.Join(chunks, "") {
		t.Errorf("ChatStream() chunks %q, content %q, want %q", got, reply.Content, chunks)
	}
}

func TestChatStreamCallbackError(t *testing.T) {
	fake := ollamafake.New(t, ollamafake.Reply{})
	stop := errors.New("reader went away")
	_, err := newClient(t, fake.URL, llm.Options{}).ChatStream(t.Context(), question(""),
		func(string) error { return stop })
	if !errors.Is(err, stop) || errors.Is(err, engine.ErrLLMUnavailable) {
		t.Errorf("ChatStream() error = %v, want the callback's error, not ErrLLMUnavailable", err)
	}
}

// TestCancelMidStream cancels after the first chunk while the server stalls: the call must
// end with context.Canceled (the fake holds the request until the client gives up, so a
// client that ignored the cancellation would hang the test).
func TestCancelMidStream(t *testing.T) {
	fake := ollamafake.New(t, ollamafake.Reply{})
	fake.SetMode(ollamafake.StallMidStream)
	c := newClient(t, fake.URL, llm.Options{Timeout: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var got []string
	_, err := c.ChatStream(ctx, question(""), func(chunk string) error {
		got = append(got, chunk)
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, engine.ErrLLMUnavailable) {
		t.Errorf("ChatStream() error = %v, want context.Canceled and ErrLLMUnavailable", err)
	}
	if len(got) == 0 {
		t.Errorf("ChatStream() delivered no chunk before the stall")
	}
}

func TestCallerDeadline(t *testing.T) {
	fake := ollamafake.New(t, ollamafake.Reply{})
	fake.SetMode(ollamafake.Slow)
	c := newClient(t, fake.URL, llm.Options{Timeout: time.Hour})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Chat(ctx, question(""))
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, engine.ErrLLMUnavailable) ||
		!strings.Contains(err.Error(), "did not answer before the caller's deadline") {
		t.Errorf("Chat() error = %v, want the caller's deadline", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts llm.Options
	}{
		{name: "no scheme", opts: llm.Options{URL: "127.0.0.1:11434"}},
		{name: "no host", opts: llm.Options{URL: "http://"}},
		{name: "negative timeout", opts: llm.Options{Timeout: -time.Second}},
		{name: "negative num_ctx", opts: llm.Options{NumCtx: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := llm.New(tt.opts); err == nil {
				t.Errorf("New(%+v) error = nil, want one", tt.opts)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := llm.New(llm.Options{})
	if err != nil || c.Model() != llm.DefaultModel {
		t.Errorf("New() = %v, %v, want model %s", c, err, llm.DefaultModel)
	}
}

func TestChatRejectsBadRequests(t *testing.T) {
	fake := ollamafake.New(t, ollamafake.Reply{})
	c := newClient(t, fake.URL, llm.Options{})
	for name, req := range map[string]engine.LLMRequest{
		"no messages":   {},
		"schema broken": question(`{"type":`),
	} {
		if _, err := c.Chat(t.Context(), req); err == nil || errors.Is(err, engine.ErrLLMUnavailable) {
			t.Errorf("%s: Chat() error = %v, want a request error", name, err)
		}
	}
	if fake.Calls() != 0 {
		t.Errorf("fake got %d calls, want none", fake.Calls())
	}
}
