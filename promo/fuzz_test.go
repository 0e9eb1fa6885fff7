package promo

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// gen builds a cart and campaigns from a random source: any mix of kinds,
// stacking, bases, caps, budgets and targets, not necessarily valid ones, so
// the invariants are checked on more than the validator lets through.
func gen(r *rand.Rand) (Cart, []Campaign) {
	var cart Cart
	cart.At = t0
	nl := 1 + r.IntN(20)
	for i := 0; i < nl; i++ {
		l := Line{SKUID: 1 + r.IntN(6), ProductID: 100 + r.IntN(3), Quantity: r.IntN(5), UnitPrice: Money(r.IntN(50000))}
		if r.IntN(5) == 0 {
			l.Via = 1 + r.IntN(12)
			l.TeamSize = r.IntN(6)
			l.BargainPrice = Money(r.IntN(30000))
		}
		cart.Lines = append(cart.Lines, l)
	}
	cart.Buyer = Buyer{Member: r.IntN(2) == 0, NewCustomer: r.IntN(2) == 0, Referred: r.IntN(2) == 0, ReferrerOrders: r.IntN(4)}
	nc := r.IntN(12)
	var cs []Campaign
	money := func(n int) Money { return Money(1 + r.IntN(n)) }
	for id := 1; id <= nc; id++ {
		kinds := []Kind{TimeLimitedDiscount, FullReduction, GroupBuy, Bargain, FlashSale, Coupon, MemberDay, NewCustomer, Referral}
		k := kinds[r.IntN(len(kinds))]
		var rules schematype.CampaignRules
		switch k {
		case TimeLimitedDiscount:
			d := &schematype.TimeLimitedDiscountRule{PercentOff: r.IntN(100), MaxDiscount: Money(r.IntN(3)) * money(20000)}
			for q := 1; q < 6; q += 1 + r.IntN(3) {
				d.Tiers = append(d.Tiers, schematype.DiscountTier{MinQuantity: q + 1, PercentOff: 1 + r.IntN(99), CheapestN: r.IntN(q + 1)})
			}
			rules.TimeLimitedDiscount = d
		case FullReduction:
			f := &schematype.FullReductionRule{Accumulated: r.IntN(2) == 0, MaxReduction: Money(r.IntN(2)) * money(50000)}
			th := Money(0)
			for n := 1 + r.IntN(3); n > 0; n-- {
				th += money(30000)
				f.Tiers = append(f.Tiers, schematype.ReductionTier{Threshold: th, Reduction: money(int(th))})
			}
			rules.FullReduction = f
		case GroupBuy:
			rules.GroupBuy = &schematype.GroupBuyRule{FormWithinHours: 24, Tiers: []schematype.GroupTier{{TeamSize: 2, PercentOff: 1 + r.IntN(99)}, {TeamSize: 4, PercentOff: 1 + r.IntN(99)}}}
		case Bargain:
			rules.Bargain = &schematype.BargainRule{FloorPrice: money(20000), MaxHelpers: 3, WithinHours: 24}
		case FlashSale:
			rules.FlashSale = &schematype.FlashSaleRule{FlashPrice: money(40000), PerUserLimit: 1 + r.IntN(4),
				Slots: []schematype.FlashSaleSlot{{StartsAt: t0.Add(-time.Duration(r.IntN(3)) * time.Hour), EndsAt: t0.Add(time.Hour), Stock: 5}}}
		case Coupon:
			rules.Coupon = &schematype.CouponRule{Value: money(30000), MinSpend: Money(r.IntN(60000)), Quantity: 1, PerUser: 1}
			if r.IntN(2) == 0 {
				cart.Buyer.Coupons = append(cart.Buyer.Coupons, id)
			}
		case MemberDay:
			rules.MemberDay = &schematype.MemberDayRule{DayOfMonth: 17 + r.IntN(3), PercentOff: 1 + r.IntN(99), PointsMultiplier: 1 + r.IntN(5), MaxDiscount: Money(r.IntN(2)) * money(10000)}
		case NewCustomer:
			rules.NewCustomer = &schematype.NewCustomerRule{FirstOrderCashback: money(30000)}
		case Referral:
			rules.Referral = &schematype.ReferralRule{Ladder: []schematype.ReferralStep{{Orders: 1, Reward: money(1000)}, {Orders: 3, Reward: money(3000)}}}
		}
		c := camp(id, k, rules)
		c.Exclusive = r.IntN(2) == 0
		if r.IntN(2) == 0 {
			c.Basis = ListPrice
		}
		if r.IntN(3) == 0 {
			c.Targets.SKUIDs = []int{1 + r.IntN(6)}
		}
		if r.IntN(4) == 0 {
			c.Budget, c.Spend = money(100000), Money(r.IntN(100000))
		}
		if r.IntN(6) == 0 {
			c.Status = Paused
		}
		cs = append(cs, c)
	}
	return cart, cs
}

func checkQuote(t *testing.T, cart Cart, cs []Campaign) {
	q := Price(cart, cs)
	checkInvariants(t, q)
	// Deterministic: the same input, and the same campaigns in another order,
	// give the same quote.
	if q2 := Price(cart, cs); !reflect.DeepEqual(q, q2) {
		t.Fatalf("two runs differ")
	}
	rev := append([]Campaign(nil), cs...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if q3 := Price(cart, rev); !reflect.DeepEqual(q, q3) {
		t.Fatalf("campaign order changed the quote")
	}
}

func TestPriceProperties(t *testing.T) {
	for seed := uint64(0); seed < 2000; seed++ {
		cart, cs := gen(rand.New(rand.NewPCG(seed, 7)))
		checkQuote(t, cart, cs)
	}
}

func FuzzPrice(f *testing.F) {
	for _, s := range []uint64{1, 2, 3, 42, 1 << 40} {
		f.Add(s, s*31+7)
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		cart, cs := gen(rand.New(rand.NewPCG(a, b)))
		checkQuote(t, cart, cs)
	})
}

func FuzzApportion(f *testing.F) {
	f.Add(int64(100), int64(1), int64(2), int64(4))
	f.Fuzz(func(t *testing.T, total, a, b, c int64) {
		w := []Money{Money(a % 1e12), Money(b % 1e12), Money(c % 1e12)}
		var sum Money
		for i := range w {
			if w[i] < 0 {
				w[i] = -w[i]
			}
			sum += w[i]
		}
		if total < 0 {
			total = -total
		}
		tot := Money(total) % (sum + 1)
		got := Apportion(tot, w)
		var s Money
		for i, g := range got {
			if g < 0 || g > w[i] {
				t.Fatalf("share %d of %v = %d outside [0, weight]", i, w, g)
			}
			s += g
		}
		if sum > 0 && s != tot {
			t.Fatalf("shares %v sum to %d, want %d", got, s, tot)
		}
	})
}
