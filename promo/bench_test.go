package promo

import (
	"fmt"
	"testing"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// benchCart is 20 lines under 50 live campaigns of every item and order kind,
// half stackable, some targeting single SKUs.
func benchCart() (Cart, []Campaign) {
	var cart Cart
	cart.At = t0
	for i := 0; i < 20; i++ {
		cart.Lines = append(cart.Lines, line(i+1, 1+i%3, Money(1990+i*1000)))
	}
	var cs []Campaign
	for id := 1; id <= 50; id++ {
		var c Campaign
		switch id % 5 {
		case 0:
			c = camp(id, TimeLimitedDiscount, tld(5+id%20, schematype.DiscountTier{MinQuantity: 3, PercentOff: 30}))
		case 1:
			c = camp(id, FullReduction, fr(id%2 == 0, y(100), y(10), y(300), y(40)))
			if id%2 == 0 {
				c = camp(id, FullReduction, fr(true, y(100), y(10)))
			}
		case 2:
			c = camp(id, Coupon, coupon(y(float64(5+id%30)), y(99)))
			cart.Buyer.Coupons = append(cart.Buyer.Coupons, id)
		case 3:
			c = camp(id, FlashSale, flash(y(float64(9+id))))
		case 4:
			c = camp(id, MemberDay, schematype.CampaignRules{MemberDay: &schematype.MemberDayRule{DayOfMonth: 18, PercentOff: 5, PointsMultiplier: 2}})
		}
		c.Name = fmt.Sprint("campaign ", id)
		c.Exclusive = id%2 == 0
		if id%3 == 0 {
			c.Targets.SKUIDs = []int{1 + id%20, 1 + (id*7)%20}
		}
		cs = append(cs, c)
	}
	cart.Buyer.Member = true
	return cart, cs
}

// BenchmarkPrice50x20 is the pure engine on 50 campaigns and 20 lines.
func BenchmarkPrice50x20(b *testing.B) {
	cart, cs := benchCart()
	q := Price(cart, cs)
	if q.Savings == 0 {
		b.Fatal("nothing applied")
	}
	b.ReportAllocs()
	for b.Loop() {
		Price(cart, cs)
	}
}
