package promo

import (
	"errors"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

func TestValidate(t *testing.T) {
	slot := func(from, to time.Duration, stock int) schematype.FlashSaleSlot {
		return schematype.FlashSaleSlot{StartsAt: t0.Add(from), EndsAt: t0.Add(to), Stock: stock}
	}
	fs := func(limit int, slots ...schematype.FlashSaleSlot) schematype.CampaignRules {
		return schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{FlashPrice: y(9.9), PerUserLimit: limit, Slots: slots}}
	}
	phase := func(n schematype.PhaseName, from, to time.Duration) schematype.CampaignPhase {
		return schematype.CampaignPhase{Name: n, StartsAt: t0.Add(from), EndsAt: t0.Add(to)}
	}
	gb := func(tiers ...schematype.GroupTier) schematype.CampaignRules {
		return schematype.CampaignRules{GroupBuy: &schematype.GroupBuyRule{FormWithinHours: 24, Tiers: tiers}}
	}
	tests := []struct {
		name  string
		c     Campaign
		field string // "" = valid
	}{
		{"valid 满减", camp(1, FullReduction, fr(false, y(100), y(10), y(200), y(30))), ""},
		{"a higher 满减 tier that saves less", camp(1, FullReduction, fr(false, y(100), y(20), y(200), y(15))), "rules.fullReduction.tiers[1].reduction"},
		{"每满减 with two tiers", camp(1, FullReduction, fr(true, y(100), y(10), y(200), y(30))), "rules.fullReduction.tiers"},
		{"quantity tiers that get shallower", camp(1, TimeLimitedDiscount, tld(10, schematype.DiscountTier{MinQuantity: 2, PercentOff: 20}, schematype.DiscountTier{MinQuantity: 3, PercentOff: 15})), "rules.timeLimitedDiscount.tiers[1].percentOff"},
		{"a tier shallower than the base", camp(1, TimeLimitedDiscount, tld(30, schematype.DiscountTier{MinQuantity: 2, PercentOff: 20})), "rules.timeLimitedDiscount.tiers[0].percentOff"},
		{"买二第二件半价 is valid", camp(1, TimeLimitedDiscount, tld(0, schematype.DiscountTier{MinQuantity: 2, PercentOff: 50, CheapestN: 1})), ""},
		{"cheapestN as large as the group", camp(1, TimeLimitedDiscount, tld(0, schematype.DiscountTier{MinQuantity: 2, PercentOff: 50, CheapestN: 2})), "rules.timeLimitedDiscount.tiers[0].cheapestN"},
		{"a bigger 拼团 team with a smaller discount", camp(1, GroupBuy, gb(schematype.GroupTier{TeamSize: 2, PercentOff: 20}, schematype.GroupTier{TeamSize: 3, PercentOff: 10})), "rules.groupBuy.tiers[1].percentOff"},
		{"阶梯团 with virtual fill and a 团长 price", func() Campaign {
			c := camp(1, GroupBuy, gb(schematype.GroupTier{TeamSize: 2, PercentOff: 10}, schematype.GroupTier{TeamSize: 5, PercentOff: 30}))
			c.Rules.GroupBuy.Ladder, c.Rules.GroupBuy.VirtualFillPercent, c.Rules.GroupBuy.LeaderPercentOff = true, 40, 15
			return c
		}(), ""},
		{"virtual fill of 100 %", func() Campaign {
			c := camp(1, GroupBuy, gb(schematype.GroupTier{TeamSize: 2, PercentOff: 10}))
			c.Rules.GroupBuy.VirtualFillPercent = 100
			return c
		}(), "rules.groupBuy.virtualFillPercent"},
		{"a 团长 price shallower than members'", func() Campaign {
			c := camp(1, GroupBuy, gb(schematype.GroupTier{TeamSize: 2, PercentOff: 10}))
			c.Rules.GroupBuy.LeaderPercentOff = 5
			return c
		}(), "rules.groupBuy.leaderPercentOff"},
		{"unknown 砍价 buy rule", camp(1, Bargain, schematype.CampaignRules{Bargain: &schematype.BargainRule{FloorPrice: y(10), MaxHelpers: 5, WithinHours: 24, BuyRule: "WHENEVER"}}), "rules.bargain.buyRule"},
		{"砍价 at any price", camp(1, Bargain, schematype.CampaignRules{Bargain: &schematype.BargainRule{FloorPrice: y(10), MaxHelpers: 5, WithinHours: 24, BuyRule: schematype.BuyAtAnyPrice}}), ""},
		{"valid 秒杀", camp(1, FlashSale, fs(2, slot(0, time.Hour, 10), slot(2*time.Hour, 3*time.Hour, 10))), ""},
		{"overlapping 秒杀 slots", camp(1, FlashSale, fs(2, slot(0, 2*time.Hour, 10), slot(time.Hour, 3*time.Hour, 10))), "rules.flashSale.slots[1].startsAt"},
		{"duplicate 秒杀 slots", camp(1, FlashSale, fs(2, slot(0, time.Hour, 10), slot(0, time.Hour, 10))), "rules.flashSale.slots[1].startsAt"},
		{"a slot outside the window", camp(1, FlashSale, fs(2, slot(20*time.Hour, 30*time.Hour, 10))), "rules.flashSale.slots[0].endsAt"},
		{"per-user limit above the slot's stock", camp(1, FlashSale, fs(20, slot(0, time.Hour, 10))), "rules.flashSale.perUserLimit"},
		{"phases outside the window", func() Campaign {
			c := camp(1, Coupon, coupon(y(5), y(50)))
			c.Phases = []schematype.CampaignPhase{phase(schematype.PhaseWarmUp, -48*time.Hour, -time.Hour)}
			return c
		}(), "phases[0].startsAt"},
		{"phases out of order", func() Campaign {
			c := camp(1, Coupon, coupon(y(5), y(50)))
			c.Phases = []schematype.CampaignPhase{phase(schematype.PhasePeak, -2*time.Hour, time.Hour), phase(schematype.PhaseWarmUp, 0, 2*time.Hour)}
			return c
		}(), "phases[0].startsAt"},
		{"end before start", func() Campaign {
			c := camp(1, Coupon, coupon(y(5), y(50)))
			c.EndsAt = c.StartsAt.Add(-time.Hour)
			return c
		}(), "endsAt"},
		{"negative budget", camp(1, Coupon, coupon(y(5), y(50)), budget(-1, 0)), "budget"},
		{"coupon per-user above quantity", func() Campaign {
			c := camp(1, Coupon, coupon(y(5), y(50)))
			c.Rules.Coupon.PerUser = 200
			return c
		}(), "rules.coupon.perUser"},
		{"referral ladder rewarding less higher up", camp(1, Referral, schematype.CampaignRules{Referral: &schematype.ReferralRule{Ladder: []schematype.ReferralStep{{Orders: 1, Reward: y(5)}, {Orders: 3, Reward: y(3)}}}}), "rules.referral.ladder[1].reward"},
		{"rules of another kind", camp(1, Coupon, fr(false, y(100), y(10))), "rules"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(&tc.c)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var fe *schematype.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("want error on %s, got %v", tc.field, err)
			}
		})
	}
}

func TestFindConflict(t *testing.T) {
	a := camp(1, FullReduction, fr(false, y(100), y(10)), excl)
	same := camp(2, FullReduction, fr(false, y(100), y(10)))
	later := camp(3, FullReduction, fr(false, y(100), y(10)), excl)
	later.StartsAt, later.EndsAt = win[1], win[1].Add(time.Hour)
	otherStore := camp(4, FullReduction, fr(false, y(100), y(10)), excl)
	otherStore.StoreID = 2
	otherGoods := camp(5, FullReduction, fr(false, y(100), y(10)), excl, skus(7))
	mine := camp(6, FullReduction, fr(false, y(100), y(10)), excl, skus(8))
	stackA, stackB := camp(7, FullReduction, fr(false, y(100), y(10))), camp(8, FullReduction, fr(false, y(100), y(10)))
	cancelled := camp(9, FullReduction, fr(false, y(100), y(10)), excl, status(Cancelled))
	c1, c2 := camp(10, Coupon, coupon(y(5), y(50)), excl), camp(11, Coupon, coupon(y(5), y(50)), excl)
	tests := []struct {
		name   string
		c      Campaign
		others []Campaign
		want   int
	}{
		{"two identical 满减 overlapping in one store", same, []Campaign{a}, 1},
		{"back to back", later, []Campaign{a}, 0},
		{"other store", otherStore, []Campaign{a}, 0},
		{"disjoint goods", mine, []Campaign{otherGoods}, 0},
		{"both stackable", stackA, []Campaign{stackB}, 0},
		{"cancelled one", cancelled, []Campaign{a}, 0},
		{"coupons coexist", c1, []Campaign{c2}, 0},
		{"itself", a, []Campaign{a}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := FindConflict(&tc.c, tc.others)
			if (got == nil) != (tc.want == 0) || got != nil && got.CampaignID != tc.want {
				t.Fatalf("conflict %+v, want campaign %d", got, tc.want)
			}
		})
	}
}

func TestCheckCost(t *testing.T) {
	goods := []Good{{Name: "玫瑰爽肤水", Price: y(100), Cost: y(60)}}
	tests := []struct {
		name    string
		c       Campaign
		wantErr bool
	}{
		{"30% off stays above cost", camp(1, TimeLimitedDiscount, tld(30)), false},
		{"50% off sells below cost", camp(1, TimeLimitedDiscount, tld(50)), true},
		{"50% off as clearance", func() Campaign { c := camp(1, TimeLimitedDiscount, tld(50)); c.Clearance = true; return c }(), false},
		{"秒杀 at 9.90", camp(1, FlashSale, flash(y(9.9))), true},
		{"满减 does not price goods", camp(1, FullReduction, fr(false, y(100), y(50))), false},
	}
	for _, tc := range tests {
		if err := CheckCost(&tc.c, goods); (err != nil) != tc.wantErr {
			t.Errorf("%s: err %v", tc.name, err)
		}
	}
}

func TestPhaseAt(t *testing.T) {
	c := camp(1, Coupon, coupon(y(5), y(50)))
	c.StartsAt, c.EndsAt = t0, t0.Add(10*24*time.Hour)
	c.Phases = []schematype.CampaignPhase{
		{Name: schematype.PhaseWarmUp, StartsAt: t0, EndsAt: t0.Add(7 * 24 * time.Hour)},
		{Name: schematype.PhasePeak, StartsAt: t0.Add(7 * 24 * time.Hour), EndsAt: t0.Add(8 * 24 * time.Hour)},
		{Name: schematype.PhaseEncore, StartsAt: t0.Add(8 * 24 * time.Hour), EndsAt: t0.Add(10 * 24 * time.Hour)},
	}
	tests := []struct {
		at   time.Duration
		want Status
	}{{-time.Second, Scheduled}, {0, WarmUp}, {7 * 24 * time.Hour, Live}, {9 * 24 * time.Hour, Encore}, {10 * 24 * time.Hour, Ended}}
	for _, tc := range tests {
		if got := PhaseAt(&c, t0.Add(tc.at)); got != tc.want {
			t.Errorf("at +%s: %s, want %s", tc.at, got, tc.want)
		}
	}
}
