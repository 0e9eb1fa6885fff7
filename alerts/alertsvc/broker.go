package alertsvc

import (
	"sync"

	"github.com/opsgraph/opsgraph/ent"
)

// Broker fans raised alerts out to the alertRaised subscribers of this
// process.
type Broker struct {
	mu   sync.Mutex
	subs map[chan *ent.Alert]func(*ent.Alert) bool
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

// Publish hands a to every matching subscriber; a slow subscriber misses it
// rather than blocking the raiser.
func (b *Broker) Publish(a *ent.Alert) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch, f := range b.subs {
		if f(a) {
			select {
			case ch <- a:
			default:
			}
		}
	}
}
