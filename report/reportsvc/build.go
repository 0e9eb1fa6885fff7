// Package reportsvc gathers a client report (客户周报/月报) from the
// operations figures (insights/insightsvc), campaigns, KOL collaborations,
// content and alerts, limited to what the viewer may read, and serves it as a
// download (XLSX or HTML, package report) behind the API's authorization: a
// bearer token, or a short-lived signed link bound to the user, organization,
// period and format whose grants are checked again at download.
package reportsvc

import (
	"cmp"
	"context"
	"github.com/opsgraph/opsgraph/attribution"
	"github.com/opsgraph/opsgraph/attribution/attrsvc"
	"slices"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/collaboration"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/insights/insightsvc"
	"github.com/opsgraph/opsgraph/report"
)

// Limits on the lists of a report: they bound its cost (one aggregate
// statement per campaign and per collaboration) and its size.
const (
	MaxProducts       = 10
	MaxCampaigns      = 20
	MaxCollaborations = 20
	MaxContents       = 100
	MaxAlerts         = 100
)

// ErrNotFound is returned for an organization the viewer may not read
// analytics of.
var ErrNotFound = insightsvc.ErrNotFound

// Result is a report with the objects behind its lines (for GraphQL).
type Result struct {
	Report   *report.Report
	Org      *ent.Organization
	Insights *insightsvc.Result
	Period   insights.Period
	Trend    []insightsvc.Day
	Products []ProductLine
	// Campaigns ran (at least partly) in the period; CampaignResults[i] is
	// Campaigns[i]'s attribution.
	Campaigns       []*ent.Campaign
	CampaignResults []attribution.Figures
	// CampaignSpend[i] is Campaigns[i]'s computed spend (discounts given plus KOL fees).
	CampaignSpend []int64
	// Collaborations are those of the campaigns above or of content published
	// in the period; CollabResults[i] is Collaborations[i]'s attribution.
	Collaborations []*ent.Collaboration
	CollabResults  []attribution.Figures
	Contents       []*ent.Content
	Alerts         []*ent.Alert
}

// ProductLine is a top product of the period.
type ProductLine struct {
	Product    *ent.Product
	SKUs       int
	PaidAmount int64
	Share      float64
}

// Location is the business time zone of periods.
var Location = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Build gathers the client report of an organization (an agency: with the
// clients the viewer may read analytics of) for a period. Every figure comes
// from insightsvc, as in organizationInsights.
func Build(ctx context.Context, c *ent.Client, orgID int, p insights.Period, now time.Time) (*Result, error) {
	sc, err := insightsvc.OrgScope(ctx, c, orgID)
	if err != nil {
		return nil, err
	}
	res, err := insightsvc.Insights(ctx, c, sc, p)
	if err != nil {
		return nil, err
	}
	out := &Result{Org: sc.Org, Insights: res, Period: p}
	if out.Trend, err = insightsvc.Daily(ctx, c, sc, p); err != nil {
		return nil, err
	}
	if err := out.products(ctx, c, sc, p); err != nil {
		return nil, err
	}
	start, end := p.Bounds(Location)
	storeIDs, orgIDs := sc.StoreIDs(), make([]int, len(sc.Orgs))
	for i, o := range sc.Orgs {
		orgIDs[i] = o.ID
	}
	if len(storeIDs) > 0 {
		out.Campaigns, err = c.Campaign.Query().Where(campaign.StoreIDIn(storeIDs...), campaign.StartsAtLT(end), campaign.EndsAtGT(start),
			campaign.StatusNotIn(campaign.StatusDRAFT, campaign.StatusCANCELLED)).
			Order(ent.Asc(campaign.FieldStartsAt), ent.Asc(campaign.FieldID)).Limit(MaxCampaigns).All(ctx)
		if err != nil {
			return nil, err
		}
		out.Contents, err = c.Content.Query().Where(content.StoreIDIn(storeIDs...), content.PublishedAtGTE(start), content.PublishedAtLT(end)).
			Order(ent.Asc(content.FieldPublishedAt), ent.Asc(content.FieldID)).Limit(MaxContents).All(ctx)
		if err != nil {
			return nil, err
		}
	}
	for _, cp := range out.Campaigns {
		o, err := attrsvc.ForOrg(ctx, c, cp.OrganizationID)
		if err != nil {
			return nil, err
		}
		spend, _ := o.Spend(cp.ID)
		out.CampaignResults = append(out.CampaignResults, o.Campaign(cp.ID))
		out.CampaignSpend = append(out.CampaignSpend, spend)
	}
	if err := out.collaborations(ctx, c, orgIDs); err != nil {
		return nil, err
	}
	if len(orgIDs) > 0 {
		out.Alerts, err = c.Alert.Query().Where(alert.OrganizationIDIn(orgIDs...), alert.CreatedAtGTE(start), alert.CreatedAtLT(end)).
			Order(ent.Asc(alert.FieldCreatedAt), ent.Asc(alert.FieldID)).Limit(MaxAlerts).All(ctx)
		if err != nil {
			return nil, err
		}
	}
	out.Report = out.model(sc, now)
	return out, nil
}

func (r *Result) products(ctx context.Context, c *ent.Client, sc insightsvc.Scope, p insights.Period) error {
	pr, err := insightsvc.Products(ctx, c, sc, p, p.Last())
	if err != nil {
		return err
	}
	by := map[int]*ProductLine{}
	var total int64
	for _, f := range pr.All {
		prod := f.SKU.Edges.Product
		l := by[prod.ID]
		if l == nil {
			l = &ProductLine{Product: prod}
			by[prod.ID] = l
		}
		l.SKUs++
		l.PaidAmount += f.Sales.Amount
		total += f.Sales.Amount
	}
	for _, l := range by {
		if l.PaidAmount > 0 {
			l.Share = insights.Ratio(l.PaidAmount, total)
			r.Products = append(r.Products, *l)
		}
	}
	slices.SortFunc(r.Products, func(a, b ProductLine) int {
		return cmp.Or(cmp.Compare(b.PaidAmount, a.PaidAmount), cmp.Compare(a.Product.ID, b.Product.ID))
	})
	if len(r.Products) > MaxProducts {
		r.Products = r.Products[:MaxProducts]
	}
	return nil
}

func (r *Result) collaborations(ctx context.Context, c *ent.Client, orgIDs []int) error {
	if len(orgIDs) == 0 {
		return nil
	}
	var campaignIDs, contentIDs []int
	for _, cp := range r.Campaigns {
		campaignIDs = append(campaignIDs, cp.ID)
	}
	for _, ct := range r.Contents {
		contentIDs = append(contentIDs, ct.ID)
	}
	if len(campaignIDs) == 0 && len(contentIDs) == 0 {
		return nil
	}
	cols, err := c.Collaboration.Query().Where(collaboration.OrganizationIDIn(orgIDs...),
		collaboration.StatusNEQ(collaboration.StatusCANCELLED),
		collaboration.Or(collaboration.CampaignIDIn(campaignIDs...), collaboration.ContentIDIn(contentIDs...))).
		WithKolPartner().WithCampaign().Order(ent.Asc(collaboration.FieldID)).Limit(MaxCollaborations).All(ctx)
	if err != nil {
		return err
	}
	for _, col := range cols {
		o, err := attrsvc.ForOrg(ctx, c, col.OrganizationID)
		if err != nil {
			return err
		}
		a := o.Collaboration(col.ID)
		r.Collaborations = append(r.Collaborations, col)
		r.CollabResults = append(r.CollabResults, a)
	}
	return nil
}

func periodModel(p insights.Period) report.Period {
	return report.Period{Kind: string(p.Kind), Label: p.Label(), From: p.From.String(), To: p.Last().String(), Days: p.Days()}
}

// model lays the figures out for the renderers.
func (r *Result) model(sc insightsvc.Scope, now time.Time) *report.Report {
	res := r.Insights
	m := &report.Report{Organization: r.Org.Name, GeneratedAt: now,
		Period: periodModel(res.Current.Period), Previous: periodModel(res.Previous.Period), YearAgo: periodModel(res.YearAgo.Period)}
	m.KPIs = KPIs(res)
	cur := res.Current.Total.KPIs()
	for _, s := range insights.Funnel(cur.Totals) {
		m.Funnel = append(m.Funnel, report.FunnelStage{Stage: s.Name, Count: s.Count, FromPrev: s.FromPrev, FromTop: s.FromTop})
	}
	for _, s := range insights.TrafficMix(res.Current.Total.Sources) {
		m.Traffic = append(m.Traffic, report.TrafficSource{Source: s.Source, Visitors: s.Visitors, Share: s.Share, PayingBuyers: s.PayingBuyers,
			ConversionRate: s.ConversionRate, PaidAmount: s.PaidAmount, AmountShare: s.AmountShare})
	}
	for _, d := range r.Trend {
		m.Trend = append(m.Trend, report.DayPoint{Day: d.Day.String(), PaidAmount: d.PaidAmount, PaidOrders: d.PaidOrders, Visitors: d.Visitors})
	}
	storeName := map[int]string{}
	for _, st := range sc.Stores {
		storeName[st.ID] = st.Name
	}
	for _, p := range r.Products {
		m.Products = append(m.Products, report.Product{Name: p.Product.Title, Store: storeName[p.Product.StoreID], Role: string(p.Product.PortfolioRole),
			SKUs: p.SKUs, PaidAmount: p.PaidAmount, Share: p.Share})
	}
	for i, cp := range r.Campaigns {
		a := r.CampaignResults[i]
		line := report.Campaign{Name: cp.Name, Store: storeName[cp.StoreID], Kind: string(cp.Kind), Status: string(cp.Status),
			Starts: cp.StartsAt, Ends: cp.EndsAt, PaidAmount: a.Paid, PaidOrders: a.Orders, PayingBuyers: a.Buyers, Spend: r.CampaignSpend[i]}
		if roi, ok := insights.ROI(a.Paid, r.CampaignSpend[i]); ok {
			line.ROI = &roi
		}
		m.Campaigns = append(m.Campaigns, line)
	}
	for i, col := range r.Collaborations {
		a := r.CollabResults[i]
		k := report.KOLResult{Status: string(col.Status), Orders: a.Orders, GMV: a.Paid, Refunds: a.Refunded,
			Commission: insights.CPSCommission(col.CommissionRate, a.Paid, a.Refunded), Fee: int64(col.Fee)}
		if p := col.Edges.KolPartner; p != nil {
			k.Partner, k.Platform, k.Tier = cmp.Or(p.DisplayName, p.Handle), string(p.Platform), string(p.Tier)
		}
		if cp := col.Edges.Campaign; cp != nil {
			k.Campaign = cp.Name
		}
		m.KOLs = append(m.KOLs, k)
	}
	for _, ct := range r.Contents {
		line := report.Content{Title: ct.Title, Kind: string(ct.Kind), Store: storeName[ct.StoreID]}
		if ct.PublishedAt != nil {
			line.PublishedAt = *ct.PublishedAt
		}
		m.Contents = append(m.Contents, line)
	}
	for _, a := range r.Alerts {
		m.Alerts = append(m.Alerts, report.Alert{Kind: string(a.Kind), Severity: string(a.Severity), Status: string(a.Status),
			Message: a.Message, RaisedAt: a.CreatedAt})
	}
	return m
}

// KPIs are the tiles of a result: organizationInsights' kpis.
func KPIs(res *insightsvc.Result) []report.KPI {
	var out []report.KPI
	for _, c := range res.Comparisons() {
		out = append(out, report.KPI{Metric: string(c.Metric), Name: report.MetricName(string(c.Metric)), Unit: report.UnitOf(string(c.Metric)),
			Value: c.Value, Previous: c.Previous, YearAgo: c.YearAgo, PreviousChange: c.PreviousChange, YearAgoChange: c.YearAgoChange,
			Target: c.Target, Progress: c.Progress})
	}
	return out
}
