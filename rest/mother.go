package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"monit-intel/engine"
	"monit-intel/engine/mother"
)

// Mother is the conversational assistant (mother.Mother).
type Mother interface {
	ChatWith(ctx context.Context, session, message string, understood func(mother.Understood) error,
		out func(chunk string) error) (mother.Reply, error)
	History(ctx context.Context, session string, limit int) ([]engine.Turn, error)
	Clear(ctx context.Context, session string) error
}

// ChatRequest is a message to Mother. `query` is accepted for `message`, as the original
// Python monit-intel used.
type ChatRequest struct {
	Message string `json:"message,omitempty" maxLength:"4000" doc:"what you ask"`
	Query   string `json:"query,omitempty" maxLength:"4000" doc:"synonym of message"`
	Session string `json:"session,omitempty" maxLength:"64" pattern:"^[A-Za-z0-9._-]*$" doc:"conversation name; default \"default\""`
}

// Understood is what Mother read in the message, follow-up context included.
type Understood struct {
	Intent   string     `json:"intent"`
	Services []string   `json:"services" nullable:"false"`
	Hosts    []string   `json:"hosts" nullable:"false" doc:"the Monit hosts the turn is about: named (\"on web2\"), chosen when Mother asked which, carried from the previous turn, or those of its services"`
	Since    *time.Time `json:"since,omitempty" doc:"start of the window the answer covers; absent when it has none"`
	Until    *time.Time `json:"until,omitempty" doc:"end of that window"`
}

// ChatReply is Mother's whole answer; in a stream it is the final "done" event.
type ChatReply struct {
	Text       string     `json:"text"`
	Intent     string     `json:"intent"`
	Services   []string   `json:"services" nullable:"false"`
	Hosts      []string   `json:"hosts" nullable:"false" doc:"the Monit hosts the answer is about"`
	Understood Understood `json:"understood"`
	Proposals  []Proposal `json:"proposals" nullable:"false" doc:"pending actions awaiting approval; nothing ran"`
	Refused    []string   `json:"refused,omitempty" nullable:"false" doc:"actions asked for that the whitelist refused, with the reason"`
	ModelNote  string     `json:"model_note,omitempty" doc:"why the model's part is missing or short"`
}

// ChatChunk is one piece of the answer as it is generated ("chunk" event).
type ChatChunk struct {
	Text string `json:"text"`
}

// ChatError ends a stream that failed ("error" event).
type ChatError struct {
	Detail string `json:"detail"`
}

type chatInput struct {
	Accept string `header:"Accept"`
	Body   ChatRequest
}

// Turn is one remembered exchange.
type Turn struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Session   string    `json:"session"`
	Query     string    `json:"user_query"`
	Answer    string    `json:"agent_response"`
	Intent    string    `json:"intent"`
	Services  []string  `json:"service_context" nullable:"false"`
	Hosts     []string  `json:"hosts" nullable:"false" doc:"the Monit hosts the turn was about"`
	Logs      int       `json:"logs_provided" doc:"log lines given to the model"`
	Model     string    `json:"model,omitempty"`
	ModelNote string    `json:"model_note,omitempty"`
}

type sessionInput struct {
	Session string `query:"session" maxLength:"64" pattern:"^[A-Za-z0-9._-]*$"`
	Limit   int    `query:"limit" default:"50" minimum:"1" maximum:"1000"`
}

type historyTurnsOutput struct {
	Body struct {
		Session string `json:"session"`
		Turns   []Turn `json:"turns" nullable:"false" doc:"oldest first"`
	}
}

type clearInput struct {
	Session string `query:"session" maxLength:"64" pattern:"^[A-Za-z0-9._-]*$"`
}

type clearOutput struct {
	Body struct {
		Session string `json:"session"`
		Cleared bool   `json:"cleared"`
	}
}

func (s *Server) motherRoutes() {
	reg := s.api.OpenAPI().Components.Schemas
	huma.Register(s.api, huma.Operation{OperationID: "mother-chat", Method: http.MethodPost, Path: "/mother/chat",
		Summary:      "Ask Mother; with Accept: text/event-stream the answer streams as server-sent events",
		Description:  "Events: `meta` ({intent, services, since, until}: what Mother understood) first, `chunk` ({text}) as the answer is generated, then `done` (the whole reply) or `error` ({detail}).",
		MaxBodyBytes: maxBody,
		Responses: map[string]*huma.Response{"200": {Description: "The answer", Content: map[string]*huma.MediaType{
			"application/json": {Schema: reg.Schema(reflect.TypeFor[ChatReply](), true, "ChatReply")},
			"text/event-stream": {Schema: sseSchema(reg, []sseEvent{
				{"meta", "what Mother understood, first event of every stream", reflect.TypeFor[Understood]()},
				{"chunk", "a piece of the answer as the model generates it", reflect.TypeFor[ChatChunk]()},
				{"done", "the whole reply, last event of a stream that worked", reflect.TypeFor[ChatReply]()},
				{"error", "why the answer failed, last event of a stream that did not", reflect.TypeFor[ChatError]()},
			})},
		}}},
	}, s.chat)
	huma.Register(s.api, huma.Operation{OperationID: "mother-history", Method: http.MethodGet, Path: "/mother/history",
		Summary: "A conversation's remembered turns"}, s.motherHistory)
	huma.Register(s.api, huma.Operation{OperationID: "mother-clear", Method: http.MethodDelete, Path: "/mother/clear",
		Summary: "Forget a conversation"}, s.motherClear)
}

func (s *Server) chat(ctx context.Context, in *chatInput) (*huma.StreamResponse, error) {
	if s.deps.Mother == nil {
		return nil, huma.Error503ServiceUnavailable("Mother is not configured")
	}
	msg := strings.TrimSpace(in.Body.Message)
	if msg == "" {
		msg = strings.TrimSpace(in.Body.Query)
	}
	if msg == "" {
		return nil, huma.Error422UnprocessableEntity("message (or query) must not be empty")
	}
	stream := strings.Contains(in.Accept, "text/event-stream")
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		if stream {
			s.chatStream(hctx, in.Body.Session, msg)
			return
		}
		reply, err := s.chatTurn(hctx.Context(), in.Body.Session, msg, nil, func(string) error { return nil })
		if err != nil {
			writeHumaProblem(hctx, problem(err, "")) // "chat: …"
			return
		}
		hctx.SetHeader("Content-Type", "application/json")
		hctx.SetStatus(http.StatusOK)
		json.NewEncoder(hctx.BodyWriter()).Encode(reply)
	}}, nil
}

// chatStream writes the answer as server-sent events, flushing each chunk. A client that goes
// away cancels the request context, which stops the model.
func (s *Server) chatStream(hctx huma.Context, session, msg string) {
	hctx.SetHeader("Content-Type", "text/event-stream")
	hctx.SetHeader("Cache-Control", "no-cache")
	hctx.SetStatus(http.StatusOK)
	w := hctx.BodyWriter()
	send := func(event string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return err
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		return nil
	}
	reply, err := s.chatTurn(hctx.Context(), session, msg, func(u mother.Understood) error {
		return send("meta", toUnderstood(u))
	}, func(chunk string) error {
		return send("chunk", ChatChunk{Text: chunk})
	})
	if err != nil {
		send("error", ChatError{Detail: err.Error()})
		return
	}
	send("done", reply)
}

// chatTurn asks Mother. Mother proposes through the approval flow when it has one (and says
// so in its answer); the actions asked of a Mother without one are proposed here.
func (s *Server) chatTurn(ctx context.Context, session, msg string, meta func(mother.Understood) error,
	out func(string) error) (ChatReply, error) {
	r, err := s.deps.Mother.ChatWith(ctx, session, msg, meta, out)
	if err != nil {
		return ChatReply{}, err
	}
	reply := ChatReply{Text: r.Text, Intent: r.Intent, Services: orEmpty(r.Services), Hosts: orEmpty(r.Hosts),
		ModelNote: r.ModelNote, Understood: toUnderstood(r.Understood), Proposals: []Proposal{}, Refused: r.Refused}
	for _, p := range r.Proposals {
		reply.Proposals = append(reply.Proposals, toProposal(p))
	}
	if len(r.Proposals) > 0 || len(r.Refused) > 0 {
		return reply, nil
	}
	for _, a := range r.Proposed {
		if s.deps.Actions == nil {
			reply.Refused = append(reply.Refused, a.Action+" "+a.Service+": actions are not configured")
			continue
		}
		p, err := s.deps.Actions.Propose(ctx, a, engine.SourceUser, "mother session "+sessionName(session))
		if err != nil {
			reply.Refused = append(reply.Refused, err.Error())
			continue
		}
		reply.Proposals = append(reply.Proposals, toProposal(p))
	}
	return reply, nil
}

func toUnderstood(u mother.Understood) Understood {
	out := Understood{Intent: u.Intent, Services: orEmpty(u.Services), Hosts: orEmpty(u.Hosts)}
	if !u.Since.IsZero() {
		since, until := u.Since.UTC(), u.Until.UTC()
		out.Since, out.Until = &since, &until
	}
	return out
}

func sessionName(s string) string {
	if s == "" {
		return mother.DefaultSession
	}
	return s
}

func writeHumaProblem(hctx huma.Context, err error) {
	status := http.StatusInternalServerError
	if se, ok := err.(huma.StatusError); ok {
		status = se.GetStatus()
	}
	hctx.SetHeader("Content-Type", "application/problem+json")
	hctx.SetStatus(status)
	json.NewEncoder(hctx.BodyWriter()).Encode(err)
}

func (s *Server) motherHistory(ctx context.Context, in *sessionInput) (*historyTurnsOutput, error) {
	if s.deps.Mother == nil {
		return nil, huma.Error503ServiceUnavailable("Mother is not configured")
	}
	turns, err := s.deps.Mother.History(ctx, in.Session, in.Limit)
	if err != nil {
		return nil, problem(err, "read the conversation")
	}
	out := &historyTurnsOutput{}
	out.Body.Session = sessionName(in.Session)
	out.Body.Turns = make([]Turn, 0, len(turns))
	for _, t := range turns {
		out.Body.Turns = append(out.Body.Turns, Turn{ID: t.ID, At: t.At.UTC(), Session: t.Session, Query: t.Query,
			Answer: t.Answer, Intent: t.Intent, Services: orEmpty(t.Services), Hosts: orEmpty(t.Hosts), Logs: len(t.Logs),
			Model: t.Model, ModelNote: t.ModelNote})
	}
	return out, nil
}

// orEmpty is list, or an empty list for nil: the JSON is [] rather than null.
func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func (s *Server) motherClear(ctx context.Context, in *clearInput) (*clearOutput, error) {
	if s.deps.Mother == nil {
		return nil, huma.Error503ServiceUnavailable("Mother is not configured")
	}
	if err := s.deps.Mother.Clear(ctx, in.Session); err != nil {
		return nil, problem(err, "clear the conversation")
	}
	out := &clearOutput{}
	out.Body.Session, out.Body.Cleared = sessionName(in.Session), true
	return out, nil
}
