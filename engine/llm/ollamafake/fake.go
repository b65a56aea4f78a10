package ollamafake

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// Mode chooses how the fake answers.
type Mode int

const (
	// Happy streams the reply in chunks and a final chunk, like the real server.
	Happy Mode = iota
	// Slow sends nothing until the client gives up (its request context ends) or the fake is
	// closed, so timeouts trigger and tests still end fast.
	Slow
	// StallMidStream streams the first half of the chunks, then waits like Slow.
	StallMidStream
	// InvalidJSON streams content that is not JSON, whatever the request's format.
	InvalidJSON
	// ErrorLine streams half of the chunks, then an {"error": ...} line and ends, as Ollama
	// does when its runner fails mid-reply.
	ErrorLine
	// CutStream streams half of the chunks, then drops the connection without a final chunk.
	CutStream
	// HTTP500 answers every endpoint with 500 {"error": ...}.
	HTTP500
	// ModelNotFound answers /api/chat and /api/show with 404 {"error":"model 'x' not found"}.
	ModelNotFound
	// Down closes the server: connections are refused from then on. It cannot be undone.
	Down
)

// String names the mode, for test names.
func (m Mode) String() string {
	names := []string{"happy", "slow", "stall-mid-stream", "invalid-json", "error-line",
		"cut-stream", "http-500", "model-not-found", "down"}
	if int(m) < 0 || int(m) >= len(names) {
		return "unknown"
	}
	return names[m]
}

// Reply is what the fake answers to /api/chat. The zero Reply replays the recorded answers:
// "Hello from tiny model." for prose, the recorded schema object when the request has a
// format.
type Reply struct {
	// Content is the whole answer, streamed in word-sized chunks.
	Content string
	// Chunks is the answer as streamed pieces; it overrides Content.
	Chunks []string
	// PromptTokens is the final chunk's prompt_eval_count. Zero estimates it as the real
	// runner would count: 1 token per 4 bytes of message content plus 4 per message, capped
	// at the request's num_ctx (a prompt cut to fit reports exactly num_ctx).
	PromptTokens int
	// ResponseTokens is eval_count; zero counts the chunks plus the stop token, as the real
	// server does ("Hello from tiny model." is 4 chunks and eval_count 5).
	ResponseTokens int
	// DoneReason is done_reason; empty means "stop".
	DoneReason string
	// Error is the message of the ErrorLine and HTTP500 modes; empty uses a real one.
	Error string
}

// Messages Ollama 0.17.4 really sends (llm/server.go) when its runner dies.
const (
	defaultErrorLine   = "an error was encountered while running the model: unexpected EOF"
	defaultServerError = "llama runner process has terminated: exit status 2"
	invalidJSONContent = `Sure! The analysis: {"summary": "disk full", `
)

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the fake's base URL (http://127.0.0.1:PORT), for llm.Options.URL.
	URL string

	srv       *httptest.Server
	rec       *recordings
	quit      chan struct{}
	closeOnce sync.Once

	mu       sync.Mutex
	delay    time.Duration
	inFlight int
	peak     int
	mode     Mode
	reply    Reply
	respond  func(api.ChatRequest) Reply
	requests []api.ChatRequest
}

// New starts a fake answering reply in Happy mode; it is closed when t ends.
func New(t testing.TB, reply Reply) *Server {
	t.Helper()
	dir, err := testdataDir()
	if err != nil {
		t.Fatalf("ollamafake: %v", err)
	}
	rec, err := loadRecordings(dir)
	if err != nil {
		t.Fatalf("ollamafake: %v", err)
	}
	s := &Server{rec: rec, reply: reply, quit: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/version", s.replay(rec.version))
	mux.HandleFunc("GET /api/tags", s.replay(rec.tags))
	mux.HandleFunc("POST /api/show", s.show)
	mux.HandleFunc("POST /api/chat", s.chat)
	s.srv = httptest.NewServer(mux)
	s.URL = s.srv.URL
	t.Cleanup(s.Close)
	return s
}

// SetMode switches how the following requests are answered. Down closes the fake at once.
func (s *Server) SetMode(m Mode) {
	s.mu.Lock()
	s.mode = m
	s.mu.Unlock()
	if m == Down {
		s.Close()
	}
}

// SetDelay makes the following /api/chat requests wait d before they are answered (in any
// mode but Down), as a model busy with a long prompt does. The wait ends early when the
// client gives up or the fake is closed.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// MaxInFlight is the most /api/chat requests the fake was answering at the same time: the
// model connections a client held open at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// SetReply changes the answer of the following requests.
func (s *Server) SetReply(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reply = r
}

// SetRespond answers each following request with fn(request), e.g. an analysis that depends
// on the prompt. It overrides SetReply; nil goes back to it.
func (s *Server) SetRespond(fn func(api.ChatRequest) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = fn
}

// Requests returns the /api/chat requests received so far, oldest first.
func (s *Server) Requests() []api.ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Calls is the number of /api/chat requests received so far, whatever the mode.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// Close stops the fake; stalled requests end at once. Later connections are refused.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.quit)
		s.srv.Close()
	})
}

// NumCtx is the request's options.num_ctx, 0 when absent.
func NumCtx(req api.ChatRequest) int {
	n, _ := req.Options["num_ctx"].(float64)
	return int(n)
}
