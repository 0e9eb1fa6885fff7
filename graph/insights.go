package graph

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	relay "github.com/opsgraph/opsgraph/relay"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/predicate"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/graph/model"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/insights/insightsvc"
)

// The GraphQL side of operations insights: parse periods, call insightsvc,
// translate its results.

func today() insights.Date { return insightsvc.Today(time.Now()) }

func parseDay(field, s string) (insights.Date, error) {
	d, err := insights.ParseDate(s)
	if err != nil {
		return d, apperr.Input(field, "must be a day YYYY-MM-DD")
	}
	return d, nil
}

func parsePeriod(in model.PeriodInput) (insights.Period, error) {
	if in.Kind == model.PeriodKindCustom {
		if in.From == nil || in.To == nil {
			return insights.Period{}, apperr.Input("period.from", "CUSTOM needs from and to")
		}
		from, err := parseDay("period.from", *in.From)
		if err != nil {
			return insights.Period{}, err
		}
		to, err := parseDay("period.to", *in.To)
		if err != nil {
			return insights.Period{}, err
		}
		p, err := insights.CustomPeriod(from, to)
		if err != nil {
			return p, apperr.Input("period.to", "must be on or after from, at most %d days", insights.MaxCustomDays)
		}
		return p, nil
	}
	day := today()
	if in.Day != nil {
		d, err := parseDay("period.day", *in.Day)
		if err != nil {
			return insights.Period{}, err
		}
		day = d
	}
	p, err := insights.PeriodOf(insights.Granularity(in.Kind), day)
	if err != nil {
		return p, apperr.Input("period.kind", "unknown kind")
	}
	return p, nil
}

func periodOut(p insights.Period) *model.InsightPeriod {
	return &model.InsightPeriod{Kind: model.PeriodKind(p.Kind), Label: p.Label(), From: p.From.String(), To: p.Last().String(), Days: p.Days()}
}

func figuresOut(f insightsvc.Figures) *model.InsightFigures {
	k := f.KPIs()
	return &model.InsightFigures{
		PaidAmount: schematype.Money(k.PaidAmount), PayingBuyers: int(k.PayingBuyers), PaidOrders: int(k.PaidOrders),
		AverageOrderValue: schematype.Money(k.AverageOrderValue), Visitors: int(k.Visitors), AddToCart: int(k.AddToCart),
		OrderingBuyers: int(k.OrderingBuyers), ConversionRate: k.ConversionRate, UvValue: schematype.Money(k.UVValue),
		RefundAmount: schematype.Money(k.RefundAmount), RefundedOrders: int(k.RefundedOrders), RefundRate: k.RefundRate,
		NewBuyers: int(k.NewBuyers), ReturningBuyers: int(k.ReturningBuyers), RepeatBuyers: int(k.RepeatBuyers),
		RepurchaseRate: k.RepurchaseRate,
	}
}

// scopeErr maps the service's not-found to NOT_FOUND.
func scopeErr(err error) error {
	if errors.Is(err, insightsvc.ErrNotFound) {
		return apperr.New(apperr.NotFound, "not found")
	}
	return err
}

func (r *Resolver) insightsFor(ctx context.Context, sc insightsvc.Scope, period model.PeriodInput) (*model.Insights, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	res, err := insightsvc.Insights(ctx, r.Client, sc, p)
	if err != nil {
		return nil, err
	}
	cur := res.Current.Total.KPIs()
	out := &model.Insights{
		Period: periodOut(res.Current.Period), PreviousPeriod: periodOut(res.Previous.Period), YearAgoPeriod: periodOut(res.YearAgo.Period),
		Figures: figuresOut(res.Current.Total), Previous: figuresOut(res.Previous.Total), YearAgo: figuresOut(res.YearAgo.Total),
		Result: res,
	}
	for _, c := range res.Comparisons() {
		k := &model.KPIComparison{Metric: model.InsightMetric(c.Metric), Value: c.Value, Previous: c.Previous, YearAgo: c.YearAgo,
			PreviousChange: c.PreviousChange, YearAgoChange: c.YearAgoChange, Target: c.Target, TargetProgress: c.Progress}
		if c.Target != nil {
			d := c.Value - *c.Target
			k.TargetDelta = &d
		}
		out.Kpis = append(out.Kpis, k)
	}
	for _, s := range insights.Funnel(cur.Totals) {
		out.Funnel = append(out.Funnel, &model.FunnelStage{Name: s.Name, Count: int(s.Count), RateFromPrevious: s.FromPrev, RateFromTop: s.FromTop})
	}
	for _, s := range insights.TrafficMix(res.Current.Total.Sources) {
		out.TrafficMix = append(out.TrafficMix, &model.TrafficSourceShare{Source: s.Source, Visitors: int(s.Visitors), Share: s.Share,
			PayingBuyers: int(s.PayingBuyers), ConversionRate: s.ConversionRate, PaidAmount: schematype.Money(s.PaidAmount), AmountShare: s.AmountShare})
	}
	for _, o := range sc.Orgs {
		out.ByOrganization = append(out.ByOrganization, &model.OrganizationFigures{Organization: o, Figures: figuresOut(res.Current.ByOrg[o.ID])})
	}
	for _, st := range sc.Stores {
		out.ByStore = append(out.ByStore, &model.StoreFigures{Store: st, Figures: figuresOut(res.Current.ByStore[st.ID])})
	}
	return out, nil
}

func (r *Resolver) storeInsights(ctx context.Context, storeID int, period model.PeriodInput) (*model.Insights, error) {
	sc, err := insightsvc.StoreScope(ctx, r.Client, storeID)
	if err != nil {
		return nil, scopeErr(err)
	}
	return r.insightsFor(ctx, sc, period)
}

func (r *Resolver) organizationInsights(ctx context.Context, orgID int, period model.PeriodInput) (*model.Insights, error) {
	sc, err := insightsvc.OrgScope(ctx, r.Client, orgID)
	if err != nil {
		return nil, scopeErr(err)
	}
	return r.insightsFor(ctx, sc, period)
}

func (r *Resolver) repurchase30(ctx context.Context, obj *model.Insights) (*model.Repurchase30, error) {
	res := obj.Result
	f, rp, err := insightsvc.Repurchase30(ctx, r.Client, res.Scope, res.Current.Period)
	if err != nil {
		return nil, err
	}
	return &model.Repurchase30{FirstTimeBuyers: int(f), Repurchased: int(rp), Rate: insights.Ratio(rp, f)}, nil
}

func (r *Resolver) setInsightTarget(ctx context.Context, orgID int, kind model.TargetPeriodKind, day string, metric model.InsightMetric, value float64) (*model.InsightTargetValue, error) {
	d, err := parseDay("day", day)
	if err != nil {
		return nil, err
	}
	c := r.client(ctx)
	org, err := c.Organization.Get(ctx, orgID)
	if err != nil {
		return nil, err
	}
	p, err := insightsvc.SetTarget(ctx, c, orgID, insights.Granularity(kind), d, insights.Metric(metric), value)
	if fe, ok := insights.AsFieldError(err); ok {
		return nil, apperr.Input(fe.Field, "%s", fe.Reason)
	}
	if err != nil {
		return nil, err
	}
	return &model.InsightTargetValue{Organization: org, Period: periodOut(p), Metric: metric, Value: value}, nil
}

func rfmSettingsOut(c insights.RFMConfig) *model.RFMSettings {
	out := &model.RFMSettings{Mode: model.RFMThresholdMode(c.Mode), WindowDays: c.WindowDays}
	switch c.Mode {
	case insights.ByQuantile:
		out.Quantile = &c.Quantile
	case insights.Fixed:
		r, f, m := c.RecencyDays, int(c.Frequency), schematype.Money(c.Monetary)
		out.RecencyDays, out.Frequency, out.Monetary = &r, &f, &m
	}
	return out
}

func (r *Resolver) setRFMSettings(ctx context.Context, orgID int, in model.RFMSettingsInput) (*model.RFMSettings, error) {
	cfg := insights.RFMConfig{Mode: insights.ThresholdMode(in.Mode)}
	if in.Quantile != nil {
		cfg.Quantile = *in.Quantile
	}
	if in.RecencyDays != nil {
		cfg.RecencyDays = *in.RecencyDays
	}
	if in.Frequency != nil {
		cfg.Frequency = int64(*in.Frequency)
	}
	if in.Monetary != nil {
		cfg.Monetary = int64(*in.Monetary)
	}
	if in.WindowDays != nil {
		cfg.WindowDays = *in.WindowDays
		if cfg.WindowDays < 1 {
			return nil, apperr.Input("input.windowDays", "must be between 1 and 3650")
		}
	}
	if cfg.Mode == insights.Fixed && (in.RecencyDays == nil || in.Frequency == nil || in.Monetary == nil) {
		return nil, apperr.Input("input.recencyDays", "FIXED needs recencyDays, frequency and monetary")
	}
	if err := insightsvc.SetRFMConfig(ctx, r.client(ctx), orgID, cfg); err != nil {
		if fe, ok := insights.AsFieldError(err); ok {
			return nil, apperr.Input("input."+fe.Field, "%s", fe.Reason)
		}
		return nil, err
	}
	stored, err := insightsvc.RFMConfig(ctx, r.client(ctx), orgID)
	if err != nil {
		return nil, err
	}
	return rfmSettingsOut(stored), nil
}

func asOfDay(asOf *string) (insights.Date, error) {
	if asOf == nil {
		return today().AddDays(-1), nil
	}
	return parseDay("asOf", *asOf)
}

func (r *Resolver) rfmResult(ctx context.Context, orgID int, asOf *string) (*insightsvc.RFMResult, error) {
	day, err := asOfDay(asOf)
	if err != nil {
		return nil, err
	}
	sc, err := insightsvc.OrgScope(ctx, r.Client, orgID)
	if err != nil {
		return nil, scopeErr(err)
	}
	cfg, err := insightsvc.RFMConfig(ctx, r.Client, orgID)
	if err != nil {
		return nil, err
	}
	return insightsvc.RFM(ctx, r.Client, sc, cfg, day)
}

func (r *Resolver) rfm(ctx context.Context, orgID int, asOf *string) (*model.RFMAnalysis, error) {
	res, err := r.rfmResult(ctx, orgID, asOf)
	if err != nil {
		return nil, err
	}
	out := &model.RFMAnalysis{
		AsOf: res.AsOf.String(), Settings: rfmSettingsOut(res.Config), Buyers: len(res.Buyers),
		Thresholds: &model.RFMThresholds{RecencyDays: res.Thresholds.Recency, Frequency: res.Thresholds.Frequency,
			Monetary: schematype.Money(int64(res.Thresholds.Monetary + 0.5))},
	}
	for _, s := range res.Segments {
		out.Segments = append(out.Segments, &model.RFMSegmentSummary{Segment: model.RFMSegment(s.Segment),
			Name: insights.SegmentNames[s.Segment], Buyers: int(s.Buyers), Gmv: schematype.Money(s.Monetary),
			Share: insights.Ratio(s.Buyers, int64(len(res.Buyers)))})
	}
	return out, nil
}

func cursorString(offset int) string {
	var b bytes.Buffer
	relay.Cursor[int]{ID: offset}.MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}

func (r *Resolver) rfmBuyers(ctx context.Context, orgID int, segment model.RFMSegment, asOf *string, first *int, after *string) (*model.RFMBuyerConnection, error) {
	n := 20
	if first != nil {
		if *first < 1 || *first > 100 {
			return nil, apperr.Input("first", "must be between 1 and 100")
		}
		n = *first
	}
	start := 0
	if after != nil {
		var c relay.Cursor[int]
		if err := c.UnmarshalGQL(*after); err != nil || c.ID < 0 {
			return nil, apperr.Input("after", "is not a cursor of this connection")
		}
		start = c.ID + 1
	}
	res, err := r.rfmResult(ctx, orgID, asOf)
	if err != nil {
		return nil, err
	}
	var in []insightsvc.StoreBuyer
	for _, b := range res.Buyers {
		if b.Segment == insights.Segment(segment) {
			in = append(in, b)
		}
	}
	stores := map[int]*ent.Store{}
	end := min(start+n, len(in))
	conn := &model.RFMBuyerConnection{TotalCount: len(in), PageInfo: &relay.PageInfo[int]{}}
	var ids []int
	for i := start; i < end; i++ {
		ids = append(ids, in[i].StoreID)
	}
	if len(ids) > 0 {
		sts, err := r.Client.Store.Query().Where(storeIDIn(ids)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range sts {
			stores[s.ID] = s
		}
	}
	for i := start; i < end; i++ {
		b := in[i]
		conn.Edges = append(conn.Edges, &model.RFMBuyerEdge{Cursor: cursorString(i), Node: &model.RFMBuyer{
			Store: stores[b.StoreID], BuyerRef: b.Buyer, Segment: segment, RecencyDays: b.RecencyDays,
			Frequency: int(b.Frequency), Monetary: schematype.Money(b.Monetary), LastPaidOn: b.LastDay.String()}})
	}
	conn.PageInfo.HasNextPage = end < len(in)
	conn.PageInfo.HasPreviousPage = start > 0
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &relay.Cursor[int]{ID: start}
		conn.PageInfo.EndCursor = &relay.Cursor[int]{ID: end - 1}
	}
	return conn, nil
}

func (r *Resolver) cohortRetention(ctx context.Context, orgID int, fromMonth string, months int) ([]*model.CohortRow, error) {
	if months < 1 || months > 24 {
		return nil, apperr.Input("months", "must be between 1 and 24")
	}
	from, err := insights.ParseDate(fromMonth + "-01")
	if err != nil {
		return nil, apperr.Input("fromMonth", "must be a month YYYY-MM")
	}
	sc, err := insightsvc.OrgScope(ctx, r.Client, orgID)
	if err != nil {
		return nil, scopeErr(err)
	}
	cs, err := insightsvc.Cohorts(ctx, r.Client, sc, from, months, today().AddDays(-1))
	if err != nil {
		return nil, err
	}
	out := []*model.CohortRow{}
	for _, c := range cs {
		row := &model.CohortRow{Month: c.Month.String()[:7], Size: int(c.Size)}
		for k, n := range c.Retained {
			row.Retained = append(row.Retained, int(n))
			row.Rates = append(row.Rates, c.Rate(k))
		}
		out = append(out, row)
	}
	return out, nil
}

func skuOut(f insightsvc.SKUFigures) *model.SKUInsight {
	return &model.SKUInsight{Sku: f.SKU, Stock: int(f.Sales.Stock), UnitsLast28Days: int(f.Sales.Units28), DaysOfCover: f.Cover,
		LeadTimeDays: f.Sales.LeadTimeDays, ReorderPoint: int(f.Plan.ReorderPoint), SuggestedQuantity: int(f.Plan.Quantity), SlowMover: f.Slow}
}

func (r *Resolver) productInsights(ctx context.Context, orgID int, period model.PeriodInput) (*model.ProductInsights, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	sc, err := insightsvc.OrgScope(ctx, r.Client, orgID)
	if err != nil {
		return nil, scopeErr(err)
	}
	res, err := insightsvc.Products(ctx, r.Client, sc, p, today().AddDays(-1))
	if err != nil {
		return nil, err
	}
	out := &model.ProductInsights{Period: periodOut(p), SlowMovers: []*model.SKUInsight{}, Replenishment: []*model.SKUInsight{}}
	for _, m := range res.Mix {
		out.Mix = append(out.Mix, &model.PortfolioRoleMix{Role: product.PortfolioRole(m.Role), Target: m.Target, Skus: int(m.SKUs),
			SkuShare: m.SKUShare, Gmv: schematype.Money(m.Amount), GmvShare: m.AmountShare})
	}
	for _, f := range res.SlowMovers {
		out.SlowMovers = append(out.SlowMovers, skuOut(f))
	}
	for _, f := range res.Replenishment {
		out.Replenishment = append(out.Replenishment, skuOut(f))
	}
	return out, nil
}

func storeIDIn(ids []int) predicate.Store { return store.IDIn(ids...) }

// alertRaised streams alerts raised in the organizations whose alerts the
// viewer sees (one of them when organizationID is given).
func (r *Resolver) alertRaised(ctx context.Context, organizationID *int) (<-chan *ent.Alert, error) {
	v := authz.FromContext(ctx)
	if v == nil {
		return nil, apperr.New(apperr.Unauthenticated, "sign in first")
	}
	orgs := v.AlertOrgs()
	if organizationID != nil {
		if !slices.Contains(orgs, *organizationID) {
			return nil, apperr.New(apperr.NotFound, "not found")
		}
		orgs = []int{*organizationID}
	}
	if r.Alerts == nil || r.Alerts.Broker == nil {
		return nil, apperr.New(apperr.Internal, "alerts are not available")
	}
	in, stop := r.Alerts.Broker.Subscribe(func(a *ent.Alert) bool { return slices.Contains(orgs, a.OrganizationID) })
	out := make(chan *ent.Alert, 1)
	go func() {
		defer close(out)
		defer stop()
		for {
			select {
			case a, ok := <-in:
				if !ok {
					return
				}
				select {
				case out <- a:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}
