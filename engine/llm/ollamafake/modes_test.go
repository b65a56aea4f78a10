package ollamafake

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// TestModes drives every mode through Ollama's own client and checks what it sees.
func TestModes(t *testing.T) {
	tests := []struct {
		mode      Mode
		wantErr   string // substring of the error, "" for none
		wantFinal bool
		check     func(t *testing.T, pieces []string, err error)
	}{
		{mode: Happy, wantFinal: true},
		{mode: InvalidJSON, wantFinal: true, check: func(t *testing.T, pieces []string, _ error) {
			if got := strings.Join(pieces, ""); got != invalidJSONContent {
				t.Errorf("content = %q, want %q", got, invalidJSONContent)
			}
		}},
		{mode: ErrorLine, wantErr: defaultErrorLine, check: func(t *testing.T, pieces []string, _ error) {
			if len(pieces) != 2 {
				t.Errorf("got %d chunks before the error line, want 2", len(pieces))
			}
		}},
		// Ollama's client ignores the scanner's error: a cut stream returns nil, no final chunk.
		{mode: CutStream},
		{mode: HTTP500, wantErr: "500 Internal Server Error: " + defaultServerError,
			check: func(t *testing.T, _ []string, err error) {
				var se api.StatusError
				if !errors.As(err, &se) || se.StatusCode != 500 {
					t.Errorf("error = %#v, want api.StatusError 500", err)
				}
			}},
		{mode: ModelNotFound, wantErr: "model 'llama3.1:8b' not found"},
		{mode: Down, check: func(t *testing.T, _ []string, err error) {
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("error = %v, want connection refused", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			s := New(t, Reply{})
			s.SetMode(tt.mode)
			pieces, final, err := chat(t.Context(), client(t, s), request(""))
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error = %v, want one containing %q", err, tt.wantErr)
			}
			if tt.wantErr == "" && tt.mode != Down && err != nil {
				t.Errorf("error = %v, want none", err)
			}
			if (final != nil) != tt.wantFinal {
				t.Errorf("final chunk = %+v, want one: %v", final, tt.wantFinal)
			}
			if tt.check != nil {
				tt.check(t, pieces, err)
			}
		})
	}
}

// TestStallingModesEndWithTheClient checks Slow and StallMidStream hold the request until the
// client gives up, and no longer.
func TestStallingModesEndWithTheClient(t *testing.T) {
	for _, mode := range []Mode{Slow, StallMidStream} {
		t.Run(mode.String(), func(t *testing.T) {
			s := New(t, Reply{})
			s.SetMode(mode)
			ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
			defer cancel()
			pieces, final, err := chat(ctx, client(t, s), request(""))
			if final != nil {
				t.Errorf("final chunk = %+v, want none", final)
			}
			if mode == Slow && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want context deadline exceeded", err)
			}
			if mode == StallMidStream && len(pieces) != 2 {
				t.Errorf("got %d chunks before the stall, want 2", len(pieces))
			}
		})
	}
}

func TestShowAndVersion(t *testing.T) {
	s := New(t, Reply{})
	c := client(t, s)
	if v, err := c.Version(t.Context()); err != nil || v != "0.17.4" {
		t.Errorf("Version() = %q, %v, want 0.17.4", v, err)
	}
	show, err := c.Show(t.Context(), &api.ShowRequest{Model: "any"})
	if err != nil || show.ModelInfo["llama.context_length"] != float64(2048) {
		t.Errorf("Show() = %v, %v, want the recorded tiny model", show, err)
	}
	s.SetMode(ModelNotFound)
	if _, err := c.Show(t.Context(), &api.ShowRequest{Model: "qwen"}); err == nil ||
		!strings.Contains(err.Error(), "model 'qwen' not found") {
		t.Errorf("Show() error = %v, want model 'qwen' not found", err)
	}
}

// TestDelayAndInFlight: a delayed answer still arrives whole, a client that gives up during
// the delay ends its request, and MaxInFlight counts requests answered at the same time.
func TestDelayAndInFlight(t *testing.T) {
	s := New(t, Reply{})
	s.SetDelay(200 * time.Millisecond)
	c := client(t, s)
	done := make(chan error, 3)
	for range 3 {
		go func() {
			_, final, err := chat(t.Context(), c, request(""))
			if err == nil && final == nil {
				err = errors.New("no final chunk")
			}
			done <- err
		}()
	}
	for range 3 {
		if err := <-done; err != nil {
			t.Errorf("delayed chat: %v", err)
		}
	}
	if got := s.MaxInFlight(); got != 3 {
		t.Errorf("MaxInFlight() = %d, want 3", got)
	}
	s.SetDelay(time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := chat(ctx, c, request("")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("chat during an hour's delay with a 50ms deadline: error = %v, want the deadline", err)
	}
}
