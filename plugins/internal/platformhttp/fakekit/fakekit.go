// Package fakekit is what the fake platform servers (plugins/*/fake) share: a
// deterministic, seeded shop catalog (Chinese product titles, SKUs with properties,
// orders across states, daily metrics) in platform-neutral form, and on-demand fault
// injection (rate limits, 5xx, slow responses, clock skew). Each fake renders the
// catalog in its platform's own shapes, units and envelopes.
package fakekit

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"sync"
	"time"
)

// Faults injects failures on demand. All methods are safe for concurrent use.
type Faults struct {
	mu        sync.Mutex
	rateLimit int
	fail5xx   int
	delay     time.Duration
	skew      time.Duration
}

// RateLimitNext makes the next n API calls fail with the platform's rate-limit error.
func (f *Faults) RateLimitNext(n int) { f.mu.Lock(); f.rateLimit = n; f.mu.Unlock() }

// FailNext makes the next n API calls answer HTTP 503.
func (f *Faults) FailNext(n int) { f.mu.Lock(); f.fail5xx = n; f.mu.Unlock() }

// SetDelay delays every response by d (0 turns it off). A delayed request whose
// client goes away is dropped at once.
func (f *Faults) SetDelay(d time.Duration) { f.mu.Lock(); f.delay = d; f.mu.Unlock() }

// SetClockSkew shifts the fake's clock by d, so that clients' timestamps look off
// by -d (use it to test the timestamp window).
func (f *Faults) SetClockSkew(d time.Duration) { f.mu.Lock(); f.skew = d; f.mu.Unlock() }

// Now is the fake's clock (real time plus skew).
func (f *Faults) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return time.Now().Add(f.skew)
}

// TakeRateLimit reports whether this call must be rate limited, consuming one.
func (f *Faults) TakeRateLimit() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rateLimit > 0 {
		f.rateLimit--
		return true
	}
	return false
}

// Take5xx reports whether this call must fail with a 5xx, consuming one.
func (f *Faults) Take5xx() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail5xx > 0 {
		f.fail5xx--
		return true
	}
	return false
}

// Wait applies the configured delay; false if ctx ended first.
func (f *Faults) Wait(ctx context.Context) bool {
	f.mu.Lock()
	d := f.delay
	f.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Prop is one sale property of a SKU, with platform-style numeric ids.
type Prop struct {
	PID, VID    int64
	Name, Value string
}

// SKU is one variant. Money in fen.
type SKU struct {
	ID       int64
	Props    []Prop
	PriceFen int64
	Stock    int64
	Barcode  string
	OuterID  string
	// Ext is the id as the platform spells it when it is not a number (the
	// xiaohongshu fake renders it instead of ID in hex); empty: derived from ID.
	Ext string
}

// PropsName renders "颜色分类:红色;尺码:M".
func (s *SKU) PropsName() string {
	out := ""
	for i, p := range s.Props {
		if i > 0 {
			out += ";"
		}
		out += p.Name + ":" + p.Value
	}
	return out
}

// Product is a catalog item.
type Product struct {
	ID       int64
	Title    string
	OnSale   bool
	OuterID  string
	Modified time.Time
	Created  time.Time
	SKUs     []*SKU
	Ext      string // as SKU.Ext
}

// PriceFen is the lowest SKU price; Stock the sum of SKU stock.
func (p *Product) PriceFen() int64 {
	m := int64(0)
	for i, s := range p.SKUs {
		if i == 0 || s.PriceFen < m {
			m = s.PriceFen
		}
	}
	return m
}

// Stock sums the SKUs' stock.
func (p *Product) Stock() int64 {
	var n int64
	for _, s := range p.SKUs {
		n += s.Stock
	}
	return n
}

// OrderState is a platform-neutral order state; each fake maps it to its own codes.
type OrderState int

// Order states.
const (
	StateUnpaid OrderState = iota
	StatePaid
	StateShipped
	StateCompleted
	StateCancelled
	StateRefunded
)

// Line is one order line.
type Line struct {
	ID        int64
	ProductID int64
	SKUID     int64
	Title     string
	PropsName string
	Quantity  int64
	UnitFen   int64
	// ProductExt and SKUExt copy the Ext of the line's product and SKU.
	ProductExt, SKUExt string
}

// Order is a catalog order.
type Order struct {
	ID       int64
	State    OrderState
	Created  time.Time
	Paid     time.Time // zero if unpaid
	Modified time.Time
	BuyerRef string
	Lines    []Line
	PostFen  int64 // shipping fee

	// Attribution, in neutral form; each fake renders it in its platform's
	// documented fields (Taobao promotion_details, 抖店 promotion_detail and
	// author_id, 小红书 totalMerchantDiscount).
	Promotions []Promotion
	AuthorID   int64  // the 达人 (creator) who sold the order; 0 for none
	AuthorName string // the 达人's name
}

// Promotion is one seller-funded discount applied to an order: a promotion
// activity (满减, 单品优惠) or a coupon of a batch.
type Promotion struct {
	Coupon      bool   // a coupon batch, else a promotion activity
	ID          int64  // the activity id, or the coupon batch id
	DetailID    int64  // Taobao's 优惠详情 id / the coupon instance id
	Name        string // e.g. 满199减20
	DiscountFen int64  // seller-funded discount
}

// DiscountFen is the order's seller-funded discount: the sum of its promotions.
// The fakes keep the amounts paid as they were (payment = total): the discount
// is reported, not deducted.
func (o *Order) DiscountFen() int64 {
	var d int64
	for _, p := range o.Promotions {
		d += p.DiscountFen
	}
	return d
}

// Attribution sources of every generated catalog: each fake reports them on
// some of its orders, so tests can set up campaigns and KOL partners with
// these ids and expect the orders that carry them.
var (
	// Activities are promotion activities (one is a 满减, one a 单品优惠).
	Activities = []Promotion{{ID: 3584608, Name: "满199减20", DiscountFen: 2000}, {ID: 62198129, Name: "单品直降", DiscountFen: 1500}}
	// CouponBatches are coupon batches.
	CouponBatches = []Promotion{{Coupon: true, ID: 849776280, Name: "店铺券10元", DiscountFen: 1000}}
	// Authors are the 达人 who sell some orders (抖店 author_id is an int64).
	Authors = []struct {
		ID   int64
		Name string
	}{{3762517386, "小鹿美妆日记"}, {1096405512, "阿杰好物分享"}}
)

// attribute gives an order promotions and a 达人 from a hash of its id (not
// from the catalog's random stream, so that the generated orders stay what
// they were before attribution existed): about a third carry an activity, a
// fifth a coupon, a quarter a 达人.
func (o *Order) attribute() {
	h := hashInt("attr", fmt.Sprint(o.ID))
	if h%3 == 0 {
		a := Activities[(h/3)%uint64(len(Activities))]
		a.DetailID = int64(h>>20) % 1_000_000_000
		o.Promotions = append(o.Promotions, a)
	}
	if (h/7)%5 == 0 {
		c := CouponBatches[(h/11)%uint64(len(CouponBatches))]
		c.DetailID = int64(h>>24) % 10_000_000_000
		o.Promotions = append(o.Promotions, c)
	}
	if (h/13)%4 == 0 {
		a := Authors[(h/17)%uint64(len(Authors))]
		o.AuthorID, o.AuthorName = a.ID, a.Name
	}
	// A discount never exceeds the goods' value.
	var goods int64
	for _, l := range o.Lines {
		goods += l.UnitFen * l.Quantity
	}
	for o.DiscountFen() > goods/2 && len(o.Promotions) > 0 {
		o.Promotions = o.Promotions[:len(o.Promotions)-1]
	}
}

// TotalFen is the lines' total plus shipping.
func (o *Order) TotalFen() int64 {
	t := o.PostFen
	for _, l := range o.Lines {
		t += l.UnitFen * l.Quantity
	}
	return t
}

// PaidFen is what the buyer paid (0 if unpaid or cancelled before payment).
func (o *Order) PaidFen() int64 {
	if o.Paid.IsZero() {
		return 0
	}
	return o.TotalFen()
}

// Catalog is one fake shop's data.
type Catalog struct {
	Seed     int64
	Epoch    time.Time // "now" of the data set: orders lie in the 30 days before it
	Products []*Product
	Orders   []*Order // sorted by Created
}

var (
	brands     = []string{"【官方正品】", "【旗舰店】", "【新品首发】", "【限时特惠】", "", "【国货精品】"}
	adjectives = []string{"轻薄透气", "加厚保暖", "复古简约", "ins风", "高端商务", "宽松百搭", "小众设计", "经典款"}
	categories = []struct {
		noun  string
		props [][2][]string
		base  int64 // fen
	}{
		{"纯棉短袖T恤男女同款", [][2][]string{{{"1627207", "颜色分类"}, {"黑色", "白色", "雾霾蓝", "奶油白"}}, {{"20509", "尺码"}, {"S", "M", "L", "XL"}}}, 5900},
		{"真丝连衣裙法式长裙", [][2][]string{{{"1627207", "颜色分类"}, {"酒红色", "墨绿色", "米杏色"}}, {{"20509", "尺码"}, {"S", "M", "L"}}}, 39900},
		{"保温杯316不锈钢大容量", [][2][]string{{{"1627207", "颜色分类"}, {"月光白", "樱花粉", "深空灰"}}, {{"122216343", "容量"}, {"500ml", "750ml"}}}, 8900},
		{"无线蓝牙耳机降噪运动", [][2][]string{{{"1627207", "颜色分类"}, {"曜石黑", "珍珠白"}}}, 19900},
		{"氨基酸洗面奶温和清洁", [][2][]string{{{"122216608", "净含量"}, {"100g", "150g", "200g"}}}, 6900},
		{"云南普洱熟茶饼357克", [][2][]string{{{"122276111", "年份"}, {"2018年", "2020年", "2022年"}}}, 12800},
		{"儿童学习书桌可升降", [][2][]string{{{"1627207", "颜色分类"}, {"原木色", "粉色", "蓝色"}}, {{"148242406", "尺寸"}, {"80cm", "100cm", "120cm"}}}, 69900},
		{"五常大米稻花香10斤", [][2][]string{{{"122216608", "净含量"}, {"5kg", "10kg"}}}, 7990},
	}
	pvid = func(s string) int64 {
		var n int64
		for _, r := range s {
			n = n*10 + int64(r-'0')
		}
		return n
	}
)

func hashInt(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// Generate builds a catalog deterministically from seed and epoch: nProducts
// products (onSaleShare of them on sale; 1.0 = all) and nOrders orders created in
// the 30 days before epoch.
func Generate(seed int64, nProducts, nOrders int, epoch time.Time, onSaleShare float64) *Catalog {
	r := rand.New(rand.NewPCG(uint64(seed), 0x6f707367726170))
	c := &Catalog{Seed: seed, Epoch: epoch}
	nextSKU := int64(4_500_000_000) + int64(r.IntN(1_000_000))
	for i := 0; i < nProducts; i++ {
		cat := categories[r.IntN(len(categories))]
		p := &Product{
			ID:      int64(600_000_000_000) + int64(i)*7919 + int64(r.IntN(7000)),
			Title:   brands[r.IntN(len(brands))] + adjectives[r.IntN(len(adjectives))] + cat.noun,
			OnSale:  r.Float64() < onSaleShare,
			OuterID: fmt.Sprintf("SPU-%05d", i+1),
		}
		p.Created = epoch.Add(-time.Duration(90*24*3600-r.IntN(30*24*3600)) * time.Second)
		p.Modified = epoch.Add(-time.Duration(1+r.IntN(60*24*3600)) * time.Second)
		// Cartesian product of the category's properties.
		combos := [][]Prop{nil}
		for _, pr := range cat.props {
			var next [][]Prop
			for _, base := range combos {
				for vi, v := range pr[1] {
					pp := append(append([]Prop{}, base...), Prop{PID: pvid(pr[0][0]), VID: pvid(pr[0][0])*100 + int64(vi+1), Name: pr[0][1], Value: v})
					next = append(next, pp)
				}
			}
			combos = next
		}
		for j, props := range combos {
			nextSKU += int64(1 + r.IntN(50))
			price := cat.base + int64(j)*1000
			price = price / 100 * 100 // whole yuan, then a .90/.00 ending
			if r.IntN(3) == 0 {
				price += 90
			}
			p.SKUs = append(p.SKUs, &SKU{
				ID:       nextSKU,
				Props:    props,
				PriceFen: price,
				Stock:    int64(r.IntN(500)),
				Barcode:  fmt.Sprintf("69%011d", r.Int64N(1e11)),
				OuterID:  fmt.Sprintf("%s-%02d", p.OuterID, j+1),
			})
		}
		c.Products = append(c.Products, p)
	}
	c.generateOrders(r, nOrders)
	return c
}

// Seeded builds a catalog serving exactly the given products (a demo store's own
// catalogue, say) and nOrders orders, generated deterministically from seed in
// the 30 days before epoch, whose lines reference only those products' SKUs.
func Seeded(seed int64, products []*Product, nOrders int, epoch time.Time) *Catalog {
	r := rand.New(rand.NewPCG(uint64(seed), 0x6f707367726170))
	c := &Catalog{Seed: seed, Epoch: epoch}
	for _, p := range products {
		if len(p.SKUs) > 0 {
			c.Products = append(c.Products, p)
		}
	}
	c.generateOrders(r, nOrders)
	return c
}

// generateOrders adds n orders over the catalog's SKUs, created in the 30 days
// before the epoch.
func (c *Catalog) generateOrders(r *rand.Rand, nOrders int) {
	epoch := c.Epoch
	for i := 0; i < nOrders && len(c.Products) > 0; i++ {
		created := epoch.Add(-time.Duration(1+r.IntN(30*24*3600)) * time.Second)
		o := &Order{
			ID:       int64(3_800_000_000_000_000) + int64(i)*104729 + int64(r.IntN(100000)),
			Created:  created,
			BuyerRef: fmt.Sprintf("AAH%013x", r.Uint64()>>12),
		}
		if r.IntN(4) == 0 {
			o.PostFen = 1000
		}
		nl := 1 + r.IntN(3)
		for k := 0; k < nl; k++ {
			p := c.Products[r.IntN(len(c.Products))]
			s := p.SKUs[r.IntN(len(p.SKUs))]
			o.Lines = append(o.Lines, Line{
				ID: o.ID*10 + int64(k+1), ProductID: p.ID, SKUID: s.ID, Title: p.Title,
				PropsName: s.PropsName(), Quantity: int64(1 + r.IntN(3)), UnitFen: s.PriceFen,
				ProductExt: p.Ext, SKUExt: s.Ext,
			})
		}
		switch x := r.IntN(100); {
		case x < 10:
			o.State = StateUnpaid
		case x < 30:
			o.State = StatePaid
		case x < 50:
			o.State = StateShipped
		case x < 85:
			o.State = StateCompleted
		case x < 93:
			o.State = StateCancelled
		default:
			o.State = StateRefunded
		}
		if o.State != StateUnpaid && o.State != StateCancelled {
			o.Paid = created.Add(time.Duration(30+r.IntN(600)) * time.Second)
		}
		o.Modified = created.Add(time.Duration(60+r.IntN(3*24*3600)) * time.Second)
		if o.Modified.After(epoch) {
			o.Modified = epoch
		}
		o.attribute()
		c.Orders = append(c.Orders, o)
	}
	sort.SliceStable(c.Orders, func(i, j int) bool { return c.Orders[i].Created.Before(c.Orders[j].Created) })
}

// Metrics is one day of store numbers in neutral form (money in fen).
type Metrics struct {
	Date       string
	Visitors   int64
	PageViews  int64
	AddToCart  int64
	Orders     int64
	PaidOrders int64
	GMVFen     int64
	RefundsFen int64
	Sources    map[string]int64 // NATURAL_SEARCH, PAID, CONTENT, SOCIAL, PRIVATE_DOMAIN, OTHER
}

// SourceKeys are the traffic sources in a fixed order.
var SourceKeys = []string{"NATURAL_SEARCH", "PAID", "CONTENT", "SOCIAL", "PRIVATE_DOMAIN", "OTHER"}

// DailyMetrics returns the deterministic metrics of one day (YYYY-MM-DD). The
// catalog's orders created that day (Asia/Shanghai, loc) are counted exactly;
// traffic numbers are seeded from (seed, date).
func (c *Catalog) DailyMetrics(date string, loc *time.Location) Metrics {
	r := rand.New(rand.NewPCG(uint64(c.Seed), hashInt(date)))
	m := Metrics{Date: date, Sources: map[string]int64{}}
	for _, o := range c.Orders {
		if o.Created.In(loc).Format("2006-01-02") != date {
			continue
		}
		m.Orders++
		if !o.Paid.IsZero() {
			m.PaidOrders++
			m.GMVFen += o.TotalFen()
		}
		if o.State == StateRefunded {
			m.RefundsFen += o.TotalFen()
		}
	}
	m.Visitors = 200 + int64(r.IntN(1800)) + m.Orders*25
	m.PageViews = m.Visitors*2 + int64(r.IntN(int(m.Visitors)+1))
	m.AddToCart = m.Visitors/10 + int64(r.IntN(40))
	left := m.Visitors
	for i, k := range SourceKeys {
		if i == len(SourceKeys)-1 {
			m.Sources[k] = left
			break
		}
		v := left * int64(20+r.IntN(40)) / 100
		m.Sources[k] = v
		left -= v
	}
	return m
}

// DefaultEpoch is the start of the current day in loc: a stable "now" for a fake
// started today (all generated orders lie before it, none in the future).
func DefaultEpoch(loc *time.Location) time.Time {
	n := time.Now().In(loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
}

// Token returns a deterministic token string for (kind, seed, generation).
func Token(prefix string, seed int64, gen int) string {
	return fmt.Sprintf("%s%016x", prefix, hashInt(prefix, fmt.Sprint(seed), fmt.Sprint(gen)))
}

// Change moves order id to state st as of at (paid now if it becomes paid,
// shipped or completed without a payment time) and returns it, or nil if there
// is no such order. The caller holds the fake's lock.
func (c *Catalog) Change(id int64, st OrderState, at time.Time) *Order {
	at = at.Truncate(time.Second) // platforms keep whole seconds
	for _, o := range c.Orders {
		if o.ID != id {
			continue
		}
		o.State = st
		if o.Paid.IsZero() && (st == StatePaid || st == StateShipped || st == StateCompleted || st == StateRefunded) {
			o.Paid = at
		}
		o.Modified = at
		return o
	}
	return nil
}
