// Package attrsvc is the thin service beside attribution: it loads one
// organization's campaigns, collaborations and attributable paid orders
// through ent (a fixed number of statements, whatever the number of rows),
// asks attribution, and keeps the answer for the rest of the request, so that
// a list of campaigns or collaborations with their attribution fields costs
// the same statements as one.
package attrsvc

import (
	"context"
	"sync"
	"time"

	"github.com/opsgraph/opsgraph/attribution"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/collaboration"
	"github.com/opsgraph/opsgraph/ent/kolpartner"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/orderline"
	"github.com/opsgraph/opsgraph/ent/predicate"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/sku"
)

// PaidStatuses are the order states of a paid order.
var PaidStatuses = []order.Status{order.StatusPAID, order.StatusSHIPPED, order.StatusCOMPLETED, order.StatusREFUNDED}

// Collab is what the service keeps of a collaboration besides attribution's view.
type Collab struct {
	attribution.Collaboration
	PartnerID int
	Status    collaboration.Status
	Fee       int64
	Rate      float64
}

// Agreed reports whether the collaboration's fee is owed (neither PROPOSED nor CANCELLED).
func (c *Collab) Agreed() bool {
	return c.Status != collaboration.StatusPROPOSED && c.Status != collaboration.StatusCANCELLED
}

// Org is the attribution of one organization's paid orders.
type Org struct {
	*attribution.Result
	Collabs map[int]*Collab
	// KOLFees is, per campaign, the fees of its agreed collaborations.
	KOLFees map[int]int64
}

// Spend is campaign id's computed spend and discount given.
func (o *Org) Spend(id int) (spend, discount int64) {
	discount = o.Campaign(id).Discount
	return attribution.Spend(discount, o.KOLFees[id]), discount
}

// Window restricts the orders loaded to those paid in [From, To); zero: all.
type Window struct{ From, To time.Time }

type cacheKey struct{}

type cache struct {
	mu   sync.Mutex
	orgs map[int]*entry
}

type entry struct {
	once sync.Once
	org  *Org
	err  error
}

// WithCache returns a context whose ForOrg answers are computed once.
func WithCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, cacheKey{}, &cache{orgs: map[int]*entry{}})
}

// ForOrg returns the attribution of organization org's paid orders, computed
// once per context made by WithCache (every time without one). Rows the
// context may not read are left out by the privacy rules.
func ForOrg(ctx context.Context, client *ent.Client, org int) (*Org, error) {
	c, _ := ctx.Value(cacheKey{}).(*cache)
	if c == nil {
		return Load(ctx, client, org, Window{})
	}
	c.mu.Lock()
	e := c.orgs[org]
	if e == nil {
		e = &entry{}
		c.orgs[org] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.org, e.err = Load(ctx, client, org, Window{}) })
	return e.org, e.err
}

// Load computes the attribution of org's paid orders in w.
func Load(ctx context.Context, client *ent.Client, org int, w Window) (*Org, error) {
	camps, err := client.Campaign.Query().Where(campaign.OrganizationID(org)).
		Select(campaign.FieldID, campaign.FieldStoreID, campaign.FieldStatus, campaign.FieldStartsAt, campaign.FieldEndsAt,
			campaign.FieldPlatformPromotionIds, campaign.FieldPlatformCouponIds).
		WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).
		WithSkus(func(q *ent.SKUQuery) { q.Select(sku.FieldID) }).All(ctx)
	if err != nil {
		return nil, err
	}
	var targetProducts []int
	for _, c := range camps {
		for _, p := range c.Edges.Products {
			targetProducts = append(targetProducts, p.ID)
		}
	}
	skusOf := map[int][]int{}
	if len(targetProducts) > 0 {
		skus, err := client.SKU.Query().Where(sku.ProductIDIn(targetProducts...)).Select(sku.FieldID, sku.FieldProductID).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range skus {
			skusOf[s.ProductID] = append(skusOf[s.ProductID], s.ID)
		}
	}
	acs := make([]attribution.Campaign, len(camps))
	var minStart, maxEnd time.Time
	for i, c := range camps {
		ac := attribution.Campaign{ID: c.ID, StoreID: c.StoreID, StartsAt: c.StartsAt, EndsAt: c.EndsAt,
			PromotionIDs: c.PlatformPromotionIds, CouponIDs: c.PlatformCouponIds,
			WholeStore: len(c.Edges.Products) == 0 && len(c.Edges.Skus) == 0,
			IdsOnly:    c.Status == campaign.StatusDRAFT || c.Status == campaign.StatusCANCELLED}
		for _, p := range c.Edges.Products {
			ac.SKUIDs = append(ac.SKUIDs, skusOf[p.ID]...)
		}
		for _, s := range c.Edges.Skus {
			ac.SKUIDs = append(ac.SKUIDs, s.ID)
		}
		acs[i] = ac
		if minStart.IsZero() || c.StartsAt.Before(minStart) {
			minStart = c.StartsAt
		}
		if c.EndsAt.After(maxEnd) {
			maxEnd = c.EndsAt
		}
	}

	cols, err := client.Collaboration.Query().Where(collaboration.OrganizationID(org)).
		Select(collaboration.FieldID, collaboration.FieldKolPartnerID, collaboration.FieldCampaignID, collaboration.FieldContentID,
			collaboration.FieldTrackingCode, collaboration.FieldCreatedAt, collaboration.FieldStatus,
			collaboration.FieldFee, collaboration.FieldCommissionRate).
		WithKolPartner(func(q *ent.KOLPartnerQuery) { q.Select(kolpartner.FieldID, kolpartner.FieldAuthorID) }).All(ctx)
	if err != nil {
		return nil, err
	}
	out := &Org{Collabs: make(map[int]*Collab, len(cols)), KOLFees: map[int]int64{}}
	acols := make([]attribution.Collaboration, len(cols))
	for i, c := range cols {
		ac := attribution.Collaboration{ID: c.ID, CampaignID: c.CampaignID, ContentID: c.ContentID, TrackingCode: c.TrackingCode,
			CreatedAt: c.CreatedAt, Cancelled: c.Status == collaboration.StatusCANCELLED}
		if c.Edges.KolPartner != nil {
			ac.AuthorID = c.Edges.KolPartner.AuthorID
		}
		acols[i] = ac
		cl := &Collab{Collaboration: ac, PartnerID: c.KolPartnerID, Status: c.Status, Fee: int64(c.Fee), Rate: c.CommissionRate}
		out.Collabs[c.ID] = cl
		if c.CampaignID != 0 && cl.Agreed() {
			out.KOLFees[c.CampaignID] += cl.Fee
		}
	}

	// The orders that may be attributed: with a code, an author id or a
	// platform promotion, or paid inside some campaign's window.
	evidence := []predicate.Order{order.TrackingCodeNEQ(""), order.AuthorIDNEQ(""),
		order.PromotionIdsNotNil(), order.CouponIdsNotNil()}
	if len(camps) > 0 {
		evidence = append(evidence, order.And(order.PaidAtGTE(minStart.UTC()), order.PaidAtLT(maxEnd.UTC())))
	}
	where := []predicate.Order{order.OrganizationID(org), order.StatusIn(PaidStatuses...), order.PaidAtNotNil(), order.Or(evidence...)}
	if !w.From.IsZero() {
		// UTC: SQLite compares times as text.
		where = append(where, order.PaidAtGTE(w.From.UTC()), order.PaidAtLT(w.To.UTC()))
	}
	ords, err := client.Order.Query().Where(where...).
		Select(order.FieldID, order.FieldStoreID, order.FieldStatus, order.FieldPaid, order.FieldDiscount, order.FieldPaidAt,
			order.FieldBuyerRef, order.FieldTrackingCode, order.FieldAuthorID, order.FieldPromotionIds, order.FieldCouponIds).All(ctx)
	if err != nil {
		return nil, err
	}
	skusByOrder := map[int][]int{}
	if len(ords) > 0 && len(camps) > 0 {
		var lines []struct {
			OrderID int `json:"order_id"`
			SKUID   int `json:"sku_id"`
		}
		err := client.OrderLine.Query().Where(orderline.OrganizationID(org), orderline.SkuIDNotNil(), orderline.HasOrderWith(where...)).
			Select(orderline.FieldOrderID, orderline.FieldSkuID).Scan(ctx, &lines)
		if err != nil {
			return nil, err
		}
		for _, l := range lines {
			skusByOrder[l.OrderID] = append(skusByOrder[l.OrderID], l.SKUID)
		}
	}
	aos := make([]attribution.Order, len(ords))
	for i, o := range ords {
		aos[i] = attribution.Order{ID: o.ID, StoreID: o.StoreID, PaidAt: *o.PaidAt, Paid: int64(o.Paid), Discount: int64(o.Discount),
			Refunded: o.Status == order.StatusREFUNDED, BuyerRef: o.BuyerRef, TrackingCode: o.TrackingCode, AuthorID: o.AuthorID,
			PromotionIDs: o.PromotionIds, CouponIDs: o.CouponIds, SKUIDs: skusByOrder[o.ID]}
	}
	out.Result = attribution.Attribute(aos, acs, acols)
	return out, nil
}
