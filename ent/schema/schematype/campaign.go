package schematype

import (
	"fmt"
	"time"
)

// FieldError names the input field a validation failed on, so that the API can
// return BAD_USER_INPUT with the field.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// FieldErr builds a FieldError with a formatted message.
func FieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// PhaseName is one phase of a big promotion (大促): warm-up 预热, peak 爆发, encore 返场.
type PhaseName string

// Campaign phases in the order they run.
const (
	PhaseWarmUp PhaseName = "WARM_UP"
	PhasePeak   PhaseName = "PEAK"
	PhaseEncore PhaseName = "ENCORE"
)

// CampaignPhase is a named time window of a campaign.
type CampaignPhase struct {
	Name     PhaseName `json:"name"`
	StartsAt time.Time `json:"startsAt"`
	EndsAt   time.Time `json:"endsAt"`
}

// CampaignRules holds the typed rules of a campaign. Exactly the member that
// matches the campaign's kind is set; the others stay nil.
type CampaignRules struct {
	TimeLimitedDiscount *TimeLimitedDiscountRule `json:"timeLimitedDiscount,omitempty"`
	FullReduction       *FullReductionRule       `json:"fullReduction,omitempty"`
	GroupBuy            *GroupBuyRule            `json:"groupBuy,omitempty"`
	Bargain             *BargainRule             `json:"bargain,omitempty"`
	FlashSale           *FlashSaleRule           `json:"flashSale,omitempty"`
	Coupon              *CouponRule              `json:"coupon,omitempty"`
	MemberDay           *MemberDayRule           `json:"memberDay,omitempty"`
	NewCustomer         *NewCustomerRule         `json:"newCustomer,omitempty"`
	Referral            *ReferralRule            `json:"referral,omitempty"`
}

// DiscountTier is one step of a tiered discount: buy at least MinQuantity, get PercentOff.
type DiscountTier struct {
	MinQuantity int `json:"minQuantity"`
	PercentOff  int `json:"percentOff"`
	// CheapestN, when set, gives PercentOff only to the cheapest CheapestN units
	// of every MinQuantity bought (买二第二件半价: minQuantity 2, cheapestN 1).
	CheapestN int `json:"cheapestN,omitempty"`
}

// TimeLimitedDiscountRule is 限时折扣: a percentage off, optionally tiered by quantity.
type TimeLimitedDiscountRule struct {
	PercentOff int            `json:"percentOff"`
	Tiers      []DiscountTier `json:"tiers,omitempty"`
	// MaxDiscount caps the discount of one order (at most ¥X off); 0 = no cap.
	MaxDiscount Money `json:"maxDiscount,omitempty"`
}

// ReductionTier is one 满减 step: spend Threshold, save Reduction.
type ReductionTier struct {
	Threshold Money `json:"threshold"`
	Reduction Money `json:"reduction"`
}

// FullReductionRule is 满减: spend X save Y, in ascending tiers.
type FullReductionRule struct {
	Tiers []ReductionTier `json:"tiers"`
	// Accumulated is 每满减 (上不封顶): the single tier repeats for every
	// multiple of its threshold, up to MaxReduction when that is set.
	Accumulated  bool  `json:"accumulated,omitempty"`
	MaxReduction Money `json:"maxReduction,omitempty"`
}

// GroupTier is one 拼团 tier: a team of TeamSize gets PercentOff.
type GroupTier struct {
	TeamSize   int `json:"teamSize"`
	PercentOff int `json:"percentOff"`
}

// GroupBuyRule is 拼团: team-size tiers and how long a team may take to form.
type GroupBuyRule struct {
	Tiers           []GroupTier `json:"tiers"`
	FormWithinHours int         `json:"formWithinHours"`
	// Ladder is 阶梯团: a team grows up to the largest tier, everyone pays the
	// shallowest tier up front and the difference to the tier the team
	// reached is refunded when it forms.
	Ladder bool `json:"ladder,omitempty"`
	// VirtualFillPercent is 模拟成团: at expiry a team forms when its real
	// members + ⌊size × percent / 100⌋ ≥ size. 0 = off.
	VirtualFillPercent int `json:"virtualFillPercent,omitempty"`
	// LeaderPercentOff is the 团长 price: the leader's percentage off (at least
	// the first tier's). 0 = the leader pays what members pay.
	LeaderPercentOff int `json:"leaderPercentOff,omitempty"`
}

// BargainRule is 砍价: friends cut the price toward FloorPrice.
type BargainRule struct {
	FloorPrice Money `json:"floorPrice"`
	// MaxHelpers is the number of helps that take the price to the floor: the
	// MaxHelpers-th helper reaches it.
	MaxHelpers  int `json:"maxHelpers"`
	WithinHours int `json:"withinHours"`
	// BuyRule is FLOOR_ONLY (the default: buy once the floor is reached) or
	// ANY_PRICE (buy at whatever price the session reached).
	BuyRule string `json:"buyRule,omitempty"`
}

// Bargain buy rules.
const (
	BuyAtFloorOnly = "FLOOR_ONLY"
	BuyAtAnyPrice  = "ANY_PRICE"
)

// FlashSaleSlot is one time slot of a 秒杀.
type FlashSaleSlot struct {
	StartsAt time.Time `json:"startsAt"`
	EndsAt   time.Time `json:"endsAt"`
	Stock    int       `json:"stock"`
}

// FlashSaleRule is 秒杀: limited stock in time slots at a flash price.
type FlashSaleRule struct {
	FlashPrice   Money           `json:"flashPrice"`
	PerUserLimit int             `json:"perUserLimit"`
	Slots        []FlashSaleSlot `json:"slots"`
	// ReservationMinutes is how long a 秒杀 reservation holds its units before
	// it expires unpaid and returns them; 0 is the default (15 minutes).
	ReservationMinutes int `json:"reservationMinutes,omitempty"`
}

// CouponRule is a coupon: Value off orders of at least MinSpend.
type CouponRule struct {
	Value    Money `json:"value"`
	MinSpend Money `json:"minSpend"`
	Quantity int   `json:"quantity"`
	PerUser  int   `json:"perUser"`
	// ValidDays is how long a claimed coupon stays usable; 0: until the
	// campaign ends (never past its end).
	ValidDays int `json:"validDays,omitempty"`
}

// OrderLineShare is one campaign's part of an order line's discount, kept on
// the line so that refunds, commission and points use the same figures.
type OrderLineShare struct {
	CampaignID int    `json:"campaignID"`
	Kind       string `json:"kind"`
	Amount     Money  `json:"amount"`
}

// MemberDayRule is 会员日: a recurring day with a member discount and points multiplier.
type MemberDayRule struct {
	DayOfMonth       int `json:"dayOfMonth"`
	PercentOff       int `json:"percentOff"`
	PointsMultiplier int `json:"pointsMultiplier"`
	// MaxDiscount caps the discount of one order; 0 = no cap.
	MaxDiscount Money `json:"maxDiscount,omitempty"`
}

// NewCustomerRule is 新客首单: a gift or cashback on a customer's first order.
type NewCustomerRule struct {
	FirstOrderCashback Money  `json:"firstOrderCashback"`
	Gift               string `json:"gift,omitempty"`
}

// ReferralStep is one rung of 邀新阶梯: after Orders referred orders, reward Reward (首单返5元、三单返15元).
type ReferralStep struct {
	Orders int   `json:"orders"`
	Reward Money `json:"reward"`
}

// ReferralRule is 邀新阶梯: a ladder of rewards for referrals.
type ReferralRule struct {
	Ladder []ReferralStep `json:"ladder"`
}

// TeamSizeMax is the largest team size of the tiers (0 without tiers).
func (g *GroupBuyRule) TeamSizeMax() int {
	if len(g.Tiers) == 0 {
		return 0
	}
	return g.Tiers[len(g.Tiers)-1].TeamSize
}
