package mallsvc_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

// TestReserveBatchSetBased: a batch that fits costs the same number of SQL
// statements for 4 reservations as for 48 (decision 0240: set-based, not
// one round per request), answers each call (a key reserved in an earlier
// batch replays, the same key with other arguments is CONFLICT on
// idempotencyKey, a buyer at the limit is CONFLICT on quantity while the
// rest of the batch succeeds), and a batch the slot cannot serve whole
// still takes exactly the units left; on SQLite and PostgreSQL.
func TestReserveBatchSetBased(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		const stock = 110
		w := newFlashWorld(t, b, stock, 1)
		env, ctx, c, now, sku, camp := w.env, w.ctx, w.c, w.now, w.sku, w.camp
		svc := &mallsvc.Service{Client: c, Now: func() time.Time { return now }}
		in := func(key, buyer string) mallsvc.ReserveInput {
			return mallsvc.ReserveInput{Key: key, CampaignID: camp.ID, SKUID: sku.ID, BuyerRef: buyer, Quantity: 1}
		}
		batch := func(prefix string, n int) []mallsvc.ReserveInput {
			out := make([]mallsvc.ReserveInput, n)
			for i := range out {
				out[i] = in(fmt.Sprintf("%s%d", prefix, i), fmt.Sprintf("%s-buyer%d", prefix, i))
			}
			return out
		}
		run := func(ins []mallsvc.ReserveInput) (int64, []error) {
			before := env.Statements.Load()
			_, errs := svc.RunOneBatch(ins)
			return env.Statements.Load() - before, errs
		}
		run(batch("warm", 1)) // the slot's record and the campaign's targets
		small, errs := run(batch("s", 4))
		for i, err := range errs {
			if err != nil {
				t.Fatalf("small batch call %d: %v", i, err)
			}
		}
		big, errs := run(batch("b", 48))
		for i, err := range errs {
			if err != nil {
				t.Fatalf("big batch call %d: %v", i, err)
			}
		}
		if small != big {
			t.Fatalf("statements: %d for 4 reservations, %d for 48 (want the same)", small, big)
		}
		// Replays, a reused key, a buyer at the limit, and new calls in one batch.
		mixed := append([]mallsvc.ReserveInput{in("s0", "s-buyer0"), in("s1", "someone-else"), in("new0", "b-buyer3")},
			batch("m", 5)...)
		_, errs = svc.RunOneBatch(mixed)
		code := func(err error) (string, string) {
			if ae, ok := err.(*apperr.Error); ok {
				return string(ae.Code), ae.Field
			}
			return fmt.Sprint(err), ""
		}
		if errs[0] != nil {
			t.Fatalf("replay: %v", errs[0])
		}
		if c, f := code(errs[1]); c != string(apperr.Conflict) || f != "idempotencyKey" {
			t.Fatalf("reused key: %s on %s", c, f)
		}
		if c, f := code(errs[2]); c != string(apperr.Conflict) || f != "quantity" {
			t.Fatalf("buyer at the limit: %s on %s", c, f)
		}
		for i, err := range errs[3:] {
			if err != nil {
				t.Fatalf("mixed batch new call %d: %v", i, err)
			}
		}
		// 1 + 4 + 48 + 5 = 58 taken; 52 left, asked 60 times in one batch.
		_, errs = svc.RunOneBatch(batch("t", 60))
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if c, f := code(err); c != string(apperr.Conflict) || f != "quantity" {
				t.Fatalf("tail refusal: %s on %s", c, f)
			}
		}
		slot := c.FlashSaleSlot.Query().OnlyX(ctx)
		if ok != stock-58 || slot.Remaining != 0 {
			t.Fatalf("tail batch: %d served of %d left; remaining %d", ok, stock-58, slot.Remaining)
		}
		if n := c.FlashReservation.Query().CountX(ctx); n != stock {
			t.Fatalf("%d reservation rows for %d units", n, stock)
		}
	})
}
