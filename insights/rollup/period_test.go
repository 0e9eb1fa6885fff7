package rollup_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/insights/insightsvc"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

type periodRow struct {
	Store                                  int
	Kind, Start, Source                    string
	Placed, Paid, Amount, Refunded, Refund int64
	Paying, Ordering, Repeat, Returning    int64
}

func periodRows(t *testing.T, ctx context.Context, c *ent.Client) []periodRow {
	t.Helper()
	rs, err := c.SalesPeriod.Query().Order(ent.Asc(salesperiod.FieldStoreID, salesperiod.FieldKind, salesperiod.FieldStart, salesperiod.FieldSource)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []periodRow
	for _, r := range rs {
		p := periodRow{r.StoreID, r.Kind, r.Start, r.Source, r.PlacedOrders, r.PaidOrders, r.PaidAmount, r.RefundedOrders,
			r.RefundAmount, r.PayingBuyers, r.OrderingBuyers, r.RepeatBuyers, r.ReturningBuyers}
		if p == (periodRow{Store: p.Store, Kind: p.Kind, Start: p.Start, Source: p.Source}) {
			continue // emptied by a delta: same as absent
		}
		out = append(out, p)
	}
	return out
}

// TestPeriodRollupIncrementalMatchesRebuild writes random pages of orders
// over ~14 months through the sync's write path (platformsync.WriteOrderPage),
// then rewrites a third of them (paid, refunded, cancelled, another buyer or
// source), and checks that the SalesPeriod rows maintained page by page equal
// a rebuild from the orders, and that every calendar period read from them
// equals the same days read as a custom range from the buyer-day rows.
func TestPeriodRollupIncrementalMatchesRebuild(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b)
		ctx := authz.SystemContext(context.Background())
		c := env.Client
		org := env.Org(t, "品牌甲", 0)
		var stores []*ent.Store
		for i := range 2 {
			stores = append(stores, c.Store.Create().SetOrganizationID(org).SetName(fmt.Sprint("店", i)).SetPlatform("TMALL").SaveX(ctx))
		}
		sh, _ := time.LoadLocation("Asia/Shanghai")
		gen := newOrderGen(7, 11, 25, nil)
		rng, random := gen.rng, gen.order
		written := map[int][]sdk.Order{}
		for i := range 12 {
			st := stores[i%2]
			var page []sdk.Order
			for range 25 {
				page = append(page, random(fmt.Sprint(len(written[st.ID])+len(page))))
			}
			if i == 0 { // a buyer back after more than 365 days: new again in 2026-10
				for _, day := range []time.Time{time.Date(2025, 9, 2, 10, 0, 0, 0, sh), time.Date(2026, 10, 5, 10, 0, 0, 0, sh)} {
					page = append(page, sdk.Order{ExternalID: fmt.Sprint("gap", day.Year()), Status: sdk.OrderCompleted, TotalFen: 500,
						PaidFen: 500, BuyerRef: "gap", TrafficSource: "CONTENT", CreatedAt: day, PaidAt: day, UpdatedAt: day})
				}
			}
			written[st.ID] = append(written[st.ID], page...)
			writePage(t, ctx, c, st, page)
		}
		// Updates: a later state of some orders, paged as a sync would.
		for _, st := range stores {
			var page []sdk.Order
			for i, o := range written[st.ID] {
				if i%3 != 0 {
					continue
				}
				n := random(o.ExternalID)
				n.CreatedAt = o.CreatedAt // the upsert keeps ordered_at
				if rng.IntN(2) == 0 {
					n.BuyerRef = o.BuyerRef
				}
				page = append(page, n)
				if len(page) == 20 {
					writePage(t, ctx, c, st, page)
					page = nil
				}
			}
			writePage(t, ctx, c, st, page)
		}
		incremental := periodRows(t, ctx, c)
		if len(incremental) == 0 {
			t.Fatal("no period rows")
		}
		if err := rollup.Rebuild(ctx, c); err != nil {
			t.Fatal(err)
		}
		rebuilt := periodRows(t, ctx, c)
		if missing, err := rollup.PeriodsMissing(ctx, c); err != nil || missing {
			t.Errorf("PeriodsMissing after a rebuild = %v, %v", missing, err)
		}
		if !slices.Equal(incremental, rebuilt) {
			t.Errorf("incremental ÷ rebuilt, %s", firstDiff(incremental, rebuilt))
			t.Fatalf("incremental %d rows, rebuilt %d rows", len(incremental), len(rebuilt))
		}

		// Every calendar period with orders: its rows give the same figures
		// as its days read as a custom range from the buyer-day rows.
		ids := []int{stores[0].ID, stores[1].ID}
		seen := map[string]bool{}
		checked := map[insights.Granularity]int{}
		for _, r := range rebuilt {
			key := r.Kind + r.Start
			if seen[key] || r.Source != rollup.AllSources {
				continue
			}
			seen[key] = true
			start, _ := insights.ParseDate(r.Start)
			p, _ := insights.PeriodOf(insights.Granularity(r.Kind), start)
			custom, err := insights.CustomPeriod(p.From, p.Last())
			if err != nil {
				t.Fatal(err)
			}
			cal, err := insightsvc.StoreTotals(ctx, c, ids, p)
			if err != nil {
				t.Fatal(err)
			}
			scan, err := insightsvc.StoreTotals(ctx, c, ids, custom)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if cal[id].Totals != scan[id].Totals {
					t.Errorf("%s store %d: period rows %+v, buyer-day scan %+v", p.Label(), id, cal[id].Totals, scan[id].Totals)
				}
				for _, s := range slices.Sorted(maps.Keys(scan[id].Sources)) {
					if cal[id].Sources[s] != scan[id].Sources[s] {
						t.Errorf("%s store %d source %s: period rows %+v, buyer-day scan %+v", p.Label(), id, s, cal[id].Sources[s], scan[id].Sources[s])
					}
				}
			}
			checked[p.Kind]++
		}
		// A database rolled up before SalesPeriod existed is detected.
		defer func() {
			c.SalesPeriod.Delete().ExecX(ctx)
			if missing, err := rollup.PeriodsMissing(ctx, c); err != nil || !missing {
				t.Errorf("PeriodsMissing without period rows = %v, %v", missing, err)
			}
		}()
		// The fixture must exercise every kind, returning and repeat buyers.
		var returning, repeat int64
		for _, r := range rebuilt {
			if r.Source == rollup.AllSources && r.Kind == string(insights.Month) {
				returning += r.Returning
				repeat += r.Repeat
			}
		}
		if checked[insights.Day] == 0 || checked[insights.Week] == 0 || checked[insights.Month] < 12 || checked[insights.Quarter] < 4 || returning == 0 || repeat == 0 {
			t.Errorf("weak fixture: periods %v, returning %d, repeat %d", checked, returning, repeat)
		}
	})
}
