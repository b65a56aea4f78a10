package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"
)

// Task is one run of a job. Its context is cancelled when the scheduler shuts down.
type Task func(ctx context.Context) error

// Scheduler runs jobs until Shutdown.
type Scheduler struct {
	s      gocron.Scheduler
	logger *slog.Logger
}

// New returns a started, empty scheduler.
func New(logger *slog.Logger) (*Scheduler, error) {
	s, err := gocron.NewScheduler()
	if err != nil {
		return nil, fmt.Errorf("new scheduler: %w", err)
	}
	s.Start()
	return &Scheduler{s: s, logger: logger.With("component", "schedule")}, nil
}

// Every adds a job that runs now and then every interval. A run that fails is logged and the
// job carries on at the next tick; a run still going when the next tick comes makes that tick
// wait (gocron's reschedule mode), so runs never overlap.
func (s *Scheduler) Every(name string, interval time.Duration, task Task) error {
	run := func(ctx context.Context) {
		if err := task(ctx); err != nil {
			s.logger.Error("job failed", "job", name, "err", err)
		}
	}
	_, err := s.s.NewJob(
		gocron.DurationJob(interval),
		gocron.NewTask(run),
		gocron.WithName(name),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithStartAt(gocron.WithStartImmediately()),
	)
	if err != nil {
		return fmt.Errorf("schedule %s: %w", name, err)
	}
	return nil
}

// Shutdown cancels running tasks' contexts, waits for them and stops the scheduler.
func (s *Scheduler) Shutdown() error {
	if err := s.s.Shutdown(); err != nil {
		return fmt.Errorf("stop scheduler: %w", err)
	}
	return nil
}
