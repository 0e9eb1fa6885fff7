package promo

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Line is one cart line.
type Line struct {
	SKUID     int
	ProductID int
	Quantity  int
	UnitPrice Money // list price of one unit
	// Via names the 拼团 or 砍价 campaign the line is bought through: those
	// prices apply only to lines bought that way.
	Via int
	// TeamSize is the 拼团 team size (0: the smallest tier, which 阶梯团 pays up front).
	TeamSize int
	// BargainPrice is the price a 砍价 session reached.
	BargainPrice Money
}

// Buyer is what the rules need to know about who buys.
type Buyer struct {
	Member      bool  // 会员: gets 会员日 prices
	NewCustomer bool  // no paid order yet: gets 新客首单
	Coupons     []int // coupon campaigns the buyer has claimed and not used
	// Referred: the buyer was invited; ReferrerOrders is how many referred
	// orders the referrer has so far (the ladder counts this one as the next).
	Referred       bool
	ReferrerOrders int
}

// Cart is a quote request.
type Cart struct {
	Lines []Line
	Buyer Buyer
	At    time.Time
}

// Reason says why a campaign did or did not apply.
type Reason string

// Reasons.
const (
	Applied         Reason = "APPLIED"
	NotLive         Reason = "NOT_LIVE"           // outside its window, not launched, paused or no open slot
	NoTargetedGoods Reason = "NO_TARGETED_GOODS"  // no line is covered by it
	ThresholdNotMet Reason = "THRESHOLD_NOT_MET"  // short by ShortBy (money) or ShortUnits
	NotEligible     Reason = "NOT_ELIGIBLE"       // the buyer does not qualify
	ExcludedBy      Reason = "EXCLUDED"           // an exclusive campaign (By) took its goods
	NotBest         Reason = "NOT_BEST"           // another combination (By) saves the buyer more
	BudgetExhausted Reason = "BUDGET_EXHAUSTED"   // spend reached the budget
	NoSaving        Reason = "NO_SAVING"          // applies, but the price is already lower
	PostOrderReward Reason = "REWARD_NOT_REACHED" // a reward rung not reached by this order
)

// Outcome is what happened to one campaign in a quote.
type Outcome struct {
	CampaignID  int
	Name        string
	Kind        Kind
	Layer       Layer
	Applied     bool
	Reason      Reason
	Discount    Money
	ShortBy     Money // THRESHOLD_NOT_MET on an amount
	ShortUnits  int   // THRESHOLD_NOT_MET on a quantity
	By          int   // the campaign that excluded it or did better
	Explanation string
}

// Share is one campaign's part of a line's discount.
type Share struct {
	CampaignID int
	Amount     Money
}

// PricedLine is a line with its prices and its share of every discount, so
// that refunds, commission and points use the same figures.
type PricedLine struct {
	SKUID         int
	Quantity      int
	UnitPrice     Money
	ListAmount    Money
	ItemDiscount  Money
	OrderDiscount Money
	Amount        Money // what the buyer pays for the line
	Shares        []Share
}

// Reward is a post-order reward.
type Reward struct {
	CampaignID  int // 0 for base points
	Kind        string
	Amount      Money // REFERRAL: paid to the referrer
	Points      int64 // POINTS
	Explanation string
}

// Quote is a priced cart.
type Quote struct {
	Lines         []PricedLine
	Subtotal      Money
	ItemDiscount  Money
	OrderDiscount Money
	Total         Money
	Savings       Money
	Campaigns     []Outcome // one per campaign of the store, by id
	Rewards       []Reward
}

// shanghai is the business time zone for 会员日 (day of month).
var shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

type pricer struct {
	cart  Cart
	camps []Campaign
	out   map[int]*Outcome
	cover map[int][]int // campaign id → the lines it covers (see lines)
	list  []Money       // list amount per line
	cur   []Money       // amount after the discounts so far
	share [][]Share
	arena []Money // zeroed per-line scratch handed out by money
	ints  []int   // backing array of cover
}

// money returns a zeroed slice of n amounts. A quote evaluates campaigns a
// few hundred times: one backing array instead of an allocation each.
func (p *pricer) money(n int) []Money {
	if len(p.arena) < n {
		p.arena = make([]Money, max(n, 64*len(p.list)))
	}
	m := p.arena[:n:n]
	p.arena = p.arena[n:]
	return m
}

// Price prices a cart under campaigns, in layers: item-level (限时折扣, 秒杀,
// 拼团, 砍价, 会员日) → order-level (满减 / 每满减, coupons, 新客) → post-order
// rewards (邀新阶梯, points). Within a layer, stackable campaigns combine and an
// exclusive one stands alone; the engine takes whichever saves the buyer more
// (per line for items, per order for order-level). Every campaign gets an
// Outcome saying what it did or why not. Lines with a non-positive quantity or
// price count as empty.
func Price(cart Cart, campaigns []Campaign) Quote {
	p := &pricer{cart: cart, out: make(map[int]*Outcome, len(campaigns)), cover: make(map[int][]int, len(campaigns))}
	// The rules never modify campaigns: a slice already in id order (the
	// service's cache keeps it so) is used as it is.
	p.camps = campaigns
	if !sort.SliceIsSorted(campaigns, func(i, j int) bool { return campaigns[i].ID < campaigns[j].ID }) {
		p.camps = append([]Campaign(nil), campaigns...)
		sort.Slice(p.camps, func(i, j int) bool { return p.camps[i].ID < p.camps[j].ID })
	}
	n := len(cart.Lines)
	p.list, p.cur, p.share = make([]Money, n), make([]Money, n), make([][]Share, n)
	// Room for a few shares per line in one array; a line with more grows its own.
	perLine := min(len(p.camps), 8)
	shares := make([]Share, n*perLine)
	for i := range p.share {
		p.share[i] = shares[i*perLine : i*perLine : (i+1)*perLine]
	}
	for i, l := range cart.Lines {
		if l.Quantity > 0 && l.UnitPrice > 0 {
			p.list[i] = Money(int64(l.UnitPrice) * int64(l.Quantity))
		}
		p.cur[i] = p.list[i]
	}
	outs := make([]Outcome, len(p.camps))
	for i := range p.camps {
		c := &p.camps[i]
		outs[i] = Outcome{CampaignID: c.ID, Name: c.Name, Kind: c.Kind, Layer: LayerOf(c.Kind)}
		p.out[c.ID] = &outs[i]
	}
	p.itemLayer()
	afterItem := append([]Money(nil), p.cur...)
	p.orderLayer(afterItem)

	q := Quote{Lines: make([]PricedLine, 0, n), Campaigns: make([]Outcome, 0, len(p.camps))}
	for i, l := range cart.Lines {
		pl := PricedLine{SKUID: l.SKUID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, ListAmount: p.list[i],
			ItemDiscount: p.list[i] - afterItem[i], OrderDiscount: afterItem[i] - p.cur[i], Amount: p.cur[i], Shares: p.share[i]}
		q.Lines = append(q.Lines, pl)
		q.Subtotal += pl.ListAmount
		q.ItemDiscount += pl.ItemDiscount
		q.OrderDiscount += pl.OrderDiscount
		q.Total += pl.Amount
	}
	q.Savings = q.ItemDiscount + q.OrderDiscount
	q.Rewards = p.rewards(q.Total)
	for i := range p.camps {
		o := p.out[p.camps[i].ID]
		if o.Explanation == "" {
			o.Explanation = explain(o)
		}
		q.Campaigns = append(q.Campaigns, *o)
	}
	return q
}

// gate decides whether a campaign can take part at all, recording why not.
func (p *pricer) gate(c *Campaign) bool {
	o := p.out[c.ID]
	if !Sells(c, p.cart.At) {
		o.Reason = NotLive
		o.Explanation = fmt.Sprintf("not selling at this time (status %s, phase %s)", c.Status, PhaseAt(c, p.cart.At))
		return false
	}
	if c.Budget > 0 && c.Spend >= c.Budget {
		o.Reason = BudgetExhausted
		o.Explanation = fmt.Sprintf("budget %s used up (spent %s)", c.Budget.Amount(), c.Spend.Amount())
		return false
	}
	return true
}

// lines is the indices of the lines a campaign covers, computed once per
// quote; callers must not modify it.
func (p *pricer) lines(c *Campaign) []int {
	if idx, ok := p.cover[c.ID]; ok {
		return idx
	}
	if p.ints == nil {
		p.ints = make([]int, 0, len(p.camps)*len(p.cart.Lines))
	}
	start := len(p.ints)
	for i, l := range p.cart.Lines {
		if p.list[i] == 0 || !c.Targets.Covers(l.ProductID, l.SKUID) {
			continue
		}
		if (c.Kind == GroupBuy || c.Kind == Bargain) && l.Via != c.ID {
			continue
		}
		p.ints = append(p.ints, i)
	}
	idx := p.ints[start:len(p.ints):len(p.ints)]
	if len(idx) == 0 {
		idx = nil
	}
	p.cover[c.ID] = idx
	return idx
}

// budgetCap limits a campaign's discount to its cap and its remaining budget.
func budgetCap(c *Campaign, ruleCap Money, total Money) Money {
	if ruleCap > 0 && total > ruleCap {
		total = ruleCap
	}
	if c.Budget > 0 && total > c.Budget-c.Spend {
		total = c.Budget - c.Spend
	}
	return total
}

// capShares scales per-line discounts down to a cap by largest remainder.
func capShares(d []Money, capTo Money) []Money {
	var sum Money
	for _, x := range d {
		sum += x
	}
	if sum <= capTo {
		return d
	}
	return Apportion(capTo, d)
}

// itemEval is one item-level campaign evaluated on some lines.
type itemEval struct {
	disc       []Money // per cart line
	total      Money
	reason     Reason
	shortUnits int
	note       string
}

func pctOf(amount Money, num, den int64) Money {
	return Money(int64(amount) * num / den)
}

// evalItem computes an item-level campaign's discount on lines idx, from the
// amounts amt (list amounts, or what earlier stackable campaigns left).
func (p *pricer) evalItem(c *Campaign, idx []int, amt []Money) itemEval {
	e := itemEval{disc: p.money(len(amt))}
	var ruleCap Money
	r := &c.Rules
	switch c.Kind {
	case TimeLimitedDiscount:
		d := r.TimeLimitedDiscount
		ruleCap = d.MaxDiscount
		qty := 0
		for _, i := range idx {
			qty += p.cart.Lines[i].Quantity
		}
		tier := -1
		for k, t := range d.Tiers {
			if qty >= t.MinQuantity {
				tier = k
			}
		}
		if tier < 0 && d.PercentOff == 0 {
			e.reason, e.shortUnits = ThresholdNotMet, d.Tiers[0].MinQuantity-qty
			return e
		}
		if tier >= 0 && d.Tiers[tier].CheapestN > 0 {
			t := d.Tiers[tier]
			units := qty / t.MinQuantity * t.CheapestN
			order := append([]int(nil), idx...)
			unit := func(i int) Money { return amt[i] / Money(p.cart.Lines[i].Quantity) }
			slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(unit(a), unit(b)) })
			for _, i := range order {
				q := p.cart.Lines[i].Quantity
				k := min(q, units)
				units -= k
				e.disc[i] = pctOf(amt[i], int64((q-k)*d.PercentOff+k*t.PercentOff), int64(100*q))
			}
			e.note = fmt.Sprintf("%d%% off the cheapest %d of every %d units", t.PercentOff, t.CheapestN, t.MinQuantity)
		} else {
			pct := d.PercentOff
			e.note = fmt.Sprintf("%d%% off", pct)
			if tier >= 0 {
				pct = d.Tiers[tier].PercentOff
				e.note = fmt.Sprintf("%d%% off (tier %d: %d units or more)", pct, tier+1, d.Tiers[tier].MinQuantity)
			}
			for _, i := range idx {
				e.disc[i] = pctOf(amt[i], int64(pct), 100)
			}
		}
		if tier+1 < len(d.Tiers) {
			e.note += fmt.Sprintf("; %d more units reach the next tier", d.Tiers[tier+1].MinQuantity-qty)
		}
	case FlashSale:
		fs := r.FlashSale
		open := false
		for _, s := range fs.Slots {
			if !p.cart.At.Before(s.StartsAt) && p.cart.At.Before(s.EndsAt) {
				open = true
			}
		}
		if !open {
			e.reason, e.note = NotLive, "no 秒杀 slot is open at this time"
			return e
		}
		left := fs.PerUserLimit
		for _, i := range idx {
			q := p.cart.Lines[i].Quantity
			k := min(q, left)
			left -= k
			u := amt[i] / Money(q)
			if u > fs.FlashPrice {
				e.disc[i] = Money(k) * (u - fs.FlashPrice)
			}
		}
		e.note = fmt.Sprintf("秒杀 price %s for up to %d units", fs.FlashPrice.Amount(), fs.PerUserLimit)
	case GroupBuy:
		g := r.GroupBuy
		for _, i := range idx {
			t := g.Tiers[0]
			for _, tt := range g.Tiers {
				if p.cart.Lines[i].TeamSize >= tt.TeamSize {
					t = tt
				}
			}
			e.disc[i] = pctOf(amt[i], int64(t.PercentOff), 100)
			e.note = fmt.Sprintf("拼团 %d人团 %d%% off", t.TeamSize, t.PercentOff)
		}
	case Bargain:
		b := r.Bargain
		for _, i := range idx {
			l := p.cart.Lines[i]
			price := max(l.BargainPrice, b.FloorPrice)
			if u := amt[i] / Money(l.Quantity); u > price {
				e.disc[i] = u - price // one unit at the bargained price
			}
		}
		e.note = "砍价 price for one unit"
	case MemberDay:
		m := r.MemberDay
		if !p.cart.Buyer.Member {
			e.reason, e.note = NotEligible, "for members only"
			return e
		}
		if p.cart.At.In(shanghai).Day() != m.DayOfMonth {
			e.reason, e.note = NotLive, fmt.Sprintf("会员日 is day %d of the month", m.DayOfMonth)
			return e
		}
		ruleCap = m.MaxDiscount
		for _, i := range idx {
			e.disc[i] = pctOf(amt[i], int64(m.PercentOff), 100)
		}
		e.note = fmt.Sprintf("会员日 %d%% off", m.PercentOff)
	}
	var raw Money
	for _, i := range idx {
		raw += e.disc[i]
	}
	if capped := budgetCap(c, ruleCap, raw); capped < raw {
		e.disc = capShares(e.disc, capped)
		e.note += fmt.Sprintf("; capped at %s", capped.Amount())
	}
	for _, i := range idx {
		e.total += e.disc[i]
	}
	if e.total == 0 && e.reason == "" {
		e.reason = NoSaving
	}
	return e
}

// itemLayer applies item-level campaigns. Per line, the buyer gets either all
// stackable campaigns together (in id order, each on what the previous left)
// or one exclusive campaign, whichever saves more on that line.
func (p *pricer) itemLayer() {
	var stack, excl []*Campaign
	for i := range p.camps {
		c := &p.camps[i]
		if LayerOf(c.Kind) != LayerItem || !p.gate(c) {
			continue
		}
		o := p.out[c.ID]
		idx := p.lines(c)
		if len(idx) == 0 {
			o.Reason = NoTargetedGoods
			continue
		}
		e := p.evalItem(c, idx, p.list)
		if e.total == 0 {
			o.Reason, o.ShortUnits, o.Explanation = e.reason, e.shortUnits, e.note
			if e.reason == ThresholdNotMet {
				o.Explanation = fmt.Sprintf("buy %d more units to reach the first tier", e.shortUnits)
			}
			continue
		}
		if c.Exclusive {
			excl = append(excl, c)
		} else {
			stack = append(stack, c)
		}
	}
	if len(stack)+len(excl) == 0 {
		return
	}
	n := len(p.list)
	// What each option saves per line.
	stackSave := p.runStack(stack, allLines(n), false)
	exSave := make([][]Money, len(excl))
	for k, c := range excl {
		exSave[k] = p.evalItem(c, p.lines(c), p.list).disc
	}
	choice := make([]int, n) // -1: stack, k: excl[k]
	for i := range choice {
		choice[i] = -1
		best := stackSave[i]
		for k := range excl {
			if exSave[k][i] > best {
				best, choice[i] = exSave[k][i], k
			}
		}
	}
	// Apply the choice: each campaign re-evaluated on the lines that chose it,
	// so quantity tiers count only the units it really discounts.
	var stackLines []int
	for i, ch := range choice {
		if ch == -1 {
			stackLines = append(stackLines, i)
		}
	}
	p.runStack(stack, stackLines, true)
	for k, c := range excl {
		var mine []int
		for _, i := range p.lines(c) {
			if choice[i] == k {
				mine = append(mine, i)
			}
		}
		if len(mine) > 0 {
			e := p.evalItem(c, mine, p.list)
			p.apply(c, mine, e.disc, e.note)
		}
	}
	// Say why the others did not apply.
	winner := func(i int) int {
		if choice[i] >= 0 {
			return excl[choice[i]].ID
		}
		for _, s := range stack {
			for _, sh := range p.share[i] {
				if sh.CampaignID == s.ID {
					return s.ID
				}
			}
		}
		return 0
	}
	for _, c := range append(append([]*Campaign(nil), stack...), excl...) {
		o := p.out[c.ID]
		if o.Applied {
			continue
		}
		idx := p.lines(c)
		o.By = winner(idx[0])
		if c.Exclusive || o.By == 0 {
			o.Reason = NotBest
		} else {
			o.Reason = ExcludedBy
		}
	}
}

func allLines(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// runStack applies the stackable campaigns in order on the given lines, and
// returns what they save per line. With commit it records the discounts.
func (p *pricer) runStack(stack []*Campaign, on []int, commit bool) []Money {
	amt := p.money(len(p.list))
	copy(amt, p.list)
	allowed := make([]bool, len(amt))
	for _, i := range on {
		allowed[i] = true
	}
	idx := make([]int, 0, len(amt))
	for _, c := range stack {
		idx = idx[:0]
		for _, i := range p.lines(c) {
			if allowed[i] {
				idx = append(idx, i)
			}
		}
		if len(idx) == 0 {
			continue
		}
		e := p.evalItem(c, idx, amt)
		for _, i := range idx {
			amt[i] -= e.disc[i]
		}
		if commit && e.total > 0 {
			p.apply(c, idx, e.disc, e.note)
		}
	}
	save := p.money(len(amt))
	for i := range amt {
		save[i] = p.list[i] - amt[i]
	}
	return save
}

// apply records a campaign's per-line discounts.
func (p *pricer) apply(c *Campaign, idx []int, disc []Money, note string) {
	o := p.out[c.ID]
	for _, i := range idx {
		d := min(disc[i], p.cur[i])
		if d <= 0 {
			continue
		}
		p.cur[i] -= d
		p.share[i] = append(p.share[i], Share{CampaignID: c.ID, Amount: d})
		o.Discount += d
	}
	if o.Discount > 0 {
		o.Applied, o.Reason = true, Applied
		o.Explanation = "applied: " + note + ", saving " + o.Discount.Amount()
	}
}

// orderEval is one order-level campaign evaluated on the order.
type orderEval struct {
	total  Money
	reason Reason
	short  Money
	note   string
}

// evalOrder computes an order-level campaign's discount. Thresholds compare
// with the campaign's basis over its lines: list prices, or the prices after
// item-level discounts; never after other order-level discounts. The
// explanation is written only with words: comparing combinations evaluates a
// campaign several times and needs the amounts only.
func (p *pricer) evalOrder(c *Campaign, idx []int, afterItem, amt []Money, words bool) orderEval {
	var basis, room Money
	for _, i := range idx {
		if c.basis() == ListPrice {
			basis += p.list[i]
		} else {
			basis += afterItem[i]
		}
		room += amt[i]
	}
	basisName := "after item discounts"
	if c.basis() == ListPrice {
		basisName = "at list price"
	}
	var e orderEval
	var ruleCap Money
	r := &c.Rules
	switch c.Kind {
	case FullReduction:
		fr := r.FullReduction
		if fr.Accumulated {
			t := fr.Tiers[0]
			times := basis / t.Threshold
			if times == 0 {
				e = orderEval{reason: ThresholdNotMet, short: t.Threshold - basis}
				if words {
					e.note = fmt.Sprintf("每满 %s 减 %s: goods %s come to %s", t.Threshold.Amount(), t.Reduction.Amount(), basisName, basis.Amount())
				}
				return e
			}
			e.total, ruleCap = times*t.Reduction, fr.MaxReduction
			if words {
				e.note = fmt.Sprintf("每满 %s 减 %s × %d", t.Threshold.Amount(), t.Reduction.Amount(), times)
			}
			break
		}
		tier := -1
		for k, t := range fr.Tiers {
			if basis >= t.Threshold {
				tier = k
			}
		}
		if tier < 0 {
			t := fr.Tiers[0]
			e = orderEval{reason: ThresholdNotMet, short: t.Threshold - basis}
			if words {
				e.note = fmt.Sprintf("满 %s 减 %s: goods %s come to %s", t.Threshold.Amount(), t.Reduction.Amount(), basisName, basis.Amount())
			}
			return e
		}
		t := fr.Tiers[tier]
		e.total = t.Reduction
		if !words {
			break
		}
		e.note = fmt.Sprintf("满 %s 减 %s (tier %d)", t.Threshold.Amount(), t.Reduction.Amount(), tier+1)
		if tier+1 < len(fr.Tiers) {
			nt := fr.Tiers[tier+1]
			e.note += fmt.Sprintf("; %s more reaches 满 %s 减 %s", (nt.Threshold - basis).Amount(), nt.Threshold.Amount(), nt.Reduction.Amount())
		}
	case Coupon:
		cp := r.Coupon
		if basis < cp.MinSpend {
			e = orderEval{reason: ThresholdNotMet, short: cp.MinSpend - basis}
			if words {
				e.note = fmt.Sprintf("coupon needs %s, goods %s come to %s", cp.MinSpend.Amount(), basisName, basis.Amount())
			}
			return e
		}
		e.total = cp.Value
		if words {
			e.note = "coupon " + cp.Value.Amount() + " off"
		}
	case NewCustomer:
		e.total = r.NewCustomer.FirstOrderCashback
		if words {
			e.note = "新客首单 " + e.total.Amount() + " off"
		}
	}
	e.total = min(budgetCap(c, ruleCap, e.total), room)
	if e.total <= 0 {
		e.total, e.reason = 0, NoSaving
	}
	return e
}

// orderLayer applies order-level campaigns: either all stackable ones (満减,
// then the best single coupon, then 新客) or one exclusive campaign, whichever
// saves more. Each discount is apportioned to its lines by largest remainder.
func (p *pricer) orderLayer(afterItem []Money) {
	type cand struct {
		c   *Campaign
		idx []int
	}
	var cands []cand
	held := map[int]bool{}
	for _, id := range p.cart.Buyer.Coupons {
		held[id] = true
	}
	for i := range p.camps {
		c := &p.camps[i]
		if LayerOf(c.Kind) != LayerOrder || !p.gate(c) {
			continue
		}
		o := p.out[c.ID]
		if c.Kind == Coupon && !held[c.ID] {
			o.Reason, o.Explanation = NotEligible, "the buyer holds no such coupon"
			continue
		}
		if c.Kind == NewCustomer && !p.cart.Buyer.NewCustomer {
			o.Reason, o.Explanation = NotEligible, "only for a buyer's first order"
			continue
		}
		idx := p.lines(c)
		if len(idx) == 0 {
			o.Reason = NoTargetedGoods
			continue
		}
		e := p.evalOrder(c, idx, afterItem, afterItem, true)
		if e.total == 0 {
			o.Reason, o.ShortBy = e.reason, e.short
			o.Explanation = e.note
			if e.reason == ThresholdNotMet {
				o.Explanation = fmt.Sprintf("not met: %s; %s short", e.note, e.short.Amount())
			}
			continue
		}
		cands = append(cands, cand{c, idx})
	}
	kindRank := func(k Kind) int { // 满减, then coupons, then 新客
		switch k {
		case Coupon:
			return 1
		case NewCustomer:
			return 2
		}
		return 0
	}
	// option returns what a set of campaigns saves when applied in order, and
	// with commit records it. Of several coupons only the best one is used.
	run := func(set []cand, commit bool) (Money, []int) {
		amt := append([]Money(nil), afterItem...)
		var total Money
		var used []int
		slices.SortStableFunc(set, func(a, b cand) int { return kindRank(a.c.Kind) - kindRank(b.c.Kind) })
		bestCoupon, bestVal := -1, Money(0)
		for k, cd := range set {
			if cd.c.Kind == Coupon {
				if v := p.evalOrder(cd.c, cd.idx, afterItem, afterItem, false).total; v > bestVal {
					bestCoupon, bestVal = k, v
				}
			}
		}
		for k, cd := range set {
			if cd.c.Kind == Coupon && k != bestCoupon {
				continue
			}
			e := p.evalOrder(cd.c, cd.idx, afterItem, amt, commit)
			if e.total == 0 {
				continue
			}
			w := make([]Money, len(cd.idx))
			for j, i := range cd.idx {
				w[j] = amt[i]
			}
			sh := Apportion(e.total, w)
			for j, i := range cd.idx {
				amt[i] -= sh[j]
			}
			total += e.total
			used = append(used, cd.c.ID)
			if commit {
				disc := make([]Money, len(p.list))
				for j, i := range cd.idx {
					disc[i] = sh[j]
				}
				p.apply(cd.c, cd.idx, disc, e.note)
			}
		}
		return total, used
	}
	var stack []cand
	var excl []cand
	for _, cd := range cands {
		if cd.c.Exclusive {
			excl = append(excl, cd)
		} else {
			stack = append(stack, cd)
		}
	}
	bestSet, bestTotal := stack, Money(-1)
	if len(stack) > 0 {
		bestTotal, _ = run(append([]cand(nil), stack...), false)
	}
	for _, cd := range excl {
		if t, _ := run([]cand{cd}, false); t > bestTotal {
			bestSet, bestTotal = []cand{cd}, t
		}
	}
	if bestTotal <= 0 {
		return
	}
	_, used := run(append([]cand(nil), bestSet...), true)
	var top int
	if len(used) > 0 {
		top = used[0]
	}
	for _, cd := range cands {
		o := p.out[cd.c.ID]
		if o.Applied {
			continue
		}
		o.By = top
		inBest := false
		for _, b := range bestSet {
			if b.c.ID == cd.c.ID {
				inBest = true
			}
		}
		switch {
		case inBest && cd.c.Kind == Coupon:
			o.Reason = NotBest
			o.Explanation = "another coupon saves more; one coupon per order"
		case !cd.c.Exclusive && len(bestSet) == 1 && bestSet[0].c.Exclusive:
			o.Reason = ExcludedBy
		default:
			o.Reason = NotBest
		}
	}
}

// rewards computes post-order rewards: points (1 per whole yuan paid, times
// the 会员日 multiplier) and the referral ladder rung this order reaches.
func (p *pricer) rewards(paid Money) []Reward {
	mult := int64(1)
	for i := range p.camps {
		c := &p.camps[i]
		if c.Kind == MemberDay && p.out[c.ID].Applied {
			mult = max(mult, int64(c.Rules.MemberDay.PointsMultiplier))
		}
	}
	out := []Reward{{Kind: "POINTS", Points: int64(paid) / 100 * mult,
		Explanation: fmt.Sprintf("1 point per whole yuan paid × %d", mult)}}
	for i := range p.camps {
		c := &p.camps[i]
		if c.Kind != Referral || !p.gate(c) {
			continue
		}
		o := p.out[c.ID]
		if !p.cart.Buyer.Referred {
			o.Reason, o.Explanation = NotEligible, "the buyer was not referred"
			continue
		}
		nth := p.cart.Buyer.ReferrerOrders + 1
		o.Reason, o.Explanation = PostOrderReward, fmt.Sprintf("referred order %d reaches no rung", nth)
		for _, s := range c.Rules.Referral.Ladder {
			if s.Orders == nth {
				o.Applied, o.Reason = true, Applied
				o.Explanation = fmt.Sprintf("referred order %d: the referrer earns %s", nth, s.Reward.Amount())
				out = append(out, Reward{CampaignID: c.ID, Kind: "REFERRAL", Amount: s.Reward, Explanation: o.Explanation})
			}
		}
	}
	return out
}

// explain fills in the words for outcomes that have none yet.
func explain(o *Outcome) string {
	switch o.Reason {
	case NoTargetedGoods:
		return "no line in the cart is covered by this campaign"
	case ExcludedBy:
		return "excluded by exclusive campaign " + strconv.Itoa(o.By) + " on the same goods"
	case NotBest:
		return "not the best combination: campaign " + strconv.Itoa(o.By) + " saves the buyer more"
	case NoSaving:
		return "applies, but saves nothing on these prices"
	case "":
		return "not evaluated"
	}
	return string(o.Reason)
}
