package apitest

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/demo"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// direct computes the figures of a period straight from the raw orders and
// snapshots with SQL (no rollups), the reference the API must agree with.
type direct struct {
	t        *testing.T
	env      *testenv.Env
	postgres bool
}

func (d direct) query(q string, args ...any) *sql.Rows {
	d.t.Helper()
	if d.postgres {
		n := 0
		var b strings.Builder
		for _, r := range q {
			if r == '?' {
				n++
				fmt.Fprintf(&b, "$%d", n)
				continue
			}
			b.WriteRune(r)
		}
		q = b.String()
	}
	rows, err := d.env.Client.QueryContext(context.Background(), q, args...)
	if err != nil {
		d.t.Fatalf("%s: %v", q, err)
	}
	return rows
}

func (d direct) ints(q string, args ...any) []int64 {
	d.t.Helper()
	rows := d.query(q, args...)
	defer rows.Close()
	cols, _ := rows.Columns()
	out := make([]int64, len(cols))
	if rows.Next() {
		ptrs := make([]any, len(cols))
		vals := make([]sql.NullInt64, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			d.t.Fatal(err)
		}
		for i, v := range vals {
			out[i] = v.Int64
		}
	}
	return out
}

const paidStatuses = "status IN ('PAID', 'SHIPPED', 'COMPLETED', 'REFUNDED') AND paid_at IS NOT NULL"

// figures are the totals over stores of [from, to) business days (Asia/Shanghai).
func (d direct) figures(stores []int, from, to time.Time) map[string]int64 {
	in := inList(stores)
	fromDay, toDay := from.Format(time.DateOnly), to.Format(time.DateOnly)
	out := map[string]int64{}
	var paidOrders, paidAmount, refund, buyers, repeat, returning int64
	for _, st := range stores {
		r := d.ints(`SELECT COUNT(*), COALESCE(SUM(paid), 0), COALESCE(SUM(CASE WHEN status = 'REFUNDED' THEN paid ELSE 0 END), 0), COUNT(DISTINCT buyer_ref)
			FROM orders WHERE store_id = ? AND `+paidStatuses+` AND paid_at >= ? AND paid_at < ?`, st, from.UTC(), to.UTC())
		paidOrders += r[0]
		paidAmount += r[1]
		refund += r[2]
		buyers += r[3]
		repeat += d.ints(`SELECT COUNT(*) FROM (SELECT buyer_ref FROM orders WHERE store_id = ? AND `+paidStatuses+`
			AND paid_at >= ? AND paid_at < ? GROUP BY buyer_ref HAVING COUNT(*) >= 2) x`, st, from.UTC(), to.UTC())[0]
		returning += d.ints(`SELECT COUNT(DISTINCT o.buyer_ref) FROM orders o WHERE o.store_id = ? AND o.`+strings.ReplaceAll(paidStatuses, "paid_at", "o.paid_at")+`
			AND o.paid_at >= ? AND o.paid_at < ? AND EXISTS (SELECT 1 FROM orders p WHERE p.store_id = o.store_id AND p.buyer_ref = o.buyer_ref
			AND p.status IN ('PAID', 'SHIPPED', 'COMPLETED', 'REFUNDED') AND p.paid_at IS NOT NULL AND p.paid_at >= ? AND p.paid_at < ?)`,
			st, from.UTC(), to.UTC(), from.AddDate(0, 0, -365).UTC(), from.UTC())[0]
	}
	out["paidOrders"], out["paidAmount"], out["refundAmount"], out["payingBuyers"] = paidOrders, paidAmount, refund, buyers
	out["repeatBuyers"], out["returningBuyers"] = repeat, returning
	snap := d.ints(`SELECT COALESCE(SUM(visitors), 0), COALESCE(SUM(add_to_cart), 0), COALESCE(SUM(paid_orders), 0), COALESCE(SUM(gmv), 0)
		FROM metric_snapshots WHERE store_id IN (`+in+`) AND day >= ? AND day < ?`, fromDay, toDay)
	out["visitors"], out["addToCart"], out["snapshotPaidOrders"], out["snapshotGmv"] = snap[0], snap[1], snap[2], snap[3]
	return out
}

func inList(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ",")
}

func demoLogin(t *testing.T, env *testenv.Env, email string) string {
	t.Helper()
	var out struct{ Login struct{ Token string } }
	env.MustData(t, testenv.Request{Query: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		Variables: map[string]any{"e": email, "p": demo.Password}}, &out)
	return out.Login.Token
}

const figuresFields = `paidAmount { amount } payingBuyers paidOrders averageOrderValue { amount } visitors addToCart
	orderingBuyers conversionRate uvValue { amount } refundAmount { amount } refundedOrders refundRate newBuyers
	returningBuyers repeatBuyers repurchaseRate`

type moneyOut struct{ Amount string }

func (m moneyOut) fen(t *testing.T) int64 {
	var y, f int64
	if _, err := fmt.Sscanf(m.Amount, "%d.%02d", &y, &f); err != nil {
		t.Fatalf("amount %q: %v", m.Amount, err)
	}
	return y*100 + f
}

type figures struct {
	PaidAmount        moneyOut
	PayingBuyers      int64
	PaidOrders        int64
	AverageOrderValue moneyOut
	Visitors          int64
	AddToCart         int64
	OrderingBuyers    int64
	ConversionRate    float64
	UvValue           moneyOut
	RefundAmount      moneyOut
	RefundedOrders    int64
	RefundRate        float64
	NewBuyers         int64
	ReturningBuyers   int64
	RepeatBuyers      int64
	RepurchaseRate    float64
}

func checkFigures(t *testing.T, what string, got figures, want map[string]int64) {
	t.Helper()
	pairs := []struct {
		name      string
		got, want int64
	}{
		{"paidAmount", got.PaidAmount.fen(t), want["paidAmount"]},
		{"paidOrders", got.PaidOrders, want["paidOrders"]},
		{"payingBuyers", got.PayingBuyers, want["payingBuyers"]},
		{"refundAmount", got.RefundAmount.fen(t), want["refundAmount"]},
		{"repeatBuyers", got.RepeatBuyers, want["repeatBuyers"]},
		{"returningBuyers", got.ReturningBuyers, want["returningBuyers"]},
		{"newBuyers", got.NewBuyers, want["payingBuyers"] - want["returningBuyers"]},
		{"visitors", got.Visitors, want["visitors"]},
		{"addToCart", got.AddToCart, want["addToCart"]},
		// The demo's snapshots reconcile with its orders.
		{"snapshot paid orders", got.PaidOrders, want["snapshotPaidOrders"]},
		{"snapshot GMV", got.PaidAmount.fen(t), want["snapshotGmv"]},
	}
	for _, p := range pairs {
		if p.got != p.want {
			t.Errorf("%s %s = %d, direct SQL says %d", what, p.name, p.got, p.want)
		}
	}
	if want["payingBuyers"] == 0 || want["repeatBuyers"] == 0 || want["returningBuyers"] == 0 || want["refundAmount"] == 0 {
		t.Errorf("%s: trivial demo figures %v", what, want)
	}
	aov := int64(math.Floor(float64(want["paidAmount"])/float64(want["payingBuyers"]) + 0.5))
	if got.AverageOrderValue.fen(t) != aov {
		t.Errorf("%s 客单价 %s, want %d fen", what, got.AverageOrderValue.Amount, aov)
	}
	if conv := float64(want["payingBuyers"]) / float64(want["visitors"]); math.Abs(got.ConversionRate-conv) > 1e-9 {
		t.Errorf("%s 支付转化率 %v, want %v", what, got.ConversionRate, conv)
	}
	if r := float64(want["repeatBuyers"]) / float64(want["payingBuyers"]); math.Abs(got.RepurchaseRate-r) > 1e-9 {
		t.Errorf("%s 复购率 %v, want %v", what, got.RepurchaseRate, r)
	}
}

// TestInsightsMatchDirectSQL checks the rollup-based figures of the demo
// against SQL over the raw orders and snapshots, for a brand's month with
// 环比 and 同比, an agency-wide view with per-client and per-store breakdowns,
// one store-day, and targets; and that a brand user sees only their brand.
func TestInsightsMatchDirectSQL(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b)
		if _, err := demo.Load(context.Background(), env.Client); err != nil {
			t.Fatal(err)
		}
		sys := authz.SystemContext(context.Background())
		d := direct{t: t, env: env, postgres: b.Name == "postgres"}
		agency := env.Client.Organization.Query().Where(organization.KindEQ(organization.KindAGENCY)).OnlyX(sys)
		brands := env.Client.Organization.Query().Where(organization.ParentID(agency.ID)).Order(organization.ByID()).AllX(sys)
		storesOf := func(orgs ...int) []int {
			return env.Client.Store.Query().Where(store.OrganizationIDIn(orgs...)).Order(store.ByID()).IDsX(sys)
		}
		loc, _ := time.LoadLocation("Asia/Shanghai")
		now := time.Now().In(loc)
		thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
		lastMonth := thisMonth.AddDate(0, -1, 0)
		owner := demoLogin(t, env, "owner@agency.demo")

		q := `query($org: ID!, $day: String!) { organizationInsights(organizationID: $org, period: {kind: MONTH, day: $day}) {
			period { label from to days } previousPeriod { from to } yearAgoPeriod { from to }
			figures { ` + figuresFields + ` } previous { ` + figuresFields + ` } yearAgo { ` + figuresFields + ` }
			kpis { metric value previous previousChange yearAgo target targetProgress }
			funnel { name count rateFromPrevious } trafficMix { source visitors share payingBuyers conversionRate }
			byOrganization { organization { id } figures { paidAmount { amount } payingBuyers } }
			byStore { store { id } figures { paidAmount { amount } paidOrders } }
			repurchase30 { firstTimeBuyers repurchased rate } } }`
		type insightsOut struct {
			OrganizationInsights struct {
				Period struct {
					Label, From, To string
					Days            int
				}
				Figures, Previous figures
				YearAgo           figures
				Kpis              []struct {
					Metric                                 string
					Value, Previous                        float64
					PreviousChange, Target, TargetProgress *float64
				}
				Funnel []struct {
					Name  string
					Count int64
				}
				TrafficMix []struct {
					Source                 string
					Visitors, PayingBuyers int64
				}
				ByOrganization, ByStore []struct {
					Organization, Store struct{ ID string }
					Figures             struct {
						PaidAmount moneyOut
						PaidOrders int64
					}
				}
				Repurchase30 struct{ FirstTimeBuyers, Repurchased int64 }
			}
		}
		var brandA insightsOut
		env.MustData(t, testenv.Request{Query: q, Token: owner, Variables: map[string]any{"org": brands[0].ID, "day": lastMonth.Format(time.DateOnly)}}, &brandA)
		got := brandA.OrganizationInsights
		if got.Period.From != lastMonth.Format(time.DateOnly) || got.Period.Days != lastMonth.AddDate(0, 1, -1).Day() {
			t.Errorf("period %+v", got.Period)
		}
		stA := storesOf(brands[0].ID)
		checkFigures(t, "brand A month", got.Figures, d.figures(stA, lastMonth, thisMonth))
		checkFigures(t, "brand A 环比", got.Previous, d.figures(stA, lastMonth.AddDate(0, -1, 0), lastMonth))
		checkFigures(t, "brand A 同比", got.YearAgo, d.figures(stA, lastMonth.AddDate(-1, 0, 0), thisMonth.AddDate(-1, 0, 0)))
		if got.Funnel[0].Count != got.Figures.Visitors || got.Funnel[3].Count != got.Figures.PayingBuyers {
			t.Errorf("funnel %+v", got.Funnel)
		}
		var mixVisitors int64
		for _, s := range got.TrafficMix {
			mixVisitors += s.Visitors
		}
		if mixVisitors != got.Figures.Visitors || len(got.TrafficMix) != 6 {
			t.Errorf("traffic mix %+v", got.TrafficMix)
		}
		if got.Repurchase30.FirstTimeBuyers == 0 || got.Repurchase30.Repurchased == 0 {
			t.Errorf("30-day repurchase %+v", got.Repurchase30)
		}
		for _, st := range got.ByStore {
			w := d.figures([]int{atoi(t, st.Store.ID)}, lastMonth, thisMonth)
			if st.Figures.PaidAmount.fen(t) != w["paidAmount"] || st.Figures.PaidOrders != w["paidOrders"] {
				t.Errorf("store %s: %+v, direct %v", st.Store.ID, st.Figures, w)
			}
		}

		// A target for the month: progress is value ÷ target.
		env.MustData(t, testenv.Request{Token: owner, Query: `mutation($org: ID!, $day: String!) {
			setInsightTarget(organizationID: $org, kind: MONTH, day: $day, metric: PAID_AMOUNT, value: 10000000) { value period { label } } }`,
			Variables: map[string]any{"org": brands[0].ID, "day": lastMonth.AddDate(0, 0, 9).Format(time.DateOnly)}}, nil)
		env.MustData(t, testenv.Request{Query: q, Token: owner, Variables: map[string]any{"org": brands[0].ID, "day": lastMonth.Format(time.DateOnly)}}, &brandA)
		for _, k := range brandA.OrganizationInsights.Kpis {
			if k.Metric == "PAID_AMOUNT" && (k.Target == nil || *k.Target != 10000000 || k.TargetProgress == nil || math.Abs(*k.TargetProgress-k.Value/10000000) > 1e-12) {
				t.Errorf("target %+v", k)
			}
		}

		// The agency: all clients, broken down per client.
		var ag insightsOut
		env.MustData(t, testenv.Request{Query: q, Token: owner, Variables: map[string]any{"org": agency.ID, "day": lastMonth.Format(time.DateOnly)}}, &ag)
		var orgIDs []int
		for _, o := range brands {
			orgIDs = append(orgIDs, o.ID)
		}
		checkFigures(t, "agency month", ag.OrganizationInsights.Figures, d.figures(storesOf(append(orgIDs, agency.ID)...), lastMonth, thisMonth))
		if len(ag.OrganizationInsights.ByOrganization) != len(brands)+1 {
			t.Errorf("agency breakdown %+v", ag.OrganizationInsights.ByOrganization)
		}
		for _, o := range ag.OrganizationInsights.ByOrganization {
			if atoi(t, o.Organization.ID) == agency.ID {
				continue
			}
			w := d.figures(storesOf(atoi(t, o.Organization.ID)), lastMonth, thisMonth)
			if o.Figures.PaidAmount.fen(t) != w["paidAmount"] {
				t.Errorf("client %s: %s, direct %d", o.Organization.ID, o.Figures.PaidAmount.Amount, w["paidAmount"])
			}
		}

		// One store-day.
		yesterday := time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, loc)
		var day struct{ StoreInsights struct{ Figures figures } }
		env.MustData(t, testenv.Request{Token: owner, Query: `query($s: ID!, $d: String!) { storeInsights(storeID: $s, period: {kind: DAY, day: $d}) { figures { ` + figuresFields + ` } } }`,
			Variables: map[string]any{"s": stA[0], "d": yesterday.Format(time.DateOnly)}}, &day)
		checkDay := d.figures(stA[:1], yesterday, yesterday.AddDate(0, 0, 1))
		if day.StoreInsights.Figures.PaidAmount.fen(t) != checkDay["paidAmount"] || day.StoreInsights.Figures.PayingBuyers != checkDay["payingBuyers"] {
			t.Errorf("store-day %+v, direct %v", day.StoreInsights.Figures, checkDay)
		}

		// RFM over Brand A's buyers of the 365 days up to yesterday.
		var rfm struct {
			Rfm struct {
				Buyers   int64
				Segments []struct {
					Segment string
					Buyers  int64
					Gmv     moneyOut
				}
			}
		}
		asOf := yesterday.Format(time.DateOnly)
		env.MustData(t, testenv.Request{Token: owner, Query: `query($o: ID!, $d: String!) { rfm(organizationID: $o, asOf: $d) { buyers segments { segment buyers gmv { amount } } } }`,
			Variables: map[string]any{"o": brands[0].ID, "d": asOf}}, &rfm)
		var rfmBuyers, rfmGmv int64
		for _, st := range stA {
			r := d.ints(`SELECT COUNT(DISTINCT buyer_ref), COALESCE(SUM(paid), 0) FROM orders WHERE store_id = ? AND `+paidStatuses+` AND paid_at >= ? AND paid_at < ?`,
				st, yesterday.AddDate(0, 0, -364).UTC(), yesterday.AddDate(0, 0, 1).UTC())
			rfmBuyers += r[0]
			rfmGmv += r[1]
		}
		var segBuyers, segGmv int64
		largest := rfm.Rfm.Segments[0]
		for _, sg := range rfm.Rfm.Segments {
			segBuyers += sg.Buyers
			segGmv += sg.Gmv.fen(t)
			if sg.Buyers > largest.Buyers {
				largest = sg
			}
		}
		if rfm.Rfm.Buyers != rfmBuyers || segBuyers != rfmBuyers || segGmv != rfmGmv || len(rfm.Rfm.Segments) != 8 {
			t.Errorf("RFM: %d buyers, segments %d buyers %d fen; direct SQL %d buyers %d fen", rfm.Rfm.Buyers, segBuyers, segGmv, rfmBuyers, rfmGmv)
		}
		type page struct {
			RfmBuyers struct {
				TotalCount int64
				PageInfo   struct{ HasNextPage bool }
				Edges      []struct {
					Cursor string
					Node   struct {
						BuyerRef string
						Monetary moneyOut
					}
				}
			}
		}
		pq := `query($o: ID!, $d: String!, $s: RFMSegment!, $a: String) { rfmBuyers(organizationID: $o, segment: $s, asOf: $d, first: 3, after: $a) {
			totalCount pageInfo { hasNextPage } edges { cursor node { buyerRef monetary { amount } } } } }`
		var p1, p2 page
		env.MustData(t, testenv.Request{Token: owner, Query: pq, Variables: map[string]any{"o": brands[0].ID, "d": asOf, "s": largest.Segment}}, &p1)
		if p1.RfmBuyers.TotalCount != largest.Buyers || len(p1.RfmBuyers.Edges) != 3 || !p1.RfmBuyers.PageInfo.HasNextPage {
			t.Fatalf("rfmBuyers page 1: %+v (segment %+v)", p1.RfmBuyers, largest)
		}
		env.MustData(t, testenv.Request{Token: owner, Query: pq, Variables: map[string]any{"o": brands[0].ID, "d": asOf, "s": largest.Segment, "a": p1.RfmBuyers.Edges[2].Cursor}}, &p2)
		if len(p2.RfmBuyers.Edges) == 0 || p2.RfmBuyers.Edges[0].Node.Monetary.fen(t) > p1.RfmBuyers.Edges[2].Node.Monetary.fen(t) ||
			p2.RfmBuyers.Edges[0].Node.BuyerRef == p1.RfmBuyers.Edges[2].Node.BuyerRef {
			t.Errorf("rfmBuyers page 2 does not continue page 1: %+v", p2.RfmBuyers.Edges)
		}

		// KOL and campaign attribution: TestAttributionMatchesDirectSQL.

		// A Brand B analyst reads Brand B but not Brand A nor the agency.
		analyst := demoLogin(t, env, "analyst@brand-b.demo")
		for _, org := range []int{brands[0].ID, agency.ID} {
			res := env.Do(t, testenv.Request{Query: q, Token: analyst, Variables: map[string]any{"org": org, "day": lastMonth.Format(time.DateOnly)}})
			if codes := res.Codes(); len(codes) != 1 || (codes[0] != "FORBIDDEN" && codes[0] != "NOT_FOUND") {
				t.Errorf("analyst of brand B reading org %d: %v", org, codes)
			}
		}
		var bOnly insightsOut
		env.MustData(t, testenv.Request{Query: q, Token: analyst, Variables: map[string]any{"org": brands[1].ID, "day": lastMonth.Format(time.DateOnly)}}, &bOnly)
		checkFigures(t, "brand B month", bOnly.OrganizationInsights.Figures, d.figures(storesOf(brands[1].ID), lastMonth, thisMonth))

		// Bad input names the field.
		res := env.Do(t, testenv.Request{Token: owner, Query: `{ organizationInsights(organizationID: ` + fmt.Sprint(agency.ID) + `, period: {kind: CUSTOM, from: "2026-02-01"}) { figures { paidOrders } } }`})
		if codes := res.Codes(); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" {
			t.Errorf("custom period without to: %v", codes)
		}
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}
