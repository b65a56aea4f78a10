// Package llm is the Ollama adapter: it implements engine.LLM with Ollama's own Go client
// (github.com/ollama/ollama/api, the api package only).
//
// It owns the translation between engine.LLMRequest/LLMReply and Ollama's /api/chat, the
// mapping of every failure (server down, model not pulled, timeout, broken stream, HTTP errors)
// to an error that wraps engine.ErrLLMUnavailable and says what happened in plain words, and
// the detection of prompts the server silently cut to fit num_ctx (see truncated).
//
// It must not build prompts, parse analyses or log: callers decide what to say to the model
// and what to do when it is unavailable.
//
// Sub-packages: ollamatest starts a real Ollama for end-to-end tests, ollamafake is an
// httptest server that replays Ollama's recorded protocol and injects faults.
package llm
