// Package demo loads realistic demo data into an empty OpsGraph database: an
// agency (代运营) with two client brands, their stores on Tmall, Taobao, Douyin and
// Xiaohongshu, 90 days of daily metrics, suppliers, products and SKUs, a few
// hundred orders, content in every workflow state, campaigns of every kind and
// KOL collaborations.
//
// The data is deterministic for a given day: numbers come from a fixed-seed
// random source and dates are relative to today in Asia/Shanghai.
package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
)

// Password is the password of the demo users (added separately).
const Password = "opsgraph-demo"

// seed makes the demo data the same on every run (for the same day).
const seed = 20261111

// bulkSize bounds the rows of one INSERT so that no database hits its limit on
// bound parameters (SQLite: 32766, PostgreSQL: 65535).
const bulkSize = 200

// Load fills an empty database with demo data, all in one transaction, and
// returns true. When the database already has an organization it changes
// nothing and returns false.
func Load(ctx context.Context, client *ent.Client) (loaded bool, err error) {
	return load(ctx, client, time.Now())
}

func load(ctx context.Context, client *ent.Client, now time.Time) (loaded bool, err error) {
	ctx = authz.SystemContext(ctx)
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: begin transaction: %w", err)
	}
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	// Checked inside the transaction: on SQLite the transaction holds the write
	// lock from the start (_txlock=immediate), so two servers starting at once
	// cannot both load.
	exists, err := tx.Organization.Query().Exist(ctx)
	if err != nil {
		_ = tx.Rollback()
		return false, fmt.Errorf("demo: check for existing data: %w", err)
	}
	if exists {
		return false, tx.Rollback()
	}
	if err := newSeeder(tx, now).run(ctx); err != nil {
		_ = tx.Rollback()
		return false, fmt.Errorf("demo: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("demo: commit: %w", err)
	}
	return true, nil
}

// shanghai is the business time zone of every demo store. Shanghai has had no
// daylight saving since 1991, so a fixed +08:00 is an exact fallback when the
// system has no time zone database.
func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

type seeder struct {
	tx    *ent.Tx
	rng   *rand.Rand
	now   time.Time
	loc   *time.Location
	today time.Time // midnight today, Asia/Shanghai

	brands  []*brandRows
	agency  int
	authors map[int]int // organization → the demo content editor who writes its content
}

type brandRows struct {
	spec      *brandSpec
	org       *ent.Organization
	suppliers []*ent.Supplier
	stores    []*storeRows
	kols      map[string]*ent.KOLPartner
	campaigns map[string]*ent.Campaign
	contents  map[string][]placedContent // idea key → the pieces made from it
}

type storeRows struct {
	brand    *brandRows
	spec     *storeSpec
	store    *ent.Store
	products []*ent.Product
	skus     []*ent.SKU
	days     []dayMetrics // oldest first, ending yesterday
}

func newSeeder(tx *ent.Tx, now time.Time) *seeder {
	loc := shanghai()
	now = now.Round(0) // no monotonic clock reading in stored times
	n := now.In(loc)
	return &seeder{
		tx:    tx,
		rng:   rand.New(rand.NewPCG(seed, seed>>7)),
		now:   now,
		loc:   loc,
		today: time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc),
	}
}

func (s *seeder) run(ctx context.Context) error {
	steps := []struct {
		name string
		f    func(context.Context) error
	}{
		{"organizations", s.organizations},
		{"users", s.users},
		{"suppliers", s.suppliers},
		{"stores", s.stores},
		{"metric snapshots", s.metrics},
		{"products", s.products},
		{"orders", s.orders},
		{"content", s.contents},
		{"campaigns", s.campaigns},
		{"KOL partners", s.kols},
		{"collaborations", s.collaborations},
		{"attribution ids", s.attribution},
		{"content operations", s.contentOps},
	}
	for _, st := range steps {
		if err := st.f(ctx); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
	}
	return nil
}

// createInChunks saves builders bulkSize at a time and returns all rows in order.
func createInChunks[B, T any](ctx context.Context, builders []B, save func(context.Context, []B) ([]T, error)) ([]T, error) {
	out := make([]T, 0, len(builders))
	for i := 0; i < len(builders); i += bulkSize {
		rows, err := save(ctx, builders[i:min(i+bulkSize, len(builders))])
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// --- random helpers -----------------------------------------------------------

// between is a uniform float in [lo, hi).
func (s *seeder) between(lo, hi float64) float64 { return lo + s.rng.Float64()*(hi-lo) }

// intBetween is a uniform int in [lo, hi].
func (s *seeder) intBetween(lo, hi int) int { return lo + s.rng.IntN(hi-lo+1) }

// noise is a multiplicative jitter around 1 with the given spread, never below 0.5.
func (s *seeder) noise(spread float64) float64 { return max(0.5, 1+s.rng.NormFloat64()*spread) }

func (s *seeder) chance(p float64) bool { return s.rng.Float64() < p }

// pick chooses an index with probability proportional to its weight.
func (s *seeder) pick(weights []float64) int {
	var total float64
	for _, w := range weights {
		total += w
	}
	r := s.rng.Float64() * total
	for i, w := range weights {
		if r < w {
			return i
		}
		r -= w
	}
	return len(weights) - 1
}

func (s *seeder) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + s.rng.IntN(10))
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

// day returns midnight of the day offset days from today (negative: past).
func (s *seeder) day(offset int) time.Time { return s.today.AddDate(0, 0, offset) }

// at returns the given wall-clock time on the day offset days from today.
func (s *seeder) at(offset, hour, minute int) time.Time {
	d := s.day(offset)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, s.loc)
}

// --- organizations, suppliers, stores ------------------------------------------

func (s *seeder) organizations(ctx context.Context) error {
	agency, err := s.tx.Organization.Create().
		SetName("Demo Agency").
		SetKind(organization.KindAGENCY).
		SetStyleGuide(schematype.StyleGuide{
			ValueProposition: "品牌全域代运营：天猫、淘宝、抖音、小红书一盘货、一套内容日历、一张数据看板",
			Tone:             "对客户专业、直接，周报用数据说话",
		}).
		Save(ctx)
	if err != nil {
		return err
	}
	s.agency = agency.ID
	for i := range brands {
		spec := &brands[i]
		org, err := s.tx.Organization.Create().
			SetName(spec.name).
			SetKind(organization.KindBRAND).
			SetParentID(agency.ID).
			SetStyleGuide(spec.style).
			Save(ctx)
		if err != nil {
			return err
		}
		s.brands = append(s.brands, &brandRows{
			spec: spec, org: org,
			kols: map[string]*ent.KOLPartner{}, campaigns: map[string]*ent.Campaign{}, contents: map[string][]placedContent{},
		})
	}
	return nil
}

func (s *seeder) suppliers(ctx context.Context) error {
	for _, b := range s.brands {
		var bs []*ent.SupplierCreate
		for _, sp := range b.spec.suppliers {
			bs = append(bs, s.tx.Supplier.Create().
				SetOrganizationID(b.org.ID).
				SetName(sp.name).
				SetContactName(sp.contact).
				SetContactPhone(sp.phone).
				SetContactEmail(sp.email).
				SetCategory(sp.category).
				SetQualityScore(sp.quality).
				SetDeliveryScore(sp.delivery).
				SetPriceScore(sp.price).
				SetExclusiveLaunch(sp.exclusive).
				SetLeadTimeDays(sp.leadDays).
				SetNotes(sp.notes))
		}
		rows, err := s.tx.Supplier.CreateBulk(bs...).Save(ctx)
		if err != nil {
			return err
		}
		b.suppliers = rows
	}
	return nil
}

func (s *seeder) stores(ctx context.Context) error {
	for _, b := range s.brands {
		for i := range b.spec.stores {
			sp := &b.spec.stores[i]
			c := s.tx.Store.Create().
				SetOrganizationID(b.org.ID).
				SetName(sp.name).
				SetPlatform(sp.platform).
				SetExternalShopID(sp.shopID).
				SetCertification(sp.certification).
				SetDsrScore(sp.dsr).
				SetIntroduction(sp.intro).
				SetTimezone("Asia/Shanghai")
			if sp.hours != "" {
				c.SetBusinessHours(sp.hours)
			}
			if sp.shipping != "" {
				c.SetShippingPolicy(sp.shipping)
			}
			if sp.afterSales != "" {
				c.SetAfterSalesPolicy(sp.afterSales)
			}
			if sp.autoReply != "" {
				c.SetAutoReply(sp.autoReply)
			}
			if len(sp.tags) > 0 {
				c.SetServiceTags(sp.tags)
			}
			if !sp.incomplete {
				c.SetBrandPositioning(b.spec.positioning).SetStyleGuide(b.spec.style)
			}
			st, err := c.Save(ctx)
			if err != nil {
				return err
			}
			b.stores = append(b.stores, &storeRows{brand: b, spec: sp, store: st})
		}
	}
	return nil
}

// --- products and SKUs -----------------------------------------------------------

// roleCounts splits n products by the 4321 strategy: 40% core (爆款), 30%
// potential, 20% test, the rest (≈10%) clearance.
func roleCounts(n int) [4]int {
	core := int(math.Round(float64(n) * 0.4))
	potential := int(math.Round(float64(n) * 0.3))
	test := int(math.Round(float64(n) * 0.2))
	return [4]int{core, potential, test, n - core - potential - test}
}

var roles = [4]product.PortfolioRole{
	product.PortfolioRoleCORE, product.PortfolioRolePOTENTIAL, product.PortfolioRoleTEST, product.PortfolioRoleCLEARANCE,
}

// stockProfile is the stock range and warning level of a portfolio role.
var stockProfile = map[product.PortfolioRole]struct{ lo, hi, warning int }{
	product.PortfolioRoleCORE:      {400, 2400, 120},
	product.PortfolioRolePOTENTIAL: {150, 900, 60},
	product.PortfolioRoleTEST:      {40, 260, 20},
	product.PortfolioRoleCLEARANCE: {60, 600, 10}, // slow movers: plenty left, little sold
}

func (s *seeder) productExternalID(st *storeRows) string {
	switch st.spec.platform {
	case store.PlatformTMALL, store.PlatformTAOBAO:
		return "6" + s.digits(11) // num_iid
	case store.PlatformDOUYIN:
		return "3" + s.digits(18) // product_id
	default:
		return fmt.Sprintf("%016x%08x", s.rng.Uint64(), s.rng.Uint32()) // Xiaohongshu item id (24 hex digits)
	}
}

func (s *seeder) products(ctx context.Context) error {
	type pending struct {
		st   *storeRows
		spec *productSpec
		role product.PortfolioRole
	}
	var (
		builders []*ent.ProductCreate
		meta     []pending
	)
	for _, b := range s.brands {
		for _, st := range b.stores {
			// The store lists the brand's best sellers and its natural clearance
			// items (the end of the catalogue), roles following the 4321 split.
			counts := roleCounts(st.spec.products)
			all := b.spec.products
			var listed []*productSpec
			for i := range all {
				if i < st.spec.products-counts[3] || i >= len(all)-counts[3] {
					listed = append(listed, &all[i])
				}
			}
			idx := 0
			for r, n := range counts {
				for range n {
					spec := listed[idx]
					idx++
					role := roles[r]
					price := spec.skus[0].price * 100
					cost := int64(float64(price) * s.between(b.spec.costRatio[0], b.spec.costRatio[1]))
					c := s.tx.Product.Create().
						SetStoreID(st.store.ID).
						SetTitle(spec.title).
						SetExternalID(s.productExternalID(st)).
						SetPortfolioRole(role).
						SetPrice(schematype.Money(price)).
						SetCost(schematype.Money(cost))
					// A test product that did not work out is taken off sale.
					if role == product.PortfolioRoleTEST && idx == counts[0]+counts[1]+counts[2] && st.spec.products >= 12 {
						c.SetStatus(product.StatusOFF_SALE)
					}
					// Some clearance leftovers have no supplier on record any more.
					if !(role == product.PortfolioRoleCLEARANCE && s.chance(0.5)) {
						c.SetSupplierID(supplierFor(b, spec.title).ID)
					}
					builders = append(builders, c)
					meta = append(meta, pending{st, spec, role})
				}
			}
		}
	}
	rows, err := createInChunks(ctx, builders, func(ctx context.Context, bs []*ent.ProductCreate) ([]*ent.Product, error) {
		return s.tx.Product.CreateBulk(bs...).Save(ctx)
	})
	if err != nil {
		return err
	}

	var skus []*ent.SKUCreate
	var owner []*storeRows
	for i, p := range rows {
		m := meta[i]
		m.st.products = append(m.st.products, p)
		prof := stockProfile[m.role]
		for j, sk := range m.spec.skus {
			stock := s.intBetween(prof.lo, prof.hi)
			// Some SKUs run low so that the stock warnings (库存预警) have something
			// to show; in every store at least the second SKU of the second 爆款.
			if s.chance(0.12) || (m.role == product.PortfolioRoleCORE && j == 1 && len(m.st.products) == 2) {
				stock = s.rng.IntN(prof.warning)
			}
			skus = append(skus, s.tx.SKU.Create().
				SetProductID(p.ID).
				SetName(sk.name).
				SetExternalID(fmt.Sprintf("%s%02d", p.ExternalID[:min(len(p.ExternalID), 12)], j+1)).
				SetCode(fmt.Sprintf("%s-%03d-%02d", m.st.brand.spec.skuPrefix, indexOf(m.st.brand.spec.products, m.spec)+1, j+1)).
				SetBarcode(ean13("69"+s.digits(10))).
				SetPrice(schematype.Money(sk.price*100)).
				SetStock(stock).
				SetStockWarning(prof.warning))
			owner = append(owner, m.st)
		}
	}
	skuRows, err := createInChunks(ctx, skus, func(ctx context.Context, bs []*ent.SKUCreate) ([]*ent.SKU, error) {
		return s.tx.SKU.CreateBulk(bs...).Save(ctx)
	})
	if err != nil {
		return err
	}
	for i, sk := range skuRows {
		owner[i].skus = append(owner[i].skus, sk)
	}
	return nil
}

func indexOf(ps []productSpec, p *productSpec) int {
	for i := range ps {
		if &ps[i] == p {
			return i
		}
	}
	return -1
}

// supplierFor matches a product to the brand's supplier by what they make.
func supplierFor(b *brandRows, title string) *ent.Supplier {
	rules := map[string][]string{
		"美妆·彩妆 OEM": {"唇釉", "气垫", "散粉"},
		"美妆·面膜":     {"面膜"},
		"美妆·工具":     {"刷", "小样"},
		"包材":        {"礼盒"},
		"食品·咖啡生豆":   {"耶加雪菲", "手冲"},
		"食品·烘焙代工":   {"挂耳", "冻干咖啡", "冷萃", "随行杯"},
		"食品·坚果炒货":   {"坚果", "巴旦木", "燕麦", "海苔", "水果脆"},
		"食品·肉干":     {"牛肉干"},
		"美妆·护肤 OEM": {},
	}
	for _, sup := range b.suppliers {
		for _, word := range rules[sup.Category] {
			if strings.Contains(title, word) {
				return sup
			}
		}
	}
	return b.suppliers[0]
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ean13 appends the EAN-13 check digit to 12 digits (69x: China's GS1 prefix).
func ean13(digits string) string {
	var sum int
	for i, r := range digits {
		d := int(r - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return digits + string(rune('0'+(10-sum%10)%10))
}
