package mall

import (
	"fmt"
	"sort"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/promo"
)

// OrderStatus is the status of a mall order (the Order status values it uses).
type OrderStatus string

// Mall order statuses.
const (
	PendingPayment OrderStatus = "PENDING_PAYMENT"
	OrderPaid      OrderStatus = "PAID"
	Cancelled      OrderStatus = "CANCELLED"
	Refunded       OrderStatus = "REFUNDED"
)

// Verb is what the mall does to an order.
type Verb string

// Verbs after placing.
const (
	Pay    Verb = "pay"
	Cancel Verb = "cancel"
	Refund Verb = "refund"
)

// Transition decides verb on an order in status from: the status it moves to,
// or noop when the order is already there (a repeated call returns it), or
// CONFLICT. Limits and budgets are reservations: taken when the order is
// placed, committed on Pay, released on Cancel and Refund, so a cancelled
// order does not use up a per-customer limit.
func Transition(v Verb, from OrderStatus) (to OrderStatus, noop bool, err error) {
	type edge struct{ from, to OrderStatus }
	moves := map[Verb]edge{
		Pay:    {PendingPayment, OrderPaid},
		Cancel: {PendingPayment, Cancelled},
		Refund: {OrderPaid, Refunded},
	}
	e, ok := moves[v]
	if !ok {
		return from, false, apperr.New(apperr.Internal, "unknown order verb")
	}
	switch from {
	case e.to:
		return from, true, nil
	case e.from:
		return e.to, false, nil
	}
	return from, false, &apperr.Error{Code: apperr.Conflict, Field: "orderID",
		Message: fmt.Sprintf("cannot %s an order that is %s", v, from)}
}

// Shares turns a priced line's discount shares into the shares an order line
// keeps (campaign, kind, amount), largest first, and checks that they add up
// to the line's discount exactly.
func Shares(pl promo.PricedLine, kinds map[int]promo.Kind) ([]schematype.OrderLineShare, error) {
	out := make([]schematype.OrderLineShare, 0, len(pl.Shares))
	var sum promo.Money
	for _, s := range pl.Shares {
		if s.Amount == 0 {
			continue
		}
		out = append(out, schematype.OrderLineShare{CampaignID: s.CampaignID, Kind: string(kinds[s.CampaignID]), Amount: s.Amount})
		sum += s.Amount
	}
	if want := pl.ListAmount - pl.Amount; sum != want {
		return nil, fmt.Errorf("mall: discount shares of SKU %d sum to %d, the line's discount is %d", pl.SKUID, sum, want)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CampaignID < out[j].CampaignID })
	return out, nil
}

// ByCampaign sums the shares of all lines per campaign: what each campaign's
// budget gives to the order.
func ByCampaign(lines [][]schematype.OrderLineShare) map[int]promo.Money {
	out := map[int]promo.Money{}
	for _, l := range lines {
		for _, s := range l {
			out[s.CampaignID] += s.Amount
		}
	}
	return out
}

// Hold is units of one SKU reserved in a 秒杀 campaign for the order.
type Hold struct {
	CampaignID int
	SKUID      int
	Quantity   int
}

// ForOrder narrows the store's campaigns to what an order may use: a 秒杀
// campaign prices only the units the order brings reservations for (its
// targets become the reserved SKUs, its per-user limit the reserved units),
// and a 秒杀 campaign without a reservation in the order does not apply.
// Budgets count what other orders hold (reserved) as spent.
func ForOrder(camps []promo.Campaign, held []Hold, reserved map[int]promo.Money) []promo.Campaign {
	type agg struct {
		skus  []int
		units int
	}
	per := map[int]*agg{}
	for _, h := range held {
		a := per[h.CampaignID]
		if a == nil {
			a = &agg{}
			per[h.CampaignID] = a
		}
		a.skus = append(a.skus, h.SKUID)
		a.units += h.Quantity
	}
	out := make([]promo.Campaign, 0, len(camps))
	for _, c := range camps {
		c.Spend += reserved[c.ID]
		if c.Kind == promo.FlashSale {
			a := per[c.ID]
			if a == nil || c.Rules.FlashSale == nil {
				continue
			}
			fs := *c.Rules.FlashSale
			fs.PerUserLimit = a.units
			// The reservation is the entitlement: its units keep the flash
			// price until it expires, even when the slot closed meanwhile.
			fs.Slots = []schematype.FlashSaleSlot{{StartsAt: c.StartsAt, EndsAt: c.EndsAt, Stock: a.units}}
			c.Rules.FlashSale = &fs
			c.Targets = promo.Targets{SKUIDs: a.skus}
		}
		out = append(out, c)
	}
	return out
}
