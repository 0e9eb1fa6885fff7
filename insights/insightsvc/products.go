package insightsvc

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/ent/skusalesday"
	"github.com/opsgraph/opsgraph/insights"
)

// SKUFigures is one SKU with its sales, stock and replenishment figures.
type SKUFigures struct {
	SKU   *ent.SKU
	Sales insights.SKUSales
	Plan  insights.Suggestion
	Cover *float64
	Slow  bool
}

// ProductResult is the 4321 mix, slow movers and replenishment of a scope.
type ProductResult struct {
	Mix           []insights.RoleMix
	All           []SKUFigures // every SKU, by id
	SlowMovers    []SKUFigures
	Replenishment []SKUFigures
}

// Products computes the product figures: the mix over period p, days of cover
// over the 28 days ending asOf.
func Products(ctx context.Context, c *ent.Client, sc Scope, p insights.Period, asOf insights.Date) (*ProductResult, error) {
	ids := sc.StoreIDs()
	res := &ProductResult{}
	if len(ids) == 0 {
		res.Mix = insights.PortfolioMix(nil)
		return res, nil
	}
	skus, err := c.SKU.Query().Where(sku.HasProductWith(product.StoreIDIn(ids...), product.StatusNEQ(product.StatusDELETED))).
		WithProduct(func(q *ent.ProductQuery) { q.WithSupplier() }).Order(ent.Asc(sku.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	sums := func(from, to string) (map[int][2]int64, error) {
		var rows []struct {
			SkuID  int   `json:"sku_id"`
			Units  int64 `json:"units"`
			Amount int64 `json:"amount"`
		}
		err := c.SKUSalesDay.Query().Where(skusalesday.StoreIDIn(ids...), skusalesday.DayGTE(from), skusalesday.DayLT(to)).
			Modify(func(s *sql.Selector) {
				s.Select(s.C(skusalesday.FieldSkuID),
					sql.As("COALESCE(SUM("+s.C(skusalesday.FieldUnits)+"), 0)", "units"),
					sql.As("COALESCE(SUM("+s.C(skusalesday.FieldAmount)+"), 0)", "amount")).
					GroupBy(s.C(skusalesday.FieldSkuID))
			}).Scan(ctx, &rows)
		out := map[int][2]int64{}
		for _, r := range rows {
			out[r.SkuID] = [2]int64{r.Units, r.Amount}
		}
		return out, err
	}
	period, err := sums(p.From.String(), p.To.String())
	if err != nil {
		return nil, fmt.Errorf("sku sales: %w", err)
	}
	recent, err := sums(asOf.AddDays(-insights.CoverWindowDays+1).String(), asOf.AddDays(1).String())
	if err != nil {
		return nil, fmt.Errorf("sku sales: %w", err)
	}
	sales := make([]insights.SKUSales, 0, len(skus))
	for _, s := range skus {
		pr := s.Edges.Product
		lead := 0
		if pr.Edges.Supplier != nil {
			lead = pr.Edges.Supplier.LeadTimeDays
		}
		ss := insights.SKUSales{SKU: s.ID, Role: insights.Role(pr.PortfolioRole), Stock: int64(s.Stock),
			StockWarning: int64(s.StockWarning), Units28: recent[s.ID][0], Amount: period[s.ID][1], LeadTimeDays: lead}
		sales = append(sales, ss)
		f := SKUFigures{SKU: s, Sales: ss, Plan: insights.Suggest(ss, insights.DefaultReplenishment), Slow: insights.IsSlowMover(ss)}
		if d, ok := insights.DaysOfCover(ss.Stock, ss.Units28); ok {
			f.Cover = &d
		}
		res.All = append(res.All, f)
		if f.Plan.Reorder {
			res.Replenishment = append(res.Replenishment, f)
		}
	}
	res.Mix = insights.PortfolioMix(sales)
	byID := map[int]*ent.SKU{}
	for _, s := range skus {
		byID[s.ID] = s
	}
	for _, s := range insights.SlowMovers(sales) {
		f := SKUFigures{SKU: byID[s.SKU], Sales: s, Plan: insights.Suggest(s, insights.DefaultReplenishment), Slow: true}
		if d, ok := insights.DaysOfCover(s.Stock, s.Units28); ok {
			f.Cover = &d
		}
		res.SlowMovers = append(res.SlowMovers, f)
	}
	return res, nil
}
