package promo

import (
	"fmt"
	"sort"
	"time"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

func fieldErr(field, format string, args ...any) error {
	return schematype.FieldErr(field, format, args...)
}

// Validate checks a whole campaign, as it will be stored (the stored campaign
// with a patch applied, never the patch alone): the window, the phases inside
// it, the budget and the rules of its kind, each against its meaning.
func Validate(c *Campaign) error {
	if !c.EndsAt.After(c.StartsAt) {
		return fieldErr("endsAt", "must be after startsAt")
	}
	if c.Budget < 0 {
		return fieldErr("budget", "must not be negative, got %s", c.Budget.Amount())
	}
	if c.Basis != "" && c.Basis != AfterItemDiscounts && c.Basis != ListPrice {
		return fieldErr("thresholdBasis", "unknown basis %q", c.Basis)
	}
	if err := ValidatePhases(c.Phases, c.StartsAt, c.EndsAt); err != nil {
		return err
	}
	return ValidateRules(&c.Rules, c.Kind, c.StartsAt, c.EndsAt)
}

var phaseOrder = map[schematype.PhaseName]int{schematype.PhaseWarmUp: 0, schematype.PhasePeak: 1, schematype.PhaseEncore: 2}

// ValidatePhases checks that phases are known, each non-empty, unique, in
// warm-up → peak → encore order, not overlapping and inside the campaign window.
func ValidatePhases(ps []schematype.CampaignPhase, starts, ends time.Time) error {
	seen := map[schematype.PhaseName]bool{}
	for i, p := range ps {
		f := fmt.Sprintf("phases[%d]", i)
		if _, ok := phaseOrder[p.Name]; !ok {
			return fieldErr(f+".name", "unknown phase %q", p.Name)
		}
		if seen[p.Name] {
			return fieldErr(f+".name", "phase %s given twice", p.Name)
		}
		seen[p.Name] = true
		if !p.EndsAt.After(p.StartsAt) {
			return fieldErr(f+".endsAt", "must be after startsAt")
		}
		if p.StartsAt.Before(starts) {
			return fieldErr(f+".startsAt", "must not be before the campaign starts (%s)", starts.UTC().Format(time.RFC3339))
		}
		if p.EndsAt.After(ends) {
			return fieldErr(f+".endsAt", "must not be after the campaign ends (%s)", ends.UTC().Format(time.RFC3339))
		}
	}
	idx := make([]int, len(ps))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return phaseOrder[ps[idx[a]].Name] < phaseOrder[ps[idx[b]].Name] })
	for k := 1; k < len(idx); k++ {
		cur, prev := ps[idx[k]], ps[idx[k-1]]
		if cur.StartsAt.Before(prev.EndsAt) {
			return fieldErr(fmt.Sprintf("phases[%d].startsAt", idx[k]), "%s must start after %s ends", cur.Name, prev.Name)
		}
	}
	return nil
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

func nonNegativeMoney(field string, v Money) error {
	if v < 0 {
		return fieldErr(field, "must not be negative, got %s", v.Amount())
	}
	return nil
}

// ValidateRules checks that exactly the rule for kind is set and that it means
// something: tiers that get deeper as they get harder to reach, 秒杀 slots
// inside the window and apart, a per-user limit a slot can serve.
func ValidateRules(r *schematype.CampaignRules, kind Kind, starts, ends time.Time) error {
	set := map[Kind]bool{
		TimeLimitedDiscount: r.TimeLimitedDiscount != nil,
		FullReduction:       r.FullReduction != nil,
		GroupBuy:            r.GroupBuy != nil,
		Bargain:             r.Bargain != nil,
		FlashSale:           r.FlashSale != nil,
		Coupon:              r.Coupon != nil,
		MemberDay:           r.MemberDay != nil,
		NewCustomer:         r.NewCustomer != nil,
		Referral:            r.Referral != nil,
	}
	if _, ok := set[kind]; !ok {
		return fieldErr("kind", "unknown campaign kind %q", kind)
	}
	for _, k := range []Kind{TimeLimitedDiscount, FullReduction, GroupBuy, Bargain, FlashSale, Coupon, MemberDay, NewCustomer, Referral} {
		if set[k] && k != kind {
			return fieldErr("rules", "rules for %s given on a %s campaign", k, kind)
		}
	}
	if !set[kind] {
		return fieldErr("rules", "a %s campaign needs its rules", kind)
	}
	switch kind {
	case TimeLimitedDiscount:
		return validateDiscount(r.TimeLimitedDiscount)
	case FullReduction:
		return validateReduction(r.FullReduction)
	case GroupBuy:
		return validateGroupBuy(r.GroupBuy)
	case Bargain:
		b := r.Bargain
		if err := positiveMoney("rules.bargain.floorPrice", b.FloorPrice); err != nil {
			return err
		}
		if err := positive("rules.bargain.maxHelpers", b.MaxHelpers); err != nil {
			return err
		}
		if b.MaxHelpers > 1000 {
			return fieldErr("rules.bargain.maxHelpers", "must be at most 1000, got %d", b.MaxHelpers)
		}
		if b.WithinHours < 1 || b.WithinHours > 168 {
			return fieldErr("rules.bargain.withinHours", "must be between 1 and 168")
		}
		if b.BuyRule != "" && b.BuyRule != schematype.BuyAtFloorOnly && b.BuyRule != schematype.BuyAtAnyPrice {
			return fieldErr("rules.bargain.buyRule", "must be FLOOR_ONLY or ANY_PRICE, got %q", b.BuyRule)
		}
	case FlashSale:
		return validateFlashSale(r.FlashSale, starts, ends)
	case Coupon:
		c := r.Coupon
		if err := positiveMoney("rules.coupon.value", c.Value); err != nil {
			return err
		}
		if err := nonNegativeMoney("rules.coupon.minSpend", c.MinSpend); err != nil {
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
		if c.PerUser > c.Quantity {
			return fieldErr("rules.coupon.perUser", "must not exceed the quantity issued (%d)", c.Quantity)
		}
		if c.ValidDays < 0 || c.ValidDays > 365 {
			return fieldErr("rules.coupon.validDays", "must be between 0 and 365, got %d", c.ValidDays)
		}
	case MemberDay:
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
		return nonNegativeMoney("rules.memberDay.maxDiscount", m.MaxDiscount)
	case NewCustomer:
		return positiveMoney("rules.newCustomer.firstOrderCashback", r.NewCustomer.FirstOrderCashback)
	case Referral:
		if len(r.Referral.Ladder) == 0 {
			return fieldErr("rules.referral.ladder", "at least one step is needed")
		}
		prevOrders, prevReward := 0, Money(0)
		for i, s := range r.Referral.Ladder {
			f := fmt.Sprintf("rules.referral.ladder[%d]", i)
			if s.Orders <= prevOrders {
				return fieldErr(f+".orders", "steps must ascend by orders")
			}
			if err := positiveMoney(f+".reward", s.Reward); err != nil {
				return err
			}
			if s.Reward <= prevReward {
				return fieldErr(f+".reward", "a higher rung must reward more than the one below (%s)", prevReward.Amount())
			}
			prevOrders, prevReward = s.Orders, s.Reward
		}
	}
	return nil
}

func validateDiscount(d *schematype.TimeLimitedDiscountRule) error {
	const f0 = "rules.timeLimitedDiscount"
	// With tiers the base may be 0 (买二第二件半价 has no discount on one unit).
	if len(d.Tiers) == 0 || d.PercentOff != 0 {
		if err := percent(f0+".percentOff", d.PercentOff); err != nil {
			return err
		}
	}
	if err := nonNegativeMoney(f0+".maxDiscount", d.MaxDiscount); err != nil {
		return err
	}
	prevQty, prevDepth := 0, d.PercentOff*100
	for i, t := range d.Tiers {
		f := fmt.Sprintf("%s.tiers[%d]", f0, i)
		if err := positive(f+".minQuantity", t.MinQuantity); err != nil {
			return err
		}
		if t.MinQuantity <= prevQty {
			return fieldErr(f+".minQuantity", "tiers must ascend by quantity")
		}
		if err := percent(f+".percentOff", t.PercentOff); err != nil {
			return err
		}
		if t.CheapestN < 0 || (t.CheapestN != 0 && t.CheapestN >= t.MinQuantity) {
			return fieldErr(f+".cheapestN", "must be between 1 and minQuantity − 1, got %d", t.CheapestN)
		}
		// A tier for buying more must save more; cheapest-N tiers discount
		// fewer units, so they are compared on what the whole group saves.
		if depth(t) <= prevDepth {
			return fieldErr(f+".percentOff", "a tier for more units must save more than the tier below it")
		}
		prevQty, prevDepth = t.MinQuantity, depth(t)
	}
	return nil
}

// depth is the share of the group's value a tier takes off, in 1/100 of a
// percent, so tiers of different shapes compare.
func depth(t schematype.DiscountTier) int {
	if t.CheapestN == 0 {
		return t.PercentOff * 100
	}
	return t.PercentOff * 100 * t.CheapestN / t.MinQuantity
}

func validateReduction(fr *schematype.FullReductionRule) error {
	const f0 = "rules.fullReduction"
	if len(fr.Tiers) == 0 {
		return fieldErr(f0+".tiers", "at least one tier is needed")
	}
	if fr.Accumulated && len(fr.Tiers) != 1 {
		return fieldErr(f0+".tiers", "每满减 (accumulated) takes exactly one tier, got %d", len(fr.Tiers))
	}
	if err := nonNegativeMoney(f0+".maxReduction", fr.MaxReduction); err != nil {
		return err
	}
	var prevT, prevR Money
	for i, t := range fr.Tiers {
		f := fmt.Sprintf("%s.tiers[%d]", f0, i)
		if err := positiveMoney(f+".threshold", t.Threshold); err != nil {
			return err
		}
		if err := positiveMoney(f+".reduction", t.Reduction); err != nil {
			return err
		}
		if t.Reduction >= t.Threshold {
			return fieldErr(f+".reduction", "must be less than the threshold")
		}
		if t.Threshold <= prevT {
			return fieldErr(f+".threshold", "tiers must ascend by threshold")
		}
		if t.Reduction <= prevR {
			return fieldErr(f+".reduction", "a higher tier must save more than the tier below it (%s)", prevR.Amount())
		}
		prevT, prevR = t.Threshold, t.Reduction
	}
	if fr.MaxReduction != 0 && fr.MaxReduction < fr.Tiers[0].Reduction {
		return fieldErr(f0+".maxReduction", "must be at least one tier's reduction (%s)", fr.Tiers[0].Reduction.Amount())
	}
	return nil
}

func validateGroupBuy(g *schematype.GroupBuyRule) error {
	if len(g.Tiers) == 0 {
		return fieldErr("rules.groupBuy.tiers", "at least one tier is needed")
	}
	prevSize, prevPct := 1, 0
	for i, t := range g.Tiers {
		f := fmt.Sprintf("rules.groupBuy.tiers[%d]", i)
		if t.TeamSize <= prevSize {
			return fieldErr(f+".teamSize", "team sizes start at 2 and ascend")
		}
		if err := percent(f+".percentOff", t.PercentOff); err != nil {
			return err
		}
		if t.PercentOff <= prevPct {
			return fieldErr(f+".percentOff", "a bigger team must get a deeper discount than a team of %d (%d%%)", prevSize, prevPct)
		}
		prevSize, prevPct = t.TeamSize, t.PercentOff
	}
	if g.FormWithinHours < 1 || g.FormWithinHours > 72 {
		return fieldErr("rules.groupBuy.formWithinHours", "must be between 1 and 72")
	}
	if g.TeamSizeMax() > 100 {
		return fieldErr("rules.groupBuy.tiers", "teams of more than 100 are not supported")
	}
	if g.VirtualFillPercent < 0 || g.VirtualFillPercent > 99 {
		return fieldErr("rules.groupBuy.virtualFillPercent", "must be between 0 (off) and 99, got %d", g.VirtualFillPercent)
	}
	if g.LeaderPercentOff != 0 {
		if err := percent("rules.groupBuy.leaderPercentOff", g.LeaderPercentOff); err != nil {
			return err
		}
		if g.LeaderPercentOff < g.Tiers[0].PercentOff {
			return fieldErr("rules.groupBuy.leaderPercentOff", "the leader must save at least what members save (%d%%)", g.Tiers[0].PercentOff)
		}
	}
	return nil
}

func validateFlashSale(fs *schematype.FlashSaleRule, starts, ends time.Time) error {
	const f0 = "rules.flashSale"
	if err := positiveMoney(f0+".flashPrice", fs.FlashPrice); err != nil {
		return err
	}
	if err := positive(f0+".perUserLimit", fs.PerUserLimit); err != nil {
		return err
	}
	if fs.ReservationMinutes < 0 || fs.ReservationMinutes > 120 {
		return fieldErr(f0+".reservationMinutes", "must be between 1 and 120 (0: the default), got %d", fs.ReservationMinutes)
	}
	if len(fs.Slots) == 0 {
		return fieldErr(f0+".slots", "at least one slot is needed")
	}
	for i, s := range fs.Slots {
		f := fmt.Sprintf("%s.slots[%d]", f0, i)
		if !s.EndsAt.After(s.StartsAt) {
			return fieldErr(f+".endsAt", "must be after startsAt")
		}
		if s.StartsAt.Before(starts) {
			return fieldErr(f+".startsAt", "must not be before the campaign starts")
		}
		if s.EndsAt.After(ends) {
			return fieldErr(f+".endsAt", "must not be after the campaign ends")
		}
		if err := positive(f+".stock", s.Stock); err != nil {
			return err
		}
		if fs.PerUserLimit > s.Stock {
			return fieldErr(f0+".perUserLimit", "must not exceed the stock of slot %d (%d)", i, s.Stock)
		}
	}
	idx := make([]int, len(fs.Slots))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return fs.Slots[idx[a]].StartsAt.Before(fs.Slots[idx[b]].StartsAt) })
	for k := 1; k < len(idx); k++ {
		cur, prev := fs.Slots[idx[k]], fs.Slots[idx[k-1]]
		if cur.StartsAt.Before(prev.EndsAt) {
			return fieldErr(fmt.Sprintf("%s.slots[%d].startsAt", f0, idx[k]), "overlaps slot %d", idx[k-1])
		}
	}
	return nil
}

// ConflictError says a campaign overlaps another exclusive campaign of the
// same kind in the same store.
type ConflictError struct {
	Field      string
	CampaignID int
	Name       string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("overlaps campaign %q (id %d): same kind, same store, same goods and time, and one of them is exclusive", e.Name, e.CampaignID)
}

// FindConflict returns the first campaign of others (same store) that c may not
// run beside: same kind, overlapping windows and goods, one of the two
// exclusive. Coupons are exempt: several coupons may be on offer, and the
// buyer uses one per order. Ended and cancelled campaigns do not count.
func FindConflict(c *Campaign, others []Campaign) *ConflictError {
	if c.Kind == Coupon || c.Status == Cancelled || c.Status == Ended {
		return nil
	}
	sorted := append([]Campaign(nil), others...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for i := range sorted {
		o := &sorted[i]
		if o.ID == c.ID || o.StoreID != c.StoreID || o.Kind != c.Kind || o.Status == Cancelled || o.Status == Ended {
			continue
		}
		if !(c.Exclusive || o.Exclusive) {
			continue
		}
		if !o.StartsAt.Before(c.EndsAt) || !c.StartsAt.Before(o.EndsAt) {
			continue
		}
		if !c.Targets.Overlaps(o.Targets) {
			continue
		}
		return &ConflictError{Field: "startsAt", CampaignID: o.ID, Name: o.Name}
	}
	return nil
}

// Good is a targeted product or SKU with its list price and unit cost.
type Good struct {
	Name  string
	Price Money
	Cost  Money
}

// LowestUnitPrice is the lowest unit price a campaign can put on a good of
// list price p. Order-level campaigns return p: they reduce orders, not goods.
func LowestUnitPrice(c *Campaign, p Money) Money {
	pct := 0
	r := &c.Rules
	switch c.Kind {
	case TimeLimitedDiscount:
		if d := r.TimeLimitedDiscount; d != nil {
			pct = d.PercentOff
			for _, t := range d.Tiers {
				pct = max(pct, t.PercentOff)
			}
		}
	case GroupBuy:
		if g := r.GroupBuy; g != nil {
			for _, t := range g.Tiers {
				pct = max(pct, t.PercentOff)
			}
		}
	case MemberDay:
		if m := r.MemberDay; m != nil {
			pct = m.PercentOff
		}
	case FlashSale:
		if f := r.FlashSale; f != nil {
			return min(p, f.FlashPrice)
		}
	case Bargain:
		if b := r.Bargain; b != nil {
			return min(p, b.FloorPrice)
		}
	}
	return p - Money(int64(p)*int64(pct)/100)
}

// CheckCost refuses a campaign that would sell a good below its cost, unless
// the campaign is marked as clearance. Goods without a cost are not checked.
func CheckCost(c *Campaign, goods []Good) error {
	if c.Clearance {
		return nil
	}
	for _, g := range goods {
		if g.Cost <= 0 {
			continue
		}
		if low := LowestUnitPrice(c, g.Price); low < g.Cost {
			return fieldErr("rules", "would sell %s at %s, below its cost %s; mark the campaign as clearance to allow it",
				g.Name, low.Amount(), g.Cost.Amount())
		}
	}
	return nil
}
