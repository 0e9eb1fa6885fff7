package demo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/insights/rollup"
)

// roleWeight is how often a product of each portfolio role ends up in a basket.
var roleWeight = map[product.PortfolioRole]float64{
	product.PortfolioRoleCORE:      6,
	product.PortfolioRolePOTENTIAL: 3,
	product.PortfolioRoleTEST:      1.2,
	product.PortfolioRoleCLEARANCE: 0.4,
}

// hourWeight is when people shop: lunch break, afternoon slump, and evenings.
var hourWeight = [24]float64{
	1.2, 0.6, 0.3, 0.2, 0.1, 0.1, 0.2, 0.6, 1.2, 1.8, 2.4, 2.6,
	3.0, 2.6, 2.2, 2.0, 2.0, 2.1, 2.3, 2.8, 3.4, 3.8, 3.6, 2.4,
}

type orderLineDraft struct {
	sku      *ent.SKU
	title    string
	quantity int
	price    int64 // fen
}

type orderDraft struct {
	st      *storeRows
	at      time.Time
	status  order.Status
	source  order.TrafficSource
	buyer   string
	code    string // KOL tracking code
	lines   []orderLineDraft
	extID   string
	fixed   bool // status chosen to make sure every status appears
	created time.Time
	paidAt  time.Time
}

func (d *orderDraft) total() int64 {
	var t int64
	for _, l := range d.lines {
		t += l.price * int64(l.quantity)
	}
	return t
}

func (d *orderDraft) isPaid() bool {
	return d.status != order.StatusPENDING_PAYMENT && d.status != order.StatusCANCELLED
}

// paidDay is what a store's paid orders of one business day add up to: the
// snapshot of that day carries exactly these numbers.
type paidDay struct {
	orders, amount, refunds int64
	buyers                  map[string]bool
}

// sourceConversion is how much better than average each traffic source's
// visitors buy: 私域 converts best, social browsing worst.
var sourceConversion = map[string]float64{
	"NATURAL_SEARCH": 1, "PAID": 0.9, "CONTENT": 1.2, "SOCIAL": 0.7, "PRIVATE_DOMAIN": 2.5, "OTHER": 0.6,
}

// orders generates every order of every planned day (and today so far), then
// the snapshots from them and the sales rollups.
func (s *seeder) orders(ctx context.Context) error {
	var all []*orderDraft
	for _, b := range s.brands {
		for _, st := range b.stores {
			all = append(all, s.storeOrders(st)...)
		}
	}
	s.coverStatuses(all)
	for _, d := range all {
		if d.isPaid() && d.paidAt.IsZero() { // made paid by coverStatuses
			d.paidAt = earliest(d.at.Add(time.Minute), s.now.Add(-time.Second))
		}
	}

	paid := map[*storeRows]map[string]*paidDay{}
	for _, d := range all {
		if !d.isPaid() {
			continue
		}
		byDay := paid[d.st]
		if byDay == nil {
			byDay = map[string]*paidDay{}
			paid[d.st] = byDay
		}
		key := d.paidAt.In(s.loc).Format(time.DateOnly)
		p := byDay[key]
		if p == nil {
			p = &paidDay{buyers: map[string]bool{}}
			byDay[key] = p
		}
		p.orders++
		p.amount += d.total()
		if d.status == order.StatusREFUNDED {
			p.refunds += d.total()
		}
		p.buyers[d.buyer] = true
	}

	builders := make([]*ent.OrderCreate, 0, len(all))
	for _, d := range all {
		c := s.tx.Order.Create().
			SetStoreID(d.st.store.ID).
			SetPlatform(order.Platform(d.st.spec.platform)).
			SetExternalID(d.extID).
			SetStatus(d.status).
			SetTotal(schematype.Money(d.total())).
			SetBuyerRef(d.buyer).
			SetTrafficSource(d.source).
			SetOrderedAt(d.at.UTC()).
			SetCreatedAt(d.created.UTC()).
			SetUpdatedAt(d.created.UTC())
		if d.code != "" {
			c.SetTrackingCode(d.code)
		}
		if d.isPaid() {
			c.SetPaid(schematype.Money(d.total())).SetPaidAt(d.paidAt.UTC())
		}
		builders = append(builders, c)
	}
	rows, err := createInChunks(ctx, builders, func(ctx context.Context, bs []*ent.OrderCreate) ([]*ent.Order, error) {
		return s.tx.Order.CreateBulk(bs...).Save(ctx)
	})
	if err != nil {
		return err
	}

	var lines []*ent.OrderLineCreate
	for i, o := range rows {
		for j, l := range all[i].lines {
			lines = append(lines, s.tx.OrderLine.Create().
				SetOrderID(o.ID).
				SetSkuID(l.sku.ID).
				SetExternalID(fmt.Sprintf("%s-%d", o.ExternalID, j+1)).
				SetTitle(l.title).
				SetQuantity(l.quantity).
				SetUnitPrice(schematype.Money(l.price)).
				SetTotal(schematype.Money(l.price*int64(l.quantity))).
				SetCreatedAt(all[i].created.UTC()).
				SetUpdatedAt(all[i].created.UTC()))
		}
	}
	if _, err = createInChunks(ctx, lines, func(ctx context.Context, bs []*ent.OrderLineCreate) ([]*ent.OrderLine, error) {
		return s.tx.OrderLine.CreateBulk(bs...).Save(ctx)
	}); err != nil {
		return err
	}
	if err := s.snapshots(ctx, paid); err != nil {
		return err
	}
	return rollup.Rebuild(ctx, s.tx.Client())
}

// storeOrders draws the orders of one store: each planned day's paid orders
// and the unpaid rest of its placed orders, and today's so far. Buyers come
// from a growing pool: about a third of orders are from returning buyers,
// loyal early buyers and recent ones most often (复购, RFM).
func (s *seeder) storeOrders(st *storeRows) []*orderDraft {
	// Baskets come from products on sale, weighted by portfolio role.
	byID := map[int]*ent.Product{}
	for _, p := range st.products {
		byID[p.ID] = p
	}
	var skus []*ent.SKU
	var skuWeights []float64
	for _, sk := range st.skus {
		p := byID[sk.ProductID]
		if p.Status != product.StatusON_SALE {
			continue
		}
		skus = append(skus, sk)
		skuWeights = append(skuWeights, roleWeight[p.PortfolioRole])
	}
	prefix := map[store.Platform]string{
		store.PlatformTMALL: "tb_", store.PlatformTAOBAO: "tb_", store.PlatformDOUYIN: "dy_", store.PlatformXIAOHONGSHU: "xhs_",
	}[st.spec.platform]
	var pool []string
	buyer := func() string {
		if len(pool) > 0 && s.chance(0.34) {
			if s.chance(0.5) { // a recent buyer
				return pool[max(0, len(pool)-1-s.rng.IntN(min(len(pool), 150)))]
			}
			u := s.rng.Float64() // a loyal early buyer
			return pool[int(float64(len(pool))*u*u)]
		}
		b := fmt.Sprintf("%s%016x", prefix, s.rng.Uint64())
		pool = append(pool, b)
		return b
	}

	type plan struct {
		day          time.Time
		paid, placed int64
		promo        bool
		refund       float64
		sources      map[string]int64
	}
	plans := make([]plan, 0, len(st.days)+1)
	for _, d := range st.days {
		plans = append(plans, plan{d.day, d.paid, d.placed, d.promo, d.refundRate, d.sources})
	}
	last := st.days[len(st.days)-1]
	frac := s.now.Sub(s.today).Hours() / 24
	plans = append(plans, plan{s.today, int64(float64(last.paid) * frac), int64(float64(last.placed) * frac), last.promo, last.refundRate, last.sources})

	// Orders from content and social traffic partly come through the demo
	// KOLs' links: their tracking codes attribute them to the collaborations.
	var codes []string
	for _, cs := range collabs {
		if s.brands[cs.brand] == st.brand {
			codes = append(codes, trackingCode(st.brand.spec.key, cs.kol))
		}
	}
	var out []*orderDraft
	for _, p := range plans {
		srcWeights := make([]float64, len(trafficSources))
		for i, k := range trafficSources {
			srcWeights[i] = float64(p.sources[k])*sourceConversion[k] + 0.01
		}
		today := p.day.Equal(s.today)
		for i := range p.placed {
			isPaid := i < p.paid
			h := s.pick(hourWeight[:])
			at := p.day.Add(time.Duration(h)*time.Hour + time.Duration(s.rng.IntN(45*60))*time.Second)
			if today && !at.Before(s.now) {
				if !isPaid {
					continue
				}
				// Today's orders so far: spread over the hours already past.
				at = s.today.Add(time.Duration(s.rng.Int64N(int64(max(time.Minute, s.now.Sub(s.today)-20*time.Minute)))))
			}
			d := &orderDraft{
				st:     st,
				at:     at,
				source: order.TrafficSource(trafficSources[s.pick(srcWeights)]),
				buyer:  buyer(),
			}
			if len(codes) > 0 && (d.source == order.TrafficSourceCONTENT || d.source == order.TrafficSourceSOCIAL) && s.chance(0.3) {
				d.code = codes[s.rng.IntN(len(codes))]
			}
			age := s.now.Sub(at)
			if isPaid {
				// Paid within 15 minutes, the same business day.
				d.paidAt = earliest(at.Add(time.Duration(20+s.rng.IntN(880))*time.Second), p.day.AddDate(0, 0, 1).Add(-time.Second))
				if today {
					d.paidAt = earliest(d.paidAt, s.now.Add(-time.Second))
				}
				d.status = s.paidStatus(age, i > 0 && s.chance(p.refund))
			} else if age < 24*time.Hour {
				d.status = order.StatusPENDING_PAYMENT
			} else {
				d.status = order.StatusCANCELLED
			}
			d.created = earliest(s.now, latest(at, d.paidAt).Add(time.Duration(60+s.rng.IntN(600))*time.Second))
			nLines := 1 + s.pick([]float64{0.62, 0.28, 0.10})
			if p.promo {
				nLines = 1 + s.pick([]float64{0.45, 0.35, 0.20}) // bundles lift the 大促 order value
			}
			used := map[int]bool{}
			for range nLines {
				i := s.pick(skuWeights)
				if used[i] {
					continue
				}
				used[i] = true
				sk := skus[i]
				price := int64(sk.Price)
				if p.promo {
					price = int64(math.Round(float64(price)*0.85/100)) * 100 // 大促价, whole yuan
				}
				d.lines = append(d.lines, orderLineDraft{
					sku: sk, title: byID[sk.ProductID].Title, price: price,
					quantity: 1 + s.pick([]float64{0.76, 0.19, 0.05}),
				})
			}
			out = append(out, d)
		}
	}
	slices.SortFunc(out, func(a, b *orderDraft) int { return a.at.Compare(b.at) })

	// Platform order ids grow with time; each platform has its own shape.
	var next uint64
	switch st.spec.platform {
	case store.PlatformTMALL, store.PlatformTAOBAO:
		next = 3_900_000_000_000_000_000 + s.rng.Uint64N(1e16) // 19-digit tid
	case store.PlatformDOUYIN:
		next = 6_920_000_000_000_000_000 + s.rng.Uint64N(1e16) // 19-digit shop_order_id
	default:
		next = 1_000_000_000_000_000 + s.rng.Uint64N(1e15)
	}
	for _, d := range out {
		next += 1 + s.rng.Uint64N(40_000_000)
		if st.spec.platform == store.PlatformXIAOHONGSHU {
			d.extID = fmt.Sprintf("P%d", next)
		} else {
			d.extID = fmt.Sprint(next)
		}
	}
	return out
}

// paidStatus is a plausible state of an order paid age ago; refunded ones are
// drawn by the day's refund rate once they could have been returned.
func (s *seeder) paidStatus(age time.Duration, refund bool) order.Status {
	switch {
	case age < 6*time.Hour:
		return order.StatusPAID
	case age < 24*time.Hour:
		if s.chance(0.5) {
			return order.StatusPAID
		}
		return order.StatusSHIPPED
	case refund && age >= 3*24*time.Hour:
		return order.StatusREFUNDED
	case age < 10*24*time.Hour:
		return order.StatusSHIPPED
	}
	return order.StatusCOMPLETED
}

func sum(xs []float64) float64 {
	var t float64
	for _, x := range xs {
		t += x
	}
	return t
}

// coverStatuses makes sure every order status appears at least once, changing
// the status of an order whose age fits: the newest ones wait for payment or
// are paid or shipped, old ones are completed, cancelled or refunded.
func (s *seeder) coverStatuses(all []*orderDraft) {
	have := map[order.Status]int{}
	for _, d := range all {
		have[d.status]++
	}
	byTime := slices.Clone(all)
	slices.SortFunc(byTime, func(a, b *orderDraft) int { return b.at.Compare(a.at) }) // newest first
	recent := []order.Status{order.StatusPENDING_PAYMENT, order.StatusPAID, order.StatusSHIPPED}
	old := []order.Status{order.StatusCOMPLETED, order.StatusREFUNDED, order.StatusCANCELLED}
	assign := func(st order.Status, candidates []*orderDraft) {
		if have[st] > 0 {
			return
		}
		for _, d := range candidates {
			if d.fixed || have[d.status] <= 1 {
				continue
			}
			have[d.status]--
			d.status, d.fixed = st, true
			have[st]++
			return
		}
	}
	for _, st := range recent {
		assign(st, byTime)
	}
	slices.Reverse(byTime)
	for _, st := range old {
		assign(st, byTime)
	}
}

// trackingCode is the demo tracking code of a brand's collaboration with a KOL.
func trackingCode(brand, kol string) string { return "trk-" + brand + "-" + kol }
