package synctest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/pendingrollup"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/ent/skusalesday"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// checkRollups requires a store's rollups, after its sync job ended, to hold
// every synced order exactly once: nothing left in the rollup queue, and the
// rows equal to a rebuild from the stored orders (decision 0263: the pages
// queue their deltas, the runner drains them). It returns the number of
// buyer-day rows, so that a test can tell the store has some.
func (w *world) checkRollups(t testing.TB, storeID string) int {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	c := w.App.Client
	id := w.storeRowID(t, storeID)
	if n, err := c.PendingRollup.Query().Where(pendingrollup.StoreID(id)).Count(ctx); err != nil || n != 0 {
		t.Fatalf("%d rollup deltas still queued after the job ended (%v)", n, err)
	}
	synced := rollupRows(t, ctx, c, id)
	if err := rollup.Rebuild(ctx, c, id); err != nil {
		t.Fatal(err)
	}
	rebuilt := rollupRows(t, ctx, c, id)
	if !slices.Equal(synced, rebuilt) {
		for i := range max(len(synced), len(rebuilt)) {
			a, b := "", ""
			if i < len(synced) {
				a = synced[i]
			}
			if i < len(rebuilt) {
				b = rebuilt[i]
			}
			if a != b {
				t.Fatalf("rollups after the sync differ from a rebuild (%d rows, rebuilt %d); first difference:\nsynced  %s\nrebuilt %s",
					len(synced), len(rebuilt), a, b)
			}
		}
	}
	days := 0
	for _, r := range synced {
		if strings.HasPrefix(r, "day ") {
			days++
		}
	}
	return days
}

// rollupRows is a store's rollup rows as sorted text, rows that deltas
// emptied left out (the same as absent).
func rollupRows(t testing.TB, ctx context.Context, c *ent.Client, storeID int) []string {
	t.Helper()
	var out []string
	days, err := c.SalesDay.Query().Where(salesday.StoreID(storeID)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range days {
		if r.PlacedOrders != 0 || r.PaidOrders != 0 || r.PaidAmount != 0 || r.RefundedOrders != 0 || r.RefundAmount != 0 {
			out = append(out, fmt.Sprint("day ", r.Day, r.Buyer, r.Source, r.PlacedOrders, r.PaidOrders, r.PaidAmount, r.RefundedOrders, r.RefundAmount))
		}
	}
	skus, err := c.SKUSalesDay.Query().Where(skusalesday.StoreID(storeID)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range skus {
		if r.Units != 0 || r.Amount != 0 {
			out = append(out, fmt.Sprint("sku ", r.Day, r.SkuID, r.Units, r.Amount))
		}
	}
	periods, err := c.SalesPeriod.Query().Where(salesperiod.StoreID(storeID)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range periods {
		v := fmt.Sprint(r.PlacedOrders, r.PaidOrders, r.PaidAmount, r.RefundedOrders, r.RefundAmount, r.PayingBuyers, r.OrderingBuyers, r.RepeatBuyers, r.ReturningBuyers)
		if v != "0 0 0 0 0 0 0 0 0" {
			out = append(out, fmt.Sprint("period ", r.Kind, r.Start, r.Source, v))
		}
	}
	slices.Sort(out)
	return out
}

// storeRowID is a store's database id from its GraphQL id (ent's int ids).
func (w *world) storeRowID(t testing.TB, storeID string) int {
	t.Helper()
	id, err := strconv.Atoi(storeID)
	if err != nil {
		t.Fatalf("store id %q: %v", storeID, err)
	}
	return id
}

// queueLeftover writes a page of orders into a store the way a sync page
// commits (its rollup difference queued, not applied) and applies nothing:
// what a server killed right after that commit leaves behind.
func (w *world) queueLeftover(t testing.TB, storeID string) {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	st, err := w.App.Client.Store.Get(ctx, w.storeRowID(t, storeID))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(-time.Hour)
	var page []sdk.Order
	for i := range 5 {
		page = append(page, sdk.Order{ExternalID: fmt.Sprint("leftover-", i), Status: sdk.OrderPaid, TotalFen: 1200, PaidFen: 1200,
			BuyerRef: fmt.Sprint("buyer-", i%2), TrafficSource: "PAID", CreatedAt: now, PaidAt: now, UpdatedAt: now})
	}
	tx, err := w.App.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := platformsync.WriteOrderPage(ctx, tx, st, page, platformsync.RollupsQueued); err != nil {
		_ = tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := w.App.Client.PendingRollup.Query().Where(pendingrollup.StoreID(st.ID)).CountX(ctx); n != 1 {
		t.Fatalf("%d entries queued for one page", n)
	}
}

// TestQueueLeftByAStoppedServer: rollup deltas whose pages committed but
// that no drain applied (the server died between the two) are applied by
// the periodic rollups.drain task, or by the store's next sync before it
// fetches anything; either way the rollups then hold those orders exactly.
func TestQueueLeftByAStoppedServer(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		t.Run("periodic", func(t *testing.T) {
			w := newWorld(t, b, withConfig(func(c *app.Config) { c.RollupDrainEvery = 50 * time.Millisecond }))
			storeID := w.createStore(t, w.org, "TAOBAO")
			w.queueLeftover(t, storeID)
			ctx := authz.SystemContext(context.Background())
			deadline := time.Now().Add(15 * time.Second)
			for w.App.Client.PendingRollup.Query().ExistX(ctx) {
				if time.Now().After(deadline) {
					t.Fatal("the periodic drain left the queue as it was for 15 s")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if w.checkRollups(t, storeID) == 0 {
				t.Fatal("no buyer-day rows for the leftover orders")
			}
		})
		t.Run("next sync", func(t *testing.T) {
			g := startTaobao(t, fakeSize{Products: 4, Orders: 20})
			w := newWorld(t, b) // the periodic drain runs once a minute: not within this test
			storeID := w.connected(t, g)
			w.queueLeftover(t, storeID)
			w.sync(t, w.admin, storeID)
			w.checkRollups(t, storeID)
			ctx := authz.SystemContext(context.Background())
			n, err := w.App.Client.SalesDay.Query().Where(salesday.StoreID(w.storeRowID(t, storeID)), salesday.Buyer("buyer-0")).Count(ctx)
			if err != nil || n == 0 {
				t.Fatalf("the leftover orders are not in the rollups after the next sync (%d rows, %v)", n, err)
			}
		})
	})
}
