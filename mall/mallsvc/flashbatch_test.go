package mallsvc_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/flashreservation"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

// TestReserveBatchedConcurrency: group commit (decision 0227). 200 parallel
// ReserveBatched calls on a slot of 60 units — 67 buyers asking 3 times
// with a per-user limit of 2, and every tenth call repeating the key of the
// call before it — give exactly 60 units to distinct keys, every refusal is
// CONFLICT, repeats of one key answer one reservation, no buyer holds more
// than 2 (rows and quota), and the slot's books balance; with the calls
// spread over three services (replicas) on one database, on SQLite and
// PostgreSQL.
func TestReserveBatchedConcurrency(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newFlashWorld(t, b, 60, 2)
		ctx, c, now, sku, camp := w.ctx, w.c, w.now, w.sku, w.camp
		// Three services on one database: three replicas, each batching its
		// own callers; the database's conditional statements arbitrate.
		svcs := make([]*mallsvc.Service, 3)
		for i := range svcs {
			svcs[i] = &mallsvc.Service{Client: c, Now: func() time.Time { return now }}
		}
		key := func(i int) string {
			if i%10 == 9 {
				i-- // the same request again
			}
			return fmt.Sprintf("k%d", i)
		}
		buyer := func(i int) string {
			if i%10 == 9 {
				i--
			}
			return fmt.Sprintf("buyer%d", i/3)
		}
		res := make([]*ent.FlashReservation, 200)
		errs := make([]error, 200)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 200 {
			wg.Go(func() {
				<-start
				res[i], errs[i] = svcs[i%3].ReserveBatched(context.Background(), mallsvc.ReserveInput{Key: key(i),
					CampaignID: camp.ID, SKUID: sku.ID, BuyerRef: buyer(i), Quantity: 1})
			})
		}
		close(start)
		wg.Wait()
		byKey := map[string]int{}
		for i, err := range errs {
			var ae *apperr.Error
			if err != nil {
				if !errors.As(err, &ae) || ae.Code != apperr.Conflict {
					t.Fatalf("call %d: %v", i, err)
				}
				continue
			}
			if prev, ok := byKey[key(i)]; ok && prev != res[i].ID {
				t.Fatalf("key %s answered reservations %d and %d", key(i), prev, res[i].ID)
			}
			byKey[key(i)] = res[i].ID
		}
		if len(byKey) != 60 {
			t.Fatalf("%d keys got a reservation on 60 units", len(byKey))
		}
		rows := c.FlashReservation.Query().Where(flashreservation.CampaignID(camp.ID)).AllX(ctx)
		perBuyer := map[string]int{}
		for _, r := range rows {
			perBuyer[r.BuyerRef] += r.Quantity
		}
		for bref, n := range perBuyer {
			if n > 2 {
				t.Fatalf("%s holds %d, limit 2", bref, n)
			}
		}
		for _, q := range c.BuyerQuota.Query().AllX(ctx) {
			if q.Used != perBuyer[q.BuyerRef] {
				t.Fatalf("quota of %s is %d, rows %d", q.BuyerRef, q.Used, perBuyer[q.BuyerRef])
			}
		}
		slot := c.FlashSaleSlot.Query().OnlyX(ctx)
		if len(rows) != 60 || slot.Remaining != 0 || slot.Stock != 60 {
			t.Fatalf("%d rows, slot %d/%d", len(rows), slot.Remaining, slot.Stock)
		}
	})
}
