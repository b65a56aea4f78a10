package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrLLMUnavailable wraps every failure to get an answer from the model: the server is down,
// the model is not pulled, the call timed out, or the stream broke. Callers fall back to the
// deterministic analysis and say why.
var ErrLLMUnavailable = errors.New("llm unavailable")

// ErrLLMBusy is a model call refused because the model is already answering as many calls as
// it may (ollama.concurrency) and as many more are waiting (ollama.queue). It wraps
// ErrLLMUnavailable: callers fall back to the data, and say the model is busy.
var ErrLLMBusy = fmt.Errorf("%w: the model is busy", ErrLLMUnavailable)

// LLMMessage is one chat message ("system", "user" or "assistant").
type LLMMessage struct {
	Role    string
	Content string
}

// LLMRequest is one chat call. Schema, when set, is a JSON schema the reply must follow
// (Ollama's format); NumCtx is always sent so the server never silently truncates.
type LLMRequest struct {
	Messages    []LLMMessage
	Schema      json.RawMessage
	NumCtx      int
	NumPredict  int
	Temperature *float64
}

// LLMReply is a finished call. PromptTokens is Ollama's prompt_eval_count; Truncated is set
// when the server reports having cut the prompt to fit num_ctx.
type LLMReply struct {
	Content        string
	Model          string
	DoneReason     string
	PromptTokens   int
	ResponseTokens int
	Duration       time.Duration
	Truncated      bool
}

// LLM is what the engine needs from a model server.
type LLM interface {
	// Model is the configured model name.
	Model() string
	// Chat sends one request and returns the whole reply.
	Chat(ctx context.Context, req LLMRequest) (LLMReply, error)
	// ChatStream sends one request and calls fn with each piece of prose as it arrives.
	ChatStream(ctx context.Context, req LLMRequest, fn func(chunk string) error) (LLMReply, error)
	// Ping reports whether the server answers and has the model.
	Ping(ctx context.Context) error
}
