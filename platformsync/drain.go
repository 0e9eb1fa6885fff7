package platformsync

import (
	"context"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/insights/rollup"
)

// drainer applies the rollup deltas a sync's order pages queue
// (RollupsQueued): in the background, so that a page's rollups are written
// while the runner fetches the next page, and once more when the phase ends,
// so that a sync's figures are complete when its job ends (decision 0263).
// Drains of one store exclude each other (rollup.Drain), so this one may
// overlap a periodic drain or another replica's.
type drainer struct {
	s    *Service
	st   *ent.Store
	kick chan struct{}
	done chan struct{}
}

// startDrain starts the background drain of st's queue, and drains at once
// what an earlier run left (it stopped before its final drain).
func (s *Service) startDrain(ctx context.Context, st *ent.Store) *drainer {
	d := &drainer{s: s, st: st, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(d.done)
		for range d.kick {
			// A failure is retried by the next kick and by stop.
			if _, err := rollup.Drain(ctx, s.Client, st); err != nil && ctx.Err() == nil {
				s.Log.WarnContext(ctx, "rollup drain", "store_id", st.ID, "err", err)
			}
		}
	}()
	d.poke()
	return d
}

// poke asks for a drain: a page was committed.
func (d *drainer) poke() {
	select {
	case d.kick <- struct{}{}:
	default: // one is pending already; it will see the new entry
	}
}

// drainStopWait bounds the final drain of a sync whose context ended.
const drainStopWait = 10 * time.Second

// stop waits for the background drain, then drains what is left, even when
// ctx has ended (a canceled sync's committed pages still count): nil means
// every delta the phase queued is in the rollups.
func (d *drainer) stop(ctx context.Context) error {
	close(d.kick)
	<-d.done
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainStopWait)
	defer cancel()
	_, err := rollup.Drain(ctx, d.s.Client, d.st)
	return err
}
