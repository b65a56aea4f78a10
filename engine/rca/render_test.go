package rca

import (
	"strings"
	"testing"

	"monit-intel/engine"
)

func TestRender(t *testing.T) {
	in := Input{Snapshot: process("mosquitto", engine.BitNonExist), Logs: []string{
		"Nov 24 07:58:01 vm systemd[1]: mosquitto.service: Main process exited, code=dumped, status=11/SEGV \x1b[2J",
	}}
	f := Analyze(in)
	answer := &Answer{Model: "llama3.1:8b", Summary: "It crashed.", ProbableCause: "A segfault in the broker.",
		Evidence: []string{"code=dumped, status=11/SEGV"}, Confidence: "medium",
		SuggestedActions: []Suggested{{Action: "systemctl_restart", Service: "mosquitto"}, {Action: "monit_start", Service: "a b"}},
		Notes:            []string{"dropped action rm_rf: not in the whitelist"}}
	tests := []struct {
		name    string
		answer  *Answer
		note    string
		want    []string // in this order
		notWant []string
	}{
		{
			name:   "rules and model",
			answer: answer,
			want: []string{
				"Rules (deterministic)\n", "  Summary: mosquitto (process): Does not exist.", "What Monit reports:",
				"Recognised causes (most specific first):\n    1. Process crashed", "[process_crashed]",
				"       > Nov 24 07:58:01 vm systemd[1]: mosquitto.service: Main process exited", "Error lines (1, oldest first)",
				"Model (llama3.1:8b)\n", "  Probable cause: A segfault in the broker.", "    > code=dumped, status=11/SEGV",
				"Suggested actions (run only after approval):\n    - systemctl_restart mosquitto\n    - monit_start \"a b\"",
				"  Confidence: medium", "  Note: dropped action rm_rf: not in the whitelist",
			},
			notWant: []string{"\x1b", "Model: not used"},
		},
		{
			name:    "model unavailable",
			note:    "model unavailable: ollama at http://127.0.0.1:11434 not reachable",
			want:    []string{"Rules (deterministic)\n", "Model: not used (model unavailable: ollama at http://127.0.0.1:11434 not reachable)\n"},
			notWant: []string{"Model (", "\n  Probable cause:"},
		},
		{
			name:   "answer with a note",
			answer: &Answer{Summary: "s", ProbableCause: "c"},
			note:   "prompt truncated by the server",
			want:   []string{"Model (unknown model)\n", "  Confidence: not given\n", "  Note: prompt truncated by the server\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Render(f, tt.answer, tt.note)
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("Render() =\n%s\nwant %q (in order)", got, w)
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("Render() =\n%s\nwant no %q", got, w)
				}
			}
		})
	}
}
