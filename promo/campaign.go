// Package promo owns the campaign rules: what a valid campaign is, which phase
// it is in at a given time, and what a cart costs under the campaigns of its
// store. It is plain Go: no database, no GraphQL. A thin service
// (promo/promosvc) loads and saves through ent.
package promo

import (
	"time"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// Money is an amount in fen.
type Money = schematype.Money

// Kind is a campaign kind, as the API and the database spell it.
type Kind string

// Campaign kinds.
const (
	TimeLimitedDiscount Kind = "TIME_LIMITED_DISCOUNT"
	FullReduction       Kind = "FULL_REDUCTION"
	GroupBuy            Kind = "GROUP_BUY"
	Bargain             Kind = "BARGAIN"
	FlashSale           Kind = "FLASH_SALE"
	Coupon              Kind = "COUPON"
	MemberDay           Kind = "MEMBER_DAY"
	NewCustomer         Kind = "NEW_CUSTOMER"
	Referral            Kind = "REFERRAL"
)

// Layer is where in the pricing order a campaign acts.
type Layer string

// Layers, applied in this order.
const (
	LayerItem   Layer = "ITEM"   // unit prices: 限时折扣, 秒杀, 拼团, 砍价, 会员日
	LayerOrder  Layer = "ORDER"  // the order: 满减 / 每满减, coupons, 新客
	LayerReward Layer = "REWARD" // after payment: 邀新阶梯, points
)

// LayerOf is the combination class of a kind.
func LayerOf(k Kind) Layer {
	switch k {
	case FullReduction, Coupon, NewCustomer:
		return LayerOrder
	case Referral:
		return LayerReward
	}
	return LayerItem
}

// Basis is what an order-level threshold is compared with.
type Basis string

// Threshold bases. The default is AfterItemDiscounts (see docs/decisions/0151).
const (
	AfterItemDiscounts Basis = "AFTER_ITEM_DISCOUNTS"
	ListPrice          Basis = "LIST_PRICE"
)

// Status is the lifecycle state of a campaign.
type Status string

// Lifecycle states. DRAFT → SCHEDULED → WARM_UP → LIVE → ENCORE → ENDED, plus
// PAUSED and CANCELLED.
const (
	Draft     Status = "DRAFT"
	Scheduled Status = "SCHEDULED"
	WarmUp    Status = "WARM_UP"
	Live      Status = "LIVE"
	Encore    Status = "ENCORE"
	Ended     Status = "ENDED"
	Paused    Status = "PAUSED"
	Cancelled Status = "CANCELLED"
)

// Targets says which goods a campaign covers: the whole store when both lists
// are empty.
type Targets struct {
	ProductIDs []int
	SKUIDs     []int
}

// WholeStore reports whether the campaign covers every product of its store.
func (t Targets) WholeStore() bool { return len(t.ProductIDs) == 0 && len(t.SKUIDs) == 0 }

// Covers reports whether a SKU (of a product) is targeted.
func (t Targets) Covers(productID, skuID int) bool {
	if t.WholeStore() {
		return true
	}
	for _, id := range t.SKUIDs {
		if id == skuID {
			return true
		}
	}
	for _, id := range t.ProductIDs {
		if id == productID {
			return true
		}
	}
	return false
}

// Overlaps reports whether two target sets share any goods. Product and SKU
// ids cannot be compared without the catalog, so a product list against a SKU
// list counts as overlapping (the careful answer).
func (t Targets) Overlaps(o Targets) bool {
	if t.WholeStore() || o.WholeStore() {
		return true
	}
	if (len(t.ProductIDs) > 0 && len(o.SKUIDs) > 0) || (len(t.SKUIDs) > 0 && len(o.ProductIDs) > 0) {
		return true
	}
	return intersects(t.ProductIDs, o.ProductIDs) || intersects(t.SKUIDs, o.SKUIDs)
}

func intersects(a, b []int) bool {
	set := make(map[int]bool, len(a))
	for _, x := range a {
		set[x] = true
	}
	for _, y := range b {
		if set[y] {
			return true
		}
	}
	return false
}

// Campaign is everything the rules need to know about a campaign.
type Campaign struct {
	ID        int
	StoreID   int
	Name      string
	Kind      Kind
	Status    Status
	StartsAt  time.Time
	EndsAt    time.Time
	Phases    []schematype.CampaignPhase
	Budget    Money // 0: no budget
	Spend     Money
	Rules     schematype.CampaignRules
	Exclusive bool // combines with no other campaign of its layer on the same goods
	Basis     Basis
	Clearance bool // may sell below cost
	Targets   Targets
}

// basis is the campaign's threshold basis with the default filled in.
func (c *Campaign) basis() Basis {
	if c.Basis == "" {
		return AfterItemDiscounts
	}
	return c.Basis
}

// PhaseAt is the phase the clock puts a campaign in at t: SCHEDULED before its
// window, ENDED after it, WARM_UP or ENCORE inside those phases, LIVE otherwise.
func PhaseAt(c *Campaign, t time.Time) Status {
	switch {
	case t.Before(c.StartsAt):
		return Scheduled
	case !t.Before(c.EndsAt):
		return Ended
	}
	for _, p := range c.Phases {
		if !t.Before(p.StartsAt) && t.Before(p.EndsAt) {
			switch p.Name {
			case schematype.PhaseWarmUp:
				return WarmUp
			case schematype.PhaseEncore:
				return Encore
			}
		}
	}
	return Live
}

// Running reports whether a status is one the clock moves (not DRAFT, PAUSED,
// CANCELLED or ENDED).
func Running(s Status) bool {
	return s == Scheduled || s == WarmUp || s == Live || s == Encore
}

// Sells reports whether a campaign's prices apply at t: it is running and the
// clock puts it in LIVE or ENCORE (warm-up only announces prices).
func Sells(c *Campaign, t time.Time) bool {
	if !Running(c.Status) {
		return false
	}
	p := PhaseAt(c, t)
	return p == Live || p == Encore
}
