package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

const benchQuoteQuery = `query($store: ID!, $lines: [CartLineInput!]!, $buyer: BuyerInput) {
	quoteCart(storeID: $store, lines: $lines, buyer: $buyer) { total { amount } savings { amount }
		lines { skuID amount { amount } shares { campaignID amount { amount } } }
		campaigns { campaignID applied reason explanation } } }`

// seedQuoteStore creates a store with 20 SKUs and 50 live campaigns of every
// item and order kind (half stackable, a third targeting two SKUs), and
// returns the store, the SKUs and the coupon campaigns.
func seedQuoteStore(t testing.TB, c *ent.Client, org int) (int, []int, []int) {
	ctx := authz.SystemContext(context.Background())
	st := c.Store.Create().SetOrganizationID(org).SetName("商城").SetPlatform(store.PlatformOTHER).SaveX(ctx)
	var skus []int
	for i := 0; i < 20; i++ {
		p := c.Product.Create().SetStoreID(st.ID).SetTitle(fmt.Sprintf("商品 %d", i)).SetPrice(schematype.Money(1990 + i*1000)).SaveX(ctx)
		skus = append(skus, c.SKU.Create().SetProductID(p.ID).SetName("默认").SetPrice(p.Price).SetStock(1000).SaveX(ctx).ID)
	}
	now := time.Now()
	var coupons []int
	for id := 1; id <= 50; id++ {
		var kind campaign.Kind
		var r schematype.CampaignRules
		switch id % 5 {
		case 0:
			kind, r = campaign.KindTIME_LIMITED_DISCOUNT, schematype.CampaignRules{TimeLimitedDiscount: &schematype.TimeLimitedDiscountRule{
				PercentOff: 5 + id%20, Tiers: []schematype.DiscountTier{{MinQuantity: 3, PercentOff: 30}}}}
		case 1:
			kind, r = campaign.KindFULL_REDUCTION, schematype.CampaignRules{FullReduction: &schematype.FullReductionRule{
				Tiers: []schematype.ReductionTier{{Threshold: 10000, Reduction: 1000}, {Threshold: 30000, Reduction: 4000}}}}
		case 2:
			kind, r = campaign.KindCOUPON, schematype.CampaignRules{Coupon: &schematype.CouponRule{
				Value: schematype.Money(500 + id*100), MinSpend: 9900, Quantity: 1000, PerUser: 1}}
		case 3:
			kind, r = campaign.KindFLASH_SALE, schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{FlashPrice: schematype.Money(900 + id*100),
				PerUserLimit: 2, Slots: []schematype.FlashSaleSlot{{StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour), Stock: 100}}}}
		case 4:
			kind, r = campaign.KindMEMBER_DAY, schematype.CampaignRules{MemberDay: &schematype.MemberDayRule{
				DayOfMonth: 1 + (now.Day()-1)%28, PercentOff: 5, PointsMultiplier: 2}}
		}
		cc := c.Campaign.Create().SetStoreID(st.ID).SetName(fmt.Sprint("活动 ", id)).SetKind(kind).SetStatus(campaign.StatusLIVE).
			SetStartsAt(now.Add(-2 * time.Hour)).SetEndsAt(now.Add(2 * time.Hour)).SetRules(r).SetExclusive(id%2 == 0)
		if id%3 == 0 {
			cc.AddSkuIDs(skus[id%20], skus[(id*7)%20])
		}
		cid := cc.SaveX(ctx).ID
		if kind == campaign.KindCOUPON {
			coupons = append(coupons, cid)
		}
	}
	return st.ID, skus, coupons
}

// BenchmarkQuoteCart prices 20 lines under 50 live campaigns through the API
// and reports p50 and p99 latency (target: p99 < 5 ms).
func BenchmarkQuoteCart(b *testing.B) {
	env := testenv.New(b, testenv.SQLite)
	org := env.Org(b, "Brand", 0)
	storeID, skus, coupons := seedQuoteStore(b, env.Client, org)
	e := &benchEnv{env: env, org: org, token: env.User(b, "owner@brand.test", testenv.Grant{Org: org, Role: "owner"}),
		client: newBenchEnvClient(b)}
	var lines []any
	for i, s := range skus {
		lines = append(lines, map[string]any{"skuID": fmt.Sprint(s), "quantity": 1 + i%3})
	}
	ids := make([]string, len(coupons))
	for i, c := range coupons {
		ids[i] = fmt.Sprint(c)
	}
	body := e.body(b, benchQuoteQuery, map[string]any{"store": fmt.Sprint(storeID), "lines": lines,
		"buyer": map[string]any{"member": true, "couponCampaignIds": ids}})
	e.post(b, body)
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		e.post(b, body)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func newBenchEnvClient(b *testing.B) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}
