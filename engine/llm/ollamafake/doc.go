// Package ollamafake is an httptest server that speaks Ollama's protocol for tests that need
// faults a real server will not produce on demand: slowness, broken streams, error lines,
// HTTP 500, a missing model, a server that is down.
//
// It replays responses recorded from the real Ollama 0.17.4 (testdata/ollama/ at the
// repository root, written by this package's TestRecordings with -record) and encodes its
// stream chunks with Ollama's own api.ChatResponse, as the server does. It records every
// /api/chat request it receives so tests can assert what was sent (model, format,
// options.num_ctx, messages) and how often.
//
// It is for tests only: it reads the recordings from the repository and fails the test when
// they are missing.
package ollamafake
