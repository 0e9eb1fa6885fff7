package synctest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/pendingrollup"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/ent/skusalesday"
	"github.com/opsgraph/opsgraph/insights/rollup"
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
