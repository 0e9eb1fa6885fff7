package insightsvc

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/metricsnapshot"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/insights/rollup"
)

// Day is one business day's figures of a scope (the GMV trend).
type Day struct {
	Day        insights.Date
	PaidAmount int64
	PaidOrders int64
	Visitors   int64
}

// Daily reads the scope's paid amount, paid orders and visitors per day of p
// from the day rows of the period rollup (SalesPeriod) and the snapshots (two grouped statements),
// one entry per day of the period, days without figures included: the days
// add up to the period's totals.
func Daily(ctx context.Context, c *ent.Client, sc Scope, p insights.Period) ([]Day, error) {
	out := make([]Day, p.Days())
	for i := range out {
		out[i].Day = p.From.AddDays(i)
	}
	ids := sc.StoreIDs()
	if len(ids) == 0 {
		return out, nil
	}
	from, to := p.From.String(), p.To.String()
	index := map[string]int{}
	for i, d := range out {
		index[d.Day.String()] = i
	}
	var sales []struct {
		Day        string `json:"day"`
		PaidAmount int64  `json:"paid_amount"`
		PaidOrders int64  `json:"paid_orders"`
	}
	err := c.SalesPeriod.Query().Where(salesperiod.StoreIDIn(ids...), salesperiod.Kind(string(insights.Day)),
		salesperiod.Source(rollup.AllSources), salesperiod.StartGTE(from), salesperiod.StartLT(to)).
		Modify(func(s *sql.Selector) {
			s.Select(sql.As(s.C(salesperiod.FieldStart), "day"),
				sql.As(sum(s, salesperiod.FieldPaidAmount), "paid_amount"),
				sql.As(sum(s, salesperiod.FieldPaidOrders), "paid_orders"),
			).GroupBy(s.C(salesperiod.FieldStart))
		}).Scan(ctx, &sales)
	if err != nil {
		return nil, fmt.Errorf("daily sales: %w", err)
	}
	for _, r := range sales {
		if i, ok := index[r.Day]; ok {
			out[i].PaidAmount, out[i].PaidOrders = r.PaidAmount, r.PaidOrders
		}
	}
	var visits []struct {
		Day      string `json:"day"`
		Visitors int64  `json:"visitors"`
	}
	err = c.MetricSnapshot.Query().Where(metricsnapshot.StoreIDIn(ids...), metricsnapshot.DayGTE(from), metricsnapshot.DayLT(to)).
		Modify(func(s *sql.Selector) {
			s.Select(s.C(metricsnapshot.FieldDay), sql.As(sum(s, metricsnapshot.FieldVisitors), "visitors")).
				GroupBy(s.C(metricsnapshot.FieldDay))
		}).Scan(ctx, &visits)
	if err != nil {
		return nil, fmt.Errorf("daily visitors: %w", err)
	}
	for _, r := range visits {
		if i, ok := index[r.Day]; ok {
			out[i].Visitors = r.Visitors
		}
	}
	return out, nil
}
