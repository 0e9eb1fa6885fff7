package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// BenchmarkQuoteCartHTTP prices a 20-line cart under 50 live campaigns of
// every item and order kind (half stackable, a third targeting two SKUs)
// through the real GraphQL HTTP handler as a signed-in owner, and reports
// the latency percentiles p50 and p99 (milliseconds) of the requests as
// custom metrics. The target (issue 11) is p99 < 5 ms.
func BenchmarkQuoteCartHTTP(b *testing.B) {
	now := time.Date(2026, 6, 18, 4, 0, 0, 0, time.UTC)
	env := testenv.New(b, testenv.SQLite, testenv.WithClock(func() time.Time { return now }), testenv.WithoutSyncRunner())
	org := env.Org(b, "Brand", 0)
	env.SeedUser(b, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	c := env.Client
	st := c.Store.Create().SetName("Tmall").SetPlatform(store.PlatformTMALL).SetOrganizationID(org).SaveX(sys)
	var skus []int
	lines := []any{}
	for i := range 20 {
		p := c.Product.Create().SetStoreID(st.ID).SetTitle(fmt.Sprintf("商品 %d", i)).SetPrice(schematype.Money(1990 + i*1000)).SaveX(sys)
		s := c.SKU.Create().SetProductID(p.ID).SetName("默认").SetPrice(schematype.Money(1990 + i*1000)).SaveX(sys)
		skus = append(skus, s.ID)
		lines = append(lines, map[string]any{"skuId": sid(s.ID), "quantity": 1 + i%3})
	}
	var coupons []string
	for id := 1; id <= 50; id++ {
		var kind campaign.Kind
		var r schematype.CampaignRules
		switch id % 5 {
		case 0:
			kind, r = campaign.KindTIME_LIMITED_DISCOUNT, schematype.CampaignRules{TimeLimitedDiscount: &schematype.TimeLimitedDiscountRule{PercentOff: 5 + id%20,
				Tiers: []schematype.DiscountTier{{MinQuantity: 3, PercentOff: 30}}}}
		case 1:
			kind, r = campaign.KindFULL_REDUCTION, schematype.CampaignRules{FullReduction: &schematype.FullReductionRule{
				Tiers: []schematype.ReductionTier{{Threshold: 10000, Reduction: 1000}, {Threshold: 30000, Reduction: 4000}}}}
		case 2:
			kind, r = campaign.KindCOUPON, schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: schematype.Money(500 + id%30*100), MinSpend: 9900, Quantity: 100, PerUser: 1}}
		case 3:
			kind, r = campaign.KindFLASH_SALE, schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{FlashPrice: schematype.Money(900 + id*100), PerUserLimit: 1,
				Slots: []schematype.FlashSaleSlot{{StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour), Stock: 100}}}}
		case 4:
			kind, r = campaign.KindMEMBER_DAY, schematype.CampaignRules{MemberDay: &schematype.MemberDayRule{DayOfMonth: 18, PercentOff: 5, PointsMultiplier: 2}}
		}
		cc := c.Campaign.Create().SetStoreID(st.ID).SetName(fmt.Sprint("活动 ", id)).SetKind(kind).SetStatus(campaign.StatusLIVE).
			SetStartsAt(now.Add(-2 * time.Hour)).SetEndsAt(now.Add(48 * time.Hour)).SetRules(r).SetExclusive(id%2 == 0)
		if id%3 == 0 {
			cc.AddSkuIDs(skus[id%20], skus[(id*7)%20])
		}
		cm := cc.SaveX(sys)
		if kind == campaign.KindCOUPON {
			coupons = append(coupons, sid(cm.ID))
		}
	}
	tok := env.Login(b, "owner@brand.test")
	body, _ := json.Marshal(map[string]any{"query": quoteQ, "variables": map[string]any{"store": sid(st.ID), "lines": lines,
		"buyer": map[string]any{"member": true, "couponCampaignIds": coupons}}})
	h := env.App.Handler()
	do := func(b *testing.B) {
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	do(b)
	var took []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		do(b)
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(float64(len(took))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
