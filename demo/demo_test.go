package demo

import (
	"context"
	"errors"
	"fmt"
	"github.com/opsgraph/opsgraph/promo"
	"github.com/opsgraph/opsgraph/promo/promosvc"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/compliance"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/collaboration"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/kolpartner"
	"github.com/opsgraph/opsgraph/ent/metricsnapshot"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/ent/user"
	"github.com/opsgraph/opsgraph/storeprofile"
)

func openClient(t *testing.T) *ent.Client {
	t.Helper()
	client, err := db.OpenClient(context.Background(), "file:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client
}

// rowCounts counts the rows of every table the demo writes.
func rowCounts(ctx context.Context, t *testing.T, c *ent.Client) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for name, count := range map[string]func(context.Context) (int, error){
		"organizations":    c.Organization.Query().Count,
		"suppliers":        c.Supplier.Query().Count,
		"stores":           c.Store.Query().Count,
		"metric snapshots": c.MetricSnapshot.Query().Count,
		"products":         c.Product.Query().Count,
		"skus":             c.SKU.Query().Count,
		"orders":           c.Order.Query().Count,
		"order lines":      c.OrderLine.Query().Count,
		"content":          c.Content.Query().Count,
		"campaigns":        c.Campaign.Query().Count,
		"kol partners":     c.KOLPartner.Query().Count,
		"collaborations":   c.Collaboration.Query().Count,
		"users":            c.User.Query().Count,
	} {
		n, err := count(ctx)
		if err != nil {
			t.Fatalf("count %s: %v", name, err)
		}
		counts[name] = n
	}
	return counts
}

func TestLoad(t *testing.T) {
	client := openClient(t)
	ctx := authz.SystemContext(context.Background())

	start := time.Now()
	loaded, err := Load(context.Background(), client)
	if err != nil {
		t.Fatalf("first Load: %v", err)
	}
	t.Logf("Load took %v", time.Since(start))
	if !loaded {
		t.Fatal("first Load on an empty database returned false")
	}
	counts := rowCounts(ctx, t, client)
	t.Logf("rows: %v", counts)

	loaded, err = Load(context.Background(), client)
	if err != nil {
		t.Fatalf("second Load: %v", err)
	}
	if loaded {
		t.Error("second Load returned true on a database that already has data")
	}
	if again := rowCounts(ctx, t, client); fmt.Sprint(again) != fmt.Sprint(counts) {
		t.Errorf("second Load changed row counts:\n before %v\n after  %v", counts, again)
	}

	for name, min := range map[string]int{
		"organizations": 3, "suppliers": 8, "stores": 6, "metric snapshots": 6 * snapshotDays,
		"products": 60, "skus": 120, "orders": 300, "order lines": 300, "content": 6 * contentPerStore,
		"campaigns": 9, "kol partners": 8, "collaborations": 8,
	} {
		if counts[name] < min {
			t.Errorf("%d %s, want at least %d", counts[name], name, min)
		}
	}
	if counts["orders"] > 60000 {
		t.Errorf("%d orders, want every order of %d days but a demo's worth (≤ 60000)", counts["orders"], snapshotDays)
	}
	if counts["users"] != len(Users) {
		t.Errorf("%d users, want the %d demo users", counts["users"], len(Users))
	}
	checkUsers(ctx, t, client)

	checkShape(ctx, t, client, time.Now())
}

// checkShape runs every check of the promised shape on data loaded at now.
func checkShape(ctx context.Context, t *testing.T, client *ent.Client, now time.Time) {
	t.Run("organizations", func(t *testing.T) { checkOrganizations(ctx, t, client) })
	t.Run("stores", func(t *testing.T) { checkStores(ctx, t, client) })
	t.Run("metrics", func(t *testing.T) { checkMetrics(ctx, t, client, now) })
	t.Run("products", func(t *testing.T) { checkProducts(ctx, t, client) })
	t.Run("orders", func(t *testing.T) { checkOrders(ctx, t, client, now) })
	t.Run("content", func(t *testing.T) { checkContent(ctx, t, client, now) })
	t.Run("campaigns", func(t *testing.T) { checkCampaigns(ctx, t, client) })
	t.Run("kol", func(t *testing.T) { checkKOL(ctx, t, client) })
}

// The demo is loaded on any day of the year: the shape holds before, during and
// after the big promotions and across the new year.
func TestLoadOnOtherDays(t *testing.T) {
	loc := shanghai()
	for _, tc := range []struct {
		name string
		now  time.Time
	}{
		{"new year's day, just after midnight", time.Date(2027, 1, 1, 0, 20, 0, 0, loc)},
		{"after 618", time.Date(2026, 6, 20, 9, 30, 0, 0, loc)},
		{"during 双11 warm-up", time.Date(2026, 10, 25, 15, 0, 0, 0, loc)},
		{"during 双12", time.Date(2026, 12, 11, 21, 0, 0, 0, loc)},
		{"late evening", time.Date(2026, 3, 8, 23, 59, 0, 0, loc)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := openClient(t)
			ctx := authz.SystemContext(context.Background())
			if loaded, err := load(ctx, client, tc.now); err != nil || !loaded {
				t.Fatalf("load = %v, %v", loaded, err)
			}
			checkShape(ctx, t, client, tc.now)
		})
	}
}

func checkOrganizations(ctx context.Context, t *testing.T, c *ent.Client) {
	orgs, err := c.Organization.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*ent.Organization{}
	for _, o := range orgs {
		byName[o.Name] = o
	}
	agency := byName["Demo Agency"]
	if agency == nil || agency.Kind != organization.KindAGENCY || agency.ParentID != 0 {
		t.Fatalf("Demo Agency missing or wrong: %+v", agency)
	}
	for _, name := range []string{"Brand A", "Brand B"} {
		t.Run(name, func(t *testing.T) {
			b := byName[name]
			switch {
			case b == nil:
				t.Fatal("missing")
			case b.Kind != organization.KindBRAND:
				t.Errorf("kind %s, want BRAND", b.Kind)
			case b.ParentID != agency.ID:
				t.Errorf("parent %d, want the agency %d", b.ParentID, agency.ID)
			case b.StyleGuide.Tone == "" || b.StyleGuide.AudiencePersona == "" || len(b.StyleGuide.PantoneColors) == 0 || len(b.StyleGuide.Fonts) == 0:
				t.Errorf("incomplete style guide: %+v", b.StyleGuide)
			}
			n, err := c.Store.Query().Where(store.OrganizationID(b.ID)).Count(ctx)
			if err != nil || n != 3 {
				t.Errorf("%d stores (err %v), want 3", n, err)
			}
		})
	}
}

func checkStores(ctx context.Context, t *testing.T, c *ent.Client) {
	stores, err := c.Store.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	platforms := map[store.Platform]int{}
	incomplete := 0
	for _, s := range stores {
		platforms[s.Platform]++
		if s.DsrScore < 4.6 || s.DsrScore > 4.9 {
			t.Errorf("%s: DSR %.2f, want 4.6–4.9", s.Name, s.DsrScore)
		}
		if s.ExternalShopID == "" || s.Timezone != "Asia/Shanghai" || s.Certification == store.CertificationNONE {
			t.Errorf("%s: shop id %q, time zone %q, certification %s", s.Name, s.ExternalShopID, s.Timezone, s.Certification)
		}
		for _, tag := range s.ServiceTags {
			if !slices.Contains(serviceTags, tag) {
				t.Errorf("%s: unknown service tag %q", s.Name, tag)
			}
		}
		pct, missing := storeprofile.Completeness(storeprofile.Profile{
			Introduction: s.Introduction, BusinessHours: s.BusinessHours, ShippingPolicy: s.ShippingPolicy,
			AfterSalesPolicy: s.AfterSalesPolicy, AutoReply: s.AutoReply, ServiceTags: s.ServiceTags,
		})
		if pct < 100 {
			incomplete++
			t.Logf("%s: profile %d%% complete, missing %v", s.Name, pct, missing)
		}
	}
	if incomplete != 1 {
		t.Errorf("%d stores with an incomplete profile, want exactly 1", incomplete)
	}
	for _, p := range []store.Platform{store.PlatformTAOBAO, store.PlatformTMALL, store.PlatformDOUYIN, store.PlatformXIAOHONGSHU} {
		if platforms[p] == 0 {
			t.Errorf("no store on %s", p)
		}
	}
}

func checkMetrics(ctx context.Context, t *testing.T, c *ent.Client, now time.Time) {
	loc := shanghai()
	now = now.In(loc)
	yesterday := time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, loc)
	stores, err := c.Store.Query().WithMetrics(func(q *ent.MetricSnapshotQuery) {
		q.Order(ent.Asc(metricsnapshot.FieldDay))
	}).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stores {
		t.Run(s.Name, func(t *testing.T) {
			snaps := s.Edges.Metrics
			if len(snaps) != snapshotDays {
				t.Fatalf("%d snapshots, want %d", len(snaps), snapshotDays)
			}
			for i, m := range snaps {
				want := yesterday.AddDate(0, 0, i-snapshotDays+1).Format(time.DateOnly)
				if m.Day != want {
					t.Fatalf("snapshot %d is for %s, want %s (%d consecutive days ending yesterday)", i, m.Day, want, snapshotDays)
				}
				if !(m.Visitors > m.AddToCart && m.AddToCart > m.Orders && m.Orders >= m.PaidOrders && m.PaidOrders > 0) {
					t.Errorf("%s: implausible funnel %d > %d > %d ≥ %d", m.Day, m.Visitors, m.AddToCart, m.Orders, m.PaidOrders)
				}
				if m.PageViews < m.Visitors || m.Gmv <= 0 || m.Refunds < 0 || m.Refunds >= m.Gmv {
					t.Errorf("%s: page views %d, GMV %d, refunds %d", m.Day, m.PageViews, m.Gmv, m.Refunds)
				}
				if m.OrganizationID != s.OrganizationID {
					t.Errorf("%s: organization %d, want the store's %d", m.Day, m.OrganizationID, s.OrganizationID)
				}
				var sum int64
				for _, k := range trafficSources {
					v, ok := m.TrafficSources[k]
					if !ok || v < 0 {
						t.Errorf("%s: traffic source %s = %d (present %v)", m.Day, k, v, ok)
					}
					sum += v
				}
				if len(m.TrafficSources) != len(trafficSources) || sum != m.Visitors {
					t.Errorf("%s: traffic sources %v sum to %d, want %d visitors", m.Day, m.TrafficSources, sum, m.Visitors)
				}
			}
			// Weekends and big promotions stand out from ordinary weekdays.
			var weekday, weekend, promo []int64
			for _, m := range snaps {
				d, _ := time.ParseInLocation(time.DateOnly, m.Day, loc)
				switch e := effectOn(d); {
				case e.traffic > 1.5:
					promo = append(promo, m.Visitors)
				case e.traffic != 1:
				case d.Weekday() == time.Saturday || d.Weekday() == time.Sunday:
					weekend = append(weekend, m.Visitors)
				default:
					weekday = append(weekday, m.Visitors)
				}
			}
			if median(weekend) <= median(weekday) {
				t.Errorf("median weekend visitors %d not above weekdays %d", median(weekend), median(weekday))
			}
			if len(promo) > 0 && median(promo) < 3*median(weekday)/2 {
				t.Errorf("median big-promotion visitors %d, want well above weekdays %d", median(promo), median(weekday))
			}
		})
	}
}

func median(xs []int64) int64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func checkProducts(ctx context.Context, t *testing.T, c *ent.Client) {
	stores, err := c.Store.Query().WithProducts(func(q *ent.ProductQuery) {
		q.WithSkus().WithSupplier()
	}).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	low := 0
	for _, s := range stores {
		t.Run(s.Name, func(t *testing.T) {
			ps := s.Edges.Products
			if len(ps) < 10 || len(ps) > 15 {
				t.Errorf("%d products, want 10–15", len(ps))
			}
			roles := map[product.PortfolioRole]int{}
			for _, p := range ps {
				roles[p.PortfolioRole]++
				if p.OrganizationID != s.OrganizationID {
					t.Errorf("%s: organization %d, store's %d", p.Title, p.OrganizationID, s.OrganizationID)
				}
				if sup := p.Edges.Supplier; sup != nil && sup.OrganizationID != p.OrganizationID {
					t.Errorf("%s: supplier %s belongs to organization %d, product to %d", p.Title, sup.Name, sup.OrganizationID, p.OrganizationID)
				}
				if p.ExternalID == "" || p.Price <= 0 || p.Cost <= 0 || p.Cost >= p.Price {
					t.Errorf("%s: external id %q, price %d, cost %d", p.Title, p.ExternalID, p.Price, p.Cost)
				}
				if n := len(p.Edges.Skus); n < 2 || n > 4 {
					t.Errorf("%s: %d SKUs, want 2–4", p.Title, n)
				}
				for _, sk := range p.Edges.Skus {
					if sk.OrganizationID != p.OrganizationID {
						t.Errorf("SKU %s: organization %d, its product's %d", sk.Name, sk.OrganizationID, p.OrganizationID)
					}
					if !strings.Contains(sk.Name, ":") || sk.Price <= 0 || sk.ExternalID == "" || sk.Code == "" {
						t.Errorf("SKU %q: price %d, external id %q, code %q", sk.Name, sk.Price, sk.ExternalID, sk.Code)
					}
					if sk.Stock < sk.StockWarning {
						low++
					}
				}
			}
			// 4321: 40% core, 30% potential, 20% test, 10% clearance (rounded).
			for role, share := range map[product.PortfolioRole]float64{
				product.PortfolioRoleCORE: 0.4, product.PortfolioRolePOTENTIAL: 0.3,
				product.PortfolioRoleTEST: 0.2, product.PortfolioRoleCLEARANCE: 0.1,
			} {
				if got := float64(roles[role]) / float64(len(ps)); got < share-0.07 || got > share+0.07 || roles[role] == 0 {
					t.Errorf("%s: %d of %d products (%.0f%%), want about %.0f%%", role, roles[role], len(ps), got*100, share*100)
				}
			}
		})
	}
	if low == 0 {
		t.Error("no SKU below its stock warning: the stock alert demo has nothing to show")
	}
}

func checkOrders(ctx context.Context, t *testing.T, c *ent.Client, now time.Time) {
	orders, err := c.Order.Query().WithStore().WithLines(func(q *ent.OrderLineQuery) {
		q.WithSku(func(q *ent.SKUQuery) { q.WithProduct() })
	}).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[order.Status]int{}
	ids := map[string]bool{}
	buyers := map[string]int{}
	for _, o := range orders {
		statuses[o.Status]++
		buyers[o.BuyerRef]++
		key := fmt.Sprint(o.StoreID, "/", o.ExternalID)
		if ids[key] {
			t.Errorf("duplicate external id %s", key)
		}
		ids[key] = true
		s := o.Edges.Store
		if string(o.Platform) != string(s.Platform) || o.OrganizationID != s.OrganizationID {
			t.Errorf("order %s: platform %s, org %d; store %s, org %d", o.ExternalID, o.Platform, o.OrganizationID, s.Platform, s.OrganizationID)
		}
		if o.OrderedAt.After(now) || o.OrderedAt.Before(now.AddDate(0, 0, -snapshotDays-2)) {
			t.Errorf("order %s placed at %v, want within the last %d days", o.ExternalID, o.OrderedAt, snapshotDays)
		}
		if o.BuyerRef == "" {
			t.Errorf("order %s has no buyer ref", o.ExternalID)
		}
		paid := o.Status != order.StatusPENDING_PAYMENT && o.Status != order.StatusCANCELLED
		if paid != (o.Paid == o.Total && o.PaidAt != nil) || (!paid && o.Paid != 0) {
			t.Errorf("order %s: status %s, paid %d of %d, paid at %v", o.ExternalID, o.Status, o.Paid, o.Total, o.PaidAt)
		}
		if n := len(o.Edges.Lines); n < 1 || n > 3 {
			t.Errorf("order %s: %d lines, want 1–3", o.ExternalID, n)
		}
		var sum int64
		for _, l := range o.Edges.Lines {
			sum += int64(l.Total)
			if int64(l.Total) != int64(l.UnitPrice)*int64(l.Quantity) {
				t.Errorf("order %s: line total %d ≠ %d × %d", o.ExternalID, l.Total, l.UnitPrice, l.Quantity)
			}
			sk := l.Edges.Sku
			if sk == nil || sk.Edges.Product.StoreID != o.StoreID || sk.OrganizationID != o.OrganizationID || l.OrganizationID != o.OrganizationID {
				t.Errorf("order %s: line %q does not reference a SKU of the same store", o.ExternalID, l.Title)
			}
		}
		if sum != int64(o.Total) {
			t.Errorf("order %s: total %d, lines sum to %d", o.ExternalID, o.Total, sum)
		}
	}
	for _, st := range []order.Status{order.StatusPENDING_PAYMENT, order.StatusPAID, order.StatusSHIPPED, order.StatusCOMPLETED, order.StatusCANCELLED, order.StatusREFUNDED} {
		if statuses[st] == 0 {
			t.Errorf("no order with status %s", st)
		}
	}
	repeat := 0
	for _, n := range buyers {
		if n > 1 {
			repeat++
		}
	}
	if repeat == 0 {
		t.Error("no repeat buyers: repurchase-rate demos would show 0")
	}
	t.Logf("order statuses %v; %d buyers, %d of them repeat", statuses, len(buyers), repeat)
}

func checkContent(ctx context.Context, t *testing.T, c *ent.Client, now time.Time) {
	items, err := c.Content.Query().WithStore().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	statuses, kinds := map[content.Status]int{}, map[content.Kind]int{}
	flagged := 0
	for _, it := range items {
		statuses[it.Status]++
		kinds[it.Kind]++
		if it.OrganizationID != it.Edges.Store.OrganizationID {
			t.Errorf("%s: organization %d, store's %d", it.Title, it.OrganizationID, it.Edges.Store.OrganizationID)
		}
		fields := map[string]string{"title": it.Title, "body": it.Body, "theme": it.Theme, "tags": strings.Join(it.Tags, " ")}
		if len(it.Variants) == 0 {
			t.Errorf("%s: no format variants", it.Title)
		}
		for i, v := range it.Variants {
			if v.AltText == "" || v.URL == "" || v.Format == "" {
				t.Errorf("%s: variant %d %+v lacks format, URL or alt text", it.Title, i, v)
			}
			fields[fmt.Sprint("variants.", i)] = v.AltText
		}
		var cf []compliance.Field
		for _, k := range slices.Sorted(maps.Keys(fields)) {
			cf = append(cf, compliance.Field{Name: k, Text: fields[k]})
		}
		var findings []string
		for _, f := range compliance.Default.CheckFields(cf, compliance.Context{}) {
			if f.Severity == compliance.SeverityA {
				findings = append(findings, f.Field+":"+f.Term)
			}
		}
		if len(findings) > 0 {
			flagged++
			if it.Status != content.StatusREJECTED || !strings.Contains(it.ReviewNote, "广告法") {
				t.Errorf("%q has banned absolute claims %v but is %s with note %q", it.Title, findings, it.Status, it.ReviewNote)
			}
		}
		switch it.Status {
		case content.StatusPUBLISHED, content.StatusARCHIVED:
			if it.PublishedAt == nil || it.PublishedAt.After(now) || it.ExternalPostID == "" {
				t.Errorf("%s %q: published at %v, post id %q", it.Status, it.Title, it.PublishedAt, it.ExternalPostID)
			}
		case content.StatusSCHEDULED:
			if it.ScheduledAt == nil || !it.ScheduledAt.After(now) || it.PublishedAt != nil {
				t.Errorf("SCHEDULED %q: scheduled at %v, published at %v", it.Title, it.ScheduledAt, it.PublishedAt)
			}
		case content.StatusREJECTED:
			if it.ReviewNote == "" {
				t.Errorf("REJECTED %q has no review note", it.Title)
			}
		}
		if it.Status != content.StatusPUBLISHED && it.Status != content.StatusARCHIVED && it.PublishedAt != nil {
			t.Errorf("%s %q has a publication time", it.Status, it.Title)
		}
	}
	if flagged != 1 {
		t.Errorf("%d pieces use banned absolute words, want exactly 1 (rejected)", flagged)
	}
	for _, st := range []content.Status{content.StatusDRAFT, content.StatusIN_REVIEW, content.StatusAPPROVED, content.StatusREJECTED, content.StatusSCHEDULED, content.StatusPUBLISHED, content.StatusARCHIVED} {
		t.Run(string(st), func(t *testing.T) {
			if statuses[st] == 0 {
				t.Errorf("no content with status %s", st)
			}
		})
	}
	for _, k := range []content.Kind{content.KindARTICLE, content.KindSHORT_VIDEO, content.KindLIVE, content.KindTOPIC} {
		t.Run(string(k), func(t *testing.T) {
			if kinds[k] == 0 {
				t.Errorf("no content of kind %s", k)
			}
		})
	}
}

func checkCampaigns(ctx context.Context, t *testing.T, c *ent.Client) {
	cs, err := c.Campaign.Query().WithStore().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds, statuses := map[campaign.Kind]int{}, map[campaign.Status]int{}
	withPhases := 0
	for _, cp := range cs {
		kinds[cp.Kind]++
		statuses[cp.Status]++
		if pc := promosvc.ToPromo(cp); promo.Validate(&pc) != nil {
			err := promo.Validate(&pc)
			t.Errorf("%s: rules do not validate: %v", cp.Name, err)
		}
		if !cp.EndsAt.After(cp.StartsAt) || cp.Budget <= 0 || cp.Spend < 0 || cp.Spend > cp.Budget*12/10 {
			t.Errorf("%s: %v–%v, budget %d, spend %d", cp.Name, cp.StartsAt, cp.EndsAt, cp.Budget, cp.Spend)
		}
		if cp.OrganizationID != cp.Edges.Store.OrganizationID {
			t.Errorf("%s: organization %d, store's %d", cp.Name, cp.OrganizationID, cp.Edges.Store.OrganizationID)
		}
		if len(cp.Phases) > 0 {
			withPhases++
			var names []string
			for _, p := range cp.Phases {
				names = append(names, string(p.Name))
			}
			if strings.Join(names, ",") != "WARM_UP,PEAK,ENCORE" {
				t.Errorf("%s: phases %v, want WARM_UP, PEAK, ENCORE", cp.Name, names)
			}
			if !cp.Phases[0].StartsAt.Equal(cp.StartsAt) || !cp.Phases[2].EndsAt.Equal(cp.EndsAt) {
				t.Errorf("%s: phases do not span the campaign", cp.Name)
			}
			if got := cp.Phases[2].EndsAt.Sub(cp.Phases[2].StartsAt); got != 48*time.Hour {
				t.Errorf("%s: encore lasts %v, want 48h", cp.Name, got)
			}
		}
	}
	if withPhases == 0 || !slices.ContainsFunc(cs, func(cp *ent.Campaign) bool { return strings.Contains(cp.Name, "双11") && len(cp.Phases) == 3 }) {
		t.Error("no 双11 campaign with warm-up, peak and encore phases")
	}
	for _, k := range []campaign.Kind{
		campaign.KindTIME_LIMITED_DISCOUNT, campaign.KindFULL_REDUCTION, campaign.KindGROUP_BUY, campaign.KindBARGAIN, campaign.KindFLASH_SALE,
		campaign.KindCOUPON, campaign.KindMEMBER_DAY, campaign.KindNEW_CUSTOMER, campaign.KindREFERRAL,
	} {
		t.Run(string(k), func(t *testing.T) {
			if kinds[k] == 0 {
				t.Errorf("no campaign of kind %s", k)
			}
		})
	}
	for _, st := range []campaign.Status{campaign.StatusDRAFT, campaign.StatusSCHEDULED, campaign.StatusLIVE, campaign.StatusPAUSED, campaign.StatusENDED, campaign.StatusCANCELLED} {
		if statuses[st] == 0 {
			t.Errorf("no campaign with status %s", st)
		}
	}
}

func checkKOL(ctx context.Context, t *testing.T, c *ent.Client) {
	orgs, err := c.Organization.Query().Where(organization.KindEQ(organization.KindBRAND)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		kols, err := c.KOLPartner.Query().Where(kolpartner.OrganizationID(o.ID)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tiers, platforms := map[kolpartner.Tier]bool{}, map[kolpartner.Platform]bool{}
		for _, k := range kols {
			tiers[k.Tier], platforms[k.Platform] = true, true
		}
		if len(tiers) != 4 || len(platforms) < 2 {
			t.Errorf("%s: KOL tiers %v on platforms %v, want every tier on several platforms", o.Name, tiers, platforms)
		}
	}
	collabs, err := c.Collaboration.Query().WithKolPartner().WithCampaign().WithContent().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[collaboration.Status]bool{}
	for _, cl := range collabs {
		statuses[cl.Status] = true
		org := cl.Edges.KolPartner.OrganizationID
		if cl.OrganizationID != org {
			t.Errorf("collaboration %d: organization %d, KOL's %d", cl.ID, cl.OrganizationID, org)
		}
		if cl.Edges.Campaign == nil && cl.Edges.Content == nil {
			t.Errorf("collaboration %d has neither campaign nor content", cl.ID)
		}
		if cp := cl.Edges.Campaign; cp != nil && cp.OrganizationID != org {
			t.Errorf("collaboration %d: campaign of organization %d, KOL of %d", cl.ID, cp.OrganizationID, org)
		}
		if ct := cl.Edges.Content; ct != nil && ct.OrganizationID != org {
			t.Errorf("collaboration %d: content of organization %d, KOL of %d", cl.ID, ct.OrganizationID, org)
		}
		if ct := cl.Edges.Content; ct != nil && (cl.Status == collaboration.StatusDELIVERED || cl.Status == collaboration.StatusPAID) &&
			ct.PublishedAt == nil {
			t.Errorf("collaboration %d is %s but its content %q has not gone out", cl.ID, cl.Status, ct.Title)
		}
	}
	for _, st := range []collaboration.Status{
		collaboration.StatusPROPOSED, collaboration.StatusCONFIRMED, collaboration.StatusIN_PROGRESS,
		collaboration.StatusDELIVERED, collaboration.StatusPAID, collaboration.StatusCANCELLED,
	} {
		if !statuses[st] {
			t.Errorf("no collaboration with status %s", st)
		}
	}
}

// The same day gives the same data: numbers come from a fixed seed.
func TestLoadDeterministic(t *testing.T) {
	now := time.Date(2026, 6, 20, 9, 30, 0, 0, shanghai()) // 618 in the window, 双11 not
	ctx := authz.SystemContext(context.Background())
	fingerprint := func() string {
		c := openClient(t)
		if loaded, err := load(ctx, c, now); err != nil || !loaded {
			t.Fatalf("load: %v, %v", loaded, err)
		}
		var b strings.Builder
		snaps := c.MetricSnapshot.Query().Order(ent.Asc(metricsnapshot.FieldID)).AllX(ctx)
		for _, m := range snaps {
			fmt.Fprint(&b, m.StoreID, m.Day, m.Visitors, m.Gmv, m.TrafficSources, ";")
		}
		for _, o := range c.Order.Query().WithLines().Order(ent.Asc(order.FieldID)).AllX(ctx) {
			fmt.Fprint(&b, o.ExternalID, o.Status, o.Total, o.OrderedAt.Unix(), o.BuyerRef, len(o.Edges.Lines), ";")
		}
		for _, sk := range c.SKU.Query().Order(ent.Asc("id")).AllX(ctx) {
			fmt.Fprint(&b, sk.ExternalID, sk.Stock, ";")
		}
		for _, cp := range c.Campaign.Query().Order(ent.Asc("id")).AllX(ctx) {
			fmt.Fprint(&b, cp.Name, cp.Status, cp.StartsAt.Unix(), cp.Spend, ";")
		}
		if last := snaps[len(snaps)-1].Day; last != "2026-06-19" {
			t.Errorf("last snapshot day %s, want 2026-06-19", last)
		}
		return b.String()
	}
	if a, b := fingerprint(), fingerprint(); a != b {
		t.Error("two loads on the same day differ")
	}
}

// A failure anywhere leaves the database empty: all or nothing.
func TestLoadAllOrNothing(t *testing.T) {
	client := openClient(t)
	boom := errors.New("boom")
	client.Collaboration.Use(func(ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(context.Context, ent.Mutation) (ent.Value, error) { return nil, boom })
	})
	loaded, err := Load(context.Background(), client)
	if !errors.Is(err, boom) || loaded {
		t.Fatalf("Load = %v, %v; want false and the hook's error", loaded, err)
	}
	ctx := authz.SystemContext(context.Background())
	for name, n := range rowCounts(ctx, t, client) {
		if n != 0 {
			t.Errorf("%d %s left behind after a failed load", n, name)
		}
	}
}

// checkUsers: every demo user can sign in with the demo password and holds
// exactly its role in its organization; content of Brand A has an author.
func checkUsers(ctx context.Context, t *testing.T, c *ent.Client) {
	t.Helper()
	orgByName := map[string]string{"agency": "Demo Agency", "brand-a": "Brand A", "brand-b": "Brand B"}
	for _, u := range Users {
		row, err := c.User.Query().Where(user.Email(u.Email)).WithMemberships(func(q *ent.MembershipQuery) { q.WithOrganization() }).Only(ctx)
		if err != nil {
			t.Errorf("%s: %v", u.Email, err)
			continue
		}
		if !auth.CheckPassword(row.PasswordHash, Password) {
			t.Errorf("%s: demo password does not match", u.Email)
		}
		ms := row.Edges.Memberships
		if len(ms) != 1 || ms[0].Role != u.Role || ms[0].Edges.Organization.Name != orgByName[u.Org] {
			t.Errorf("%s: memberships %+v, want %s in %s", u.Email, ms, u.Role, orgByName[u.Org])
		}
	}
	n, err := c.Content.Query().Where(content.HasStoreWith(store.HasOrganizationWith(organization.Name("Brand A"))), content.AuthorIDIsNil()).Count(ctx)
	if err != nil || n != 0 {
		t.Errorf("%d Brand A contents without an author (%v)", n, err)
	}
}
