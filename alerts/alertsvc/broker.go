package alertsvc

import (
	"sync"

	"github.com/opsgraph/opsgraph/ent"
)

// Broker fans raised alerts out to the alertRaised subscribers of this
// process and, through Remote, to the other replicas (decision 0209).
type Broker struct {
	// Remote, if set, tells the other replicas about an alert raised here
	// (PostgreSQL NOTIFY on Channel). It must not block for long.
	Remote func(*ent.Alert)

	mu   sync.Mutex
	subs map[chan *ent.Alert]func(*ent.Alert) bool
	seen seenSet // alerts already delivered here, so a relay is never doubled
}

// Subscribe returns a channel of alerts accepted by filter and a cancel func.
func (b *Broker) Subscribe(filter func(*ent.Alert) bool) (<-chan *ent.Alert, func()) {
	ch := make(chan *ent.Alert, 16)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[chan *ent.Alert]func(*ent.Alert) bool{}
	}
	b.subs[ch] = filter
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
		b.mu.Unlock()
	}
}

// Publish hands an alert raised by this process to every matching
// subscriber and to the other replicas; a slow subscriber misses it rather
// than blocking the raiser.
func (b *Broker) Publish(a *ent.Alert) {
	b.Deliver(a)
	if b.Remote != nil {
		b.Remote(a)
	}
}

// Deliver hands a to this process's matching subscribers only (an alert
// another replica raised); it reports false when a was delivered before.
func (b *Broker) Deliver(a *ent.Alert) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.seen.add(a.ID) {
		return false
	}
	for ch, f := range b.subs {
		if f(a) {
			select {
			case ch <- a:
			default:
			}
		}
	}
	return true
}

// Subscribed reports whether anyone listens here (relays are skipped otherwise).
func (b *Broker) Subscribed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs) > 0
}

// seenSet remembers the last seenMax alert ids.
type seenSet struct {
	ids  map[int]struct{}
	ring []int
	next int
}

const seenMax = 4096

func (s *seenSet) add(id int) bool {
	if s.ids == nil {
		s.ids = make(map[int]struct{}, seenMax)
		s.ring = make([]int, 0, seenMax)
	}
	if _, ok := s.ids[id]; ok {
		return false
	}
	if len(s.ring) < seenMax {
		s.ring = append(s.ring, id)
	} else {
		delete(s.ids, s.ring[s.next])
		s.ring[s.next] = id
		s.next = (s.next + 1) % seenMax
	}
	s.ids[id] = struct{}{}
	return true
}
