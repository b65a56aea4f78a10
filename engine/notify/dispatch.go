package notify

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// Backoff is the retry schedule: the wait doubles from Base up to Max, and a random part
// (jitter) spreads retries so a target coming back is not hit by all at once.
type Backoff struct {
	Base time.Duration
	Max  time.Duration
}

// DefaultBackoff retries after about 10s, 20s, 40s, … up to 10 minutes: a target down for an
// hour gets its messages within ten minutes of coming back.
var DefaultBackoff = Backoff{Base: 10 * time.Second, Max: 10 * time.Minute}

// Delay is the wait before attempt n+1 after n failed attempts (n ≥ 1): half the exponential
// step plus a random half ("equal jitter"). rnd returns a number in [0, 1).
func (b Backoff) Delay(n int, rnd func() float64) time.Duration {
	d := b.Base
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return d/2 + time.Duration(rnd()*float64(d/2))
}

// TargetHealth is the delivery state of one target, for /health.
type TargetHealth struct {
	Target      string    `json:"target" doc:"the URL, redacted"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	LastSentAt  time.Time `json:"last_sent_at,omitzero"`
}

// Dispatcher delivers the outbox.
type Dispatcher struct {
	box     Outbox
	targets map[string]Target
	order   []string
	send    Sender
	backoff Backoff
	timeout time.Duration
	now     func() time.Time
	rnd     func() float64
	log     *slog.Logger
	wake    chan struct{}

	mu     sync.Mutex
	health map[string]TargetHealth
}

// DispatcherOptions configure a Dispatcher; zero values take defaults.
type DispatcherOptions struct {
	Sender  Sender // default URLSender{}
	Backoff Backoff
	Timeout time.Duration // bounds one attempt; default 20s
	Now     func() time.Time
	Rand    func() float64
	Logger  *slog.Logger
}

// NewDispatcher delivers box's items to targets.
func NewDispatcher(box Outbox, targets []Target, o DispatcherOptions) *Dispatcher {
	if o.Sender == nil {
		o.Sender = URLSender{}
	}
	if o.Backoff == (Backoff{}) {
		o.Backoff = DefaultBackoff
	}
	if o.Timeout <= 0 {
		o.Timeout = sendTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{box: box, targets: map[string]Target{}, send: o.Sender, backoff: o.Backoff, timeout: o.Timeout, now: o.Now,
		rnd: o.Rand, log: o.Logger.With("component", "notify"), wake: make(chan struct{}, 1), health: map[string]TargetHealth{}}
	for _, t := range targets {
		if _, dup := d.targets[t.ID()]; !dup {
			d.order = append(d.order, t.ID())
		}
		d.targets[t.ID()] = t
		d.health[t.ID()] = TargetHealth{Target: Redact(t.URL)}
	}
	return d
}

// Wake makes Run deliver now rather than at its next tick.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, every tick and whenever woken. It returns ctx's error.
func (d *Dispatcher) Run(ctx context.Context, tick time.Duration) error {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		if err := d.Flush(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-d.wake:
		}
	}
}

// flushBatch bounds one Flush, so a long outbox does not hold a transaction or the loop.
const flushBatch = 100

// Flush tries every due item once. A target that fails keeps its later items for its next
// attempt, so each target gets its messages in order.
func (d *Dispatcher) Flush(ctx context.Context) error {
	items, err := d.box.Due(ctx, d.now(), flushBatch)
	if err != nil {
		return err
	}
	retryAt := map[string]time.Time{} // targets that failed in this Flush, and when to retry
	var errs []error
	for _, it := range items {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		t, ok := d.targets[it.Target]
		if !ok {
			// The target left the configuration: its messages have nobody to go to.
			d.log.Warn("dropped a message for a target no longer configured", "kind", it.Message.Kind, "service", it.Message.Service)
			errs = append(errs, d.box.Delivered(ctx, it))
			continue
		}
		if at, failed := retryAt[it.Target]; failed {
			// Wait with the failed one, so the target gets its messages in order.
			next := it
			next.NextAt, next.Held = at, false
			errs = append(errs, d.box.Reschedule(ctx, it, next))
			continue
		}
		at, err := d.attempt(ctx, t, it)
		if !at.IsZero() {
			retryAt[it.Target] = at
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// attempt sends one item. A failed send is recorded and rescheduled: retryAt is its new time
// (zero after a delivery); the error is about the outbox.
func (d *Dispatcher) attempt(ctx context.Context, t Target, it Item) (retryAt time.Time, err error) {
	sctx, cancel := context.WithTimeout(ctx, d.timeout)
	err = d.send.Send(sctx, t.URL, it.Message)
	cancel()
	now := d.now()
	d.mu.Lock()
	h := d.health[it.Target]
	if err == nil {
		h.LastSentAt = now
	} else {
		h.LastError, h.LastErrorAt = scrub(err.Error(), t.URL), now
	}
	d.health[it.Target] = h
	d.mu.Unlock()
	if err == nil {
		return time.Time{}, d.box.Delivered(ctx, it)
	}
	next := it
	next.Held = false
	next.Attempts++
	next.LastError = h.LastError
	next.NextAt = now.Add(d.backoff.Delay(next.Attempts, d.rnd))
	d.log.Warn("notification not delivered; will retry", "target", h.Target, "attempts", next.Attempts,
		"retry_at", next.NextAt, "err", h.LastError)
	return next.NextAt, d.box.Reschedule(ctx, it, next)
}

// Health returns each target's delivery state, in configuration order.
func (d *Dispatcher) Health() []TargetHealth {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]TargetHealth, 0, len(d.order))
	for _, id := range d.order {
		out = append(out, d.health[id])
	}
	return slices.Clip(out)
}
