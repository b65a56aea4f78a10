package notify

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// memOutbox is an Outbox in memory, with the bolt store's semantics.
type memOutbox struct {
	mu    sync.Mutex
	items map[string]Item
}

func newMemOutbox() *memOutbox { return &memOutbox{items: map[string]Item{}} }

func memKey(it Item) string {
	return fmt.Sprintf("%020d\x00%s\x00%020d\x00%s", it.NextAt.UnixNano(), it.Target, it.CreatedAt.UnixNano(), it.ID)
}

func (m *memOutbox) Enqueue(_ context.Context, items []Item) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, it := range items {
		m.items[memKey(it)] = it
	}
	return nil
}

func (m *memOutbox) sorted() []string {
	keys := make([]string, 0, len(m.items))
	for k := range m.items {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (m *memOutbox) Due(_ context.Context, now time.Time, limit int) ([]Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Item
	for _, k := range m.sorted() {
		if it := m.items[k]; !it.NextAt.After(now) && len(out) < limit {
			out = append(out, it)
		}
	}
	return out, nil
}

func (m *memOutbox) Delivered(_ context.Context, it Item) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, memKey(it))
	return nil
}

func (m *memOutbox) Reschedule(_ context.Context, old, it Item) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, memKey(old))
	m.items[memKey(it)] = it
	return nil
}

func (m *memOutbox) CancelHeld(_ context.Context, target, host, service string, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, it := range m.items {
		if it.Held && it.NextAt.After(now) && it.Target == target && it.Message.Host == host && it.Message.Service == service {
			delete(m.items, k)
			n++
		}
	}
	return n, nil
}

func (m *memOutbox) OutboxDepth(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items), nil
}

// recorder is a Sender that records what it was given; fail decides an attempt's error.
type recorder struct {
	mu   sync.Mutex
	got  []sent
	fail func(n int) error
}

type sent struct {
	url string
	msg Message
}

func (r *recorder) Send(_ context.Context, url string, m Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(len(r.got)); err != nil {
			r.got = append(r.got, sent{url: "FAILED " + url, msg: m})
			return err
		}
	}
	r.got = append(r.got, sent{url: url, msg: m})
	return nil
}

// delivered returns the kinds delivered to url, in order.
func (r *recorder) delivered(url string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.got {
		if s.url == url {
			out = append(out, s.msg.Kind+" "+s.msg.Service)
		}
	}
	return out
}

// clock is an injected clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
