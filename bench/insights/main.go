// Command bench measures the operations insights at scale: it generates
// orders over stores and buyers (default 1,000,000 / 100 / 200,000, like
// issue 10) through the sync's own write path (platformsync.WriteOrderPage),
// then reports the cost of rollup maintenance on sync writes, the time of a
// rollup rebuild, the agency-wide month (with 环比, 同比 and targets) p50/p99
// and the RFM segmentation time, each with the load average (the machine is
// shared). Use -orders to run it small (CI runs BenchmarkInsights once).
//
//	go run ./bench/insights -orders 20000 -stores 20 -buyers 5000
//	go run ./bench/insights -db 'postgres://…' -orders 1000000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/insights"
	"github.com/opsgraph/opsgraph/insights/insightsvc"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Config sizes a run.
type Config struct {
	DSN    string // SQLite file or postgres:// URL of an empty database
	Orders int
	Stores int
	Buyers int
	Days   int  // days of history, ending yesterday
	Runs   int  // repetitions of the agency-wide month
	Reuse  bool // measure the reads only, on a database a previous run generated
	Out    io.Writer
}

// Report is what a run measured.
type Report struct {
	WritePlain, WriteMaintained time.Duration // the overhead sample, same orders count each
	Overhead                    float64       // (maintained − plain) / plain
	Rebuild                     time.Duration // rebuild of the sample's stores
	MonthP50, MonthP99          time.Duration
	RFM                         time.Duration
	RFMBuyers                   int
}

func main() {
	cfg := Config{Out: os.Stdout}
	flag.StringVar(&cfg.DSN, "db", "", "SQLite file or postgres:// URL of an empty database (default: a new SQLite file in a temp dir)")
	flag.IntVar(&cfg.Orders, "orders", 1_000_000, "orders to generate")
	flag.IntVar(&cfg.Stores, "stores", 100, "stores (over 10 client brands of one agency)")
	flag.IntVar(&cfg.Buyers, "buyers", 200_000, "distinct buyers")
	flag.IntVar(&cfg.Days, "days", 400, "days of history, ending yesterday")
	flag.IntVar(&cfg.Runs, "runs", 100, "repetitions of the agency-wide month")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.BoolVar(&cfg.Reuse, "reuse", false, "measure the reads only, on the -db a previous run generated")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	if cfg.DSN == "" {
		dir, err := os.MkdirTemp("", "opsgraph-bench")
		check(err)
		defer os.RemoveAll(dir)
		cfg.DSN = filepath.Join(dir, "bench.db")
	}
	_, err := Run(context.Background(), cfg)
	check(err)
}

// Run generates the data and measures; it prints as it goes.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	ctx = authz.SystemContext(ctx)
	c, err := db.OpenClient(ctx, cfg.DSN)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	b := &bench{c: c, rng: rand.New(rand.NewPCG(1, 2)), days: cfg.Days, buyers: cfg.Buyers, runs: cfg.Runs}
	b.today = insights.DateOf(time.Now(), shanghai())
	out := cfg.Out
	rep := &Report{}
	if n, _ := c.Order.Query().Count(ctx); n > 0 {
		if !cfg.Reuse {
			return nil, fmt.Errorf("the database already has %d orders: use an empty one (or -reuse)", n)
		}
		ag, err := c.Organization.Query().Where(organization.Name("Bench agency")).First(ctx)
		if err != nil {
			return nil, err
		}
		b.agency = ag.ID
		fmt.Fprintf(out, "reusing %d orders, db=%s\n", n, dbKind(cfg.DSN))
		return b.measure(ctx, out, rep)
	}
	start := time.Now()
	if err := b.setup(ctx, cfg.Stores); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "orders=%d stores=%d buyers=%d days=%d db=%s\n", cfg.Orders, cfg.Stores, cfg.Buyers, cfg.Days, dbKind(cfg.DSN))

	// Rollup cost on sync writes: pages alternately written with and without
	// the rollup maintenance, so that both halves see the same load.
	sample := max(2000, cfg.Orders/20) / (2 * page) * (2 * page) // an even number of pages: as many with as without
	la := loadavg()
	for i := 0; i < sample/page; i++ {
		d, err := b.write(ctx, page, i%2 == 1)
		if err != nil {
			return nil, err
		}
		if i%2 == 1 {
			rep.WriteMaintained += d
		} else {
			rep.WritePlain += d
		}
	}
	rep.Overhead = (rep.WriteMaintained.Seconds() - rep.WritePlain.Seconds()) / rep.WritePlain.Seconds()
	fmt.Fprintf(out, "sync writes of %d orders in pages of %d: %v without rollups, %v with rollup maintenance: overhead %.1f %% (load %s)\n",
		sample/2, page, rep.WritePlain.Round(time.Millisecond), rep.WriteMaintained.Round(time.Millisecond), 100*rep.Overhead, la)
	// The pages written without rollups are rebuilt (the rebuild command).
	t := time.Now()
	if err := rollup.Rebuild(ctx, c); err != nil {
		return nil, err
	}
	rep.Rebuild = time.Since(t)
	fmt.Fprintf(out, "rollup rebuild of %d orders: %v\n", sample/page*page, rep.Rebuild.Round(time.Millisecond))
	for n := cfg.Orders - sample/page*page; n > 0; n -= page {
		if _, err := b.write(ctx, min(n, page), true); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(out, "generated in %v\n", time.Since(start).Round(time.Second))
	if err := b.target(ctx); err != nil {
		return nil, err
	}
	return b.measure(ctx, out, rep)
}

// measure times the agency-wide month and RFM.
func (b *bench) measure(ctx context.Context, out io.Writer, rep *Report) (*Report, error) {
	c := b.c
	runs := b.runs
	sc, err := insightsvc.OrgScope(ctx, c, b.agency)
	if err != nil {
		return nil, err
	}
	month, _ := insights.PeriodOf(insights.Month, b.today.AddDays(-40))
	var lat []time.Duration
	la := loadavg()
	for range max(runs, 1) {
		t := time.Now()
		if _, err := insightsvc.Insights(ctx, c, sc, month); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t))
	}
	slices.Sort(lat)
	rep.MonthP50, rep.MonthP99 = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
	fmt.Fprintf(out, "agency-wide month %s with 环比/同比/targets (%d stores), %d runs: p50 %v p99 %v (load %s)\n", month.Label(), len(sc.Stores),
		len(lat), rep.MonthP50.Round(time.Microsecond), rep.MonthP99.Round(time.Microsecond), la)
	la = loadavg()
	t := time.Now()
	res, err := insightsvc.RFM(ctx, c, sc, insights.DefaultRFM, b.today.AddDays(-1))
	if err != nil {
		return nil, err
	}
	rep.RFM, rep.RFMBuyers = time.Since(t), len(res.Buyers)
	fmt.Fprintf(out, "RFM over %d store buyers: %v (load %s)\n", rep.RFMBuyers, rep.RFM.Round(time.Millisecond), la)
	return rep, nil
}

// page is the orders of one sync page.
const page = 1000

type bench struct {
	c      *ent.Client
	rng    *rand.Rand
	today  insights.Date
	days   int
	buyers int
	runs   int
	agency int
	brands []int
	stores []*ent.Store
	seq    int
}

func (b *bench) setup(ctx context.Context, n int) error {
	ag, err := b.c.Organization.Create().SetName("Bench agency").SetKind("AGENCY").Save(ctx)
	if err != nil {
		return err
	}
	b.agency = ag.ID
	for i := range 10 {
		o, err := b.c.Organization.Create().SetName(fmt.Sprintf("Brand %d", i)).SetParentID(ag.ID).Save(ctx)
		if err != nil {
			return err
		}
		b.brands = append(b.brands, o.ID)
	}
	var snaps []*ent.MetricSnapshotCreate
	for i := range n {
		st, err := b.c.Store.Create().SetOrganizationID(b.brands[i%10]).SetName(fmt.Sprintf("Store %d", i)).SetPlatform("TMALL").Save(ctx)
		if err != nil {
			return err
		}
		b.stores = append(b.stores, st)
		for j := range 5 {
			p, err := b.c.Product.Create().SetStoreID(st.ID).SetOrganizationID(st.OrganizationID).SetTitle(fmt.Sprintf("P%d-%d", i, j)).
				SetExternalID(fmt.Sprintf("p%d", j)).SetPrice(9900).Save(ctx)
			if err != nil {
				return err
			}
			err = b.c.SKU.Create().SetProductID(p.ID).SetOrganizationID(st.OrganizationID).SetName("默认").
				SetExternalID(fmt.Sprintf("k%d", j)).SetPrice(9900).SetStock(100).Exec(ctx)
			if err != nil {
				return err
			}
		}
		for d := 1; d <= b.days; d++ {
			v := int64(500 + b.rng.IntN(1000))
			snaps = append(snaps, b.c.MetricSnapshot.Create().SetStoreID(st.ID).SetOrganizationID(st.OrganizationID).
				SetDay(b.today.AddDays(-d).String()).SetVisitors(v).SetAddToCart(v/10).
				SetTrafficSources(map[string]int64{"NATURAL_SEARCH": v / 2, "OTHER": v - v/2}))
			if len(snaps) == 2000 {
				if err := b.c.MetricSnapshot.CreateBulk(snaps...).Exec(ctx); err != nil {
					return err
				}
				snaps = snaps[:0]
			}
		}
	}
	if len(snaps) > 0 {
		return b.c.MetricSnapshot.CreateBulk(snaps...).Exec(ctx)
	}
	return nil
}

// target sets the agency's monthly targets, read with the figures.
func (b *bench) target(ctx context.Context) error {
	for _, m := range insights.Metrics[:min(3, len(insights.Metrics))] {
		if _, err := insightsvc.SetTarget(ctx, b.c, b.agency, insights.Month, b.today.AddDays(-40), m, 1000); err != nil {
			return err
		}
	}
	return nil
}

// write writes one sync page of n orders of a random store through the
// sync's write path, in one transaction; the orders of a page span one
// month, in time order, as a platform pages them.
func (b *bench) write(ctx context.Context, n int, rollups bool) (time.Duration, error) {
	loc := shanghai()
	si := b.rng.IntN(len(b.stores))
	st := b.stores[si]
	// Buyer identities are per store (a platform's buyer of one shop): each
	// of the buyers is a customer of one store, so -buyers is the number of
	// store buyers RFM segments.
	perStore := max(b.buyers/len(b.stores), 1)
	first := 1 + b.rng.IntN(max(b.days-30, 1))
	os := make([]sdk.Order, 0, n)
	for i := range n {
		b.seq++
		day := b.today.AddDays(-first - 30*(n-1-i)/n)
		at := day.Start(loc).Add(time.Duration(b.rng.IntN(86000)) * time.Second)
		status := sdk.OrderCompleted
		if b.rng.Float64() < 0.05 {
			status = sdk.OrderRefunded
		}
		amount := int64(5000 + b.rng.IntN(50000))
		k := b.rng.IntN(5)
		os = append(os, sdk.Order{ExternalID: fmt.Sprint(b.seq), Status: status, TotalFen: amount, PaidFen: amount,
			BuyerRef: fmt.Sprintf("b%d", si+len(b.stores)*b.rng.IntN(perStore)), TrafficSource: "NATURAL_SEARCH",
			CreatedAt: at, PaidAt: at.Add(time.Minute), UpdatedAt: at.Add(time.Minute),
			Lines: []sdk.OrderLine{{ExternalID: "1", ProductExternalID: fmt.Sprintf("p%d", k), SKUExternalID: fmt.Sprintf("k%d", k),
				Title: "商品", Quantity: 1, UnitPriceFen: amount, TotalFen: amount}}})
	}
	t := time.Now()
	tx, err := b.c.Tx(ctx)
	if err != nil {
		return 0, err
	}
	if err := platformsync.WriteOrderPage(ctx, tx, st, os, rollupMode(rollups)); err != nil {
		_ = tx.Rollback()
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(t), nil
}

// loadavg is the 1, 5 and 15-minute load average (Linux), or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
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

// rollupMode: the write path measured with the rollups written in the page's
// transaction (what a page costs the database; a sync queues them instead and
// drains them while it fetches, decision 0263) or without them.
func rollupMode(rollups bool) platformsync.Rollups {
	if rollups {
		return platformsync.RollupsNow
	}
	return platformsync.RollupsOff
}
