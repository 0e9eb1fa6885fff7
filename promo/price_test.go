package promo

import (
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

var (
	t0  = time.Date(2026, 6, 18, 12, 0, 0, 0, time.UTC) // day 18 in Shanghai too (20:00)
	win = [2]time.Time{t0.Add(-24 * time.Hour), t0.Add(24 * time.Hour)}
)

func y(yuan float64) Money { return Money(int64(yuan*100 + 0.5)) }

type opt func(*Campaign)

func excl(c *Campaign)      { c.Exclusive = true }
func listBasis(c *Campaign) { c.Basis = ListPrice }
func status(s Status) opt   { return func(c *Campaign) { c.Status = s } }
func skus(ids ...int) opt   { return func(c *Campaign) { c.Targets.SKUIDs = ids } }
func budget(b, s Money) opt { return func(c *Campaign) { c.Budget, c.Spend = b, s } }

func camp(id int, kind Kind, r schematype.CampaignRules, opts ...opt) Campaign {
	c := Campaign{ID: id, StoreID: 1, Name: string(kind), Kind: kind, Status: Live, StartsAt: win[0], EndsAt: win[1], Rules: r}
	for _, o := range opts {
		o(&c)
	}
	return c
}

func tld(pct int, tiers ...schematype.DiscountTier) schematype.CampaignRules {
	return schematype.CampaignRules{TimeLimitedDiscount: &schematype.TimeLimitedDiscountRule{PercentOff: pct, Tiers: tiers}}
}

func fr(accumulated bool, tiers ...Money) schematype.CampaignRules {
	r := &schematype.FullReductionRule{Accumulated: accumulated}
	for i := 0; i+1 < len(tiers); i += 2 {
		r.Tiers = append(r.Tiers, schematype.ReductionTier{Threshold: tiers[i], Reduction: tiers[i+1]})
	}
	return schematype.CampaignRules{FullReduction: r}
}

func coupon(value, minSpend Money) schematype.CampaignRules {
	return schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: value, MinSpend: minSpend, Quantity: 100, PerUser: 1}}
}

func flash(price Money) schematype.CampaignRules {
	return schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{FlashPrice: price, PerUserLimit: 2,
		Slots: []schematype.FlashSaleSlot{{StartsAt: t0.Add(-time.Hour), EndsAt: t0.Add(time.Hour), Stock: 10}}}}
}

func line(sku int, qty int, unit Money) Line {
	return Line{SKUID: sku, ProductID: 100 + sku, Quantity: qty, UnitPrice: unit}
}

func outcome(q Quote, id int) Outcome {
	for _, o := range q.Campaigns {
		if o.CampaignID == id {
			return o
		}
	}
	return Outcome{}
}

func TestPrice(t *testing.T) {
	member := Buyer{Member: true}
	tests := []struct {
		name      string
		lines     []Line
		buyer     Buyer
		camps     []Campaign
		total     Money
		lineAmts  []Money        // what each line pays, when checked
		reasons   map[int]Reason // campaign id → reason
		by        map[int]int    // campaign id → By
		discounts map[int]Money  // campaign id → discount
	}{
		{
			name:  "满减 tiered: 250 reaches 满200减30, not 满100减10",
			lines: []Line{line(1, 1, y(250))},
			camps: []Campaign{camp(1, FullReduction, fr(false, y(100), y(10), y(200), y(30)))},
			total: y(220), discounts: map[int]Money{1: y(30)},
		},
		{
			name:  "每满减: 250 is 2 × 每满100减10",
			lines: []Line{line(1, 1, y(250))},
			camps: []Campaign{camp(1, FullReduction, fr(true, y(100), y(10)))},
			total: y(230), discounts: map[int]Money{1: y(20)},
		},
		{
			name:  "每满减 capped by maxReduction",
			lines: []Line{line(1, 1, y(950))},
			camps: []Campaign{func() Campaign {
				c := camp(1, FullReduction, fr(true, y(100), y(10)))
				c.Rules.FullReduction.MaxReduction = y(50)
				return c
			}()},
			total: y(900), discounts: map[int]Money{1: y(50)},
		},
		{
			name:  "coupon threshold met only before item discounts: default basis refuses it, 4.00 short",
			lines: []Line{line(1, 2, y(60))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(20)), camp(2, Coupon, coupon(y(15), y(100)))},
			buyer: Buyer{Coupons: []int{2}},
			total: y(96), reasons: map[int]Reason{1: Applied, 2: ThresholdNotMet},
		},
		{
			name:  "coupon threshold met only before item discounts: list-price basis accepts it",
			lines: []Line{line(1, 2, y(60))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(20)), camp(2, Coupon, coupon(y(15), y(100)), listBasis)},
			buyer: Buyer{Coupons: []int{2}},
			total: y(81), reasons: map[int]Reason{1: Applied, 2: Applied},
		},
		{
			name:  "apportionment with remainders: 1.00 over 1.00/2.00/4.00 is 0.14/0.29/0.57",
			lines: []Line{line(1, 1, y(1)), line(2, 1, y(2)), line(3, 1, y(4))},
			camps: []Campaign{camp(1, FullReduction, fr(false, y(5), y(1)))},
			total: y(6), lineAmts: []Money{y(0.86), y(1.71), y(3.43)},
		},
		{
			name:  "apportionment of 10.00 over three equal lines gives the odd fen to the first",
			lines: []Line{line(1, 1, y(10)), line(2, 1, y(10)), line(3, 1, y(10))},
			camps: []Campaign{camp(1, FullReduction, fr(false, y(30), y(10)))},
			total: y(20), lineAmts: []Money{y(6.66), y(6.67), y(6.67)},
		},
		{
			name:  "exclusive candidates: the 秒杀 price beats 10% off for the buyer",
			lines: []Line{line(1, 1, y(100))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(10), excl), camp(2, FlashSale, flash(y(80)), excl)},
			total: y(80), reasons: map[int]Reason{1: NotBest, 2: Applied}, by: map[int]int{1: 2},
		},
		{
			name:  "stackable item campaigns combine: 10% then 会员日 5% of 90",
			lines: []Line{line(1, 1, y(100))},
			buyer: member,
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(10)),
				camp(2, MemberDay, schematype.CampaignRules{MemberDay: &schematype.MemberDayRule{DayOfMonth: 18, PercentOff: 5, PointsMultiplier: 2}})},
			total: y(85.5), discounts: map[int]Money{1: y(10), 2: y(4.5)},
		},
		{
			name:  "会员日 is not for non-members",
			lines: []Line{line(1, 1, y(100))},
			camps: []Campaign{camp(2, MemberDay, schematype.CampaignRules{MemberDay: &schematype.MemberDayRule{DayOfMonth: 18, PercentOff: 5, PointsMultiplier: 2}})},
			total: y(100), reasons: map[int]Reason{2: NotEligible},
		},
		{
			name:  "an exclusive 秒杀 excludes a stackable discount when it saves more",
			lines: []Line{line(1, 1, y(100))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(10)), camp(2, FlashSale, flash(y(85)), excl)},
			total: y(85), reasons: map[int]Reason{1: ExcludedBy, 2: Applied}, by: map[int]int{1: 2},
		},
		{
			name:  "exclusivity is per line: 秒杀 on one SKU, 10% on the other",
			lines: []Line{line(1, 1, y(100)), line(2, 1, y(50))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(10)), camp(2, FlashSale, flash(y(85)), excl, skus(1))},
			total: y(130), lineAmts: []Money{y(85), y(45)},
		},
		{
			name:  "cheapest-N: 买二第二件半价 takes half off the cheaper unit",
			lines: []Line{line(1, 1, y(100)), line(2, 1, y(60))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(0, schematype.DiscountTier{MinQuantity: 2, PercentOff: 50, CheapestN: 1}))},
			total: y(130), lineAmts: []Money{y(100), y(30)},
		},
		{
			name:  "cheapest-N with one unit: short one unit",
			lines: []Line{line(1, 1, y(100))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(0, schematype.DiscountTier{MinQuantity: 2, PercentOff: 50, CheapestN: 1}))},
			total: y(100), reasons: map[int]Reason{1: ThresholdNotMet},
		},
		{
			name:  "quantity tiers: 3 units reach 20%",
			lines: []Line{line(1, 3, y(10))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(10, schematype.DiscountTier{MinQuantity: 3, PercentOff: 20}))},
			total: y(24),
		},
		{
			name:  "percentage cap: 50% off 100 capped at 30",
			lines: []Line{line(1, 1, y(100))},
			camps: []Campaign{func() Campaign {
				c := camp(1, TimeLimitedDiscount, tld(50))
				c.Rules.TimeLimitedDiscount.MaxDiscount = y(30)
				return c
			}()},
			total: y(70),
		},
		{
			name:  "budget exhausted",
			lines: []Line{line(1, 1, y(100))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(50), budget(y(1000), y(1000)))},
			total: y(100), reasons: map[int]Reason{1: BudgetExhausted},
		},
		{
			name:  "remaining budget caps the discount",
			lines: []Line{line(1, 1, y(100))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(50), budget(y(1000), y(990)))},
			total: y(90),
		},
		{
			name:  "one coupon per order: the better one",
			lines: []Line{line(1, 1, y(150))},
			buyer: Buyer{Coupons: []int{1, 2}},
			camps: []Campaign{camp(1, Coupon, coupon(y(10), y(100))), camp(2, Coupon, coupon(y(20), y(100)))},
			total: y(130), reasons: map[int]Reason{1: NotBest, 2: Applied},
		},
		{
			name:  "stackable 满减 and coupon combine on the order",
			lines: []Line{line(1, 1, y(300))},
			buyer: Buyer{Coupons: []int{2}},
			camps: []Campaign{camp(1, FullReduction, fr(false, y(200), y(30))), camp(2, Coupon, coupon(y(20), y(100)))},
			total: y(250),
		},
		{
			name:  "an exclusive 满减 that saves more beats 满减-less coupon stack",
			lines: []Line{line(1, 1, y(300))},
			buyer: Buyer{Coupons: []int{2}},
			camps: []Campaign{camp(1, FullReduction, fr(false, y(200), y(50)), excl), camp(2, Coupon, coupon(y(20), y(100)))},
			total: y(250), reasons: map[int]Reason{1: Applied, 2: ExcludedBy}, by: map[int]int{2: 1},
		},
		{
			name:  "新客首单 only for new customers",
			lines: []Line{line(1, 1, y(50))},
			buyer: Buyer{NewCustomer: true},
			camps: []Campaign{camp(1, NewCustomer, schematype.CampaignRules{NewCustomer: &schematype.NewCustomerRule{FirstOrderCashback: y(5)}})},
			total: y(45),
		},
		{
			name:  "paused and future campaigns do not sell",
			lines: []Line{line(1, 1, y(100))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(10), status(Paused)),
				func() Campaign { c := camp(2, TimeLimitedDiscount, tld(10)); c.StartsAt = t0.Add(time.Hour); return c }()},
			total: y(100), reasons: map[int]Reason{1: NotLive, 2: NotLive},
		},
		{
			name:  "a campaign for other goods",
			lines: []Line{line(1, 1, y(100))},
			camps: []Campaign{camp(1, TimeLimitedDiscount, tld(10), skus(9))},
			total: y(100), reasons: map[int]Reason{1: NoTargetedGoods},
		},
		{
			name:  "拼团 price only on a line bought through the team; 3人团 tier",
			lines: []Line{{SKUID: 1, Quantity: 1, UnitPrice: y(100), Via: 1, TeamSize: 3}, line(2, 1, y(100))},
			camps: []Campaign{camp(1, GroupBuy, schematype.CampaignRules{GroupBuy: &schematype.GroupBuyRule{FormWithinHours: 24,
				Tiers: []schematype.GroupTier{{TeamSize: 2, PercentOff: 10}, {TeamSize: 3, PercentOff: 20}}}})},
			total: y(180), lineAmts: []Money{y(80), y(100)},
		},
		{
			name:  "砍价 price for the bargained unit",
			lines: []Line{{SKUID: 1, Quantity: 1, UnitPrice: y(100), Via: 1, BargainPrice: y(40)}},
			camps: []Campaign{camp(1, Bargain, schematype.CampaignRules{Bargain: &schematype.BargainRule{FloorPrice: y(30), MaxHelpers: 5, WithinHours: 24}})},
			total: y(40),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := Price(Cart{Lines: tc.lines, Buyer: tc.buyer, At: t0}, tc.camps)
			if q.Total != tc.total {
				t.Errorf("total %s, want %s; outcomes %+v", q.Total.Amount(), tc.total.Amount(), q.Campaigns)
			}
			for i, want := range tc.lineAmts {
				if q.Lines[i].Amount != want {
					t.Errorf("line %d pays %s, want %s", i, q.Lines[i].Amount.Amount(), want.Amount())
				}
			}
			for id, want := range tc.reasons {
				if got := outcome(q, id); got.Reason != want {
					t.Errorf("campaign %d: %s (%s), want %s", id, got.Reason, got.Explanation, want)
				}
			}
			for id, want := range tc.by {
				if got := outcome(q, id); got.By != want {
					t.Errorf("campaign %d: by %d, want %d", id, got.By, want)
				}
			}
			for id, want := range tc.discounts {
				if got := outcome(q, id); got.Discount != want {
					t.Errorf("campaign %d: discount %s, want %s", id, got.Discount.Amount(), want.Amount())
				}
			}
			for _, o := range q.Campaigns {
				if o.Explanation == "" || o.Reason == "" {
					t.Errorf("campaign %d has no explanation: %+v", o.CampaignID, o)
				}
			}
			checkInvariants(t, q)
		})
	}
}

func TestShortByExplained(t *testing.T) {
	q := Price(Cart{Lines: []Line{line(1, 2, y(60))}, Buyer: Buyer{Coupons: []int{2}}, At: t0},
		[]Campaign{camp(1, TimeLimitedDiscount, tld(20)), camp(2, Coupon, coupon(y(15), y(100)))})
	o := outcome(q, 2)
	if o.ShortBy != y(4) {
		t.Fatalf("short by %s, want 4.00 (%s)", o.ShortBy.Amount(), o.Explanation)
	}
}

func TestReferralReward(t *testing.T) {
	ladder := schematype.CampaignRules{Referral: &schematype.ReferralRule{Ladder: []schematype.ReferralStep{{Orders: 1, Reward: y(5)}, {Orders: 3, Reward: y(15)}}}}
	tests := []struct {
		prior int
		want  Money
	}{{0, y(5)}, {1, 0}, {2, y(15)}, {3, 0}}
	for _, tc := range tests {
		q := Price(Cart{Lines: []Line{line(1, 1, y(100))}, Buyer: Buyer{Referred: true, ReferrerOrders: tc.prior}, At: t0},
			[]Campaign{camp(1, Referral, ladder)})
		var got Money
		for _, r := range q.Rewards {
			if r.Kind == "REFERRAL" {
				got += r.Amount
			}
		}
		if got != tc.want {
			t.Errorf("after %d referred orders: reward %s, want %s", tc.prior, got.Amount(), tc.want.Amount())
		}
		if q.Rewards[0].Kind != "POINTS" || q.Rewards[0].Points != 100 {
			t.Errorf("points %+v, want 100", q.Rewards[0])
		}
	}
}

func TestApportion(t *testing.T) {
	tests := []struct {
		total   Money
		weights []Money
		want    []Money
	}{
		{100, []Money{100, 200, 400}, []Money{14, 29, 57}},
		{1000, []Money{1000, 1000, 1000}, []Money{334, 333, 333}},
		{0, []Money{5, 5}, []Money{0, 0}},
		{10, []Money{10, 0}, []Money{10, 0}},
		{7, []Money{1, 1, 1, 1, 1, 1, 1}, []Money{1, 1, 1, 1, 1, 1, 1}},
	}
	for _, tc := range tests {
		got := Apportion(tc.total, tc.weights)
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Apportion(%d, %v) = %v, want %v", tc.total, tc.weights, got, tc.want)
				break
			}
		}
	}
}
