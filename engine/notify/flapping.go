package notify

import (
	"monit-intel/engine"
)

// flapping counts the event as a state change of its service. It reports suppressed when
// the event must not get its own message: the service is flapping. m is the one "flapping"
// message to send when the service just started flapping, nil otherwise.
func (n *Notifier) flapping(key engine.ServiceKey, ev engine.Event) (m *Message, suppressed bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	f := n.flaps[key]
	if f == nil {
		f = &flap{}
		n.flaps[key] = f
	}
	f.state = string(ev.Kind)
	if f.flapping {
		f.count++
		f.changes = append(f.changes, ev.At)
		return nil, true
	}
	cut := ev.At.Add(-n.o.FlapWindow)
	kept := f.changes[:0]
	for _, t := range f.changes {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	f.changes = append(kept, ev.At)
	if len(f.changes) < n.o.FlapChanges {
		return nil, false
	}
	f.flapping, f.count, f.first = true, len(f.changes), f.changes[0]
	msg := Message{Kind: KindFlapping, At: ev.At, Host: key.Host, Service: key.Service, Status: ev.Detail,
		ID:       messageID(KindFlapping, key.Host, key.Service, f.first.String()),
		Flapping: &FlappingInfo{Phase: "started", Changes: f.count, First: f.first, Last: ev.At, State: f.state}}
	msg.render()
	return &msg, true
}

// quietFlappers ends the flapping of services without a change for the flapping window and
// returns one summary message each.
func (n *Notifier) quietFlappers() []Item {
	now := n.o.Now()
	n.mu.Lock()
	var msgs []Message
	for key, f := range n.flaps {
		last := f.changes[len(f.changes)-1]
		if now.Sub(last) < n.o.FlapWindow {
			continue
		}
		delete(n.flaps, key)
		if !f.flapping {
			continue
		}
		m := Message{Kind: KindFlapping, At: now, Host: key.Host, Service: key.Service,
			ID:       messageID(KindFlapping, "summary", key.Host, key.Service, f.first.String()),
			Flapping: &FlappingInfo{Phase: "summary", Changes: f.count, First: f.first, Last: last, State: f.state}}
		m.render()
		msgs = append(msgs, m)
	}
	n.mu.Unlock()
	var items []Item
	for _, m := range msgs {
		items = append(items, n.forTargets(m, m.Flapping.State, now)...)
	}
	return items
}
