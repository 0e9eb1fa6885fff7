package apitest

import (
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

const quoteQ = `query($store: ID!, $lines: [CartLineInput!]!, $buyer: BuyerInput, $at: Time) {
	quoteCart(storeID: $store, lines: $lines, buyer: $buyer, at: $at) {
		subtotal { amount } itemDiscount { amount } orderDiscount { amount } total { amount } savings { amount }
		lines { skuID amount { amount } orderDiscount { amount } shares { campaignID amount { amount } } }
		campaigns { campaignID applied reason shortBy { amount } by explanation }
		rewards { kind points } } }`

type quoteOut struct {
	QuoteCart struct {
		Subtotal, ItemDiscount, OrderDiscount, Total, Savings struct{ Amount string }
		Lines                                                 []struct {
			SkuID         string
			Amount        struct{ Amount string }
			OrderDiscount struct{ Amount string }
			Shares        []struct {
				CampaignID string
				Amount     struct{ Amount string }
			}
		}
		Campaigns []struct {
			CampaignID, Reason, Explanation string
			Applied                         bool
			ShortBy                         *struct{ Amount string }
			By                              *string
		}
	}
}

// TestQuoteCart prices a cart through the API with hand-computed figures:
// 2 × 60.00 toner and 1 × 45.00 cleanser; 限时折扣 20% off the toner (stackable);
// a store-wide 满减 满100减10 (after item discounts: 96.00 + 45.00 = 141.00 → 10.00,
// apportioned 96:45 → 6.81 / 3.19); a coupon 满150减15 on the after-item basis
// (141.00, 9.00 short) that does not apply.
func TestQuoteCart(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		now := time.Date(2026, 6, 10, 4, 0, 0, 0, time.UTC)
		env := testenv.New(t, b, testenv.WithClock(func() time.Time { return now }))
		org := env.Org(t, "Brand", 0)
		tok := env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		other := env.Org(t, "Other", 0)
		otherTok := env.User(t, "owner@other.test", testenv.Grant{Org: other, Role: authz.RoleOwner})
		c := env.Client
		st := c.Store.Create().SetName("Tmall").SetPlatform(store.PlatformTMALL).SetOrganizationID(org).SaveX(sys)
		toner := c.Product.Create().SetStoreID(st.ID).SetTitle("爽肤水").SetPrice(6000).SaveX(sys)
		cleanser := c.Product.Create().SetStoreID(st.ID).SetTitle("洁面").SetPrice(4500).SaveX(sys)
		s1 := c.SKU.Create().SetProductID(toner.ID).SetName("200ml").SetPrice(6000).SaveX(sys)
		s2 := c.SKU.Create().SetProductID(cleanser.ID).SetName("100g").SetPrice(4500).SaveX(sys)
		mk := func(name string, kind campaign.Kind, r schematype.CampaignRules, edit func(*ent.CampaignCreate)) int {
			cc := c.Campaign.Create().SetStoreID(st.ID).SetName(name).SetKind(kind).SetStatus(campaign.StatusLIVE).
				SetStartsAt(now.Add(-time.Hour)).SetEndsAt(now.Add(48 * time.Hour)).SetRules(r)
			if edit != nil {
				edit(cc)
			}
			return cc.SaveX(sys).ID
		}
		tld := mk("限时折扣", campaign.KindTIME_LIMITED_DISCOUNT, schematype.CampaignRules{TimeLimitedDiscount: &schematype.TimeLimitedDiscountRule{PercentOff: 20}},
			func(cc *ent.CampaignCreate) { cc.SetExclusive(false).AddProductIDs(toner.ID) })
		fr := mk("满减", campaign.KindFULL_REDUCTION, schematype.CampaignRules{FullReduction: &schematype.FullReductionRule{
			Tiers: []schematype.ReductionTier{{Threshold: 10000, Reduction: 1000}}}}, func(cc *ent.CampaignCreate) { cc.SetExclusive(false) })
		cp := mk("券", campaign.KindCOUPON, schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: 1500, MinSpend: 15000, Quantity: 10, PerUser: 1}},
			func(cc *ent.CampaignCreate) { cc.SetExclusive(false) })
		lines := []any{map[string]any{"skuID": sid(s1.ID), "quantity": 2}, map[string]any{"skuID": sid(s2.ID), "quantity": 1}}
		v := map[string]any{"store": sid(st.ID), "lines": lines, "buyer": map[string]any{"couponCampaignIds": []string{sid(cp)}}}

		var out quoteOut
		mustOK(t, env, tok, quoteQ, v, &out)
		q := out.QuoteCart
		if q.Subtotal.Amount != "165.00" || q.ItemDiscount.Amount != "24.00" || q.OrderDiscount.Amount != "10.00" || q.Total.Amount != "131.00" || q.Savings.Amount != "34.00" {
			t.Fatalf("totals %+v", q)
		}
		if q.Lines[0].Amount.Amount != "89.19" || q.Lines[1].Amount.Amount != "41.81" ||
			q.Lines[0].OrderDiscount.Amount != "6.81" || q.Lines[1].OrderDiscount.Amount != "3.19" {
			t.Fatalf("lines %+v", q.Lines)
		}
		reasons := map[string]string{}
		for _, o := range q.Campaigns {
			reasons[o.CampaignID] = o.Reason
			if o.CampaignID == sid(cp) && (o.ShortBy == nil || o.ShortBy.Amount != "9.00") {
				t.Fatalf("coupon outcome %+v", o)
			}
		}
		if reasons[sid(tld)] != "APPLIED" || reasons[sid(fr)] != "APPLIED" || reasons[sid(cp)] != "THRESHOLD_NOT_MET" {
			t.Fatalf("reasons %v", reasons)
		}

		// Another tenant cannot price this store, and a SKU of nowhere is named.
		res := gql(t, env, otherTok, quoteQ, v)
		if len(res.Errors) == 0 {
			t.Fatal("another tenant priced the store")
		}
		// A mall token scoped to another store of the same brand cannot price
		// this one, and an id that is not a store's is NOT_FOUND.
		st2 := c.Store.Create().SetName("小程序").SetPlatform(store.PlatformOTHER).SetOrganizationID(org).SaveX(sys)
		var mall struct{ CreateAPIToken struct{ Token string } }
		mustOK(t, env, tok, `mutation($o: ID!, $s: ID) { createAPIToken(name: "mall", organizationID: $o, role: "mall_app", storeID: $s) { token } }`,
			map[string]any{"o": sid(org), "s": sid(st2.ID)}, &mall)
		wantCode(t, gql(t, env, mall.CreateAPIToken.Token, quoteQ, v), "NOT_FOUND")
		notStore := map[string]any{"store": sid(cp), "lines": lines}
		wantCode(t, gql(t, env, tok, quoteQ, notStore), "NOT_FOUND")
		bad := map[string]any{"store": sid(st.ID), "lines": []any{map[string]any{"skuID": "999999", "quantity": 1}}}
		res = gql(t, env, tok, quoteQ, bad)
		wantCode(t, res, "BAD_USER_INPUT")
		if res.Errors[0].Extensions["field"] != "lines[0].skuID" {
			t.Fatalf("field %v", res.Errors[0].Extensions)
		}
	})
}
