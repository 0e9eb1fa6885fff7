package alertsvc

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/alerts"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alertrule"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/metricsnapshot"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/ent/syncjob"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/insights/insightsvc"
	"github.com/opsgraph/opsgraph/insights/rollup"
)

// Evaluate checks every organization's rules at now. Idempotent: run it on
// any replica, as often as wanted.
func (s *Service) Evaluate(ctx context.Context, now time.Time) error {
	ctx = authz.SystemContext(ctx)
	orgs, err := s.Client.Organization.Query().IDs(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if err := s.EvaluateOrg(ctx, o, now); err != nil {
			return fmt.Errorf("organization %d: %w", o, err)
		}
	}
	return nil
}

// AfterSync evaluates the rules of the organization of a finished sync job.
func (s *Service) AfterSync(ctx context.Context, job *ent.SyncJob) {
	if err := s.EvaluateOrg(authz.SystemContext(ctx), job.OrganizationID, s.now()); err != nil && s.Log != nil {
		s.Log.WarnContext(ctx, "evaluate alerts after sync", "organization_id", job.OrganizationID, "err", err)
	}
}

// Rules returns the organization's rules, creating the defaults the first time.
func (s *Service) Rules(ctx context.Context, org int) ([]*ent.AlertRule, error) {
	ctx = authz.SystemContext(ctx)
	rules, err := s.Client.AlertRule.Query().Where(alertrule.OrganizationID(org)).Order(ent.Asc(alertrule.FieldID)).All(ctx)
	if err != nil || len(rules) > 0 {
		return rules, err
	}
	var bs []*ent.AlertRuleCreate
	for _, r := range alerts.Defaults() {
		c := s.Client.AlertRule.Create().SetOrganizationID(org).SetName(r.Name).SetKind(alertrule.Kind(r.Kind)).
			SetThreshold(r.Threshold).SetSeverity(alertrule.Severity(r.Severity)).SetEnabled(r.Enabled)
		if r.Metric != "" {
			c.SetMetric(r.Metric)
		}
		bs = append(bs, c)
	}
	created, err := s.Client.AlertRule.CreateBulk(bs...).Save(ctx)
	if ent.IsConstraintError(err) { // another replica created them first
		return s.Client.AlertRule.Query().Where(alertrule.OrganizationID(org)).Order(ent.Asc(alertrule.FieldID)).All(ctx)
	}
	return created, err
}

// EvaluateOrg checks one organization's rules at now.
func (s *Service) EvaluateOrg(ctx context.Context, org int, now time.Time) error {
	ctx = authz.SystemContext(ctx)
	rules, err := s.Rules(ctx, org)
	if err != nil {
		return err
	}
	stores, err := s.Client.Store.Query().Where(store.OrganizationID(org)).All(ctx)
	if err != nil {
		return err
	}
	e := &evaluation{s: s, org: org, now: now, stores: stores}
	seen := map[alerts.Kind]bool{}
	for _, r := range rules {
		kind := alerts.Kind(r.Kind)
		prefix := ""
		if kind == alerts.Threshold || kind == alerts.Anomaly {
			prefix = fmt.Sprintf("rule:%d/", r.ID)
		} else if seen[kind] {
			continue // one rule per single-instance kind; episodes are per subject
		}
		seen[kind] = true
		var holding []Episode
		if r.Enabled {
			if holding, err = e.check(ctx, r, prefix); err != nil {
				return fmt.Errorf("rule %d (%s): %w", r.ID, r.Kind, err)
			}
		}
		for i := range holding {
			holding[i].Severity = string(r.Severity)
		}
		if err := s.reconcile(ctx, org, kind, r.ID, prefix, holding); err != nil {
			return err
		}
	}
	return nil
}

type evaluation struct {
	s      *Service
	org    int
	now    time.Time
	stores []*ent.Store
	daily  map[int]map[string]insights.Totals // store → day → totals
}

func (e *evaluation) check(ctx context.Context, r *ent.AlertRule, prefix string) ([]Episode, error) {
	c := e.s.Client
	var out []Episode
	switch alerts.Kind(r.Kind) {
	case alerts.StockLow:
		skus, err := c.SKU.Query().Where(sku.OrganizationID(e.org), func(s *sql.Selector) {
			s.Where(sql.ColumnsLTE(s.C(sku.FieldStock), s.C(sku.FieldStockWarning)))
		}).WithProduct().All(ctx)
		if err != nil {
			return nil, err
		}
		for _, k := range skus {
			out = append(out, Episode{Subject: fmt.Sprintf("sku:%d", k.ID),
				Message: fmt.Sprintf("库存预警: %s %s has %d in stock, at or below its warning level %d", k.Edges.Product.Title, k.Name, k.Stock, k.StockWarning)})
		}
	case alerts.DaysOfCover:
		res, err := insightsvc.Products(ctx, c, e.scope(), e.yesterdayPeriod(), e.yesterday())
		if err != nil {
			return nil, err
		}
		for _, f := range res.All {
			if _, below := insights.LowStock(f.Sales); below {
				out = append(out, Episode{Subject: fmt.Sprintf("sku:%d", f.SKU.ID),
					Message: fmt.Sprintf("可售天数不足: SKU %s covers %.1f days of sales, less than the supplier's %d-day lead time", f.SKU.Name, *f.Cover, f.Sales.LeadTimeDays)})
			}
		}
	case alerts.SyncFailed:
		for _, st := range e.stores {
			j, err := c.SyncJob.Query().Where(syncjob.StoreID(st.ID), syncjob.FinishedAtNotNil()).
				Order(ent.Desc(syncjob.FieldFinishedAt)).First(ctx)
			if ent.IsNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if j.Status == syncjob.StatusFAILED {
				out = append(out, Episode{Subject: fmt.Sprintf("store:%d", st.ID),
					Message: fmt.Sprintf("同步失败: the last sync of %s failed: %s", st.Name, j.Error)})
			}
		}
	case alerts.CampaignBudget:
		cs, err := c.Campaign.Query().Where(campaign.OrganizationID(e.org), campaign.BudgetGT(0),
			campaign.StatusNotIn(campaign.StatusENDED, campaign.StatusCANCELLED)).All(ctx)
		if err != nil {
			return nil, err
		}
		share := r.Threshold
		if share <= 0 {
			share = 0.9
		}
		for _, cp := range cs {
			if alerts.BudgetReached(int64(cp.Spend), int64(cp.Budget), share) {
				out = append(out, Episode{Subject: fmt.Sprintf("campaign:%d", cp.ID),
					Message: fmt.Sprintf("活动预算: %s has spent ¥%s of its ¥%s budget", cp.Name, cp.Spend.Amount(), cp.Budget.Amount())})
			}
		}
	case alerts.ContentSLA:
		hours := r.Threshold
		if hours <= 0 {
			hours = 48
		}
		cs, err := c.Content.Query().Where(content.OrganizationID(e.org), content.StatusEQ(content.StatusIN_REVIEW),
			content.UpdatedAtLT(e.now.Add(-time.Duration(hours*float64(time.Hour))))).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, ct := range cs {
			out = append(out, Episode{Subject: fmt.Sprintf("content:%d", ct.ID),
				Message: fmt.Sprintf("审核超时: %q has been in review for more than %.0f hours", ct.Title, hours)})
		}
	case alerts.RefundSpike, alerts.Anomaly, alerts.Threshold:
		if err := e.loadDaily(ctx); err != nil {
			return nil, err
		}
		metric := insights.Metric(r.Metric)
		if alerts.Kind(r.Kind) == alerts.RefundSpike {
			metric = insights.MetricRefundRate
		}
		y := e.yesterday()
		for _, st := range e.stores {
			days := e.daily[st.ID]
			value, _ := insights.Compute(days[y.String()]).Value(metric)
			var history []float64
			for i := alerts.TrailingDays; i >= 1; i-- {
				t, ok := days[y.AddDays(-i).String()]
				if !ok {
					continue
				}
				v, _ := insights.Compute(t).Value(metric)
				history = append(history, v)
			}
			var hit bool
			switch alerts.Kind(r.Kind) {
			case alerts.RefundSpike:
				hit = alerts.Spike(history, value, r.Threshold)
			case alerts.Anomaly:
				hit = alerts.Anomalous(history, value, r.Threshold)
			default:
				_, ok := days[y.String()]
				hit = ok && alerts.Breached(value, r.Direction == alertrule.DirectionABOVE, r.Threshold)
			}
			if hit {
				mean, _ := alerts.Stats(history)
				out = append(out, Episode{Subject: fmt.Sprintf("%sstore:%d", prefix, st.ID),
					Message: fmt.Sprintf("%s: %s on %s was %.4g (28-day mean %.4g)", r.Name, metric, y, value, mean)})
			}
		}
	}
	return out, nil
}

func (e *evaluation) scope() insightsvc.Scope { return insightsvc.Scope{Stores: e.stores} }

// yesterday is the last complete business day (of the first store's zone).
func (e *evaluation) yesterday() insights.Date {
	loc := time.UTC
	if len(e.stores) > 0 {
		loc = rollup.Location(e.stores[0])
	}
	return insights.DateOf(e.now, loc).AddDays(-1)
}

func (e *evaluation) yesterdayPeriod() insights.Period {
	p, _ := insights.PeriodOf(insights.Day, e.yesterday())
	return p
}

// loadDaily reads the last 29 days' totals per store and day (two queries).
func (e *evaluation) loadDaily(ctx context.Context) error {
	if e.daily != nil {
		return nil
	}
	e.daily = map[int]map[string]insights.Totals{}
	if len(e.stores) == 0 {
		return nil
	}
	ids := make([]int, len(e.stores))
	for i, st := range e.stores {
		ids[i] = st.ID
		e.daily[st.ID] = map[string]insights.Totals{}
	}
	y := e.yesterday()
	from, to := y.AddDays(-alerts.TrailingDays).String(), y.AddDays(1).String()
	var rows []struct {
		StoreID      int    `json:"store_id"`
		Day          string `json:"day"`
		PaidOrders   int64  `json:"paid_orders"`
		PaidAmount   int64  `json:"paid_amount"`
		RefundAmount int64  `json:"refund_amount"`
		PayingBuyers int64  `json:"paying_buyers"`
	}
	err := e.s.Client.SalesDay.Query().Where(salesday.StoreIDIn(ids...), salesday.DayGTE(from), salesday.DayLT(to)).
		Modify(func(s *sql.Selector) {
			s.Select(s.C(salesday.FieldStoreID), s.C(salesday.FieldDay),
				sql.As("SUM("+s.C(salesday.FieldPaidOrders)+")", "paid_orders"),
				sql.As("SUM("+s.C(salesday.FieldPaidAmount)+")", "paid_amount"),
				sql.As("SUM("+s.C(salesday.FieldRefundAmount)+")", "refund_amount"),
				sql.As("COUNT(DISTINCT CASE WHEN "+s.C(salesday.FieldPaidOrders)+" > 0 THEN "+s.C(salesday.FieldBuyer)+" END)", "paying_buyers")).
				GroupBy(s.C(salesday.FieldStoreID), s.C(salesday.FieldDay))
		}).Scan(ctx, &rows)
	if err != nil {
		return err
	}
	for _, r := range rows {
		t := e.daily[r.StoreID][r.Day]
		t.PaidOrders, t.PaidAmount, t.RefundAmount, t.PayingBuyers = r.PaidOrders, r.PaidAmount, r.RefundAmount, r.PayingBuyers
		e.daily[r.StoreID][r.Day] = t
	}
	snaps, err := e.s.Client.MetricSnapshot.Query().Where(metricsnapshot.StoreIDIn(ids...), metricsnapshot.DayGTE(from), metricsnapshot.DayLT(to)).
		Select(metricsnapshot.FieldStoreID, metricsnapshot.FieldDay, metricsnapshot.FieldVisitors, metricsnapshot.FieldAddToCart).All(ctx)
	if err != nil {
		return err
	}
	for _, m := range snaps {
		t := e.daily[m.StoreID][m.Day]
		t.Visitors, t.AddToCart = m.Visitors, m.AddToCart
		e.daily[m.StoreID][m.Day] = t
	}
	return nil
}
