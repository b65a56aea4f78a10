package schedule

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestFirstRunAtStartAndNoOverlap(t *testing.T) {
	s, err := New(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	var running, maxRunning, runs atomic.Int32
	first := make(chan struct{}, 1)
	err = s.Every("slow", 10*time.Millisecond, func(ctx context.Context) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		runs.Add(1)
		select {
		case first <- struct{}{}:
		default:
		}
		select { // each run lasts five intervals
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-first:
	case <-time.After(5 * time.Second):
		t.Fatal("no run at start-up")
	}
	deadline := time.Now().Add(5 * time.Second)
	for runs.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if runs.Load() < 3 {
		t.Fatalf("only %d runs in 5s", runs.Load())
	}
	if err := s.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if m := maxRunning.Load(); m != 1 {
		t.Errorf("max concurrent runs = %d, want 1", m)
	}
}

func TestShutdownCancelsRunningTask(t *testing.T) {
	s, err := New(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	cancelled := make(chan struct{})
	err = s.Every("hang", time.Hour, func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		close(cancelled)
		return ctx.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	if err := s.Shutdown(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-cancelled:
	default:
		t.Error("Shutdown returned but the task's context was not cancelled")
	}
}
