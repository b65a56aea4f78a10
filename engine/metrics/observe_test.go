package metrics

import (
	"errors"
	"fmt"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"monit-intel/engine"
	"monit-intel/engine/llm/gate"
)

func TestLLMCalls(t *testing.T) {
	m := New(&fakeBoard{}, nil)
	answered := m.WrapLLM(fakeLLM{reply: engine.LLMReply{Content: "ok", PromptTokens: 512, ResponseTokens: 40, Truncated: true}})
	failing := m.WrapLLM(fakeLLM{err: fmt.Errorf("%w: connection refused", engine.ErrLLMUnavailable)})
	g := gate.New(1, 0)
	busy := m.WrapLLM(g.Wrap(fakeLLM{}))
	release, err := g.Acquire(t.Context()) // the only slot is taken: the gate refuses at once
	if err != nil {
		t.Fatal(err)
	}
	defer release()

	answered.Chat(t.Context(), engine.LLMRequest{})
	answered.ChatStream(t.Context(), engine.LLMRequest{}, func(string) error { return nil })
	failing.Chat(t.Context(), engine.LLMRequest{})
	if _, err := busy.Chat(t.Context(), engine.LLMRequest{}); !errors.Is(err, engine.ErrLLMBusy) {
		t.Fatalf("Chat() through a full gate = %v, want ErrLLMBusy unchanged", err)
	}
	answered.Ping(t.Context()) // not a call

	for _, tt := range []struct {
		name string
		got  float64
		want float64
	}{
		{"calls ok", testutil.ToFloat64(m.llm.calls.WithLabelValues("ok")), 2},
		{"calls error", testutil.ToFloat64(m.llm.calls.WithLabelValues("error")), 1},
		{"calls busy", testutil.ToFloat64(m.llm.calls.WithLabelValues("busy")), 1},
		{"prompt tokens", testutil.ToFloat64(m.llm.tokens.WithLabelValues("prompt")), 1024},
		{"response tokens", testutil.ToFloat64(m.llm.tokens.WithLabelValues("response")), 80},
		{"truncations", testutil.ToFloat64(m.llm.truncations), 2},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// A busy call never reached the model: it is not in the latency histogram.
	if n := sampleCount(t, m, "monit_intel_llm_call_duration_seconds"); n != 3 {
		t.Errorf("llm call duration count = %d, want 3", n)
	}
}

func sampleCount(t *testing.T, m *Metrics, name string) uint64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()[0].GetHistogram().GetSampleCount()
		}
	}
	t.Fatalf("%s not gathered", name)
	return 0
}

func TestAuditCounts(t *testing.T) {
	tests := []struct {
		name    string
		entry   engine.AuditEntry
		err     error
		counter string
		result  string
	}{
		{name: "a stored proposal", entry: engine.AuditEntry{ProposalID: "p1", Result: engine.AuditProposed},
			counter: "proposals", result: "proposed"},
		{name: "a refused proposal", entry: engine.AuditEntry{Result: engine.AuditRefused, Error: "not whitelisted"},
			counter: "proposals", result: "refused"},
		{name: "an approval", entry: engine.AuditEntry{ProposalID: "p1", Result: engine.AuditApproved, UserApproved: true},
			counter: "actions", result: "approved"},
		{name: "a run that succeeded", entry: engine.AuditEntry{ProposalID: "p1", Result: engine.AuditExecuted, UserApproved: true},
			counter: "actions", result: "executed"},
		{name: "a run that failed", entry: engine.AuditEntry{ProposalID: "p1", Result: engine.AuditFailed, UserApproved: true},
			counter: "actions", result: "failed"},
		{name: "a used ID refused", entry: engine.AuditEntry{ProposalID: "p1", Result: engine.AuditRefused, UserApproved: true},
			counter: "actions", result: "refused"},
		{name: "a rejection", entry: engine.AuditEntry{ProposalID: "p1", Result: engine.AuditRejected},
			counter: "actions", result: "rejected"},
		{name: "a dry run", entry: engine.AuditEntry{ProposalID: "p1", Result: engine.AuditDryRun},
			counter: "actions", result: "dry_run"},
		{name: "a simulated approval", entry: engine.AuditEntry{ProposalID: "p1", Result: engine.AuditDryRun, UserApproved: true},
			counter: "actions", result: "simulated"},
		{name: "a row the log did not store", entry: engine.AuditEntry{ProposalID: "p1", Result: engine.AuditExecuted},
			err: errors.New("disk full")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := New(&fakeBoard{}, nil)
			if _, err := m.WrapAudit(fakeAudit{err: tt.err}).AppendAudit(t.Context(), tt.entry); !errors.Is(err, tt.err) {
				t.Fatalf("AppendAudit() = %v, want %v passed through", err, tt.err)
			}
			var total float64
			for _, r := range proposalResults {
				total += testutil.ToFloat64(m.proposals.WithLabelValues(r))
			}
			for _, r := range actionResults {
				total += testutil.ToFloat64(m.actions.WithLabelValues(r))
			}
			if tt.counter == "" {
				if total != 0 {
					t.Errorf("counted %v rows, want none", total)
				}
				return
			}
			vec := m.actions
			if tt.counter == "proposals" {
				vec = m.proposals
			}
			if got := testutil.ToFloat64(vec.WithLabelValues(tt.result)); got != 1 || total != 1 {
				t.Errorf("%s{result=%q} = %v (all rows %v), want 1", tt.counter, tt.result, got, total)
			}
		})
	}
}
