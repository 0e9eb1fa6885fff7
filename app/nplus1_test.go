package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/collaboration"
	"github.com/opsgraph/opsgraph/ent/kolpartner"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// seedStores creates n stores in org, each with 2 campaigns (each with 2 KOL
// collaborations with a tracking code) and 2 products (each with 3 SKUs), and
// 3 paid orders per campaign (2 through its collaborations' codes).
func seedStores(t testing.TB, c *ent.Client, org, n int) {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	kols := make([]*ent.KOLPartnerCreate, 4)
	for i := range kols {
		kols[i] = c.KOLPartner.Create().SetOrganizationID(org).SetPlatform(kolpartner.PlatformDOUYIN).
			SetHandle(fmt.Sprintf("kol-%d-%d", org, i)).SetTier(kolpartner.TierMID)
	}
	kp := c.KOLPartner.CreateBulk(kols...).SaveX(ctx)
	stores := make([]*ent.StoreCreate, n)
	for i := range stores {
		stores[i] = c.Store.Create().SetOrganizationID(org).SetName(fmt.Sprintf("店铺 %d", i)).SetPlatform(store.PlatformTMALL)
	}
	ss := c.Store.CreateBulk(stores...).SaveX(ctx)
	now := time.Now()
	rules := schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: 500, MinSpend: 5000, Quantity: 100, PerUser: 1}}
	var camps []*ent.CampaignCreate
	var prods []*ent.ProductCreate
	for _, s := range ss {
		for j := 0; j < 2; j++ {
			camps = append(camps, c.Campaign.Create().SetStoreID(s.ID).SetName(fmt.Sprintf("券 %d", j)).
				SetKind(campaign.KindCOUPON).SetStartsAt(now).SetEndsAt(now.Add(24*time.Hour)).SetRules(rules))
			prods = append(prods, c.Product.Create().SetStoreID(s.ID).SetTitle(fmt.Sprintf("商品 %d", j)).SetPrice(9900))
		}
	}
	cs := c.Campaign.CreateBulk(camps...).SaveX(ctx)
	ps := c.Product.CreateBulk(prods...).SaveX(ctx)
	var collabs []*ent.CollaborationCreate
	for i, cm := range cs {
		for j := 0; j < 2; j++ {
			collabs = append(collabs, c.Collaboration.Create().SetCampaignID(cm.ID).SetKolPartnerID(kp[(i+j)%len(kp)].ID).
				SetStatus(collaboration.StatusCONFIRMED).SetFee(1000).SetCommissionRate(0.1).SetTrackingCode(fmt.Sprintf("t-%d-%d", i, j)))
		}
	}
	c.Collaboration.CreateBulk(collabs...).ExecX(ctx)
	var skus []*ent.SKUCreate
	for _, p := range ps {
		for j := 0; j < 3; j++ {
			skus = append(skus, c.SKU.Create().SetProductID(p.ID).SetName(fmt.Sprintf("规格 %d", j)).SetPrice(9900).SetStock(10))
		}
	}
	sk := c.SKU.CreateBulk(skus...).SaveX(ctx)
	// Paid orders: one through each collaboration's code, one in scope.
	var orders []*ent.OrderCreate
	for i, cm := range cs {
		for j := 0; j < 3; j++ {
			o := c.Order.Create().SetStoreID(cm.StoreID).SetPlatform(order.PlatformTMALL).SetExternalID(fmt.Sprintf("o-%d-%d", i, j)).
				SetStatus(order.StatusPAID).SetTotal(9900).SetPaid(9900).SetDiscount(100).SetBuyerRef(fmt.Sprintf("b%d", j)).
				SetOrderedAt(now.Add(time.Hour)).SetPaidAt(now.Add(time.Hour))
			if j < 2 {
				o.SetTrackingCode(fmt.Sprintf("t-%d-%d", i, j))
			}
			orders = append(orders, o)
		}
	}
	ords := c.Order.CreateBulk(orders...).SaveX(ctx)
	lines := make([]*ent.OrderLineCreate, len(ords))
	for i, o := range ords {
		lines[i] = c.OrderLine.Create().SetOrderID(o.ID).SetSkuID(sk[i%len(sk)].ID).SetTitle("商品").SetQuantity(1).SetUnitPrice(9900).SetTotal(9900)
	}
	c.OrderLine.CreateBulk(lines...).ExecX(ctx)
}

const (
	campaignsQuery = `query($n: Int!) { stores(first: $n) { totalCount edges { node { name
		campaigns(first: 5) { edges { node { name kind
			collaborations(first: 5) { edges { node { status kolPartner { handle tier } } } } } } } } } } }`
	// Computed attribution: one organization's attribution per request.
	attributionQuery = `query($n: Int!) { stores(first: $n) { edges { node { name
		campaigns(first: 5) { edges { node { name spend { amount } discountGiven { amount }
			results { paidAmount { amount } payingBuyers spend { amount } roi byRule { rule paidOrders } }
			collaborations(first: 5) { edges { node { attributedGmv { amount } attributedOrders commission { amount }
				attributedBy { rule paidAmount { amount } } } } } } } } } } } }`
	productsQuery = `query($n: Int!) { stores(first: $n) { edges { node { name
		products(first: 10) { totalCount edges { node { title price { amount } skus(first: 10) { edges { node { name stock price { amount } } } } } } } } } } }`
)

// TestNoNPlusOne pins the number of SQL statements of nested queries: it must
// not grow with the number of rows returned.
func TestNoNPlusOne(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		counts := map[string]map[int]int64{}
		for _, n := range []int{10, 200} {
			// No job runner or periodic tasks: the count is of this request's
			// statements only (the counter sees every statement of the client).
			env := testenv.New(t, b, testenv.WithoutSyncRunner(), testenv.WithoutAuthCache())
			org := env.Org(t, "Brand", 0)
			seedStores(t, env.Client, org, n)
			tok := env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: "owner"})
			for name, q := range map[string]string{"campaigns": campaignsQuery, "products": productsQuery, "attribution": attributionQuery} {
				var out struct {
					Stores struct {
						Edges []struct{ Node json } `json:"edges"`
					}
				}
				before := env.Statements.Load()
				env.MustData(t, testenv.Request{Token: tok, Query: q, Variables: map[string]any{"n": n}}, &out)
				got := env.Statements.Load() - before
				if len(out.Stores.Edges) != n {
					t.Fatalf("%s: got %d stores, want %d", name, len(out.Stores.Edges), n)
				}
				if counts[name] == nil {
					counts[name] = map[int]int64{}
				}
				counts[name][n] = got
				t.Logf("%s with %d stores: %d SQL statements", name, n, got)
			}
		}
		for name, c := range counts {
			if c[10] != c[200] {
				t.Errorf("%s: %d statements for 10 stores but %d for 200: N+1", name, c[10], c[200])
			}
		}
	})
}

type json = map[string]any
