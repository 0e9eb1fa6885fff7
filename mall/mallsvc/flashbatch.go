package mallsvc

import (
	"context"
	"sync"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
)

// maxBatch bounds the reservations of one group-commit transaction.
const maxBatch = 64

// ReserveBatched is Reserve with group commit (decision 0227): concurrent
// reservations of one slot in this process are coalesced into one
// transaction, each under its own savepoint, so each keeps its own answer,
// idempotency, per-user limit and error, and a refusal undoes only its own
// writes. The database's conditional statements stay the arbiters, so
// several replicas remain correct. The first caller that finds no batch
// running runs one with everything queued for the slot; the others wait for
// their answer. If the commit fails, every reservation of the batch fails.
// It is for callers outside a transaction (not the GraphQL mutation, whose
// transaction also holds its audit record).
func (s *Service) ReserveBatched(ctx context.Context, in ReserveInput) (*ent.FlashReservation, error) {
	c := &batchCall{ctx: ctx, in: in, done: make(chan struct{})}
	q := s.batchQueue(slotKey{in.CampaignID, in.Slot})
	q.mu.Lock()
	q.pending = append(q.pending, c)
	lead := !q.running
	q.running = true
	q.mu.Unlock()
	if lead {
		s.runBatches(q, c)
	}
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
		// The batch may still commit this reservation: a repeat with the
		// same key finds it.
		return nil, ctx.Err()
	}
}

type batchCall struct {
	ctx  context.Context
	in   ReserveInput
	res  *ent.FlashReservation
	err  error
	done chan struct{}
}

type batchQueue struct {
	mu      sync.Mutex
	pending []*batchCall
	running bool
}

func (s *Service) batchQueue(k slotKey) *batchQueue {
	q, _ := s.batches.LoadOrStore(k, &batchQueue{})
	return q.(*batchQueue)
}

// runBatches runs batches until own is answered, then hands what is queued
// to a new goroutine (so the leader's caller is not kept serving others).
func (s *Service) runBatches(q *batchQueue, own *batchCall) {
	for {
		q.mu.Lock()
		n := min(len(q.pending), maxBatch)
		calls := q.pending[:n:n]
		q.pending = q.pending[n:]
		q.mu.Unlock()
		s.runBatch(calls)
		q.mu.Lock()
		if len(q.pending) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		select {
		case <-own.done:
			go s.runBatches(q, &batchCall{done: closedChan})
			return
		default:
		}
	}
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// runBatch reserves calls in one transaction, each under a savepoint.
func (s *Service) runBatch(calls []*batchCall) {
	finish := func(err error) {
		for _, c := range calls {
			if err != nil && c.err == nil {
				c.res, c.err = nil, err
			}
			if c.res != nil {
				c.res = c.res.Unwrap()
			}
			close(c.done)
		}
	}
	ctx := authz.SystemContext(context.Background())
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		finish(err)
		return
	}
	tc := tx.Client()
	tctx := ent.NewContext(ctx, tc)
	for _, c := range calls {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			continue
		}
		err := savepoint(tctx, tc, func() error {
			r, err := s.Reserve(tctx, c.in)
			c.res = r
			return err
		})
		if err != nil {
			c.res, c.err = nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		finish(err)
		return
	}
	finish(nil)
}
