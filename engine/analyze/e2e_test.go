package analyze

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm"
	"monit-intel/engine/llm/ollamatest"
)

// recorder keeps the bodies of the /api/chat requests that reach the real server.
type recorder struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && strings.HasSuffix(req.URL.Path, "/api/chat") {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestRealOllama runs an analysis through a real Ollama serving the tiny deterministic model.
func TestRealOllama(t *testing.T) {
	srv := ollamatest.Start(t)
	rec := &recorder{}
	newClient := func(model string) *llm.Client {
		c, err := llm.New(llm.Options{URL: srv.URL, Model: model, Timeout: 60 * time.Second,
			HTTPClient: &http.Client{Transport: rec}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	store := &memStore{}
	a := New(store, registry(t), Options{LLM: newClient(srv.Model), NumCtx: 2048, Timeout: 60 * time.Second,
		Actions: func(string) []string { return []string{"monit_restart"} }})
	an, err := a.Analyze(t.Context(), backupSnapshot(time.Now()), 1, false)
	if err != nil {
		t.Fatalf("Analyze() error = %v", err)
	}
	if an.Source != engine.SourceLLM || an.Model != srv.Model || an.LLMError != "" {
		t.Fatalf("Analyze() source %q model %q llm error %q, want the model's structured answer", an.Source, an.Model, an.LLMError)
	}
	if an.PromptTokens == 0 || an.ResponseTokens == 0 || len(store.analyses) != 1 {
		t.Errorf("stored %d analyses with %d/%d tokens, want one with the server's counts",
			len(store.analyses), an.PromptTokens, an.ResponseTokens)
	}
	if len(rec.bodies) != 1 {
		t.Fatalf("chat requests = %d, want 1", len(rec.bodies))
	}
	var sent struct {
		Model   string          `json:"model"`
		Format  json.RawMessage `json:"format"`
		Options map[string]any  `json:"options"`
		Tools   []any           `json:"tools"`
	}
	if err := json.Unmarshal(rec.bodies[0], &sent); err != nil {
		t.Fatal(err)
	}
	if sent.Options["num_ctx"] != float64(2048) || !bytes.Contains(sent.Format, []byte(`"probable_cause"`)) || sent.Tools != nil {
		t.Errorf("sent num_ctx %v, format %s, tools %v; want 2048, the answer schema, no tools",
			sent.Options["num_ctx"], sent.Format, sent.Tools)
	}

	b := New(store, registry(t), Options{LLM: newClient("no-such-model"), NumCtx: 2048, Timeout: 60 * time.Second})
	an, err = b.Analyze(t.Context(), backupSnapshot(time.Now()), 2, false)
	if err != nil {
		t.Fatal(err)
	}
	if an.Source != engine.SourceRules || !strings.Contains(an.LLMError, "model 'no-such-model' not found") ||
		len(an.Causes) == 0 || an.Causes[0] != "disk_full" {
		t.Errorf("unknown model: source %q, llm error %q, causes %v; want rules with a clear reason", an.Source, an.LLMError, an.Causes)
	}
}
