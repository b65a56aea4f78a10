package rest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"monit-intel/engine"
	"monit-intel/engine/mother"
)

type fakeMother struct {
	got     []string
	cleared string
}

func (f *fakeMother) ChatWith(_ context.Context, session, msg string, meta func(mother.Understood) error,
	out func(string) error) (mother.Reply, error) {
	f.got = append(f.got, session+": "+msg)
	u := mother.Understood{Intent: "action", Services: []string{"nordvpn_status"}, Hosts: []string{"vm"}}
	if meta != nil {
		meta(u)
	}
	out("facts ")
	out("prose")
	return mother.Reply{Text: "facts prose", Intent: "action", Services: []string{"nordvpn_status"}, Hosts: []string{"vm"}, Understood: u,
		Proposed: []engine.SuggestedAction{{Action: "restart", Service: "nordvpn_status"}, {Action: "rm", Service: "x"}}}, nil
}

func (f *fakeMother) History(context.Context, string, int) ([]engine.Turn, error) {
	return []engine.Turn{{ID: 1, Session: "s1", Query: "hi", Answer: "hello", Logs: []string{"a", "b"}, Hosts: []string{"web2"}}}, nil
}

func (f *fakeMother) Clear(_ context.Context, session string) error {
	f.cleared = session
	return nil
}

func TestMotherEndpoints(t *testing.T) {
	deps := testDeps()
	m := &fakeMother{}
	deps.Mother = m
	deps.Actions = fakeActions{
		propose: func(action, service, source string) (engine.Proposal, error) {
			if action == "rm" {
				return engine.Proposal{}, errRefused("rm")
			}
			return engine.Proposal{ID: "p9", Action: "systemctl_restart", Service: service, Source: source}, nil
		},
	}
	s, api := newTestServer(t, Options{}, deps)

	resp := api.Post("/mother/chat", map[string]any{"query": "restart nordvpnd", "session": "s1"})
	body := resp.Body.String()
	if resp.Code != 200 || !strings.Contains(body, `"id":"p9"`) || !strings.Contains(body, `"source":"user"`) ||
		!strings.Contains(body, `"refused":[`) || !strings.Contains(body, `"hosts":["vm"],"understood":{"intent":"action","services":["nordvpn_status"],"hosts":["vm"]}`) {
		t.Errorf("chat (JSON, query) = %d %s, want the proposal, the refusal and what was understood", resp.Code, body)
	}
	if len(m.got) != 1 || m.got[0] != "s1: restart nordvpnd" {
		t.Errorf("Mother got %q", m.got)
	}
	if resp := api.Post("/mother/chat", map[string]any{"message": "  "}); resp.Code != 422 {
		t.Errorf("empty message = %d, want 422", resp.Code)
	}
	if resp := api.Post("/mother/chat", map[string]any{"message": "x", "session": "../etc"}); resp.Code != 422 {
		t.Errorf("bad session name = %d, want 422", resp.Code)
	}
	rec := doRaw(t, s.Handler(), "POST", "/mother/chat", `{"message":"why?"}`,
		http.Header{"Accept": {"text/event-stream"}, "Content-Type": {"application/json"}})
	stream := rec.Body.String()
	if rec.Header().Get("Content-Type") != "text/event-stream" ||
		!strings.Contains(stream, "event: chunk\ndata: {\"text\":\"facts \"}") ||
		strings.Index(stream, "event: done") < strings.Index(stream, "prose") ||
		!strings.HasPrefix(stream, "event: meta\ndata: {\"intent\":\"action\",\"services\":[\"nordvpn_status\"],\"hosts\":[\"vm\"]}") {
		t.Errorf("stream = %s %q, want meta, chunk events then done", rec.Header().Get("Content-Type"), stream)
	}
	if resp := api.Get("/mother/history?session=s1"); resp.Code != 200 || !strings.Contains(resp.Body.String(), `"hosts":["web2"],"logs_provided":2`) {
		t.Errorf("history = %d %s", resp.Code, resp.Body)
	}
	if resp := api.Delete("/mother/clear?session=s1"); resp.Code != 200 || m.cleared != "s1" {
		t.Errorf("clear = %d, cleared %q", resp.Code, m.cleared)
	}
}

func TestMotherNotConfigured(t *testing.T) {
	_, api := newTestServer(t, Options{}, testDeps())
	if resp := api.Post("/mother/chat", map[string]any{"message": "hi"}); resp.Code != 503 {
		t.Errorf("chat without Mother = %d, want 503", resp.Code)
	}
}
