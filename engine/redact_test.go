package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"monit-intel/logs/redact/redacttest"
)

// statusHistory keeps the last status it was asked to store.
type statusHistory struct {
	fakeHistory
	stored Status
}

func (h *statusHistory) RecordCycle(ctx context.Context, at time.Time, st Status, ev []Event) (RecordedCycle, error) {
	h.stored = st
	return h.fakeHistory.RecordCycle(ctx, at, st, ev)
}

// TestIngesterRedactsProgramOutput: a program check's output and a port check's request reach
// the history and the cycle's result (and so /status and the model) without their secrets, and
// the status the source returned is left as it was.
func TestIngesterRedactsProgramOutput(t *testing.T) {
	r := redacttest.New(t)
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	output := "check_db: password=hunter2 url=postgres://app:pw@db/app\naws AKIAZ3MSJV4WWNKWW5FG done"
	fetched := Status{Host: "vm", Services: []Snapshot{
		{Host: "vm", Name: "job", Type: TypeProgram, CollectedAt: at, Status: 1,
			Program: &ProgramFigures{Output: output}},
		{Host: "vm", Name: "web", Type: TypeHost, CollectedAt: at,
			Ports:      []PortCheck{{Hostname: "web", Port: 443, Request: "https://admin:s3cret@web/health"}},
			ParseNotes: []ParseNote{{Field: "port/request", Value: "token=Zx81kQp0vT5mN3bR", Problem: `not a URL: "token=Zx81kQp0vT5mN3bR"`}}},
	}}
	hist := &statusHistory{}
	in := NewIngester(fakeSource{fetch: func(context.Context) (Status, error) { return fetched, nil }},
		&fakeStates{states: map[ServiceKey]FailureState{}}, hist, IngesterOptions{Redactor: r})
	res, err := in.RunCycle(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wantOut := "check_db: password=[REDACTED] url=postgres://app:[REDACTED]@db/app\naws [REDACTED] done"
	for name, st := range map[string]Status{"stored": hist.stored, "result": {Services: []Snapshot{res.Services[0].Snapshot, res.Services[1].Snapshot}}} {
		if got := st.Services[0].Program.Output; got != wantOut {
			t.Errorf("%s program output = %q, want %q", name, got, wantOut)
		}
		if got := st.Services[1].Ports[0].Request; got != "https://admin:[REDACTED]@web/health" {
			t.Errorf("%s port request = %q, want the password redacted", name, got)
		}
		if n := st.Services[1].ParseNotes[0]; strings.Contains(n.Value+n.Problem, "Zx81kQp0vT5mN3bR") {
			t.Errorf("%s parse note = %+v, want the token redacted", name, n)
		}
	}
	if fetched.Services[0].Program.Output != output || !strings.Contains(fetched.Services[1].Ports[0].Request, "s3cret") {
		t.Error("RunCycle changed the status the source returned")
	}
}

// recordingLLM keeps the last request it was sent.
type recordingLLM struct {
	LLM
	got LLMRequest
}

func (m *recordingLLM) Chat(_ context.Context, req LLMRequest) (LLMReply, error) {
	m.got = req
	return LLMReply{Content: "ok"}, nil
}

func (m *recordingLLM) ChatStream(_ context.Context, req LLMRequest, fn func(string) error) (LLMReply, error) {
	m.got = req
	return LLMReply{Content: "ok"}, fn("ok")
}

// TestRedactingLLM: every message of a prompt is redacted before the model gets it, in both
// calls, and the caller's request is left as it was.
func TestRedactingLLM(t *testing.T) {
	r := redacttest.New(t)
	inner := &recordingLLM{}
	m := RedactingLLM{LLM: inner, Redactor: r}
	req := LLMRequest{Messages: []LLMMessage{
		{Role: "system", Content: "You explain failures."},
		{Role: "user", Content: "log:\nCookie: session=abcdef0123456789\nslack xoxb-123456789012-1234567890123-aBcDeFgHiJkLmNoPqRsTuVwX"},
	}}
	calls := map[string]func() error{
		"Chat":       func() error { _, err := m.Chat(t.Context(), req); return err },
		"ChatStream": func() error { _, err := m.ChatStream(t.Context(), req, func(string) error { return nil }); return err },
	}
	for name, call := range calls {
		if err := call(); err != nil {
			t.Fatal(err)
		}
		got := inner.got.Messages[1].Content
		if strings.Contains(got, "abcdef0123456789") || strings.Contains(got, "xoxb-") || !strings.HasPrefix(got, "log:\nCookie: [REDACTED]") {
			t.Errorf("%s sent %q, want the cookie and the Slack token redacted", name, got)
		}
		if inner.got.Messages[0].Content != "You explain failures." {
			t.Errorf("%s changed the system message: %q", name, inner.got.Messages[0].Content)
		}
	}
	if !strings.Contains(req.Messages[1].Content, "xoxb-") {
		t.Error("the caller's request was changed")
	}
}
