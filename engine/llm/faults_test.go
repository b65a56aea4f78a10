package llm_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm"
	"monit-intel/engine/llm/ollamafake"
)

// TestFaults drives every fault of the fake through Chat and Ping: each error wraps
// engine.ErrLLMUnavailable and says what happened.
func TestFaults(t *testing.T) {
	tests := []struct {
		mode    ollamafake.Mode
		schema  string
		wantMsg string // with URL in place of the fake's URL
		wantIs  error
		ping    bool // Ping fails in this mode too, with the same message
	}{
		{mode: ollamafake.Down, wantMsg: "ollama at URL is not reachable: connection refused",
			wantIs: syscall.ECONNREFUSED, ping: true},
		{mode: ollamafake.ModelNotFound, ping: true,
			wantMsg: "model 'llama3.1:8b' not found at URL (ollama pull llama3.1:8b)"},
		{mode: ollamafake.Slow, wantMsg: "ollama did not answer within 100ms: context deadline exceeded",
			wantIs: context.DeadlineExceeded, ping: true},
		{mode: ollamafake.StallMidStream, wantMsg: "ollama did not answer within 100ms: context deadline exceeded",
			wantIs: context.DeadlineExceeded},
		{mode: ollamafake.HTTP500, ping: true, wantMsg: "ollama at URL failed with HTTP 500 " +
			"Internal Server Error: llama runner process has terminated: exit status 2"},
		{mode: ollamafake.ErrorLine, wantMsg: "ollama at URL reported an error: an error was " +
			"encountered while running the model: unexpected EOF"},
		{mode: ollamafake.CutStream, wantIs: io.ErrUnexpectedEOF,
			wantMsg: "ollama at URL broke off the reply before it finished: unexpected EOF"},
		{mode: ollamafake.InvalidJSON, schema: analysisSchema,
			wantMsg: `ollama's reply is not valid JSON for the schema (done_reason "stop" after 8 tokens)`},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			fake := ollamafake.New(t, ollamafake.Reply{})
			c := newClient(t, fake.URL, llm.Options{Timeout: 100 * time.Millisecond})
			fake.SetMode(tt.mode)
			want := "llm unavailable: " + strings.ReplaceAll(tt.wantMsg, "URL", fake.URL)

			_, err := c.Chat(t.Context(), question(tt.schema))
			checkErr(t, "Chat()", err, want, tt.wantIs)
			pingErr := c.Ping(t.Context())
			if tt.ping {
				checkErr(t, "Ping()", pingErr, want, tt.wantIs)
			} else if pingErr != nil {
				t.Errorf("Ping() error = %v, want nil", pingErr)
			}
		})
	}
}

func checkErr(t *testing.T, call string, err error, want string, wantIs error) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Errorf("%s error = %v, want %q", call, err, want)
	}
	if !errors.Is(err, engine.ErrLLMUnavailable) {
		t.Errorf("%s error = %v, want it to wrap engine.ErrLLMUnavailable", call, err)
	}
	if wantIs != nil && !errors.Is(err, wantIs) {
		t.Errorf("%s error = %v, want it to wrap %v", call, err, wantIs)
	}
}

func TestPing(t *testing.T) {
	fake := ollamafake.New(t, ollamafake.Reply{})
	if err := newClient(t, fake.URL, llm.Options{}).Ping(t.Context()); err != nil {
		t.Errorf("Ping() error = %v", err)
	}
	if fake.Calls() != 0 {
		t.Errorf("Ping() made %d chat calls, want none", fake.Calls())
	}
}
