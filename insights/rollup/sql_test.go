package rollup_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// TestRollupStatementsKeepBuyers checks the hand-written rollup statements
// (decision 0250) with buyer references that need escaping in the JSON rows
// SQLite reads (quote, backslash, control characters, CJK and emoji, and on
// SQLite bytes that are not UTF-8): the buyer-day rows keep them byte for
// byte, and a second page for the same buyers finds their rows, so that each
// is counted once in the month (hand-computed: 6 paying buyers, all repeat,
// 12 paid orders; a buyer the read missed would count twice and not repeat).
func TestRollupStatementsKeepBuyers(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b)
		ctx := authz.SystemContext(context.Background())
		c := env.Client
		org := env.Org(t, "品牌甲", 0)
		st := c.Store.Create().SetOrganizationID(org).SetName("店").SetPlatform("TMALL").SaveX(ctx)
		buyers := []string{`a"b`, `c\d`, "e\nf", "g\th\x01", "顾客😀", "plain"}
		if b.Name == "sqlite" {
			buyers[5] = "x\xffy" // PostgreSQL text refuses it; SQLite keeps bytes
		}
		sh, _ := time.LoadLocation("Asia/Shanghai")
		for day := range 2 {
			at := time.Date(2026, 3, 2+day, 10, 0, 0, 0, sh)
			var page []sdk.Order
			for i, buyer := range buyers {
				page = append(page, sdk.Order{ExternalID: fmt.Sprint(day, "-", i), Status: sdk.OrderCompleted, TotalFen: 1000, PaidFen: 1000,
					BuyerRef: buyer, TrafficSource: "CONTENT", CreatedAt: at, PaidAt: at, UpdatedAt: at})
			}
			writePage(t, ctx, c, st, page)
		}
		stored, err := c.SalesDay.Query().Where(salesday.StoreID(st.ID), salesday.Day("2026-03-02")).Select(salesday.FieldBuyer).Strings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(stored)
		want := slices.Sorted(slices.Values(buyers))
		if !slices.Equal(stored, want) {
			t.Errorf("buyer-day buyers %q, want %q", stored, want)
		}
		for _, src := range []string{"", "CONTENT"} {
			m, err := c.SalesPeriod.Query().Where(salesperiod.StoreID(st.ID), salesperiod.Kind("MONTH"), salesperiod.Start("2026-03-01"),
				salesperiod.Source(src)).Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if m.PayingBuyers != 6 || m.RepeatBuyers != 6 || m.OrderingBuyers != 6 || m.PaidOrders != 12 || m.PaidAmount != 12000 || m.ReturningBuyers != 0 {
				t.Errorf("month 2026-03 source %q: paying %d repeat %d ordering %d paid orders %d amount %d returning %d, want 6 6 6 12 12000 0",
					src, m.PayingBuyers, m.RepeatBuyers, m.OrderingBuyers, m.PaidOrders, m.PaidAmount, m.ReturningBuyers)
			}
		}
	})
}
