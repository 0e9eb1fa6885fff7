package graph

import (
	"context"
	"net/url"
	"strings"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/graph/model"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/report/reportsvc"
)

// The GraphQL side of the client report: reportsvc gathers it, this file
// translates it and signs download links.

func (r *Resolver) clientReport(ctx context.Context, orgID int, period model.PeriodInput) (*model.ClientReport, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	res, err := reportsvc.Build(ctx, r.Client, orgID, p, r.now())
	if err != nil {
		return nil, scopeErr(err)
	}
	m := res.Report
	out := &model.ClientReport{Organization: res.Org, Title: m.Title(),
		Period: periodOut(res.Insights.Current.Period), PreviousPeriod: periodOut(res.Insights.Previous.Period), YearAgoPeriod: periodOut(res.Insights.YearAgo.Period),
		Kpis: []*model.KPIComparison{}, Trend: []*model.ReportDay{}, Funnel: []*model.FunnelStage{}, TrafficMix: []*model.TrafficSourceShare{},
		TopProducts: []*model.ReportProduct{}, Campaigns: []*model.ReportCampaign{}, Collaborations: []*model.ReportCollaboration{},
		Contents: res.Contents, Alerts: res.Alerts}
	for _, k := range m.KPIs {
		c := &model.KPIComparison{Metric: model.InsightMetric(k.Metric), Value: k.Value, Previous: k.Previous, YearAgo: k.YearAgo,
			PreviousChange: k.PreviousChange, YearAgoChange: k.YearAgoChange, Target: k.Target, TargetProgress: k.Progress}
		if k.Target != nil {
			d := k.Value - *k.Target
			c.TargetDelta = &d
		}
		out.Kpis = append(out.Kpis, c)
	}
	for _, d := range m.Trend {
		out.Trend = append(out.Trend, &model.ReportDay{Day: d.Day, PaidAmount: schematype.Money(d.PaidAmount), PaidOrders: int(d.PaidOrders), Visitors: int(d.Visitors)})
	}
	for _, s := range m.Funnel {
		out.Funnel = append(out.Funnel, &model.FunnelStage{Name: s.Stage, Count: int(s.Count), RateFromPrevious: s.FromPrev, RateFromTop: s.FromTop})
	}
	for _, s := range m.Traffic {
		out.TrafficMix = append(out.TrafficMix, &model.TrafficSourceShare{Source: s.Source, Visitors: int(s.Visitors), Share: s.Share,
			PayingBuyers: int(s.PayingBuyers), ConversionRate: s.ConversionRate, PaidAmount: schematype.Money(s.PaidAmount), AmountShare: s.AmountShare})
	}
	for _, p := range res.Products {
		out.TopProducts = append(out.TopProducts, &model.ReportProduct{Product: p.Product, Skus: p.SKUs, PaidAmount: schematype.Money(p.PaidAmount), Share: p.Share})
	}
	for _, cp := range res.Campaigns {
		cr, err := r.campaignResults(ctx, cp)
		if err != nil {
			return nil, err
		}
		out.Campaigns = append(out.Campaigns, &model.ReportCampaign{Campaign: cp, Results: cr})
	}
	for i, col := range res.Collaborations {
		a := res.CollabResults[i]
		out.Collaborations = append(out.Collaborations, &model.ReportCollaboration{Collaboration: col, AttributedGmv: schematype.Money(a.Paid),
			AttributedOrders: int(a.Orders), AttributedRefunds: schematype.Money(a.Refunded), Commission: schematype.Money(insights.CPSCommission(col.CommissionRate, a.Paid, a.Refunded))})
	}
	return out, nil
}

func (r *Resolver) createReportLink(ctx context.Context, orgID int, period model.PeriodInput, format model.ReportFormat) (*model.ReportLink, error) {
	p, err := parsePeriod(period)
	if err != nil {
		return nil, err
	}
	v := authz.FromContext(ctx)
	if v == nil || v.System || v.UserID == 0 || (v.SessionID == 0 && v.TokenID == 0) {
		return nil, apperr.New(apperr.Forbidden, "report links are for signed-in users")
	}
	if r.Reports == nil {
		return nil, apperr.New(apperr.Internal, "report links are not available")
	}
	f := strings.ToLower(string(format))
	expires := r.now().Add(reportsvc.LinkTTL).Truncate(1e9)
	tok := r.Reports.Sign(reportsvc.LinkFor(v.UserID, v.SessionID, v.TokenID, orgID, p, f, expires))
	return &model.ReportLink{URL: "/reports/" + f + "?link=" + url.QueryEscape(tok), Format: format, ExpiresAt: expires}, nil
}
