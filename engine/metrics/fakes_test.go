package metrics

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/monit"
)

// fakeBoard is a Board whose services a test sets.
type fakeBoard struct {
	mu       sync.Mutex
	services []engine.Classified
	last     engine.CycleInfo
}

func (b *fakeBoard) Services() []engine.Classified {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]engine.Classified(nil), b.services...)
}

func (b *fakeBoard) LastCycle() engine.CycleInfo {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

func (b *fakeBoard) set(services []engine.Classified) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.services = services
}

// boardFrom classifies the services of a Monit status document (testdata/monit) as one
// first cycle would, with a failure count of 3 for each failing service.
func boardFrom(t testing.TB, file string) *fakeBoard {
	t.Helper()
	f, err := os.Open("../../testdata/monit/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := monit.ParseStatus(f)
	if err != nil {
		t.Fatalf("ParseStatus(%s): %v", file, err)
	}
	b := &fakeBoard{last: engine.CycleInfo{At: time.Unix(1700000000, 0), Duration: 20 * time.Millisecond,
		Services: len(st.Services)}}
	for _, s := range st.Services {
		state, _ := engine.Classify(engine.FailureState{Failures: 2}, true, s)
		b.services = append(b.services, engine.Classified{Snapshot: s, State: state})
	}
	return b
}

// fakeLLM answers with reply and err.
type fakeLLM struct {
	reply engine.LLMReply
	err   error
}

func (f fakeLLM) Model() string              { return "fake" }
func (f fakeLLM) Ping(context.Context) error { return nil }
func (f fakeLLM) Chat(context.Context, engine.LLMRequest) (engine.LLMReply, error) {
	return f.reply, f.err
}
func (f fakeLLM) ChatStream(_ context.Context, _ engine.LLMRequest, fn func(string) error) (engine.LLMReply, error) {
	if f.err == nil {
		fn(f.reply.Content)
	}
	return f.reply, f.err
}

// fakeAudit stores nothing and fails with err.
type fakeAudit struct{ err error }

func (f fakeAudit) AppendAudit(context.Context, engine.AuditEntry) (int64, error) { return 1, f.err }
