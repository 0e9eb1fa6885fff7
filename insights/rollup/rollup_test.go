package rollup_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

type row struct {
	Day, Buyer, Source                                 string
	Placed, Paid, Amount, RefundedOrders, RefundAmount int64
}

func rows(t *testing.T, ctx context.Context, c *ent.Client, store int) []row {
	t.Helper()
	rs, err := c.SalesDay.Query().Where(salesday.StoreID(store)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []row
	for _, r := range rs {
		if r.PlacedOrders == 0 && r.PaidOrders == 0 && r.PaidAmount == 0 && r.RefundedOrders == 0 && r.RefundAmount == 0 {
			continue // emptied by a delta: same as absent
		}
		out = append(out, row{r.Day, r.Buyer, r.Source, r.PlacedOrders, r.PaidOrders, r.PaidAmount, r.RefundedOrders, r.RefundAmount})
	}
	slices.SortFunc(out, func(a, b row) int {
		if a.Day != b.Day {
			return compare(a.Day, b.Day)
		}
		return compare(a.Buyer+a.Source, b.Buyer+b.Source)
	})
	return out
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestDeltasMatchRebuild writes orders the way a sync does (load, upsert,
// load, apply) through a payment, a refund and an update, and checks the
// rollup against hand-computed rows and against a rebuild from the orders.
func TestDeltasMatchRebuild(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b)
		ctx := authz.SystemContext(context.Background())
		c := env.Client
		org := env.Org(t, "品牌甲", 0)
		st := c.Store.Create().SetOrganizationID(org).SetName("天猫旗舰店").SetPlatform("TMALL").SaveX(ctx)
		sh, _ := time.LoadLocation("Asia/Shanghai")
		at := func(day string, hour int) time.Time {
			d, _ := time.ParseInLocation(time.DateOnly, day, sh)
			return d.Add(time.Duration(hour) * time.Hour)
		}
		upsert := func(ext string, set func(*ent.OrderCreate)) {
			t.Helper()
			before, err := rollup.Load(ctx, c, st.ID, []string{ext})
			if err != nil {
				t.Fatal(err)
			}
			if len(before) == 0 {
				oc := c.Order.Create().SetStoreID(st.ID).SetPlatform("TMALL").SetExternalID(ext)
				set(oc)
				oc.SaveX(ctx)
			} else {
				oc := c.Order.Create().SetStoreID(st.ID).SetPlatform("TMALL").SetExternalID(ext)
				set(oc)
				m := oc.Mutation()
				u := c.Order.UpdateOneID(before[0].ID)
				if v, ok := m.Status(); ok {
					u.SetStatus(v)
				}
				if v, ok := m.PaidAt(); ok {
					u.SetPaidAt(v)
				}
				if v, ok := m.Paid(); ok {
					u.SetPaid(v)
				}
				u.ExecX(ctx)
			}
			after, err := rollup.Load(ctx, c, st.ID, []string{ext})
			if err != nil {
				t.Fatal(err)
			}
			if err := rollup.Apply(ctx, c, st, before, after); err != nil {
				t.Fatal(err)
			}
		}
		// 23:30 on 11-10 in Shanghai is 15:30 UTC: the business day is 11-10.
		upsert("1", func(o *ent.OrderCreate) {
			o.SetStatus(order.StatusPENDING_PAYMENT).SetTotal(10000).SetBuyerRef("tb_a").SetTrafficSource("NATURAL_SEARCH").
				SetOrderedAt(at("2026-11-10", 23).Add(30 * time.Minute))
		})
		// Paid after midnight: placed 11-10, paid 11-11.
		upsert("1", func(o *ent.OrderCreate) {
			o.SetStatus(order.StatusPAID).SetPaid(10000).SetPaidAt(at("2026-11-11", 0).Add(5 * time.Minute))
		})
		upsert("2", func(o *ent.OrderCreate) {
			o.SetStatus(order.StatusPAID).SetTotal(5000).SetPaid(5000).SetBuyerRef("tb_a").SetTrafficSource("NATURAL_SEARCH").
				SetOrderedAt(at("2026-11-11", 10)).SetPaidAt(at("2026-11-11", 10))
		})
		upsert("3", func(o *ent.OrderCreate) {
			o.SetStatus(order.StatusCOMPLETED).SetTotal(8000).SetPaid(8000).SetTrafficSource("CONTENT").
				SetOrderedAt(at("2026-11-11", 12)).SetPaidAt(at("2026-11-11", 12))
		})
		// Refunded later: stays paid on 11-11, now also refunded.
		upsert("2", func(o *ent.OrderCreate) { o.SetStatus(order.StatusREFUNDED) })
		// Placed and cancelled: an ordering buyer, not a paying one.
		upsert("4", func(o *ent.OrderCreate) {
			o.SetStatus(order.StatusCANCELLED).SetTotal(3000).SetBuyerRef("tb_b").SetTrafficSource("PAID").
				SetOrderedAt(at("2026-11-11", 13))
		})
		o3 := c.Order.Query().Where(order.ExternalID("3")).OnlyX(ctx)
		anon := "#" + strconv.Itoa(o3.ID)
		want := []row{
			{"2026-11-10", "tb_a", "NATURAL_SEARCH", 1, 0, 0, 0, 0},
			{"2026-11-11", anon, "CONTENT", 1, 1, 8000, 0, 0},
			{"2026-11-11", "tb_a", "NATURAL_SEARCH", 1, 2, 15000, 1, 5000},
			{"2026-11-11", "tb_b", "PAID", 1, 0, 0, 0, 0},
		}
		got := rows(t, ctx, c, st.ID)
		if !slices.Equal(got, want) {
			t.Errorf("incremental rollup\n got %+v\nwant %+v", got, want)
		}
		if err := rollup.Rebuild(ctx, c, st.ID); err != nil {
			t.Fatal(err)
		}
		if got := rows(t, ctx, c, st.ID); !slices.Equal(got, want) {
			t.Errorf("rebuilt rollup\n got %+v\nwant %+v", got, want)
		}
	})
}
