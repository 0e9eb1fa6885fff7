package app_test

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// benchQuoteQuery is what a checkout page asks: totals, the lines with their
// share of every discount, and every campaign's outcome with its explanation.
const benchQuoteQuery = `query($store: ID!, $lines: [CartLineInput!]!, $buyer: BuyerInput) {
	quoteCart(storeID: $store, lines: $lines, buyer: $buyer) { subtotal { amount } total { amount } savings { amount }
		lines { skuID quantity amount { amount } shares { campaignID amount { amount } } }
		campaigns { campaignID name applied reason discount { amount } explanation }
		rewards { campaignID kind points explanation } } }`

// quoteBenchNow is the benchmark's clock: a fixed 618 noon in Shanghai, so
// that the 会员日 applies whatever the date the benchmark runs at.
var quoteBenchNow = time.Date(2026, 6, 18, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))

// seedQuoteStore creates a store with 20 SKUs and 50 live campaigns, five of
// each item kind (限时折扣 with a quantity tier, 秒杀, 拼团, 砍价, 会员日), order
// kind (满减 tiers, 每满减, coupon, 新客) and of the referral ladder: two or three
// of each five exclusive, a third of the others targeting two SKUs, each 拼团 and 砍价
// the SKU bought through it. It returns the store, the SKUs, the coupon
// campaigns and, per SKU index, the 拼团 or 砍价 campaign its line is bought
// through (0: none).
func seedQuoteStore(t testing.TB, c *ent.Client, org int, now time.Time) (int, []int, []int, []int) {
	ctx := authz.SystemContext(context.Background())
	st := c.Store.Create().SetOrganizationID(org).SetName("商城").SetPlatform(store.PlatformOTHER).SaveX(ctx)
	var skus []int
	for i := 0; i < 20; i++ {
		p := c.Product.Create().SetStoreID(st.ID).SetTitle(fmt.Sprintf("商品 %d", i)).SetPrice(schematype.Money(1990 + i*1000)).SaveX(ctx)
		skus = append(skus, c.SKU.Create().SetProductID(p.ID).SetName("默认").SetPrice(p.Price).SetStock(1000).SaveX(ctx).ID)
	}
	var coupons []int
	via := make([]int, len(skus))
	for id := 1; id <= 50; id++ {
		var kind campaign.Kind
		var r schematype.CampaignRules
		target := -1 // the SKU index a 拼团 or 砍价 sells
		switch id % 10 {
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
				DayOfMonth: now.Day(), PercentOff: 5, PointsMultiplier: 2}}
		case 5:
			kind, r = campaign.KindFULL_REDUCTION, schematype.CampaignRules{FullReduction: &schematype.FullReductionRule{
				Tiers: []schematype.ReductionTier{{Threshold: 20000, Reduction: 1500}}, Accumulated: true, MaxReduction: 10000}}
		case 6:
			kind, r = campaign.KindGROUP_BUY, schematype.CampaignRules{GroupBuy: &schematype.GroupBuyRule{
				Tiers: []schematype.GroupTier{{TeamSize: 2, PercentOff: 10}, {TeamSize: 3, PercentOff: 20}}, FormWithinHours: 24}}
			target = (id / 10) * 4 // SKUs 0, 4, 8, 12, 16
		case 7:
			kind, r = campaign.KindBARGAIN, schematype.CampaignRules{Bargain: &schematype.BargainRule{
				FloorPrice: 990, MaxHelpers: 10, WithinHours: 24, BuyRule: schematype.BuyAtAnyPrice}}
			target = (id/10)*4 + 1 // SKUs 1, 5, 9, 13, 17
		case 8:
			kind, r = campaign.KindNEW_CUSTOMER, schematype.CampaignRules{NewCustomer: &schematype.NewCustomerRule{
				FirstOrderCashback: schematype.Money(500 + id*10)}}
		case 9:
			kind, r = campaign.KindREFERRAL, schematype.CampaignRules{Referral: &schematype.ReferralRule{
				Ladder: []schematype.ReferralStep{{Orders: 1, Reward: 500}, {Orders: 3, Reward: 1500}}}}
		}
		cc := c.Campaign.Create().SetStoreID(st.ID).SetName(fmt.Sprint("活动 ", id)).SetKind(kind).SetStatus(campaign.StatusLIVE).
			SetStartsAt(now.Add(-2 * time.Hour)).SetEndsAt(now.Add(2 * time.Hour)).SetRules(r).SetExclusive((id+id/10)%2 == 0)
		switch {
		case target >= 0:
			cc.AddSkuIDs(skus[target])
		case id%3 == 0:
			cc.AddSkuIDs(skus[id%20], skus[(id*7)%20])
		}
		cid := cc.SaveX(ctx).ID
		if target >= 0 {
			via[target] = cid
		}
		if kind == campaign.KindCOUPON {
			coupons = append(coupons, cid)
		}
	}
	return st.ID, skus, coupons, via
}

// BenchmarkQuoteCart prices 20 lines under 50 live campaigns of every item and
// order kind through the API (POST /query with a session token, authorization,
// the store's campaigns and SKUs read, priced and encoded) and reports p50 and
// p99 latency (target: p99 < 5 ms). serial is one client; clients4 is four
// clients at once on the same store (latency per request).
func BenchmarkQuoteCart(b *testing.B) {
	env := testenv.New(b, testenv.SQLite, testenv.WithClock(func() time.Time { return quoteBenchNow }))
	org := env.Org(b, "Brand", 0)
	storeID, skus, coupons, via := seedQuoteStore(b, env.Client, org, quoteBenchNow)
	e := &benchEnv{env: env, org: org, token: env.User(b, "owner@brand.test", testenv.Grant{Org: org, Role: "owner"}),
		client: newBenchEnvClient(b)}
	var lines []any
	for i, s := range skus {
		l := map[string]any{"skuID": fmt.Sprint(s), "quantity": 1 + i%3}
		if via[i] != 0 {
			l["via"] = fmt.Sprint(via[i])
			l["teamSize"] = 3
			l["bargainPrice"] = map[string]any{"amount": "12.50"}
		}
		lines = append(lines, l)
	}
	ids := make([]string, len(coupons))
	for i, c := range coupons {
		ids[i] = fmt.Sprint(c)
	}
	body := e.body(b, benchQuoteQuery, map[string]any{"store": fmt.Sprint(storeID), "lines": lines,
		"buyer": map[string]any{"member": true, "newCustomer": true, "couponCampaignIds": ids, "referred": true, "referrerOrders": 2}})
	checkQuoteBench(b, e.post(b, body))
	for _, clients := range []int{1, 4} {
		name := "serial"
		if clients > 1 {
			name = fmt.Sprintf("clients%d", clients)
		}
		b.Run(name, func(b *testing.B) {
			lat := make([]time.Duration, b.N)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ReportAllocs()
			b.ResetTimer()
			for range clients {
				wg.Go(func() {
					var buf bytes.Buffer
					for i := int(next.Add(1)) - 1; i < b.N; i = int(next.Add(1)) - 1 {
						start := time.Now()
						if err := e.sendInto(&buf, body); err != nil {
							b.Error(err)
							return
						}
						lat[i] = time.Since(start)
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
		})
	}
}

// sendInto is send reading the response into buf, which the caller reuses:
// the benchmark's process is also the server's, and a fresh buffer per
// response (40-60 KB of growth for this one) would count the client's garbage
// as the server's.
func (e *benchEnv) sendInto(buf *bytes.Buffer, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, e.env.URL+"/query", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.token)
	res, err := e.client.Do(req)
	if err != nil {
		return err
	}
	buf.Reset()
	_, err = buf.ReadFrom(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || bytes.Contains(buf.Bytes(), []byte(`"errors":`)) {
		return fmt.Errorf("status %d: %s", res.StatusCode, buf.Bytes())
	}
	return nil
}

// checkQuoteBench fails the benchmark unless the quote it measures exercises
// every kind: each of the ten variants applies at least once, and 50
// outcomes come back.
func checkQuoteBench(b *testing.B, out []byte) {
	b.Helper()
	var res struct {
		Data struct {
			QuoteCart struct {
				Campaigns []struct {
					CampaignID string
					Applied    bool
					Reason     string
				}
				Rewards []struct{ Kind string }
			}
		}
	}
	if err := stdjson.Unmarshal(out, &res); err != nil {
		b.Fatal(err)
	}
	q := res.Data.QuoteCart
	if len(q.Campaigns) != 50 {
		b.Fatalf("%d outcomes, want 50", len(q.Campaigns))
	}
	applied := map[int]bool{}
	for _, c := range q.Campaigns {
		id, err := strconv.Atoi(c.CampaignID)
		if err != nil {
			b.Fatal(err)
		}
		if c.Applied || (id%10 == 9 && c.Reason == "APPLIED") {
			applied[id%10] = true
		}
	}
	if len(applied) < 10 {
		b.Fatalf("only variants %v applied: %s", applied, out)
	}
}

func newBenchEnvClient(b *testing.B) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}
