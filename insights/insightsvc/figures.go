package insightsvc

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"golang.org/x/sync/errgroup"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/insighttarget"
	"github.com/opsgraph/opsgraph/ent/metricsnapshot"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/salesperiod"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/insights/rollup"
)

// Figures are the totals of a period with the traffic sources.
type Figures struct {
	Totals  insights.Totals
	Sources map[string]insights.SourceFigures
}

// KPIs are the figures' ratios.
func (f Figures) KPIs() insights.KPIs { return insights.Compute(f.Totals) }

func (f *Figures) add(g Figures) {
	f.Totals = f.Totals.Add(g.Totals)
	if f.Sources == nil {
		f.Sources = map[string]insights.SourceFigures{}
	}
	for k, v := range g.Sources {
		s := f.Sources[k]
		s.Visitors += v.Visitors
		s.PayingBuyers += v.PayingBuyers
		s.PaidAmount += v.PaidAmount
		f.Sources[k] = s
	}
}

// PeriodFigures are the figures of one period for the whole scope and per
// store and organization.
type PeriodFigures struct {
	Period  insights.Period
	Total   Figures
	ByStore map[int]Figures
	ByOrg   map[int]Figures
}

// Result is a period with its 环比 and 同比 periods and the targets.
type Result struct {
	Scope    Scope
	Current  PeriodFigures
	Previous PeriodFigures
	YearAgo  PeriodFigures
	Targets  map[insights.Metric]float64
}

// Insights computes the figures of the scope for p, the previous period and
// the same period a year earlier. The three periods and the targets are read
// concurrently (decision 0205): each is a few grouped queries over the
// rollups for the whole scope, never one per store.
func Insights(ctx context.Context, c *ent.Client, sc Scope, p insights.Period) (*Result, error) {
	r := &Result{Scope: sc}
	g, gctx := errgroup.WithContext(ctx)
	for _, x := range []struct {
		dst *PeriodFigures
		p   insights.Period
	}{{&r.Current, p}, {&r.Previous, p.Previous()}, {&r.YearAgo, p.YearAgo()}} {
		g.Go(func() (err error) {
			*x.dst, err = periodFigures(gctx, c, sc, x.p)
			return err
		})
	}
	if sc.Org != nil && (p.Kind == insights.Month || p.Kind == insights.Quarter) {
		g.Go(func() error {
			ts, err := c.InsightTarget.Query().Where(insighttarget.OrganizationID(sc.Org.ID),
				insighttarget.PeriodKindEQ(insighttarget.PeriodKind(p.Kind)), insighttarget.PeriodStart(p.From.String())).All(gctx)
			if err != nil {
				return err
			}
			r.Targets = map[insights.Metric]float64{}
			for _, t := range ts {
				r.Targets[insights.Metric(t.Metric)] = t.Value
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return r, nil
}

func periodFigures(ctx context.Context, c *ent.Client, sc Scope, p insights.Period) (PeriodFigures, error) {
	pf := PeriodFigures{Period: p, ByStore: map[int]Figures{}, ByOrg: map[int]Figures{}}
	ids := sc.StoreIDs()
	if len(ids) == 0 {
		return pf, nil
	}
	by, err := StoreTotals(ctx, c, ids, p)
	if err != nil {
		return pf, err
	}
	orgOf := map[int]int{}
	for _, st := range sc.Stores {
		orgOf[st.ID] = st.OrganizationID
	}
	for id, f := range by {
		pf.ByStore[id] = f
		o := pf.ByOrg[orgOf[id]]
		o.add(f)
		pf.ByOrg[orgOf[id]] = o
		pf.Total.add(f)
	}
	return pf, nil
}

// StoreTotals reads the figures of each store for a period from the rollups
// and snapshots: a calendar period from its SalesPeriod rows, a custom range
// from the buyer-day rows.
func StoreTotals(ctx context.Context, c *ent.Client, storeIDs []int, p insights.Period) (map[int]Figures, error) {
	out := make(map[int]Figures, len(storeIDs))
	get := func(id int) Figures {
		f, ok := out[id]
		if !ok {
			f.Sources = map[string]insights.SourceFigures{}
		}
		return f
	}
	read := scanBuyerDays
	if p.Kind != insights.Custom {
		read = periodRows
	}
	if err := read(ctx, c, storeIDs, p, get, out); err != nil {
		return nil, err
	}
	if err := snapshotTotals(ctx, c, storeIDs, p, get, out); err != nil {
		return nil, err
	}
	return out, nil
}

// periodRows reads a calendar period's figures from the SalesPeriod rows:
// one row per store and source (decision 0220).
func periodRows(ctx context.Context, c *ent.Client, storeIDs []int, p insights.Period, get func(int) Figures, out map[int]Figures) error {
	rows, err := c.SalesPeriod.Query().Where(salesperiod.StoreIDIn(storeIDs...), salesperiod.Kind(string(p.Kind)),
		salesperiod.Start(p.From.String())).All(ctx)
	if err != nil {
		return fmt.Errorf("period totals: %w", err)
	}
	for _, r := range rows {
		f := get(r.StoreID)
		if r.Source == rollup.AllSources {
			f.Totals.PaidOrders, f.Totals.PaidAmount = r.PaidOrders, r.PaidAmount
			f.Totals.RefundedOrders, f.Totals.RefundAmount = r.RefundedOrders, r.RefundAmount
			f.Totals.PayingBuyers, f.Totals.OrderingBuyers = r.PayingBuyers, r.OrderingBuyers
			f.Totals.RepeatBuyers, f.Totals.ReturningBuyers = r.RepeatBuyers, r.ReturningBuyers
			f.Totals.NewBuyers = r.PayingBuyers - r.ReturningBuyers
		} else {
			sf := f.Sources[r.Source]
			sf.PayingBuyers += r.PayingBuyers
			sf.PaidAmount += r.PaidAmount
			f.Sources[r.Source] = sf
		}
		out[r.StoreID] = f
	}
	return nil
}

// scanBuyerDays computes a custom range's figures from the buyer-day rows
// (a custom range has no precomputed distinct buyers).
func scanBuyerDays(ctx context.Context, c *ent.Client, storeIDs []int, p insights.Period, get func(int) Figures, out map[int]Figures) error {
	from, to := p.From.String(), p.To.String()
	inPeriod := func() *ent.SalesDayQuery {
		return c.SalesDay.Query().Where(salesday.StoreIDIn(storeIDs...), salesday.DayGTE(from), salesday.DayLT(to))
	}

	// Orders: amounts, orders, distinct paying and ordering buyers.
	var sums []struct {
		StoreID        int   `json:"store_id"`
		PaidOrders     int64 `json:"paid_orders"`
		PaidAmount     int64 `json:"paid_amount"`
		RefundedOrders int64 `json:"refunded_orders"`
		RefundAmount   int64 `json:"refund_amount"`
		PayingBuyers   int64 `json:"paying_buyers"`
		OrderingBuyers int64 `json:"ordering_buyers"`
	}
	err := inPeriod().Modify(func(s *sql.Selector) {
		s.Select(s.C(salesday.FieldStoreID),
			sql.As(sum(s, salesday.FieldPaidOrders), "paid_orders"),
			sql.As(sum(s, salesday.FieldPaidAmount), "paid_amount"),
			sql.As(sum(s, salesday.FieldRefundedOrders), "refunded_orders"),
			sql.As(sum(s, salesday.FieldRefundAmount), "refund_amount"),
			sql.As(distinctBuyers(s, salesday.FieldPaidOrders), "paying_buyers"),
			sql.As(distinctBuyers(s, salesday.FieldPlacedOrders), "ordering_buyers"),
		).GroupBy(s.C(salesday.FieldStoreID))
	}).Scan(ctx, &sums)
	if err != nil {
		return fmt.Errorf("sales totals: %w", err)
	}
	for _, r := range sums {
		f := get(r.StoreID)
		f.Totals.PaidOrders, f.Totals.PaidAmount = r.PaidOrders, r.PaidAmount
		f.Totals.RefundedOrders, f.Totals.RefundAmount = r.RefundedOrders, r.RefundAmount
		f.Totals.PayingBuyers, f.Totals.OrderingBuyers = r.PayingBuyers, r.OrderingBuyers
		out[r.StoreID] = f
	}

	// 复购: paying buyers with two or more paid orders in the period.
	var repeat []struct {
		StoreID int `json:"store_id"`
		N       int `json:"n"`
	}
	err = inPeriod().Where(salesday.PaidOrdersGT(0)).Modify(func(s *sql.Selector) {
		s.Select(s.C(salesday.FieldStoreID), sql.As("COUNT(*)", "n")).
			GroupBy(s.C(salesday.FieldStoreID), s.C(salesday.FieldBuyer)).
			Having(sql.GTE(sum(s, salesday.FieldPaidOrders), 2))
	}).Scan(ctx, &repeat)
	if err != nil {
		return fmt.Errorf("repeat buyers: %w", err)
	}
	for _, r := range repeat {
		f := get(r.StoreID)
		f.Totals.RepeatBuyers++
		out[r.StoreID] = f
	}

	// 老买家: paying buyers with a paid order in the 365 days before.
	since := p.From.AddDays(-insights.ReturningWindowDays).String()
	var returning []struct {
		StoreID int   `json:"store_id"`
		N       int64 `json:"n"`
	}
	err = inPeriod().Where(salesday.PaidOrdersGT(0)).Modify(func(s *sql.Selector) {
		prior := sql.Table(salesday.Table).As("prior")
		s.Where(sql.Exists(sql.Select(prior.C(salesday.FieldID)).From(prior).Where(sql.And(
			sql.ColumnsEQ(prior.C(salesday.FieldStoreID), s.C(salesday.FieldStoreID)),
			sql.ColumnsEQ(prior.C(salesday.FieldBuyer), s.C(salesday.FieldBuyer)),
			sql.GTE(prior.C(salesday.FieldDay), since),
			sql.LT(prior.C(salesday.FieldDay), from),
			sql.GT(prior.C(salesday.FieldPaidOrders), 0),
		))))
		s.Select(s.C(salesday.FieldStoreID), sql.As("COUNT(DISTINCT "+s.C(salesday.FieldBuyer)+")", "n")).
			GroupBy(s.C(salesday.FieldStoreID))
	}).Scan(ctx, &returning)
	if err != nil {
		return fmt.Errorf("returning buyers: %w", err)
	}
	for _, r := range returning {
		f := get(r.StoreID)
		f.Totals.ReturningBuyers = r.N
		out[r.StoreID] = f
	}
	for id, f := range out {
		f.Totals.NewBuyers = f.Totals.PayingBuyers - f.Totals.ReturningBuyers
		out[id] = f
	}

	// Traffic sources of the orders.
	var sources []struct {
		StoreID      int    `json:"store_id"`
		Source       string `json:"source"`
		PayingBuyers int64  `json:"paying_buyers"`
		PaidAmount   int64  `json:"paid_amount"`
	}
	err = inPeriod().Modify(func(s *sql.Selector) {
		s.Select(s.C(salesday.FieldStoreID), s.C(salesday.FieldSource),
			sql.As(distinctBuyers(s, salesday.FieldPaidOrders), "paying_buyers"),
			sql.As(sum(s, salesday.FieldPaidAmount), "paid_amount"),
		).GroupBy(s.C(salesday.FieldStoreID), s.C(salesday.FieldSource))
	}).Scan(ctx, &sources)
	if err != nil {
		return fmt.Errorf("sources: %w", err)
	}
	for _, r := range sources {
		f := get(r.StoreID)
		sf := f.Sources[r.Source]
		sf.PayingBuyers += r.PayingBuyers
		sf.PaidAmount += r.PaidAmount
		f.Sources[r.Source] = sf
		out[r.StoreID] = f
	}

	return nil
}

// snapshotTotals adds the traffic of the platform's daily snapshots, summed
// in SQL: visitors and add-to-cart per store, and the visitors of each traffic
// source from the snapshots' JSON map (json_each / jsonb_each_text), so that
// no snapshot row is decoded in Go.
func snapshotTotals(ctx context.Context, c *ent.Client, storeIDs []int, p insights.Period, get func(int) Figures, out map[int]Figures) error {
	from, to := p.From.String(), p.To.String()
	inPeriod := func() *ent.MetricSnapshotQuery {
		return c.MetricSnapshot.Query().Where(metricsnapshot.StoreIDIn(storeIDs...), metricsnapshot.DayGTE(from), metricsnapshot.DayLT(to))
	}
	var totals []struct {
		StoreID   int   `json:"store_id"`
		Visitors  int64 `json:"visitors"`
		AddToCart int64 `json:"add_to_cart"`
	}
	err := inPeriod().Modify(func(s *sql.Selector) {
		s.Select(s.C(metricsnapshot.FieldStoreID),
			sql.As(sum(s, metricsnapshot.FieldVisitors), "visitors"),
			sql.As(sum(s, metricsnapshot.FieldAddToCart), "add_to_cart"),
		).GroupBy(s.C(metricsnapshot.FieldStoreID))
	}).Scan(ctx, &totals)
	if err != nil {
		return fmt.Errorf("snapshots: %w", err)
	}
	for _, r := range totals {
		f := get(r.StoreID)
		f.Totals.Visitors += r.Visitors
		f.Totals.AddToCart += r.AddToCart
		out[r.StoreID] = f
	}
	var sources []struct {
		StoreID  int    `json:"store_id"`
		Source   string `json:"source"`
		Visitors int64  `json:"visitors"`
	}
	err = inPeriod().Modify(func(s *sql.Selector) {
		ts := sql.Table("ts")
		each, value := "json_each("+s.C(metricsnapshot.FieldTrafficSources)+")", "SUM("+ts.C("value")+")"
		if s.Dialect() == dialect.Postgres {
			each, value = "jsonb_each_text("+s.C(metricsnapshot.FieldTrafficSources)+")", "SUM(CAST("+ts.C("value")+" AS BIGINT))"
		}
		s.AppendFromExpr(sql.Expr(each+" AS ts")).
			Select(s.C(metricsnapshot.FieldStoreID), sql.As(ts.C("key"), "source"), sql.As("COALESCE("+value+", 0)", "visitors")).
			GroupBy(s.C(metricsnapshot.FieldStoreID), ts.C("key"))
	}).Scan(ctx, &sources)
	if err != nil {
		return fmt.Errorf("snapshot sources: %w", err)
	}
	for _, r := range sources {
		f := get(r.StoreID)
		sf := f.Sources[r.Source]
		sf.Visitors += r.Visitors
		f.Sources[r.Source] = sf
		out[r.StoreID] = f
	}
	return nil
}

func sum(s *sql.Selector, col string) string { return "COALESCE(SUM(" + s.C(col) + "), 0)" }

func distinctBuyers(s *sql.Selector, cond string) string {
	return "COUNT(DISTINCT CASE WHEN " + s.C(cond) + " > 0 THEN " + s.C(salesday.FieldBuyer) + " END)"
}

// Today is the business day of now in Asia/Shanghai (the default zone), used
// when a period is given without a day.
func Today(now time.Time) insights.Date {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	return insights.DateOf(now, loc)
}

// Comparison is a KPI with its 环比, 同比 and target.
type Comparison struct {
	Metric                        insights.Metric
	Value, Previous, YearAgo      float64
	PreviousChange, YearAgoChange *float64 // nil when the base is 0
	Target, Progress              *float64 // nil without a target
}

// Comparisons are every KPI of the result with its 环比, 同比 and target
// (organizationInsights' kpis, the client report's tiles).
func (r *Result) Comparisons() []Comparison {
	cur, prev, year := r.Current.Total.KPIs(), r.Previous.Total.KPIs(), r.YearAgo.Total.KPIs()
	out := make([]Comparison, 0, len(insights.Metrics))
	for _, m := range insights.Metrics {
		v, _ := cur.Value(m)
		pv, _ := prev.Value(m)
		yv, _ := year.Value(m)
		c := Comparison{Metric: m, Value: v, Previous: pv, YearAgo: yv,
			PreviousChange: insights.Compare(v, pv).Relative, YearAgoChange: insights.Compare(v, yv).Relative}
		if t, ok := r.Targets[m]; ok {
			c.Target = &t
			c.Progress = insights.Progress(v, t)
		}
		out = append(out, c)
	}
	return out
}
