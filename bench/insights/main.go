// Command bench measures the operations insights at scale: it generates
// orders over stores and buyers (default 1,000,000 / 100 / 200,000, like
// issue 10), then reports the overhead of rollup maintenance on order writes,
// the time of a full rollup rebuild, the agency-wide month (with 环比 and 同比)
// p50/p99 and the RFM segmentation time. Use -orders to run it small (CI).
//
//	go run ./bench/insights -orders 20000 -stores 20 -buyers 5000
//	go run ./bench/insights -db 'postgres://…' -orders 1000000
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/insights/insightsvc"
	"github.com/opsgraph/opsgraph/insights/rollup"
)

func main() {
	dsn := flag.String("db", "", "SQLite file or postgres:// URL (default: a new SQLite file in a temp dir)")
	orders := flag.Int("orders", 1_000_000, "orders to generate")
	stores := flag.Int("stores", 100, "stores (over 10 client brands of one agency)")
	buyers := flag.Int("buyers", 200_000, "distinct buyers")
	days := flag.Int("days", 400, "days of history, ending yesterday")
	runs := flag.Int("runs", 50, "repetitions of the agency-wide month")
	flag.Parse()
	if *dsn == "" {
		dir, err := os.MkdirTemp("", "opsgraph-bench")
		check(err)
		defer os.RemoveAll(dir)
		*dsn = filepath.Join(dir, "bench.db")
	}
	ctx := authz.SystemContext(context.Background())
	c, err := db.OpenClient(ctx, *dsn)
	check(err)
	defer c.Close()
	if n, _ := c.Order.Query().Count(ctx); n > 0 {
		check(fmt.Errorf("the database already has %d orders: use an empty one", n))
	}
	b := &bench{c: c, rng: rand.New(rand.NewPCG(1, 2)), days: *days, buyers: *buyers}
	b.today = insights.DateOf(time.Now(), shanghai())
	start := time.Now()
	b.setup(ctx, *stores)
	fmt.Printf("orders=%d stores=%d buyers=%d days=%d db=%s\n", *orders, *stores, *buyers, *days, dbKind(*dsn))

	// Rollup overhead on writes: the same number of orders written with and
	// without the delta maintenance a sync does.
	sample := max(1000, *orders/20)
	plain := b.write(ctx, sample/2, false)
	maintained := b.write(ctx, sample/2, true)
	fmt.Printf("write %d orders: %v plain, %v with rollup maintenance: overhead %.1f %%\n",
		sample/2, plain.Round(time.Millisecond), maintained.Round(time.Millisecond), 100*(maintained.Seconds()-plain.Seconds())/plain.Seconds())
	b.write(ctx, *orders-2*(sample/2), false)
	fmt.Printf("generated in %v\n", time.Since(start).Round(time.Second))
	t := time.Now()
	check(rollup.Rebuild(ctx, c))
	fmt.Printf("rollup rebuild: %v\n", time.Since(t).Round(time.Millisecond))

	sc, err := insightsvc.OrgScope(ctx, c, b.agency)
	check(err)
	month, _ := insights.PeriodOf(insights.Month, b.today.AddDays(-40))
	var lat []time.Duration
	for range *runs {
		t := time.Now()
		_, err := insightsvc.Insights(ctx, c, sc, month)
		check(err)
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)
	fmt.Printf("agency-wide month %s with 环比/同比 (%d stores): p50 %v p99 %v\n", month.Label(), len(sc.Stores),
		lat[len(lat)/2].Round(time.Microsecond), lat[min(len(lat)-1, len(lat)*99/100)].Round(time.Microsecond))
	t = time.Now()
	res, err := insightsvc.RFM(ctx, c, sc, insights.DefaultRFM, b.today.AddDays(-1))
	check(err)
	fmt.Printf("RFM over %d buyers: %v\n", len(res.Buyers), time.Since(t).Round(time.Millisecond))
}

type bench struct {
	c      *ent.Client
	rng    *rand.Rand
	today  insights.Date
	days   int
	buyers int
	agency int
	stores []*ent.Store
	skus   map[int][]*ent.SKU
	seq    int
}

func (b *bench) setup(ctx context.Context, n int) {
	ag := b.c.Organization.Create().SetName("Bench agency").SetKind("AGENCY").SaveX(ctx)
	b.agency = ag.ID
	var brands []*ent.Organization
	for i := range 10 {
		brands = append(brands, b.c.Organization.Create().SetName(fmt.Sprintf("Brand %d", i)).SetParentID(ag.ID).SaveX(ctx))
	}
	b.skus = map[int][]*ent.SKU{}
	var snaps []*ent.MetricSnapshotCreate
	for i := range n {
		st := b.c.Store.Create().SetOrganizationID(brands[i%10].ID).SetName(fmt.Sprintf("Store %d", i)).SetPlatform("TMALL").SaveX(ctx)
		b.stores = append(b.stores, st)
		for j := range 5 {
			p := b.c.Product.Create().SetStoreID(st.ID).SetOrganizationID(st.OrganizationID).SetTitle(fmt.Sprintf("P%d-%d", i, j)).SetPrice(9900).SaveX(ctx)
			b.skus[st.ID] = append(b.skus[st.ID], b.c.SKU.Create().SetProductID(p.ID).SetOrganizationID(st.OrganizationID).SetName("默认").SetPrice(9900).SetStock(100).SaveX(ctx))
		}
		for d := 1; d <= b.days; d++ {
			v := int64(500 + b.rng.IntN(1000))
			snaps = append(snaps, b.c.MetricSnapshot.Create().SetStoreID(st.ID).SetOrganizationID(st.OrganizationID).
				SetDay(b.today.AddDays(-d).String()).SetVisitors(v).SetAddToCart(v/10).
				SetTrafficSources(map[string]int64{"NATURAL_SEARCH": v / 2, "OTHER": v - v/2}))
			if len(snaps) == 2000 {
				b.c.MetricSnapshot.CreateBulk(snaps...).ExecX(ctx)
				snaps = snaps[:0]
			}
		}
	}
	if len(snaps) > 0 {
		b.c.MetricSnapshot.CreateBulk(snaps...).ExecX(ctx)
	}
}

// write inserts n orders in pages of 1000, per store like a sync page; with
// maintain, each page also loads the orders' old state and applies the
// rollup delta in the same transaction, as platformsync does.
func (b *bench) write(ctx context.Context, n int, maintain bool) time.Duration {
	loc := shanghai()
	var total time.Duration
	for n > 0 {
		st := b.stores[b.rng.IntN(len(b.stores))]
		size := min(n, 1000)
		n -= size
		var cs []*ent.OrderCreate
		var exts []string
		var lines [][2]int64
		for range size {
			b.seq++
			ext := fmt.Sprint(b.seq)
			exts = append(exts, ext)
			day := b.today.AddDays(-1 - b.rng.IntN(b.days))
			at := day.Start(loc).Add(time.Duration(b.rng.IntN(86000)) * time.Second)
			status := order.StatusCOMPLETED
			if b.rng.Float64() < 0.05 {
				status = order.StatusREFUNDED
			}
			amount := int64(5000 + b.rng.IntN(50000))
			cs = append(cs, b.c.Order.Create().SetStoreID(st.ID).SetOrganizationID(st.OrganizationID).SetPlatform("TMALL").
				SetExternalID(ext).SetStatus(status).SetTotal(schematype.Money(amount)).SetPaid(schematype.Money(amount)).
				SetBuyerRef(fmt.Sprintf("b%d", b.rng.IntN(b.buyers))).SetTrafficSource("NATURAL_SEARCH").
				SetOrderedAt(at).SetPaidAt(at.Add(time.Minute)))
			lines = append(lines, [2]int64{int64(b.rng.IntN(5)), amount})
		}
		t := time.Now()
		tx, err := b.c.Tx(ctx)
		check(err)
		var before rollup.State
		if maintain {
			before, err = rollup.Load(ctx, tx.Client(), st.ID, exts)
			check(err)
		}
		rows, err := tx.Order.CreateBulk(cs...).Save(ctx)
		check(err)
		var ls []*ent.OrderLineCreate
		for i, o := range rows {
			k := b.skus[st.ID][lines[i][0]]
			ls = append(ls, tx.OrderLine.Create().SetOrderID(o.ID).SetOrganizationID(st.OrganizationID).SetSkuID(k.ID).
				SetTitle("商品").SetQuantity(1).SetUnitPrice(schematype.Money(lines[i][1])).SetTotal(schematype.Money(lines[i][1])))
		}
		check(tx.OrderLine.CreateBulk(ls...).Exec(ctx))
		if maintain {
			after, err := rollup.Load(ctx, tx.Client(), st.ID, exts)
			check(err)
			check(rollup.Apply(ctx, tx.Client(), st, before, after))
		}
		check(tx.Commit())
		total += time.Since(t)
	}
	return total
}

func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

func dbKind(dsn string) string {
	if db.IsPostgres(dsn) {
		return "postgres"
	}
	return "sqlite"
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
