package insightsvc

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"golang.org/x/sync/errgroup"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/insightsetting"
	"github.com/opsgraph/opsgraph/ent/salesday"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/insights"
)

// RFMConfig is the organization's RFM setting, or the default.
func RFMConfig(ctx context.Context, c *ent.Client, orgID int) (insights.RFMConfig, error) {
	s, err := c.InsightSetting.Query().Where(insightsetting.OrganizationID(orgID)).Only(ctx)
	if ent.IsNotFound(err) {
		return insights.DefaultRFM, nil
	}
	if err != nil {
		return insights.RFMConfig{}, err
	}
	cfg := insights.RFMConfig{Mode: insights.ThresholdMode(s.Rfm.Mode), Quantile: s.Rfm.Quantile, RecencyDays: s.Rfm.RecencyDays,
		Frequency: s.Rfm.Frequency, Monetary: s.Rfm.Monetary, WindowDays: s.Rfm.WindowDays}
	if cfg.WindowDays == 0 {
		cfg.WindowDays = insights.DefaultRFM.WindowDays
	}
	return cfg, nil
}

// SetRFMConfig validates and stores an organization's RFM setting.
func SetRFMConfig(ctx context.Context, c *ent.Client, orgID int, cfg insights.RFMConfig) error {
	if cfg.WindowDays == 0 {
		cfg.WindowDays = insights.DefaultRFM.WindowDays
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	v := schematype.RFMSetting{Mode: string(cfg.Mode), Quantile: cfg.Quantile, RecencyDays: cfg.RecencyDays,
		Frequency: cfg.Frequency, Monetary: cfg.Monetary, WindowDays: cfg.WindowDays}
	return c.InsightSetting.Create().SetOrganizationID(orgID).SetRfm(v).
		OnConflictColumns(insightsetting.FieldOrganizationID).UpdateRfm().UpdateUpdatedAt().Exec(ctx)
}

// StoreBuyer is a buyer of one store with its R, F, M and segment.
type StoreBuyer struct {
	StoreID int
	insights.BuyerStats
	Segment insights.Segment
}

// RFMResult is the segmentation of a scope's buyers.
type RFMResult struct {
	AsOf       insights.Date
	Config     insights.RFMConfig
	Thresholds insights.Thresholds
	Buyers     []StoreBuyer // highest monetary first
	Segments   []insights.SegmentSummary
}

// RFM segments the buyers with a paid order in the window ending asOf.
func RFM(ctx context.Context, c *ent.Client, sc Scope, cfg insights.RFMConfig, asOf insights.Date) (*RFMResult, error) {
	res := &RFMResult{AsOf: asOf, Config: cfg}
	ids := sc.StoreIDs()
	if len(ids) > 0 {
		rows, err := rfmRows(ctx, c, ids, asOf.AddDays(-cfg.WindowDays+1).String(), asOf.String())
		if err != nil {
			return nil, err
		}
		res.Buyers = make([]StoreBuyer, 0, len(rows))
		days := map[string]insights.Date{} // a window has at most WindowDays distinct last days
		for _, r := range rows {
			last, ok := days[r.Last]
			if !ok {
				if last, err = insights.ParseDate(r.Last); err != nil {
					return nil, err
				}
				days[r.Last] = last
			}
			res.Buyers = append(res.Buyers, StoreBuyer{StoreID: r.StoreID, BuyerStats: insights.BuyerStats{
				Buyer: r.Buyer, LastDay: last, RecencyDays: last.DaysUntil(asOf), Frequency: r.Orders, Monetary: r.Monetary}})
		}
	}
	stats := make([]insights.BuyerStats, len(res.Buyers))
	for i, b := range res.Buyers {
		stats[i] = b.BuyerStats
	}
	th, err := insights.ComputeThresholds(stats, cfg)
	if err != nil {
		return nil, err
	}
	res.Thresholds = th
	for i := range res.Buyers {
		res.Buyers[i].Segment = th.Classify(res.Buyers[i].BuyerStats)
	}
	res.Segments = insights.Segmentation(stats, th)
	slices.SortFunc(res.Buyers, func(a, b StoreBuyer) int {
		if c := cmp.Compare(b.Monetary, a.Monetary); c != 0 {
			return c
		}
		if c := cmp.Compare(a.StoreID, b.StoreID); c != 0 {
			return c
		}
		return strings.Compare(a.Buyer, b.Buyer)
	})
	return res, nil
}

type rfmRow struct {
	StoreID  int
	Buyer    string
	Last     string
	Orders   int64
	Monetary int64
}

// rfmRows reads each store buyer's last paid day, paid orders and amount in
// [from, to] from the buyer index (index-only, decisions 0205, 0250). The
// stores are read in two halves at once: the grouped scan and the row
// decoding are CPU-bound and the pool reads in parallel (SQLite WAL readers,
// PostgreSQL). The rows are scanned by hand into compact structs (ent's Scan
// decodes by reflection: a third of the time over 200,000 buyers); the
// stores are the scope's, which the viewer may read (Scope).
func rfmRows(ctx context.Context, c *ent.Client, ids []int, from, to string) ([]rfmRow, error) {
	dia, err := dialectOf(ctx, c, ids[0])
	if err != nil {
		return nil, fmt.Errorf("rfm: %w", err)
	}
	parts := [][]int{ids}
	if len(ids) >= 2 {
		parts = [][]int{ids[:len(ids)/2], ids[len(ids)/2:]}
	}
	out := make([][]rfmRow, len(parts))
	g, gctx := errgroup.WithContext(ctx)
	for i, part := range parts {
		g.Go(func() error {
			rows, err := rfmPart(gctx, c, dia, part, from, to)
			if err != nil {
				return fmt.Errorf("rfm: %w", err)
			}
			out[i] = rows
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.Concat(out...), nil
}

func rfmPart(ctx context.Context, c *ent.Client, dia string, ids []int, from, to string) ([]rfmRow, error) {
	var (
		q    string
		args []any
	)
	if dia == dialect.Postgres {
		// One grouped index-only scan per store, in buyer order (a streaming
		// GroupAggregate): over all the stores at once PostgreSQL hashes
		// every buyer and spills to disk past work_mem (2.5× slower).
		q = `SELECT s.id, x.buyer, x.last, x.orders, x.monetary FROM unnest($1::bigint[]) AS s(id) CROSS JOIN LATERAL (
			SELECT buyer, MAX(day) AS last, CAST(SUM(paid_orders) AS BIGINT) AS orders, CAST(SUM(paid_amount) AS BIGINT) AS monetary
			FROM sales_days WHERE store_id = s.id AND paid_orders > 0 AND day >= $2 AND day <= $3 GROUP BY buyer) x`
		ids64 := make([]int64, len(ids))
		for i, id := range ids {
			ids64[i] = int64(id)
		}
		args = []any{ids64, from, to}
	} else {
		// "+day" keeps the day range off the (store, day, …) index: without
		// statistics SQLite's planner chose it, read the table row of every
		// buyer-day and sorted them for the GROUP BY; the buyer index covers
		// the query and is in GROUP BY order (decision 0250).
		var b strings.Builder
		b.WriteString("SELECT store_id, buyer, MAX(day), SUM(paid_orders), SUM(paid_amount) FROM sales_days WHERE store_id IN (")
		for i, id := range ids {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("?")
			args = append(args, id)
		}
		b.WriteString(") AND paid_orders > 0 AND +day >= ? AND +day <= ? GROUP BY store_id, buyer")
		args = append(args, from, to)
		q = b.String()
	}
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]rfmRow, 0, 1024)
	// A window has at most WindowDays distinct last days: share their strings.
	days := map[string]string{}
	var last []byte
	for rows.Next() {
		var r rfmRow
		if err := rows.Scan(&r.StoreID, &r.Buyer, &last, &r.Orders, &r.Monetary); err != nil {
			return nil, err
		}
		d, ok := days[string(last)]
		if !ok {
			d = string(last)
			days[d] = d
		}
		r.Last = d
		out = append(out, r)
	}
	return out, rows.Err()
}

// dialectOf is the SQL dialect behind c (one indexed statement reading at
// most one row of a store the caller may read).
func dialectOf(ctx context.Context, c *ent.Client, storeID int) (string, error) {
	var d string
	_, err := c.SalesDay.Query().Where(salesday.StoreID(storeID)).Limit(1).
		Modify(func(s *sql.Selector) { d = s.Dialect() }).IDs(ctx)
	return d, err
}

// Cohorts computes monthly cohort retention for months cohorts starting with
// the month of from, counted up to asOf.
func Cohorts(ctx context.Context, c *ent.Client, sc Scope, from insights.Date, months int, asOf insights.Date) ([]insights.Cohort, error) {
	ids := sc.StoreIDs()
	first := insights.NewDate(from.Year(), from.Month(), 1)
	end := first
	for range months {
		end = insights.NewDate(end.Year(), end.Month()+1, 1)
	}
	var rows []struct {
		StoreID int    `json:"store_id"`
		Buyer   string `json:"buyer"`
		Month   string `json:"month"`
	}
	if len(ids) > 0 {
		last := insights.NewDate(asOf.Year(), asOf.Month()+1, 1)
		err := c.SalesDay.Query().Where(salesday.StoreIDIn(ids...), salesday.PaidOrdersGT(0), salesday.DayLT(last.String())).
			Modify(func(s *sql.Selector) {
				month := "SUBSTR(" + s.C(salesday.FieldDay) + ", 1, 7)"
				s.Select(s.C(salesday.FieldStoreID), s.C(salesday.FieldBuyer), sql.As(month, "month")).
					GroupBy(s.C(salesday.FieldStoreID), s.C(salesday.FieldBuyer), month)
			}).Scan(ctx, &rows)
		if err != nil {
			return nil, fmt.Errorf("cohorts: %w", err)
		}
	}
	orders := make([]insights.PaidOrder, 0, len(rows))
	for _, r := range rows {
		d, err := insights.ParseDate(r.Month + "-01")
		if err != nil {
			return nil, err
		}
		orders = append(orders, insights.PaidOrder{Buyer: fmt.Sprint(r.StoreID, "/", r.Buyer), Day: d})
	}
	return insights.Cohorts(orders, first, end, asOf), nil
}

// Repurchase30 is the 30-day repurchase of the period's first-time buyers.
func Repurchase30(ctx context.Context, c *ent.Client, sc Scope, p insights.Period) (firstTime, repurchased int64, err error) {
	ids := sc.StoreIDs()
	if len(ids) == 0 {
		return 0, 0, nil
	}
	var rows []struct {
		StoreID int    `json:"store_id"`
		Buyer   string `json:"buyer"`
		Day     string `json:"day"`
	}
	from := p.From.String()
	err = c.SalesDay.Query().Where(salesday.StoreIDIn(ids...), salesday.PaidOrdersGT(0),
		salesday.DayGTE(from), salesday.DayLT(p.To.AddDays(31).String())).
		Modify(func(s *sql.Selector) {
			prior := sql.Table(salesday.Table).As("prior")
			s.Where(sql.Not(sql.Exists(sql.Select(prior.C(salesday.FieldID)).From(prior).Where(sql.And(
				sql.ColumnsEQ(prior.C(salesday.FieldStoreID), s.C(salesday.FieldStoreID)),
				sql.ColumnsEQ(prior.C(salesday.FieldBuyer), s.C(salesday.FieldBuyer)),
				sql.LT(prior.C(salesday.FieldDay), from),
				sql.GT(prior.C(salesday.FieldPaidOrders), 0),
			)))))
			s.Select(s.C(salesday.FieldStoreID), s.C(salesday.FieldBuyer), s.C(salesday.FieldDay)).
				GroupBy(s.C(salesday.FieldStoreID), s.C(salesday.FieldBuyer), s.C(salesday.FieldDay))
		}).Scan(ctx, &rows)
	if err != nil {
		return 0, 0, fmt.Errorf("repurchase: %w", err)
	}
	orders := make([]insights.PaidOrder, 0, len(rows))
	for _, r := range rows {
		d, err := insights.ParseDate(r.Day)
		if err != nil {
			return 0, 0, err
		}
		orders = append(orders, insights.PaidOrder{Buyer: fmt.Sprint(r.StoreID, "/", r.Buyer), Day: d})
	}
	f, rp := insights.Repurchase30(orders, p)
	return f, rp, nil
}
