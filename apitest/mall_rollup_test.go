package apitest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/ent/skusalesday"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

// TestMallOrdersRollUp: the brand's own mall orders count in its store's
// figures as they are placed, paid, refunded, cancelled and expired, and the
// rollup rows maintained along the way equal a rebuild's (before, mall orders
// were rolled up only by the rebuild command).
func TestMallOrdersRollUp(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newMallWorld(t, b, 10, 2, 10, 1)
		pay := func(key string, o mallOrderOut) { t.Helper(); wantOK(t, w.act(t, "payMallOrder", key, o.ID)) }
		pay("p1", w.place(t, "a1", "alice", 1, nil, nil)) // 100.00
		pay("p2", w.place(t, "a2", "alice", 2, nil, nil)) // 200.00: alice repeats
		bob := w.place(t, "b1", "bob", 1, nil, nil)
		pay("p3", bob)
		wantOK(t, w.act(t, "refundMallOrder", "f3", bob.ID)) // paid 100.00, refunded
		carol := w.place(t, "c1", "carol", 1, nil, nil)
		wantOK(t, w.act(t, "cancelMallOrder", "x4", carol.ID)) // placed only
		var r reserveOut
		w.reserve(t, "r5", w.flash, w.skuA, "dave", 1).Decode(t, &r)
		w.place(t, "d1", "dave", 1, nil, []string{r.ReserveFlashSale.ID}) // placed, expires unpaid
		w.clock.Advance(11 * time.Minute)
		svc := &mallsvc.Service{Client: w.env.Client, Now: w.clock.Now}
		if res, err := svc.Expire(context.Background(), w.clock.Now()); err != nil || res.Orders != 1 {
			t.Fatalf("expire %+v %v", res, err)
		}
		w.place(t, "e1", "erin", 1, nil, nil) // still awaiting payment

		// Paid: alice 100 + 200, bob 100 (refunds not deducted); five buyers ordered.
		w.wantFigures(t, []int64{40000, 2, 3, 5, 10000, 1, 1})

		// 40 orders placed and paid at once by 10 new buyers, 4 each: the
		// buyer counts of the day (taken against the touched buyers' rows)
		// stay exact under concurrent writers.
		res := mallParallel(40, func(i int) *testenv.Response {
			var out struct{ PlaceMallOrder mallOrderOut }
			r := gql(t, w.env, w.mallTok, placeQ, map[string]any{"k": fmt.Sprintf("pp%d", i), "s": sid(w.storeA),
				"b": fmt.Sprintf("p%d", i%10), "lines": []any{map[string]any{"skuID": sid(w.skuA), "quantity": 1}}})
			if len(r.Errors) > 0 || json.Unmarshal(r.Data, &out) != nil {
				return r
			}
			return w.act(t, "payMallOrder", fmt.Sprintf("pay%d", i), out.PlaceMallOrder.ID)
		})
		for _, r := range res {
			wantOK(t, r)
		}
		w.wantFigures(t, []int64{440000, 12, 43, 15, 10000, 1, 11})

		maintained := rollupRows(t, w.env.Client, w.storeA)
		if err := rollup.Rebuild(sys, w.env.Client, w.storeA); err != nil {
			t.Fatal(err)
		}
		if rebuilt := rollupRows(t, w.env.Client, w.storeA); !slices.Equal(maintained, rebuilt) {
			t.Fatalf("maintained rollups\n%v\ndiffer from a rebuild\n%v", maintained, rebuilt)
		}
	})
}

// wantFigures checks store A's figures of 2026-06-18: paid amount (fen),
// paying buyers, paid orders, ordering buyers, refund amount (fen), refunded
// orders, repeat buyers.
func (w *mallWorld) wantFigures(t *testing.T, want []int64) {
	t.Helper()
	var out struct {
		StoreInsights struct {
			Figures struct {
				PaidAmount, RefundAmount                 moneyOut
				PayingBuyers, PaidOrders, OrderingBuyers int
				RefundedOrders, RepeatBuyers             int
			}
		}
	}
	mustOK(t, w.env, w.owner, `query($s: ID!) { storeInsights(storeID: $s, period: {kind: DAY, day: "2026-06-18"}) {
		figures { paidAmount { amount } refundAmount { amount } payingBuyers paidOrders orderingBuyers refundedOrders repeatBuyers } } }`,
		vars("s", w.storeA), &out)
	f := out.StoreInsights.Figures
	got := []int64{f.PaidAmount.fen(t), int64(f.PayingBuyers), int64(f.PaidOrders), int64(f.OrderingBuyers),
		f.RefundAmount.fen(t), int64(f.RefundedOrders), int64(f.RepeatBuyers)}
	if !slices.Equal(got, want) {
		t.Fatalf("figures (paid, paying, orders, ordering, refund, refunded, repeat) = %v, want %v", got, want)
	}
}

// rollupRows is a store's non-empty rollup rows as sorted text, ids left out.
func rollupRows(t *testing.T, c *ent.Client, storeID int) []string {
	t.Helper()
	var rows []string
	for _, d := range c.SalesDay.Query().Where(salesday.StoreID(storeID)).AllX(sys) {
		if d.PlacedOrders != 0 || d.PaidOrders != 0 || d.PaidAmount != 0 || d.RefundedOrders != 0 || d.RefundAmount != 0 {
			rows = append(rows, fmt.Sprintf("day %s %s %s: %d %d %d %d %d", d.Day, d.Buyer, d.Source,
				d.PlacedOrders, d.PaidOrders, d.PaidAmount, d.RefundedOrders, d.RefundAmount))
		}
	}
	for _, k := range c.SKUSalesDay.Query().Where(skusalesday.StoreID(storeID)).AllX(sys) {
		if k.Units != 0 || k.Amount != 0 {
			rows = append(rows, fmt.Sprintf("sku %d %s: %d %d", k.SkuID, k.Day, k.Units, k.Amount))
		}
	}
	for _, p := range c.SalesPeriod.Query().Where(salesperiod.StoreID(storeID)).AllX(sys) {
		v := fmt.Sprintf("%d %d %d %d %d %d %d %d %d", p.PlacedOrders, p.PaidOrders, p.PaidAmount, p.RefundedOrders,
			p.RefundAmount, p.PayingBuyers, p.OrderingBuyers, p.RepeatBuyers, p.ReturningBuyers)
		if v != "0 0 0 0 0 0 0 0 0" {
			rows = append(rows, fmt.Sprintf("period %s %s %q: %s", p.Kind, p.Start, p.Source, v))
		}
	}
	if len(rows) == 0 {
		t.Fatal("no rollup rows")
	}
	slices.Sort(rows)
	return rows
}

// TestMallOrdersParallelCampaigns: 30 orders, each with a 秒杀 reservation
// and a coupon (two campaigns whose rows every order updates), placed at
// once and then paid at once: no request fails (the campaign rows are locked
// in id order, the store row for the rollups without blocking the orders'
// foreign-key checks), and each campaign's books and the day's figures add up.
func TestMallOrdersParallelCampaigns(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		const n = 30
		w := newMallWorld(t, b, 2*n, 1, n, 1)
		resv, coupons := make([]string, n), make([]string, n)
		for i := range n {
			var r reserveOut
			w.reserve(t, fmt.Sprintf("r%d", i), w.flash, w.skuA, fmt.Sprintf("b%d", i), 1).Decode(t, &r)
			var cl struct{ ClaimCoupon struct{ ID string } }
			mustOK(t, w.env, w.mallTok, claimQ, vars("k", fmt.Sprintf("c%d", i), "c", w.coupon, "b", fmt.Sprintf("b%d", i)), &cl)
			resv[i], coupons[i] = r.ReserveFlashSale.ID, cl.ClaimCoupon.ID
		}
		ids := make([]string, n)
		for i, r := range mallParallel(n, func(i int) *testenv.Response {
			return gql(t, w.env, w.mallTok, placeQ, map[string]any{"k": fmt.Sprintf("o%d", i), "s": sid(w.storeA),
				"b": fmt.Sprintf("b%d", i), "lines": []any{map[string]any{"skuID": sid(w.skuA), "quantity": 1}},
				"coupons": []string{coupons[i]}, "resv": []string{resv[i]}})
		}) {
			wantOK(t, r)
			var out struct{ PlaceMallOrder mallOrderOut }
			r.Decode(t, &out)
			if out.PlaceMallOrder.Total.Amount != "5.00" {
				t.Fatalf("order %d: %+v", i, out.PlaceMallOrder)
			}
			ids[i] = out.PlaceMallOrder.ID
		}
		for _, r := range mallParallel(n, func(i int) *testenv.Response {
			return w.act(t, "payMallOrder", fmt.Sprintf("p%d", i), ids[i])
		}) {
			wantOK(t, r)
		}
		if given, reserved := w.budgets(t, w.flash); given != n*9000 || reserved != 0 {
			t.Fatalf("秒杀 given %d reserved %d, want %d and 0", given, reserved, n*9000)
		}
		if given, reserved := w.budgets(t, w.coupon); given != n*500 || reserved != 0 {
			t.Fatalf("coupon given %d reserved %d, want %d and 0", given, reserved, n*500)
		}
		w.wantFigures(t, []int64{n * 500, n, n, n, 0, 0, 0})
	})
}
