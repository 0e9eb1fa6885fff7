package platformsync

import (
	"sync"

	"github.com/opsgraph/opsgraph/ent"
)

// Broker fans sync job updates out to subscribers in this process.
type Broker struct {
	mu   sync.Mutex
	subs map[int]map[chan *ent.SyncJob]struct{}
}

// NewBroker returns an empty broker.
func NewBroker() *Broker { return &Broker{subs: map[int]map[chan *ent.SyncJob]struct{}{}} }

// Subscribe returns a channel of updates of job id and a function to stop.
// A slow subscriber misses intermediate updates, never the latest one.
func (b *Broker) Subscribe(id int) (<-chan *ent.SyncJob, func()) {
	ch := make(chan *ent.SyncJob, 1)
	b.mu.Lock()
	if b.subs[id] == nil {
		b.subs[id] = map[chan *ent.SyncJob]struct{}{}
	}
	b.subs[id][ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		delete(b.subs[id], ch)
		if len(b.subs[id]) == 0 {
			delete(b.subs, id)
		}
		b.mu.Unlock()
	}
}

// Publish sends the job's new state to its subscribers, replacing an update
// they have not read yet.
func (b *Broker) Publish(j *ent.SyncJob) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs[j.ID] {
		select {
		case ch <- j:
		default:
			select {
			case <-ch:
			default:
			}
			ch <- j
		}
	}
}

// IDs lists the jobs that have subscribers.
func (b *Broker) IDs() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	ids := make([]int, 0, len(b.subs))
	for id := range b.subs {
		ids = append(ids, id)
	}
	return ids
}

// Has reports whether job id has subscribers here.
func (b *Broker) Has(id int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs[id]) > 0
}
