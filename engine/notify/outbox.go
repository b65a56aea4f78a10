package notify

import (
	"context"
	"time"
)

// Item is one message waiting for one target in the outbox.
type Item struct {
	ID        string    // the message's id; with NextAt, Target and CreatedAt it makes the outbox key
	Target    string    // Target.ID(): the URL's hash, never the URL
	Message   Message   //
	NextAt    time.Time // not before: the next attempt, or the end of a min_duration hold
	Held      bool      // NextAt is a min_duration hold a recovery cancels
	Attempts  int
	LastError string
	CreatedAt time.Time // unique and increasing per Notifier: the order among items due at once
}

// Outbox keeps the messages not yet confirmed by their targets (bolt.Store). A message leaves
// it only after its target accepted it, so a restart loses nothing.
type Outbox interface {
	// Enqueue stores the items in one transaction.
	Enqueue(ctx context.Context, items []Item) error
	// Due returns up to limit items whose NextAt is not after now, oldest first.
	Due(ctx context.Context, now time.Time, limit int) ([]Item, error)
	// Delivered deletes a delivered item.
	Delivered(ctx context.Context, it Item) error
	// Reschedule replaces the stored item with it (a new NextAt, Attempts, LastError).
	Reschedule(ctx context.Context, old, it Item) error
	// CancelHeld deletes the held items for the target about host/service whose hold has not
	// ended by now, and returns how many went.
	CancelHeld(ctx context.Context, target, host, service string, now time.Time) (int, error)
	// OutboxDepth is how many items wait.
	OutboxDepth(ctx context.Context) (int, error)
}
