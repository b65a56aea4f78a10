package llm

import "testing"

func TestTruncated(t *testing.T) {
	tests := []struct {
		name                   string
		prompt, response, ctxN int
		want                   bool
	}{
		{name: "fits", prompt: 506, response: 5, ctxN: 512, want: false},
		{name: "runner cut the prompt to the context", prompt: 512, response: 5, ctxN: 512, want: true},
		{name: "context shifted while generating", prompt: 511, response: 5, ctxN: 512, want: true},
		{name: "no counters", prompt: 0, response: 0, ctxN: 512, want: false},
		{name: "no context", prompt: 512, response: 5, ctxN: 0, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := truncated(tt.prompt, tt.response, tt.ctxN); got != tt.want {
				t.Errorf("truncated(%d, %d, %d) = %v, want %v", tt.prompt, tt.response, tt.ctxN,
					got, tt.want)
			}
		})
	}
}

func TestEffectiveCtx(t *testing.T) {
	tests := []struct {
		name                   string
		numCtx, modelCtx, want int
	}{
		{name: "model length unknown", numCtx: 8192, modelCtx: 0, want: 8192},
		{name: "num_ctx within the model", numCtx: 8192, modelCtx: 131072, want: 8192},
		{name: "server caps num_ctx", numCtx: 4096, modelCtx: 2048, want: 2048},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := effectiveCtx(tt.numCtx, tt.modelCtx); got != tt.want {
				t.Errorf("effectiveCtx(%d, %d) = %d, want %d", tt.numCtx, tt.modelCtx, got, tt.want)
			}
		})
	}
}
