// Package attribution decides which campaign and which KOL collaboration a
// paid order is attributed to, and adds up what each earned and cost. It is
// pure: plain values in, plain values out, no database.
//
// Every order goes to at most one campaign and at most one collaboration, so
// no order is counted twice in a campaign's or a collaboration's figures.
//
// Campaign precedence (first rule that finds a campaign wins):
//
//  1. PROMOTION_ID / COUPON_ID: the order carries one of the campaign's
//     platform promotion or coupon ids (the platform says so explicitly);
//     among several such campaigns, a promotion id beats a coupon id, then
//     the campaign whose window contains the payment time, then the latest
//     start, then the lowest id.
//  2. TRACKING_CODE / AUTHOR_ID: the order is attributed to a collaboration
//     (below) that belongs to a campaign of the order's store running at the
//     payment time (whatever the lines: the KOL sold it).
//  3. PRODUCT_SCOPE: the order was paid in a campaign's store within its
//     window [StartsAt, EndsAt) and has a line in its product scope (a
//     campaign without products and SKUs covers the whole store); among
//     several, a targeted campaign beats a whole-store one, then the latest
//     start, then the lowest id.
//
// Collaboration precedence: the tracking code of the buyer's link
// (TRACKING_CODE) beats the 抖店 author_id of a 达人 order (AUTHOR_ID). Among
// several collaborations with the same code or partner, the one whose
// campaign (of the order's store) runs at the payment time wins, then the one
// most recently created at or before the payment, then the lowest id.
// Cancelled collaborations attribute nothing.
package attribution

import (
	"slices"
	"sort"
	"time"
)

// Rule is how an order was attributed.
type Rule string

// The attribution rules, in precedence order for campaigns.
const (
	None         Rule = ""
	PromotionID  Rule = "PROMOTION_ID"
	CouponID     Rule = "COUPON_ID"
	TrackingCode Rule = "TRACKING_CODE"
	AuthorID     Rule = "AUTHOR_ID"
	ProductScope Rule = "PRODUCT_SCOPE"
)

// Rules lists the rules in precedence order.
var Rules = []Rule{PromotionID, CouponID, TrackingCode, AuthorID, ProductScope}

// Order is a paid order as attribution sees it. Amounts are in fen.
type Order struct {
	ID, StoreID  int
	PaidAt       time.Time
	Paid         int64
	Discount     int64 // seller-funded discount (优惠金额)
	Refunded     bool  // the order was refunded since
	BuyerRef     string
	TrackingCode string
	AuthorID     string // 抖店 author_id of a 达人 order
	PromotionIDs []string
	CouponIDs    []string
	SKUIDs       []int // SKUs of its lines known locally
}

// Campaign is a campaign as attribution sees it.
type Campaign struct {
	ID, StoreID      int
	StartsAt, EndsAt time.Time
	PromotionIDs     []string
	CouponIDs        []string
	// SKUIDs is the product scope, expanded to SKUs (the campaign's SKUs and
	// the SKUs of its products); empty with WholeStore.
	SKUIDs     []int
	WholeStore bool
	// IdsOnly marks a campaign that never ran or was cancelled (DRAFT,
	// CANCELLED): only its explicit platform ids attribute orders to it.
	IdsOnly bool
}

// Collaboration is a KOL collaboration as attribution sees it.
type Collaboration struct {
	ID           int
	CampaignID   int // 0: none
	ContentID    int // 0: none
	TrackingCode string
	AuthorID     string // the partner's 抖店 author_id
	CreatedAt    time.Time
	Cancelled    bool
}

// Match is where one order went.
type Match struct {
	Campaign        int // 0: none
	CampaignBy      Rule
	Collaboration   int // 0: none
	CollaborationBy Rule
}

// Figures add up the paid orders attributed to something.
type Figures struct {
	Orders   int64
	Paid     int64
	Refunded int64 // paid amount of the refunded ones
	Discount int64 // discounts of the non-refunded ones
	Buyers   int64 // distinct non-empty buyer refs
	ByRule   map[Rule]Share
	OrderIDs []int // ascending
}

// Share is the orders and amount of one rule.
type Share struct {
	Orders int64
	Paid   int64
}

// Result is the attribution of a set of orders.
type Result struct {
	Orders         map[int]Match
	Campaigns      map[int]*Figures
	Collaborations map[int]*Figures
	Contents       map[int]*Figures
}

// Campaign returns the figures of campaign id (zero when nothing is attributed).
func (r *Result) Campaign(id int) Figures { return get(r.Campaigns, id) }

// Collaboration returns the figures of collaboration id.
func (r *Result) Collaboration(id int) Figures { return get(r.Collaborations, id) }

// Content returns the figures of content id.
func (r *Result) Content(id int) Figures { return get(r.Contents, id) }

func get(m map[int]*Figures, id int) Figures {
	if f := m[id]; f != nil {
		return *f
	}
	return Figures{}
}

// Attribute attributes every order and adds up the figures.
func Attribute(orders []Order, campaigns []Campaign, collabs []Collaboration) *Result {
	ix := newIndex(campaigns, collabs)
	res := &Result{Orders: make(map[int]Match, len(orders)), Campaigns: map[int]*Figures{},
		Collaborations: map[int]*Figures{}, Contents: map[int]*Figures{}}
	buyers := map[*Figures]map[string]bool{}
	add := func(m map[int]*Figures, id int, o *Order, by Rule) {
		f := m[id]
		if f == nil {
			f = &Figures{ByRule: map[Rule]Share{}}
			m[id] = f
			buyers[f] = map[string]bool{}
		}
		f.Orders++
		f.Paid += o.Paid
		if o.Refunded {
			f.Refunded += o.Paid
		} else {
			f.Discount += o.Discount
		}
		if o.BuyerRef != "" && !buyers[f][o.BuyerRef] {
			buyers[f][o.BuyerRef] = true
			f.Buyers++
		}
		s := f.ByRule[by]
		s.Orders++
		s.Paid += o.Paid
		f.ByRule[by] = s
		f.OrderIDs = append(f.OrderIDs, o.ID)
	}
	sorted := slices.Clone(orders)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for i := range sorted {
		o := &sorted[i]
		m := ix.match(o)
		res.Orders[o.ID] = m
		if m.Campaign != 0 {
			add(res.Campaigns, m.Campaign, o, m.CampaignBy)
		}
		if m.Collaboration != 0 {
			add(res.Collaborations, m.Collaboration, o, m.CollaborationBy)
			if c := ix.collab[m.Collaboration]; c.ContentID != 0 {
				add(res.Contents, c.ContentID, o, m.CollaborationBy)
			}
		}
	}
	return res
}

type index struct {
	campaign map[int]*Campaign
	byStore  map[int][]*Campaign
	promo    map[string][]*Campaign
	coupon   map[string][]*Campaign
	scope    map[int]map[int]bool // campaign → SKU set
	collab   map[int]*Collaboration
	byCode   map[string][]*Collaboration
	byAuthor map[string][]*Collaboration
}

func newIndex(campaigns []Campaign, collabs []Collaboration) *index {
	ix := &index{campaign: map[int]*Campaign{}, byStore: map[int][]*Campaign{}, promo: map[string][]*Campaign{},
		coupon: map[string][]*Campaign{}, scope: map[int]map[int]bool{}, collab: map[int]*Collaboration{},
		byCode: map[string][]*Collaboration{}, byAuthor: map[string][]*Collaboration{}}
	for i := range campaigns {
		c := &campaigns[i]
		ix.campaign[c.ID] = c
		ix.byStore[c.StoreID] = append(ix.byStore[c.StoreID], c)
		for _, p := range c.PromotionIDs {
			ix.promo[p] = append(ix.promo[p], c)
		}
		for _, p := range c.CouponIDs {
			ix.coupon[p] = append(ix.coupon[p], c)
		}
		s := map[int]bool{}
		for _, id := range c.SKUIDs {
			s[id] = true
		}
		ix.scope[c.ID] = s
	}
	for i := range collabs {
		c := &collabs[i]
		if c.Cancelled {
			continue
		}
		ix.collab[c.ID] = c
		if c.TrackingCode != "" {
			ix.byCode[c.TrackingCode] = append(ix.byCode[c.TrackingCode], c)
		}
		if c.AuthorID != "" {
			ix.byAuthor[c.AuthorID] = append(ix.byAuthor[c.AuthorID], c)
		}
	}
	return ix
}

func (c *Campaign) runs(t time.Time) bool { return !t.Before(c.StartsAt) && t.Before(c.EndsAt) }

func (ix *index) match(o *Order) Match {
	var m Match
	// Collaboration: tracking code, then author id.
	if c := ix.pickCollab(o, ix.byCode[o.TrackingCode], o.TrackingCode != ""); c != nil {
		m.Collaboration, m.CollaborationBy = c.ID, TrackingCode
	} else if c := ix.pickCollab(o, ix.byAuthor[o.AuthorID], o.AuthorID != ""); c != nil {
		m.Collaboration, m.CollaborationBy = c.ID, AuthorID
	}
	// Campaign 1: explicit platform ids.
	var best *Campaign
	bestBy := None
	consider := func(ids []string, by map[string][]*Campaign, rule Rule) {
		for _, id := range ids {
			for _, c := range by[id] {
				if c.StoreID != o.StoreID {
					continue
				}
				if best == nil || explicitBetter(c, rule, best, bestBy, o.PaidAt) {
					best, bestBy = c, rule
				}
			}
		}
	}
	consider(o.PromotionIDs, ix.promo, PromotionID)
	consider(o.CouponIDs, ix.coupon, CouponID)
	if best != nil {
		m.Campaign, m.CampaignBy = best.ID, bestBy
		return m
	}
	// Campaign 2: the collaboration's campaign, in the order's store and
	// window.
	if m.Collaboration != 0 {
		if c := ix.campaign[ix.collab[m.Collaboration].CampaignID]; c != nil && c.StoreID == o.StoreID && !c.IdsOnly && c.runs(o.PaidAt) {
			m.Campaign, m.CampaignBy = c.ID, m.CollaborationBy
			return m
		}
	}
	// Campaign 3: product scope and window.
	for _, c := range ix.byStore[o.StoreID] {
		if c.IdsOnly || !c.runs(o.PaidAt) || !ix.covers(c, o) {
			continue
		}
		if best == nil || scopeBetter(c, best) {
			best = c
		}
	}
	if best != nil {
		m.Campaign, m.CampaignBy = best.ID, ProductScope
	}
	return m
}

func (ix *index) covers(c *Campaign, o *Order) bool {
	if c.WholeStore {
		return true
	}
	s := ix.scope[c.ID]
	for _, id := range o.SKUIDs {
		if s[id] {
			return true
		}
	}
	return false
}

// explicitBetter: promotion id beats coupon id, then running at payment,
// then latest start, then lowest id.
func explicitBetter(c *Campaign, rule Rule, b *Campaign, bRule Rule, t time.Time) bool {
	if rule != bRule {
		return rule == PromotionID
	}
	if c.runs(t) != b.runs(t) {
		return c.runs(t)
	}
	return later(c, b)
}

// scopeBetter: a targeted campaign beats a whole-store one, then latest
// start, then lowest id.
func scopeBetter(c, b *Campaign) bool {
	if c.WholeStore != b.WholeStore {
		return !c.WholeStore
	}
	return later(c, b)
}

func later(c, b *Campaign) bool {
	if !c.StartsAt.Equal(b.StartsAt) {
		return c.StartsAt.After(b.StartsAt)
	}
	return c.ID < b.ID
}

// pickCollab chooses among the collaborations sharing a code or author id.
func (ix *index) pickCollab(o *Order, cands []*Collaboration, ok bool) *Collaboration {
	if !ok || len(cands) == 0 {
		return nil
	}
	var best *Collaboration
	rank := func(c *Collaboration) (running, before bool) {
		if cp := ix.campaign[c.CampaignID]; cp != nil && cp.StoreID == o.StoreID && cp.runs(o.PaidAt) {
			running = true
		}
		return running, !c.CreatedAt.After(o.PaidAt)
	}
	for _, c := range cands {
		if best == nil {
			best = c
			continue
		}
		cr, cb := rank(c)
		br, bb := rank(best)
		switch {
		case cr != br:
			if cr {
				best = c
			}
		case cb != bb:
			if cb {
				best = c
			}
		case !c.CreatedAt.Equal(best.CreatedAt):
			if c.CreatedAt.After(best.CreatedAt) == cb {
				// Before the payment: the most recent; after it: the earliest.
				best = c
			}
		case c.ID < best.ID:
			best = c
		}
	}
	return best
}
