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

func quoteModel(q promo.Quote) *model.CartQuote {
	out := &model.CartQuote{Subtotal: q.Subtotal, ItemDiscount: q.ItemDiscount, OrderDiscount: q.OrderDiscount,
		Total: q.Total, Savings: q.Savings, Lines: []*model.QuotedLine{}, Campaigns: []*model.CampaignOutcome{}, Rewards: []*model.QuoteReward{}}
	for _, l := range q.Lines {
		ml := &model.QuotedLine{SkuID: l.SKUID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, ListAmount: l.ListAmount,
			ItemDiscount: l.ItemDiscount, OrderDiscount: l.OrderDiscount, Amount: l.Amount, Shares: []*model.DiscountShare{}}
		for _, s := range l.Shares {
			ml.Shares = append(ml.Shares, &model.DiscountShare{CampaignID: s.CampaignID, Amount: s.Amount})
		}
		out.Lines = append(out.Lines, ml)
	}
	for _, o := range q.Campaigns {
		mo := &model.CampaignOutcome{CampaignID: o.CampaignID, Name: o.Name, Kind: campaign.Kind(o.Kind),
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
		out.Campaigns = append(out.Campaigns, mo)
	}
	for _, rw := range q.Rewards {
		mr := &model.QuoteReward{Kind: rw.Kind, Points: int(rw.Points), Explanation: rw.Explanation}
		if rw.CampaignID != 0 {
			mr.CampaignID = &rw.CampaignID
		}
		if rw.Amount != 0 {
			mr.Amount = &rw.Amount
		}
		out.Rewards = append(out.Rewards, mr)
	}
	return out
}
