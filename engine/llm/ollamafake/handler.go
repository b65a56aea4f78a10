package ollamafake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
)

// replay answers with a recorded body, unless the mode says otherwise.
func (s *Server) replay(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch s.currentMode() {
		case Slow:
			s.wait(r)
			return
		case HTTP500:
			writeError(w, http.StatusInternalServerError, s.currentReply().Error, defaultServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	}
}

// show answers /api/show with the recorded tiny model for any name, or 404 in ModelNotFound.
func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	var req api.ShowRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "")
		return
	}
	if s.currentMode() == ModelNotFound {
		writeError(w, http.StatusNotFound, s.notFound(req.Model), "")
		return
	}
	s.replay(s.rec.show)(w, r)
}

// chat answers /api/chat according to the mode, after recording the request.
func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	var req api.ChatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "")
		return
	}
	mode, reply, delay := s.take(req)
	defer s.done()
	if delay > 0 && !s.sleep(r, delay) {
		return
	}
	switch mode {
	case Slow:
		s.wait(r)
		return
	case HTTP500:
		writeError(w, http.StatusInternalServerError, reply.Error, defaultServerError)
		return
	case ModelNotFound:
		writeError(w, http.StatusNotFound, s.notFound(req.Model), "")
		return
	}
	chunks := s.chunks(req, reply, mode)
	half := chunks[:(len(chunks)+1)/2]
	w.Header().Set("Content-Type", "application/x-ndjson")
	switch mode {
	case StallMidStream:
		writeChunks(w, req, half)
		s.wait(r)
	case ErrorLine:
		writeChunks(w, req, half)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": or(reply.Error, defaultErrorLine)})
	case CutStream:
		writeChunks(w, req, half)
		// Drops the connection mid-body: the client sees the stream end without a final chunk.
		panic(http.ErrAbortHandler)
	default:
		writeChunks(w, req, chunks)
		writeLine(w, s.final(req, reply, len(chunks)))
	}
}

// take records req, counts it in flight until done, and returns the mode, reply and delay
// to answer it with.
func (s *Server) take(req api.ChatRequest) (Mode, Reply, time.Duration) {
	s.mu.Lock()
	s.requests = append(s.requests, req)
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	mode, reply, respond, delay := s.mode, s.reply, s.respond, s.delay
	s.mu.Unlock()
	if respond != nil {
		reply = respond(req)
	}
	return mode, reply, delay
}

// done ends a request that take counted.
func (s *Server) done() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}

// sleep waits d; it reports false when the client gave up or the fake closed first.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.quit:
	}
	return false
}

func (s *Server) currentMode() Mode {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mode
}

func (s *Server) currentReply() Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reply
}

// wait blocks until the client gives up or the fake is closed.
func (s *Server) wait(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.quit:
	}
}

// notFound is the recorded 404 message with model in place of the recorded name.
func (s *Server) notFound(model string) string {
	return strings.Replace(s.rec.notFound, "'"+recordedMissing+"'", "'"+model+"'", 1)
}

// chunks are the pieces of content to stream.
func (s *Server) chunks(req api.ChatRequest, reply Reply, mode Mode) []string {
	switch {
	case mode == InvalidJSON:
		return split(invalidJSONContent)
	case len(reply.Chunks) > 0:
		return reply.Chunks
	case reply.Content != "":
		return split(reply.Content)
	case len(req.Format) > 0:
		return contents(s.rec.schema)
	default:
		return contents(s.rec.prose)
	}
}

// final is the recorded final chunk with this request's model and counters.
func (s *Server) final(req api.ChatRequest, reply Reply, chunks int) api.ChatResponse {
	f := s.rec.prose[len(s.rec.prose)-1]
	f.Model = req.Model
	f.CreatedAt = time.Now().UTC()
	f.DoneReason = or(reply.DoneReason, "stop")
	f.PromptEvalCount = reply.PromptTokens
	if f.PromptEvalCount == 0 {
		f.PromptEvalCount = estimateTokens(req)
	}
	f.EvalCount = reply.ResponseTokens
	if f.EvalCount == 0 {
		f.EvalCount = chunks + 1 // the real server counts the stop token too
	}
	return f
}

// estimateTokens guesses prompt_eval_count: 1 token per 4 bytes plus 4 per message (the
// template's tags), capped at num_ctx as the real runner cuts longer prompts to it.
func estimateTokens(req api.ChatRequest) int {
	n := 0
	for _, m := range req.Messages {
		n += len(m.Content)/4 + 4
	}
	if c := NumCtx(req); c > 0 && n > c {
		return c
	}
	return n
}

// split cuts content into word-sized pieces, each with its leading space, like a tokenizer.
func split(content string) []string {
	var out []string
	start := 0
	for i := 1; i < len(content); i++ {
		if content[i] == ' ' && content[i-1] != ' ' {
			out = append(out, content[start:i])
			start = i
		}
	}
	return append(out, content[start:])
}

func writeChunks(w http.ResponseWriter, req api.ChatRequest, pieces []string) {
	for _, p := range pieces {
		writeLine(w, api.ChatResponse{
			Model:     req.Model,
			CreatedAt: time.Now().UTC(),
			Message:   api.Message{Role: "assistant", Content: p},
		})
	}
}

// writeLine writes one NDJSON line and flushes it, as the server's streamResponse does.
func writeLine(w http.ResponseWriter, v api.ChatResponse) {
	b, _ := json.Marshal(v) // an api.ChatResponse always marshals
	_, _ = w.Write(append(b, '\n'))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// writeError answers {"error": msg} with status, the shape of every Ollama error (gin's
// c.JSON, without a trailing newline).
func writeError(w http.ResponseWriter, status int, msg, fallback string) {
	b, _ := json.Marshal(map[string]string{"error": or(msg, fallback)})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func or(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}
