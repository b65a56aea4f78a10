package analyze

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"monit-intel/engine"
	"monit-intel/engine/llm/gate"
	"monit-intel/engine/llm/slowfake"
	"monit-intel/engine/schedule"
)

func queueAnalyzer(t *testing.T, store *memStore, model engine.LLM, timeout time.Duration) *Analyzer {
	t.Helper()
	return New(store, registry(t), Options{LLM: model, NumCtx: 4096, Timeout: timeout,
		Actions: func(string) []string { return []string{"monit_restart"} }})
}

// failingCycle is a cycle result with the named services NEW.
func failingCycle(at time.Time, names ...string) engine.CycleResult {
	var res engine.CycleResult
	for i, n := range names {
		snap := backupSnapshot(at)
		snap.Name = n
		res.Services = append(res.Services, engine.Classified{Snapshot: snap,
			State: engine.FailureState{State: engine.StateNew}, Event: &engine.Event{ID: int64(i + 1)}})
	}
	return res
}

// fleetStatus is 18 program checks that all fail on even cycles and all pass on odd ones, so
// every other cycle brings 18 NEW failures.
func fleetStatus(cycle int, at time.Time) engine.Status {
	st := engine.Status{Host: "nas"}
	for i := range 18 {
		s := backupSnapshot(at)
		s.Name = fmt.Sprintf("job%02d", i)
		if cycle%2 == 1 {
			zero := 0
			s.Status, s.Program.ExitStatus, s.Program.Output = 0, &zero, "ok"
		}
		st.Services = append(st.Services, s)
	}
	return st
}

// TestQueueKeepsTheIngestInterval reproduces issue 12's finding: 18 NEW failures, a model
// that takes 10 s and a 3 s timeout stretched a 5 s interval to 55 s while analyses ran inside
// the ingest job. Through the queue the cycles keep their interval, the model sees one call at
// a time, and every failing service gets an analysis.
func TestQueueKeepsTheIngestInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &memStore{}
		model := &slowfake.LLM{Delay: 10 * time.Second, Content: goodAnswer}
		a := queueAnalyzer(t, store, gate.New(1, 4).Wrap(model), 3*time.Second)
		q := NewQueue(a, 64)
		cycle := 0
		src := sourceFunc(func(context.Context) (engine.Status, error) {
			defer func() { cycle++ }()
			return fleetStatus(cycle, time.Now()), nil
		})
		in := engine.NewIngester(src, dayStates{}, dayHistory{store}, engine.IngesterOptions{})
		ctx, cancel := context.WithCancel(t.Context())
		queueDone := make(chan error)
		go func() { queueDone <- q.Run(ctx) }()
		sched, err := schedule.New(slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var starts []time.Time
		err = sched.Every("ingest", 5*time.Second, func(ctx context.Context) error {
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			res, err := in.RunCycle(ctx)
			if err != nil {
				return err
			}
			_, err = q.AfterCycle(ctx, res)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(59 * time.Second)
		if err := sched.Shutdown(); err != nil {
			t.Fatal(err)
		}
		cancel()
		<-queueDone

		if len(starts) != 12 {
			t.Errorf("ingest ran %d times in 59 s, want 12 (every 5 s)", len(starts))
		}
		for i := 1; i < len(starts); i++ {
			if gap := starts[i].Sub(starts[i-1]); gap != 5*time.Second {
				t.Errorf("cycle %d started %s after the previous one, want 5s", i, gap)
			}
		}
		if p := model.Peak(); p != 1 {
			t.Errorf("model calls at once = %d, want 1 (ollama.concurrency)", p)
		}
		analysed := map[string]bool{}
		for _, an := range store.analyses {
			analysed[an.Service] = true
			if an.Source == engine.SourceRules && an.LLMError == "" {
				t.Errorf("rules-only analysis of %s does not say why the model is missing", an.Service)
			}
		}
		if len(analysed) != 18 {
			t.Errorf("%d of 18 failing services got an analysis", len(analysed))
		}
	})
}

// TestQueueStoresTheRulesAtOnce: every new failure has its rules' analysis when AfterCycle
// returns, saying the model's follows, or that the model was busy when the queue is full; a
// failure the model already answered gets that answer at once and is not queued.
func TestQueueStoresTheRulesAtOnce(t *testing.T) {
	store := &memStore{}
	model := &slowfake.LLM{Delay: time.Hour}
	q := NewQueue(queueAnalyzer(t, store, model, time.Second), 2)
	queued, err := q.AfterCycle(t.Context(), failingCycle(time.Now(), "a", "b", "c", "d"))
	if err != nil {
		t.Fatalf("AfterCycle() error = %v", err)
	}
	if queued != 2 || q.Len() != 2 || model.Calls() != 0 {
		t.Errorf("AfterCycle() queued %d, Len() %d, model calls %d; want 2, 2 and 0", queued, q.Len(), model.Calls())
	}
	got := analyses(store)
	if len(got) != 4 {
		t.Fatalf("stored %d analyses at once, want 4", len(got))
	}
	for i, an := range got {
		want := map[bool]string{true: "is queued", false: "the model is busy"}[i < 2]
		if an.Service != []string{"a", "b", "c", "d"}[i] || an.Source != engine.SourceRules ||
			!strings.Contains(an.LLMError, want) || !strings.Contains(an.Text, want) {
			t.Errorf("analysis %d = %s %s %q, want the rules' analysis saying %q", i, an.Service, an.Source, an.LLMError, want)
		}
	}

	// The model answered "e" before (the same model, at once): its answer is reused, nothing
	// is queued.
	cached := failingCycle(time.Now(), "e")
	fast := queueAnalyzer(t, store, &slowfake.LLM{Content: goodAnswer}, time.Second)
	if an, err := fast.Analyze(t.Context(), cached.Services[0].Snapshot, 0, false); err != nil || an.Source != engine.SourceLLM {
		t.Fatalf("Analyze(e) = %s, %v; want the model's answer", an.Source, err)
	}
	if queued, err := q.AfterCycle(t.Context(), cached); err != nil || queued != 0 {
		t.Errorf("AfterCycle(e answered before) queued %d, %v; want 0", queued, err)
	}
	if last := analyses(store)[len(analyses(store))-1]; last.Source != engine.SourceLLM || !last.Cached {
		t.Errorf("e's analysis = %s cached %v, want the model's earlier answer reused", last.Source, last.Cached)
	}
}

func TestQueueKeepsOneAnalysisPerService(t *testing.T) {
	q := NewQueue(queueAnalyzer(t, &memStore{}, &slowfake.LLM{Delay: time.Hour}, time.Second), 4)
	first, later := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 9, 5, 0, 0, time.UTC)
	for _, at := range []time.Time{first, later} {
		if _, err := q.AfterCycle(t.Context(), failingCycle(at, "a", "b")); err != nil {
			t.Fatal(err)
		}
	}
	if q.Len() != 2 {
		t.Fatalf("Len() = %d after two cycles of the same two failures, want 2", q.Len())
	}
	for i, j := range q.pending {
		if want := []string{"a", "b"}[i]; j.snap.Name != want || !j.snap.CollectedAt.Equal(later) {
			t.Errorf("pending[%d] = %s at %s, want %s at %s (the newer snapshot, in its first place)",
				i, j.snap.Name, j.snap.CollectedAt, want, later)
		}
	}
	other := failingCycle(later, "a")
	other.Services[0].Snapshot.Host = "pi"
	if _, err := q.AfterCycle(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	if q.Len() != 3 {
		t.Errorf("Len() = %d after a on another host, want 3 (a service is its host and name)", q.Len())
	}
}

// TestQueueWithoutAModel: with no model configured nothing is queued; the rules' analysis
// is the whole analysis.
func TestQueueWithoutAModel(t *testing.T) {
	store := &memStore{}
	q := NewQueue(queueAnalyzer(t, store, nil, time.Second), 4)
	if queued, err := q.AfterCycle(t.Context(), failingCycle(time.Now(), "a")); err != nil || queued != 0 || q.Len() != 0 {
		t.Errorf("AfterCycle() = %d, %v, Len %d; want nothing queued", queued, err, q.Len())
	}
	if got := analyses(store); len(got) != 1 || got[0].LLMError != "no model configured" {
		t.Errorf("analyses = %+v, want one saying no model is configured", got)
	}
}

// TestQueueModelAnswerFollows: the model's answer follows the rules' analysis as a newer one;
// a model that does not answer in time adds nothing (the rules' analysis stands).
func TestQueueModelAnswerFollows(t *testing.T) {
	for _, tt := range []struct {
		name    string
		delay   time.Duration
		sources string
	}{
		{name: "answers", delay: 2 * time.Second, sources: "rules llm rules llm"},
		{name: "too slow", delay: time.Minute, sources: "rules rules"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				store := &memStore{}
				q := NewQueue(queueAnalyzer(t, store, &slowfake.LLM{Delay: tt.delay, Content: goodAnswer}, 5*time.Second), 8)
				if _, err := q.AfterCycle(t.Context(), failingCycle(time.Now(), "a", "b")); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan error)
				go func() { done <- q.Run(ctx) }()
				time.Sleep(time.Minute)
				cancel()
				<-done
				var got []string
				for _, an := range analyses(store) {
					got = append(got, an.Source)
				}
				// Sorted by service: each service's rules' analysis first.
				if strings.Join(sortedByService(analyses(store)), " ") != tt.sources {
					t.Errorf("analyses = %v (by service: %v), want %s", got, sortedByService(analyses(store)), tt.sources)
				}
			})
		})
	}
}

// sortedByService lists the analyses' sources grouped by service, each group in store order.
func sortedByService(as []engine.Analysis) []string {
	var out []string
	for _, name := range []string{"a", "b"} {
		for _, an := range as {
			if an.Service == name {
				out = append(out, an.Source)
			}
		}
	}
	return out
}

// TestQueueShutdown: when the daemon stops, the model's answer in progress and the failures
// still waiting add nothing; each keeps the rules' analysis stored at once.
func TestQueueShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		store := &memStore{}
		q := NewQueue(queueAnalyzer(t, store, &slowfake.LLM{Delay: time.Hour}, time.Hour), 8)
		if _, err := q.AfterCycle(t.Context(), failingCycle(time.Now(), "a", "b", "c")); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- q.Run(ctx) }()
		time.Sleep(time.Minute) // the model is still on "a"
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Run() = %v, want context.Canceled", err)
		}
		if q.Len() != 2 {
			t.Errorf("Len() = %d after the stop, want b and c still waiting", q.Len())
		}
		for _, an := range analyses(store)[:3] {
			if an.Source != engine.SourceRules || !strings.Contains(an.LLMError, "is queued") {
				t.Errorf("%s: source %s, llm error %q; want the rules' analysis saying the model's was queued", an.Service, an.Source, an.LLMError)
			}
		}
	})
}

func analyses(m *memStore) []engine.Analysis {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]engine.Analysis(nil), m.analyses...)
}
