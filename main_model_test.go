package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"monit-intel/engine/config"
	"monit-intel/engine/llm/ollamafake"
	"monit-intel/engine/mother"
)

// modelDaemon wires the daemon over fresh stores, Monit read from the demo's document and the
// model at modelURL.
func modelDaemon(t testing.TB, modelURL string, tune func(*config.Config)) (*daemonParts, *mother.Mother) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Monit.URL = "testdata/demo/status.xml"
	cfg.Ollama.URL = modelURL
	tune(&cfg)
	ctx := context.Background()
	s, err := openStores(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e := &env{logger: slog.New(slog.DiscardHandler), getenv: func(string) string { return "" }}
	d, err := wireDaemon(ctx, cfg, s, e)
	if err != nil {
		t.Fatal(err)
	}
	return d, newMother(cfg, s, d, e)
}

// fillBoard runs one cycle onto the board, without analyses.
func fillBoard(t testing.TB, d *daemonParts) {
	t.Helper()
	res, err := d.pollers[0].in.RunCycle(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d.board.Record(res, nil)
}

// TestConcurrentChatsShareOneModelSlot reproduces issue 12's finding that 200 concurrent chats
// opened 190 model connections: now the model sees ollama.concurrency calls at once, and the
// chats beyond the queue are answered from the data and say the model is busy.
func TestConcurrentChatsShareOneModelSlot(t *testing.T) {
	fake := ollamafake.New(t, ollamafake.Reply{Content: "The program exits 1."})
	fake.SetDelay(300 * time.Millisecond)
	d, m := modelDaemon(t, fake.URL, func(c *config.Config) { c.Ollama.Concurrency, c.Ollama.Queue = 1, 4 })
	fillBoard(t, d)
	var mu sync.Mutex
	notes := map[string]int{}
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			r, err := m.Chat(t.Context(), fmt.Sprintf("s%03d", i), "why is failing failing?", func(string) error { return nil })
			if err != nil {
				t.Errorf("Chat() error = %v", err)
				return
			}
			if !strings.Contains(r.Text, "failing") {
				t.Errorf("a chat's answer does not carry the data about failing:\n%s", r.Text)
			}
			note := r.ModelNote
			if strings.Contains(note, "the model is busy") {
				note = "busy"
			}
			mu.Lock()
			notes[note]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if got := fake.MaxInFlight(); got != 1 {
		t.Errorf("model connections at once = %d, want 1 (ollama.concurrency)", got)
	}
	if notes["busy"] == 0 || notes["busy"]+notes[""] != 200 {
		t.Errorf("model notes = %v, want only answered (\"\") and busy, some busy", notes)
	}
	if fake.Calls() != notes[""] {
		t.Errorf("the model got %d calls for %d answers", fake.Calls(), notes[""])
	}
}

// TestIngestDoesNotWaitForTheModel: the scheduled ingest job returns while the model has not
// answered (it never does here), with the rules' analysis of each new failure stored and the
// model's queued.
func TestIngestDoesNotWaitForTheModel(t *testing.T) {
	fake := ollamafake.New(t, ollamafake.Reply{})
	fake.SetMode(ollamafake.Slow)
	d, _ := modelDaemon(t, fake.URL, func(c *config.Config) { c.Ollama.Timeout = config.Duration(time.Hour) })
	jobCtx, jobCancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer jobCancel()
	if err := d.ingest(jobCtx); err != nil {
		t.Fatalf("ingest with a model that never answers: %v", err)
	}
	failing := 0
	for _, c := range d.board.Services() {
		if c.Snapshot.Status != 0 {
			failing++
		}
	}
	if failing == 0 || d.queue.Len() != failing {
		t.Errorf("queued %d analyses for %d failing services, want all of them", d.queue.Len(), failing)
	}
	for _, c := range d.board.Services() {
		if c.Snapshot.Status == 0 {
			continue
		}
		ans, err := d.health.s.history.Analyses(t.Context(), c.Snapshot.Name, 5)
		if err != nil || len(ans) != 1 || ans[0].Source != "rules" || !strings.Contains(ans[0].LLMError, "queued") {
			t.Errorf("analyses of %s after the cycle = %+v, %v; want the rules' one, the model's queued", c.Snapshot.Name, ans, err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- d.queue.Run(ctx) }()
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("queue Run() = %v, want context.Canceled", err)
	}
}

// TestModelNoteOnlyAfterAModelCall: Mother's note about the model ("llm unavailable …", "the
// model is busy …"), which the REPL prints in parentheses, comes only with answers that asked
// the model; answers from the data alone (help, logs, actions, changes) carry none.
func TestModelNoteOnlyAfterAModelCall(t *testing.T) {
	messages := []string{"hello", "help", "status", "what is failing?", "why is failing failing?",
		"show logs for failing", "show logs for watched", "history of failing", "restart sleeper",
		"what changed since yesterday?", "blorp zzz", ""}
	for _, mode := range []string{"down", "busy"} {
		t.Run(mode, func(t *testing.T) {
			fake := ollamafake.New(t, ollamafake.Reply{})
			d, m := modelDaemon(t, fake.URL, func(c *config.Config) { c.Ollama.Concurrency, c.Ollama.Queue = 1, 0 })
			fillBoard(t, d)
			if mode == "down" {
				fake.SetMode(ollamafake.Down)
			} else {
				fake.SetDelay(time.Hour)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				go m.Chat(ctx, "holder", "why is failing failing?", func(string) error { return nil })
				for fake.Calls() == 0 {
					time.Sleep(time.Millisecond)
				}
			}
			for _, msg := range messages {
				r, err := m.Chat(t.Context(), "s", msg, func(string) error { return nil })
				if err != nil {
					t.Fatalf("Chat(%q) error = %v", msg, err)
				}
				if r.ModelNote != "" && r.LLMCalls == 0 {
					t.Errorf("Chat(%q) note %q without a model call", msg, r.ModelNote)
				}
				if r.LLMCalls > 0 && !strings.Contains(r.ModelNote, map[string]string{"down": "llm unavailable", "busy": "the model is busy"}[mode]) {
					t.Errorf("Chat(%q) asked the model (%d calls) but notes %q", msg, r.LLMCalls, r.ModelNote)
				}
			}
		})
	}
}
