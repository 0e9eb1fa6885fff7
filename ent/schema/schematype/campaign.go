package schematype

import (
	"fmt"
	"sort"
	"time"
)

// FieldError names the input field a validation failed on, so that the API can
// return BAD_USER_INPUT with the field.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) error {
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

var phaseOrder = map[PhaseName]int{PhaseWarmUp: 0, PhasePeak: 1, PhaseEncore: 2}

// CampaignPhase is a named time window of a campaign.
type CampaignPhase struct {
	Name     PhaseName `json:"name"`
	StartsAt time.Time `json:"startsAt"`
	EndsAt   time.Time `json:"endsAt"`
}

// ValidatePhases checks that phases are known, each non-empty, unique, in
// warm-up → peak → encore order and not overlapping.
func ValidatePhases(ps []CampaignPhase) error {
	seen := map[PhaseName]bool{}
	sorted := append([]CampaignPhase(nil), ps...)
	for i, p := range ps {
		if _, ok := phaseOrder[p.Name]; !ok {
			return fieldErr(fmt.Sprintf("phases[%d].name", i), "unknown phase %q", p.Name)
		}
		if seen[p.Name] {
			return fieldErr(fmt.Sprintf("phases[%d].name", i), "phase %s given twice", p.Name)
		}
		seen[p.Name] = true
		if !p.EndsAt.After(p.StartsAt) {
			return fieldErr(fmt.Sprintf("phases[%d].endsAt", i), "must be after startsAt")
		}
	}
	sort.Slice(sorted, func(i, j int) bool { return phaseOrder[sorted[i].Name] < phaseOrder[sorted[j].Name] })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].StartsAt.Before(sorted[i-1].EndsAt) {
			return fieldErr("phases", "%s must start after %s ends", sorted[i].Name, sorted[i-1].Name)
		}
	}
	return nil
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
}

// TimeLimitedDiscountRule is 限时折扣: a percentage off, optionally tiered by quantity.
type TimeLimitedDiscountRule struct {
	PercentOff int            `json:"percentOff"`
	Tiers      []DiscountTier `json:"tiers,omitempty"`
}

// ReductionTier is one 满减 step: spend Threshold, save Reduction.
type ReductionTier struct {
	Threshold Money `json:"threshold"`
	Reduction Money `json:"reduction"`
}

// FullReductionRule is 满减: spend X save Y, in ascending tiers.
type FullReductionRule struct {
	Tiers []ReductionTier `json:"tiers"`
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
}

// BargainRule is 砍价: friends cut the price toward FloorPrice.
type BargainRule struct {
	FloorPrice  Money `json:"floorPrice"`
	MaxHelpers  int   `json:"maxHelpers"`
	WithinHours int   `json:"withinHours"`
}

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
}

// CouponRule is a coupon: Value off orders of at least MinSpend.
type CouponRule struct {
	Value    Money `json:"value"`
	MinSpend Money `json:"minSpend"`
	Quantity int   `json:"quantity"`
	PerUser  int   `json:"perUser"`
}

// MemberDayRule is 会员日: a recurring day with a member discount and points multiplier.
type MemberDayRule struct {
	DayOfMonth       int `json:"dayOfMonth"`
	PercentOff       int `json:"percentOff"`
	PointsMultiplier int `json:"pointsMultiplier"`
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

func percent(field string, v int) error {
	if v < 1 || v > 99 {
		return fieldErr(field, "percentage must be between 1 and 99, got %d", v)
	}
	return nil
}

func positive(field string, v int) error {
	if v < 1 {
		return fieldErr(field, "must be at least 1, got %d", v)
	}
	return nil
}

func positiveMoney(field string, v Money) error {
	if v <= 0 {
		return fieldErr(field, "must be more than 0.00, got %s", v.Amount())
	}
	return nil
}

// Validate checks that exactly the rule for kind is set and that its values are
// in range. kind is the campaign kind's GraphQL/DB name, e.g. "GROUP_BUY".
func (r *CampaignRules) Validate(kind string) error {
	set := map[string]bool{
		"TIME_LIMITED_DISCOUNT": r.TimeLimitedDiscount != nil,
		"FULL_REDUCTION":        r.FullReduction != nil,
		"GROUP_BUY":             r.GroupBuy != nil,
		"BARGAIN":               r.Bargain != nil,
		"FLASH_SALE":            r.FlashSale != nil,
		"COUPON":                r.Coupon != nil,
		"MEMBER_DAY":            r.MemberDay != nil,
		"NEW_CUSTOMER":          r.NewCustomer != nil,
		"REFERRAL":              r.Referral != nil,
	}
	if _, ok := set[kind]; !ok {
		return fieldErr("kind", "unknown campaign kind %q", kind)
	}
	for k, isSet := range set {
		if isSet && k != kind {
			return fieldErr("rules", "rules for %s given on a %s campaign", k, kind)
		}
	}
	if !set[kind] {
		return fieldErr("rules", "a %s campaign needs its rules", kind)
	}
	switch kind {
	case "TIME_LIMITED_DISCOUNT":
		d := r.TimeLimitedDiscount
		if err := percent("rules.timeLimitedDiscount.percentOff", d.PercentOff); err != nil {
			return err
		}
		prev := 0
		for i, t := range d.Tiers {
			f := fmt.Sprintf("rules.timeLimitedDiscount.tiers[%d]", i)
			if err := positive(f+".minQuantity", t.MinQuantity); err != nil {
				return err
			}
			if t.MinQuantity <= prev {
				return fieldErr(f+".minQuantity", "tiers must ascend by quantity")
			}
			prev = t.MinQuantity
			if err := percent(f+".percentOff", t.PercentOff); err != nil {
				return err
			}
		}
	case "FULL_REDUCTION":
		if len(r.FullReduction.Tiers) == 0 {
			return fieldErr("rules.fullReduction.tiers", "at least one tier is needed")
		}
		var prev Money
		for i, t := range r.FullReduction.Tiers {
			f := fmt.Sprintf("rules.fullReduction.tiers[%d]", i)
			if err := positiveMoney(f+".threshold", t.Threshold); err != nil {
				return err
			}
			if err := positiveMoney(f+".reduction", t.Reduction); err != nil {
				return err
			}
			if t.Reduction >= t.Threshold {
				return fieldErr(f+".reduction", "must be less than the threshold")
			}
			if t.Threshold <= prev {
				return fieldErr(f+".threshold", "tiers must ascend by threshold")
			}
			prev = t.Threshold
		}
	case "GROUP_BUY":
		g := r.GroupBuy
		if len(g.Tiers) == 0 {
			return fieldErr("rules.groupBuy.tiers", "at least one tier is needed")
		}
		prev := 1
		for i, t := range g.Tiers {
			f := fmt.Sprintf("rules.groupBuy.tiers[%d]", i)
			if t.TeamSize <= prev {
				return fieldErr(f+".teamSize", "team sizes start at 2 and ascend")
			}
			prev = t.TeamSize
			if err := percent(f+".percentOff", t.PercentOff); err != nil {
				return err
			}
		}
		if g.FormWithinHours < 1 || g.FormWithinHours > 72 {
			return fieldErr("rules.groupBuy.formWithinHours", "must be between 1 and 72")
		}
	case "BARGAIN":
		b := r.Bargain
		if err := positiveMoney("rules.bargain.floorPrice", b.FloorPrice); err != nil {
			return err
		}
		if err := positive("rules.bargain.maxHelpers", b.MaxHelpers); err != nil {
			return err
		}
		if b.WithinHours < 1 || b.WithinHours > 168 {
			return fieldErr("rules.bargain.withinHours", "must be between 1 and 168")
		}
	case "FLASH_SALE":
		fs := r.FlashSale
		if err := positiveMoney("rules.flashSale.flashPrice", fs.FlashPrice); err != nil {
			return err
		}
		if err := positive("rules.flashSale.perUserLimit", fs.PerUserLimit); err != nil {
			return err
		}
		if len(fs.Slots) == 0 {
			return fieldErr("rules.flashSale.slots", "at least one slot is needed")
		}
		for i, s := range fs.Slots {
			f := fmt.Sprintf("rules.flashSale.slots[%d]", i)
			if !s.EndsAt.After(s.StartsAt) {
				return fieldErr(f+".endsAt", "must be after startsAt")
			}
			if err := positive(f+".stock", s.Stock); err != nil {
				return err
			}
		}
	case "COUPON":
		c := r.Coupon
		if err := positiveMoney("rules.coupon.value", c.Value); err != nil {
			return err
		}
		if c.MinSpend != 0 && c.Value >= c.MinSpend {
			return fieldErr("rules.coupon.value", "must be less than minSpend")
		}
		if err := positive("rules.coupon.quantity", c.Quantity); err != nil {
			return err
		}
		if err := positive("rules.coupon.perUser", c.PerUser); err != nil {
			return err
		}
	case "MEMBER_DAY":
		m := r.MemberDay
		if m.DayOfMonth < 1 || m.DayOfMonth > 28 {
			return fieldErr("rules.memberDay.dayOfMonth", "must be between 1 and 28")
		}
		if err := percent("rules.memberDay.percentOff", m.PercentOff); err != nil {
			return err
		}
		if m.PointsMultiplier < 1 || m.PointsMultiplier > 10 {
			return fieldErr("rules.memberDay.pointsMultiplier", "must be between 1 and 10")
		}
	case "NEW_CUSTOMER":
		if err := positiveMoney("rules.newCustomer.firstOrderCashback", r.NewCustomer.FirstOrderCashback); err != nil {
			return err
		}
	case "REFERRAL":
		if len(r.Referral.Ladder) == 0 {
			return fieldErr("rules.referral.ladder", "at least one step is needed")
		}
		prev := 0
		for i, s := range r.Referral.Ladder {
			f := fmt.Sprintf("rules.referral.ladder[%d]", i)
			if s.Orders <= prev {
				return fieldErr(f+".orders", "steps must ascend by orders")
			}
			prev = s.Orders
			if err := positiveMoney(f+".reward", s.Reward); err != nil {
				return err
			}
		}
	}
	return nil
}
