package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ollama/ollama/api"

	"monit-intel/engine"
)

// Chat sends one request and returns the whole reply, assembled from the stream. With a
// Schema, a reply that is not valid JSON is returned together with an error wrapping
// engine.ErrLLMUnavailable.
func (c *Client) Chat(ctx context.Context, req engine.LLMRequest) (engine.LLMReply, error) {
	return c.chat(ctx, req, nil)
}

// ChatStream sends one request and calls fn with each piece of the reply as it arrives. An
// error from fn stops the stream and is returned wrapped, without engine.ErrLLMUnavailable.
func (c *Client) ChatStream(ctx context.Context, req engine.LLMRequest,
	fn func(chunk string) error) (engine.LLMReply, error) {
	if fn == nil {
		return engine.LLMReply{}, errors.New("chat stream: nil callback")
	}
	return c.chat(ctx, req, fn)
}

// callbackError carries an error returned by the caller's fn through the api client.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

func (c *Client) chat(ctx context.Context, req engine.LLMRequest,
	fn func(string) error) (engine.LLMReply, error) {
	areq, err := c.request(req)
	if err != nil {
		return engine.LLMReply{}, err
	}
	call, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var content strings.Builder
	var final *api.ChatResponse
	err = c.api.Chat(call, areq, func(r api.ChatResponse) error {
		if piece := r.Message.Content; piece != "" {
			content.WriteString(piece)
			if fn != nil {
				if err := fn(piece); err != nil {
					return callbackError{err}
				}
			}
		}
		if r.Done {
			final = &r
		}
		return nil
	})
	// api.Client.Chat returns nil when the stream breaks or the context is cancelled
	// mid-stream (it never checks the scanner's error): without the final chunk the reply
	// is incomplete whatever it returned.
	if err == nil && final == nil {
		err = io.ErrUnexpectedEOF
	}
	var cb callbackError
	if errors.As(err, &cb) {
		return engine.LLMReply{}, fmt.Errorf("chat stream callback: %w", cb.err)
	}
	if err != nil {
		return engine.LLMReply{}, c.unavailable(ctx, call, err)
	}
	reply := c.reply(*final, content.String(), c.numCtxFor(req))
	if len(req.Schema) > 0 && !json.Valid([]byte(reply.Content)) {
		return reply, fmt.Errorf("%w: ollama's reply is not valid JSON for the schema "+
			"(done_reason %q after %d tokens)", engine.ErrLLMUnavailable, reply.DoneReason,
			reply.ResponseTokens)
	}
	return reply, nil
}

// request translates an engine request. num_ctx is always sent: without it the server uses
// its own default and cuts longer prompts silently. tools are never sent (they are ignored
// next to a format), and KeepAlive stays nil so the server's default applies.
func (c *Client) request(req engine.LLMRequest) (*api.ChatRequest, error) {
	if len(req.Messages) == 0 {
		return nil, errors.New("chat: no messages")
	}
	if len(req.Schema) > 0 && !json.Valid(req.Schema) {
		return nil, errors.New("chat: schema is not valid JSON")
	}
	msgs := make([]api.Message, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = api.Message{Role: m.Role, Content: m.Content}
	}
	opts := map[string]any{"num_ctx": c.numCtxFor(req)}
	if req.NumPredict != 0 {
		opts["num_predict"] = req.NumPredict
	}
	if req.Temperature != nil {
		opts["temperature"] = *req.Temperature
	}
	areq := &api.ChatRequest{Model: c.model, Messages: msgs, Options: opts}
	if len(req.Schema) > 0 {
		areq.Format = req.Schema
	}
	return areq, nil
}

func (c *Client) numCtxFor(req engine.LLMRequest) int {
	if req.NumCtx > 0 {
		return req.NumCtx
	}
	return c.numCtx
}

// reply assembles the engine's reply. Duration is the server's total_duration (load,
// prompt evaluation and generation), which it reports on every final chunk.
func (c *Client) reply(final api.ChatResponse, content string, numCtx int) engine.LLMReply {
	model := final.Model
	if model == "" {
		model = c.model
	}
	return engine.LLMReply{
		Content:        content,
		Model:          model,
		DoneReason:     final.DoneReason,
		PromptTokens:   final.PromptEvalCount,
		ResponseTokens: final.EvalCount,
		Duration:       final.TotalDuration,
		Truncated: truncated(final.PromptEvalCount, final.EvalCount,
			effectiveCtx(numCtx, int(c.modelCtx.Load()))),
	}
}
