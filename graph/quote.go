package graph

import (
	"context"
	"time"

	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/graph/model"
	"github.com/opsgraph/opsgraph/promo"
	"github.com/opsgraph/opsgraph/promo/promosvc"
)

func (r *Resolver) quoteCart(ctx context.Context, storeID int, lines []*model.CartLineInput, buyer *model.BuyerInput, at *time.Time) (*model.CartQuote, error) {
	when := r.now()
	if at != nil {
		when = *at
	}
	ls := make([]promosvc.QuoteLine, len(lines))
	for i, l := range lines {
		ls[i] = promosvc.QuoteLine{SKUID: l.SkuID, Quantity: l.Quantity}
		if l.Via != nil {
			ls[i].Via = *l.Via
		}
		if l.TeamSize != nil {
			ls[i].TeamSize = *l.TeamSize
		}
		if l.BargainPrice != nil {
			ls[i].BargainPrice = *l.BargainPrice
		}
	}
	var b promo.Buyer
	if buyer != nil {
		b = promo.Buyer{Member: deref(buyer.Member), NewCustomer: deref(buyer.NewCustomer), Coupons: buyer.CouponCampaignIds,
			Referred: deref(buyer.Referred), ReferrerOrders: deref(buyer.ReferrerOrders)}
	}
	q, err := promosvc.Quote(ctx, r.client(ctx), storeID, ls, b, when)
	if err != nil {
		return nil, err
	}
	return quoteModel(q), nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// quoteModel translates a quote to its GraphQL model. A quote of 20 lines
// under 50 campaigns has some 300 objects: they are allocated in one slice
// per type, not one by one (issue 11's latency target is set by the garbage
// collector on a busy machine).
func quoteModel(q promo.Quote) *model.CartQuote {
	out := &model.CartQuote{Subtotal: q.Subtotal, ItemDiscount: q.ItemDiscount, OrderDiscount: q.OrderDiscount,
		Total: q.Total, Savings: q.Savings, Lines: make([]*model.QuotedLine, len(q.Lines)),
		Campaigns: make([]*model.CampaignOutcome, len(q.Campaigns)), Rewards: make([]*model.QuoteReward, len(q.Rewards))}
	nShares := 0
	for _, l := range q.Lines {
		nShares += len(l.Shares)
	}
	lines, shares, sharePtrs := make([]model.QuotedLine, len(q.Lines)), make([]model.DiscountShare, nShares), make([]*model.DiscountShare, nShares)
	for i, l := range q.Lines {
		ml := &lines[i]
		*ml = model.QuotedLine{SkuID: l.SKUID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, ListAmount: l.ListAmount,
			ItemDiscount: l.ItemDiscount, OrderDiscount: l.OrderDiscount, Amount: l.Amount, Shares: sharePtrs[:len(l.Shares):len(l.Shares)]}
		for j, s := range l.Shares {
			shares[j] = model.DiscountShare{CampaignID: s.CampaignID, Amount: s.Amount}
			sharePtrs[j] = &shares[j]
		}
		shares, sharePtrs = shares[len(l.Shares):], sharePtrs[len(l.Shares):]
		out.Lines[i] = ml
	}
	outcomes := make([]model.CampaignOutcome, len(q.Campaigns))
	for i := range q.Campaigns {
		o := &q.Campaigns[i] // q is this call's own copy: pointers into it are safe
		mo := &outcomes[i]
		*mo = model.CampaignOutcome{CampaignID: o.CampaignID, Name: o.Name, Kind: campaign.Kind(o.Kind),
			Layer: model.PromotionLayer(o.Layer), Applied: o.Applied, Reason: model.QuoteReason(o.Reason),
			Discount: o.Discount, Explanation: o.Explanation}
		if o.ShortBy > 0 {
			mo.ShortBy = &o.ShortBy
		}
		if o.ShortUnits > 0 {
			mo.ShortUnits = &o.ShortUnits
		}
		if o.By != 0 {
			mo.By = &o.By
		}
		out.Campaigns[i] = mo
	}
	rewards := make([]model.QuoteReward, len(q.Rewards))
	for i := range q.Rewards {
		rw := &q.Rewards[i]
		mr := &rewards[i]
		*mr = model.QuoteReward{Kind: rw.Kind, Points: int(rw.Points), Explanation: rw.Explanation}
		if rw.CampaignID != 0 {
			mr.CampaignID = &rw.CampaignID
		}
		if rw.Amount != 0 {
			mr.Amount = &rw.Amount
		}
		out.Rewards[i] = mr
	}
	return out
}
