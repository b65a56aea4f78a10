package llm_test

import (
	"strings"
	"testing"

	"monit-intel/engine/llm"
	"monit-intel/engine/llm/ollamafake"
)

// TestTruncatedFromTheReply feeds the counters a real server reports after cutting a prompt.
// The recorded tiny model has a trained context of 2048, which Ping learns.
func TestTruncatedFromTheReply(t *testing.T) {
	tests := []struct {
		name   string
		reply  ollamafake.Reply
		numCtx int
		ping   bool
		want   bool
	}{
		{name: "short prompt", reply: ollamafake.Reply{PromptTokens: 50}, numCtx: 512},
		{name: "cut to num_ctx", reply: ollamafake.Reply{PromptTokens: 512}, numCtx: 512, want: true},
		{name: "shifted while generating", reply: ollamafake.Reply{PromptTokens: 510}, numCtx: 512,
			want: true},
		{name: "cut to the model's context, unknown without Ping",
			reply: ollamafake.Reply{PromptTokens: 2048}, numCtx: 4096},
		{name: "cut to the model's context, known after Ping",
			reply: ollamafake.Reply{PromptTokens: 2048}, numCtx: 4096, ping: true, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := ollamafake.New(t, tt.reply)
			c := newClient(t, fake.URL, llm.Options{NumCtx: tt.numCtx})
			if tt.ping {
				if err := c.Ping(t.Context()); err != nil {
					t.Fatalf("Ping() error = %v", err)
				}
			}
			got, err := c.Chat(t.Context(), question(""))
			if err != nil || got.Truncated != tt.want {
				t.Errorf("Chat() = %+v, %v, want Truncated %v", got, err, tt.want)
			}
		})
	}
}

// TestLongPromptOnTheFake: the fake counts prompt tokens like the runner, capped at num_ctx.
func TestLongPromptOnTheFake(t *testing.T) {
	fake := ollamafake.New(t, ollamafake.Reply{})
	c := newClient(t, fake.URL, llm.Options{NumCtx: 512})
	req := question("")
	req.Messages[1].Content = strings.Repeat("disk full ", 500)
	got, err := c.Chat(t.Context(), req)
	if err != nil || !got.Truncated || got.PromptTokens != 512 {
		t.Errorf("Chat() = %+v, %v, want Truncated with 512 prompt tokens", got, err)
	}
}
