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
)

// orderTarget is about how many orders the demo holds across all stores: a sample
// of recent platform orders, enough for order lists, RFM and repurchase demos.
const orderTarget = 420

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
	lines   []orderLineDraft
	extID   string
	fixed   bool // status chosen to make sure every status appears
	created time.Time
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

func (s *seeder) orders(ctx context.Context) error {
	var all []*orderDraft
	var stores []*storeRows
	var weights []float64
	var total float64
	for _, b := range s.brands {
		for _, st := range b.stores {
			var w float64
			for _, d := range st.days {
				w += float64(d.paid)
			}
			stores = append(stores, st)
			weights = append(weights, w)
			total += w
		}
	}
	for i, st := range stores {
		n := max(30, int(math.Round(orderTarget*weights[i]/total)))
		all = append(all, s.storeOrders(st, n)...)
	}
	s.coverStatuses(all)

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
		if d.isPaid() {
			c.SetPaid(schematype.Money(d.total())).SetPaidAt(d.at.Add(time.Duration(20+s.rng.IntN(900)) * time.Second).UTC())
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
	_, err = createInChunks(ctx, lines, func(ctx context.Context, bs []*ent.OrderLineCreate) ([]*ent.OrderLine, error) {
		return s.tx.OrderLine.CreateBulk(bs...).Save(ctx)
	})
	return err
}

// storeOrders draws n orders for one store, spread over the last 90 days like
// its paid orders (so 双11 shows in the order list too) and sorted by time.
func (s *seeder) storeOrders(st *storeRows, n int) []*orderDraft {
	// Days with their weights, plus today so far.
	days := make([]time.Time, 0, len(st.days)+1)
	weights := make([]float64, 0, len(st.days)+1)
	promo := map[time.Time]bool{}
	for _, d := range st.days {
		days = append(days, d.day)
		weights = append(weights, float64(d.paid))
		promo[d.day] = d.promo
	}
	elapsed := s.now.Sub(s.today)
	days = append(days, s.today)
	weights = append(weights, float64(st.days[len(st.days)-1].paid)*elapsed.Hours()/24)

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

	// A pool of pseudonymous buyers, some of whom come back (复购).
	buyers := make([]string, max(8, n*2/3))
	prefix := map[store.Platform]string{
		store.PlatformTMALL: "tb_", store.PlatformTAOBAO: "tb_", store.PlatformDOUYIN: "dy_", store.PlatformXIAOHONGSHU: "xhs_",
	}[st.spec.platform]
	for i := range buyers {
		buyers[i] = fmt.Sprintf("%s%016x", prefix, s.rng.Uint64())
	}
	buyerWeights := make([]float64, len(buyers))
	for i := range buyerWeights {
		buyerWeights[i] = 1 / math.Sqrt(float64(i+1)) // a few loyal buyers, a long tail
	}

	f := funnels[st.spec.platform]
	sourceWeights := append(slices.Clone(f.mix), max(0.02, 1-sum(f.mix)))

	out := make([]*orderDraft, 0, n)
	for range n {
		di := s.pick(weights)
		h := s.pick(hourWeight[:])
		at := days[di].Add(time.Duration(h)*time.Hour + time.Duration(s.rng.IntN(3600))*time.Second)
		if !at.Before(s.now) {
			at = s.now.Add(-time.Duration(1+s.rng.IntN(int(max(1, elapsed.Minutes())))) * time.Minute)
		}
		d := &orderDraft{
			st:     st,
			at:     at,
			status: s.statusForAge(s.now.Sub(at)),
			source: order.TrafficSource(trafficSources[s.pick(sourceWeights)]),
			buyer:  buyers[s.pick(buyerWeights)],
		}
		d.created = earliest(s.now, at.Add(time.Duration(60+s.rng.IntN(600))*time.Second))
		nLines := 1 + s.pick([]float64{0.62, 0.28, 0.10})
		used := map[int]bool{}
		for range nLines {
			i := s.pick(skuWeights)
			if used[i] {
				continue
			}
			used[i] = true
			sk := skus[i]
			price := int64(sk.Price)
			if promo[days[di]] {
				price = int64(math.Round(float64(price)*0.85/100)) * 100 // 大促价, whole yuan
			}
			d.lines = append(d.lines, orderLineDraft{
				sku: sk, title: byID[sk.ProductID].Title, price: price,
				quantity: 1 + s.pick([]float64{0.76, 0.19, 0.05}),
			})
		}
		out = append(out, d)
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

func sum(xs []float64) float64 {
	var t float64
	for _, x := range xs {
		t += x
	}
	return t
}

// statusForAge is a plausible state for an order placed age ago.
func (s *seeder) statusForAge(age time.Duration) order.Status {
	type w struct {
		st order.Status
		p  float64
	}
	var table []w
	switch {
	case age < 2*time.Hour:
		table = []w{{order.StatusPENDING_PAYMENT, 0.35}, {order.StatusPAID, 0.6}, {order.StatusCANCELLED, 0.05}}
	case age < 24*time.Hour:
		table = []w{{order.StatusPENDING_PAYMENT, 0.08}, {order.StatusPAID, 0.5}, {order.StatusSHIPPED, 0.37}, {order.StatusCANCELLED, 0.05}}
	case age < 4*24*time.Hour:
		table = []w{{order.StatusPAID, 0.1}, {order.StatusSHIPPED, 0.8}, {order.StatusCANCELLED, 0.06}, {order.StatusREFUNDED, 0.04}}
	case age < 12*24*time.Hour:
		table = []w{{order.StatusSHIPPED, 0.35}, {order.StatusCOMPLETED, 0.55}, {order.StatusCANCELLED, 0.05}, {order.StatusREFUNDED, 0.05}}
	default:
		table = []w{{order.StatusCOMPLETED, 0.88}, {order.StatusCANCELLED, 0.05}, {order.StatusREFUNDED, 0.07}}
	}
	ps := make([]float64, len(table))
	for i, t := range table {
		ps[i] = t.p
	}
	return table[s.pick(ps)].st
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
