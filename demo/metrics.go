package demo

import (
	"context"
	"math"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
)

// trafficSources are the keys of MetricSnapshot.traffic_sources (流量来源), in a fixed order.
var trafficSources = []string{"NATURAL_SEARCH", "PAID", "CONTENT", "SOCIAL", "PRIVATE_DOMAIN", "OTHER"}

// funnel is how a platform's visitors behave on an ordinary weekday.
type funnel struct {
	weekend    float64    // weekend traffic multiplier
	pvPer      [2]float64 // page views per visitor
	cartRate   float64    // add-to-cart / visitors
	orderRate  float64    // orders / add-to-cart
	payRate    float64    // paid / orders
	refundRate float64    // refunds / GMV
	mix        []float64  // shares of trafficSources except OTHER, which takes the rest
}

// Shelf platforms live on search; content platforms on the feed.
var funnels = map[store.Platform]funnel{
	store.PlatformTMALL:       {weekend: 1.12, pvPer: [2]float64{3.0, 4.2}, cartRate: 0.095, orderRate: 0.34, payRate: 0.93, refundRate: 0.045, mix: []float64{0.40, 0.24, 0.12, 0.06, 0.11}},
	store.PlatformTAOBAO:      {weekend: 1.10, pvPer: [2]float64{2.8, 3.8}, cartRate: 0.085, orderRate: 0.33, payRate: 0.92, refundRate: 0.035, mix: []float64{0.44, 0.20, 0.10, 0.08, 0.10}},
	store.PlatformDOUYIN:      {weekend: 1.25, pvPer: [2]float64{1.6, 2.4}, cartRate: 0.060, orderRate: 0.55, payRate: 0.88, refundRate: 0.090, mix: []float64{0.08, 0.26, 0.46, 0.10, 0.04}},
	store.PlatformXIAOHONGSHU: {weekend: 1.20, pvPer: [2]float64{2.2, 3.2}, cartRate: 0.050, orderRate: 0.40, payRate: 0.90, refundRate: 0.040, mix: []float64{0.22, 0.08, 0.48, 0.12, 0.05}},
}

// dayEffect is what the shopping calendar does to one day.
type dayEffect struct {
	traffic, cart, conv, refund float64
	promo                       bool // a big-promotion selling day: bundles lift the order value
}

// effectOn gives the shopping-calendar effect of a day: 双11 (warm-up from
// 10-21, 开门红 from 10-31 evening, the day itself, 48 h encore, then the wave of
// returns), 618, 双12, 99划算节, 38 节, and the National Day holiday when people travel.
func effectOn(d time.Time) dayEffect {
	e := dayEffect{traffic: 1, cart: 1, conv: 1, refund: 1}
	m, day := d.Month(), d.Day()
	switch {
	case m == time.November && day == 11:
		e = dayEffect{3.6, 1.3, 1.6, 1, true}
	case m == time.November && day >= 1 && day <= 3:
		e = dayEffect{2.0, 1.2, 1.4, 1, true}
	case m == time.October && day == 31:
		e = dayEffect{1.7, 1.3, 1.3, 1, true}
	case m == time.October && day >= 21:
		e = dayEffect{1.3, 1.7, 0.7, 1, false} // 预热: carts fill, purchases wait for the peak
	case m == time.November && day >= 4 && day <= 10:
		e = dayEffect{1.35, 1.1, 1.1, 1, true}
	case m == time.November && (day == 12 || day == 13):
		e = dayEffect{1.6, 1.1, 1.3, 1.3, true} // 返场
	case m == time.November && day >= 14 && day <= 24:
		e.refund = 2.0 // returns after the peak
	case m == time.June && day == 18:
		e = dayEffect{3.2, 1.3, 1.5, 1, true}
	case m == time.June && day >= 1 && day <= 3:
		e = dayEffect{1.9, 1.2, 1.3, 1, true}
	case m == time.June && day >= 4 && day <= 17:
		e = dayEffect{1.3, 1.1, 1.1, 1, true}
	case m == time.May && day >= 24:
		e = dayEffect{1.25, 1.6, 0.75, 1, false}
	case m == time.December && day == 12:
		e = dayEffect{2.0, 1.2, 1.4, 1, true}
	case m == time.December && (day == 10 || day == 11):
		e = dayEffect{1.3, 1.3, 1.0, 1, false}
	case m == time.September && day == 9:
		e = dayEffect{1.5, 1.2, 1.2, 1, true}
	case m == time.March && day == 8:
		e = dayEffect{1.6, 1.2, 1.3, 1, true}
	case m == time.October && day >= 1 && day <= 7:
		e = dayEffect{0.88, 1, 0.95, 1, false}
	}
	return e
}

// snapshotDays is how many business days of metrics and orders each store
// gets, ending yesterday: more than a year, so that 同比, returning buyers and
// RFM have history.
const snapshotDays = 400

// trafficScale shrinks the stores' typical visitors so that every paid order
// of every day can be stored (a demo, not a load test): a few hundred visitors
// and a handful to a few dozen paid orders a day per store.
const trafficScale = 0.03

// dayMetrics is one planned business day of a store: the platform's traffic
// and funnel figures; the paid figures are those of the day's orders.
type dayMetrics struct {
	day        time.Time
	visitors   int64
	pageViews  int64
	cart       int64
	placed     int64
	paid       int64 // paid orders to generate
	promo      bool
	refundRate float64
	sources    map[string]int64
}

// metrics plans each store's days; orders() generates the orders of each day
// and writes the snapshots with the paid figures of those orders.
func (s *seeder) metrics(context.Context) error {
	for _, b := range s.brands {
		for _, st := range b.stores {
			f := funnels[st.spec.platform]
			for i := range snapshotDays {
				d := s.day(i - snapshotDays)
				e := effectOn(d)
				v := st.spec.visitors * trafficScale * (1 + 0.001*float64(i)) * e.traffic * s.noise(0.08)
				if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
					v *= f.weekend
				}
				visitors := int64(v)
				pageViews := int64(v * s.between(f.pvPer[0], f.pvPer[1]))
				cart := min(max(3, int64(v*f.cartRate*e.cart*s.noise(0.06))), visitors-1)
				placed := min(max(2, int64(math.Round(float64(cart)*f.orderRate*e.conv*s.noise(0.06)))), cart-1)
				paid := max(1, min(int64(math.Round(float64(placed)*min(0.99, f.payRate*s.noise(0.02)))), placed))

				// Jitter each source's share, renormalise, and give OTHER the remainder
				// so that the breakdown always sums to the visitors.
				shares := make([]float64, len(trafficSources))
				var total float64
				for k := range trafficSources {
					base := 1 - sum(f.mix)
					if k < len(f.mix) {
						base = f.mix[k]
					}
					shares[k] = base * s.noise(0.06)
					total += shares[k]
				}
				sources := make(map[string]int64, len(trafficSources))
				rest := visitors
				for k, src := range trafficSources[:len(trafficSources)-1] {
					n := int64(float64(visitors) * shares[k] / total)
					sources[src] = n
					rest -= n
				}
				sources["OTHER"] = rest
				st.days = append(st.days, dayMetrics{day: d, visitors: visitors, pageViews: pageViews, cart: cart,
					placed: placed, paid: paid, promo: e.promo, refundRate: f.refundRate * e.refund, sources: sources})
			}
		}
	}
	return nil
}

// snapshots writes each store's daily snapshots: traffic and funnel as
// planned, paid orders, paying buyers, GMV and refunds exactly those of the
// day's paid orders (so that the daily numbers and the orders reconcile).
func (s *seeder) snapshots(ctx context.Context, paid map[*storeRows]map[string]*paidDay) error {
	var builders []*ent.MetricSnapshotCreate
	for _, b := range s.brands {
		for _, st := range b.stores {
			for _, d := range st.days {
				key := d.day.Format(time.DateOnly)
				p := paid[st][key]
				// Written by the nightly sync, a little after 02:00 the next day.
				created := d.day.AddDate(0, 0, 1).Add(2*time.Hour + time.Duration(s.rng.IntN(3600))*time.Second)
				if created.After(s.now) {
					created = s.now
				}
				builders = append(builders, s.tx.MetricSnapshot.Create().
					SetStoreID(st.store.ID).
					SetDay(key).SetSource("DEMO").
					SetVisitors(d.visitors).
					SetPageViews(d.pageViews).
					SetAddToCart(d.cart).
					SetOrders(max(d.placed, p.orders)).
					SetPaidOrders(p.orders).
					SetPayingBuyers(int64(len(p.buyers))).
					SetGmv(schematype.Money(p.amount)).
					SetRefunds(schematype.Money(p.refunds)).
					SetTrafficSources(d.sources).
					SetCreatedAt(created.UTC()).
					SetUpdatedAt(created.UTC()))
			}
		}
	}
	_, err := createInChunks(ctx, builders, func(ctx context.Context, bs []*ent.MetricSnapshotCreate) ([]*ent.MetricSnapshot, error) {
		return s.tx.MetricSnapshot.CreateBulk(bs...).Save(ctx)
	})
	return err
}
