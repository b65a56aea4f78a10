package ollamafake

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ollama/ollama/api"
)

// TestRecordedLinesRoundTrip proves the fake writes what the server writes: every recorded
// stream line decodes into api.ChatResponse and encodes back to the same bytes.
func TestRecordedLinesRoundTrip(t *testing.T) {
	dir, err := testdataDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{fileChatProse, fileChatSchema} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			var r api.ChatResponse
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			again, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, sc.Bytes()) {
				t.Errorf("%s: re-encoded line = %s, want %s", name, again, sc.Bytes())
			}
		}
	}
}

func client(t *testing.T, s *Server) *api.Client {
	t.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return api.NewClient(u, &http.Client{})
}

// chat runs one request through Ollama's own client and returns the pieces, the final chunk
// (nil without one) and the error.
func chat(ctx context.Context, c *api.Client, req *api.ChatRequest) ([]string, *api.ChatResponse, error) {
	var pieces []string
	var final *api.ChatResponse
	err := c.Chat(ctx, req, func(r api.ChatResponse) error {
		if r.Message.Content != "" {
			pieces = append(pieces, r.Message.Content)
		}
		if r.Done {
			final = &r
		}
		return nil
	})
	return pieces, final, err
}

func request(format string) *api.ChatRequest {
	req := &api.ChatRequest{
		Model:    "llama3.1:8b",
		Messages: []api.Message{{Role: "user", Content: "Why is nginx down?"}},
		Options:  map[string]any{"num_ctx": 8192},
	}
	if format != "" {
		req.Format = json.RawMessage(format)
	}
	return req
}

func TestHappyReplays(t *testing.T) {
	tests := []struct {
		name   string
		reply  Reply
		format string
		want   string
		chunks int
	}{
		{name: "recorded prose", want: "Hello from tiny model.", chunks: 4},
		{name: "recorded schema answer", format: `{"type":"object"}`,
			want: `{"summary":"","severity":0}`, chunks: 27},
		{name: "content in words", reply: Reply{Content: "The disk is full."},
			want: "The disk is full.", chunks: 4},
		{name: "explicit chunks", reply: Reply{Chunks: []string{`{"a"`, `:1}`}},
			want: `{"a":1}`, chunks: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, tt.reply)
			pieces, final, err := chat(t.Context(), client(t, s), request(tt.format))
			if err != nil {
				t.Fatalf("Chat() error = %v", err)
			}
			if got := strings.Join(pieces, ""); got != tt.want || len(pieces) != tt.chunks {
				t.Errorf("content = %q in %d chunks, want %q in %d", got, len(pieces), tt.want, tt.chunks)
			}
			if final == nil || final.DoneReason != "stop" || final.Model != "llama3.1:8b" ||
				final.EvalCount != tt.chunks+1 || final.TotalDuration <= 0 {
				t.Errorf("final chunk = %+v, want done_reason stop, model llama3.1:8b, eval_count %d",
					final, tt.chunks+1)
			}
		})
	}
}

func TestRecordsRequests(t *testing.T) {
	s := New(t, Reply{})
	c := client(t, s)
	for _, format := range []string{"", `{"type":"object"}`} {
		if _, _, err := chat(t.Context(), c, request(format)); err != nil {
			t.Fatal(err)
		}
	}
	s.SetMode(HTTP500)
	_, _, _ = chat(t.Context(), c, request(""))
	if got := s.Calls(); got != 3 {
		t.Errorf("Calls() = %d, want 3", got)
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[0].Model != "llama3.1:8b" || NumCtx(reqs[0]) != 8192 ||
		reqs[0].Messages[0].Content != "Why is nginx down?" ||
		len(reqs[0].Format) != 0 || string(reqs[1].Format) != `{"type":"object"}` {
		t.Errorf("Requests() = %+v", reqs)
	}
}

func TestPromptTokens(t *testing.T) {
	long := strings.Repeat("disk full ", 4000) // 40000 bytes: about 10000 tokens
	tests := []struct {
		name    string
		reply   Reply
		content string
		want    int
	}{
		{name: "estimate", content: "12345678", want: 2 + 4},
		{name: "capped at num_ctx like the runner", content: long, want: 8192},
		{name: "given", reply: Reply{PromptTokens: 777}, content: "x", want: 777},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, tt.reply)
			req := request("")
			req.Messages[0].Content = tt.content
			_, final, err := chat(t.Context(), client(t, s), req)
			if err != nil || final == nil {
				t.Fatalf("Chat() = %v, %v", final, err)
			}
			if final.PromptEvalCount != tt.want {
				t.Errorf("prompt_eval_count = %d, want %d", final.PromptEvalCount, tt.want)
			}
		})
	}
}

func TestSetRespond(t *testing.T) {
	s := New(t, Reply{Content: "ignored"})
	s.SetRespond(func(req api.ChatRequest) Reply {
		return Reply{Content: "echo: " + req.Messages[0].Content}
	})
	pieces, _, err := chat(t.Context(), client(t, s), request(""))
	if got := strings.Join(pieces, ""); err != nil || got != "echo: Why is nginx down?" {
		t.Errorf("Chat() = %q, %v, want the echo", got, err)
	}
}
