package mallsvc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/couponclaim"
	"github.com/opsgraph/opsgraph/ent/flashreservation"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/orderline"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/mall"
	"github.com/opsgraph/opsgraph/promo"
	"github.com/opsgraph/opsgraph/promo/promosvc"
)

// MaxOrderLines bounds the work of one mall order.
const MaxOrderLines = 50

// PlaceInput is a mall order to place.
type PlaceInput struct {
	Key            string
	StoreID        int
	BuyerRef       string
	Lines          []*LineInput
	CouponIDs      []int
	ReservationIDs []int
}

func (in *PlaceInput) check() error {
	if err := mall.CheckKey(in.Key); err != nil {
		return err
	}
	if err := mall.CheckBuyerRef(in.BuyerRef); err != nil {
		return err
	}
	if len(in.Lines) == 0 || len(in.Lines) > MaxOrderLines {
		return apperr.Input("lines", "give 1 to %d lines", MaxOrderLines)
	}
	seen := map[int]bool{}
	for i, l := range in.Lines {
		if l.Quantity < 1 || l.Quantity > 9999 {
			return apperr.Input(fmt.Sprintf("lines[%d].quantity", i), "must be between 1 and 9999")
		}
		if seen[l.SKUID] {
			return apperr.Input(fmt.Sprintf("lines[%d].skuID", i), "one line per SKU")
		}
		seen[l.SKUID] = true
	}
	if len(in.CouponIDs) > 10 || len(in.ReservationIDs) > MaxOrderLines {
		return apperr.Input("couponIDs", "at most 10 coupons and %d reservations", MaxOrderLines)
	}
	return nil
}

// same reports whether a stored order was placed by the same request.
func (in *PlaceInput) same(o *Order) bool {
	if o.BuyerRef != in.BuyerRef || len(o.Lines) != len(in.Lines) {
		return false
	}
	for i, l := range in.Lines {
		if o.Lines[i].SKUID != l.SKUID || o.Lines[i].Quantity != l.Quantity {
			return false
		}
	}
	rs := slices.Clone(in.ReservationIDs)
	slices.Sort(rs)
	return slices.Equal(slices.Compact(rs), o.ReservationIDs)
}

// Place prices and records a mall order inside the caller's transaction. 秒杀
// prices apply only to the units of the buyer's HELD reservations (which
// become ORDERED), the best of the buyer's usable coupons is reserved, and
// each campaign's discount is reserved against its budget (a conditional
// update). Every line keeps its campaigns' shares of its discount.
func (s *Service) Place(ctx context.Context, in PlaceInput) (*Order, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	ctx = authz.SystemContext(ctx) // authorized on the store by the graph layer
	c := s.client(ctx)
	st, err := c.Store.Get(ctx, in.StoreID)
	if err != nil {
		return nil, err
	}
	if prev, err := c.Order.Query().Where(order.StoreID(st.ID), order.IdempotencyKey(in.Key)).Only(ctx); err == nil {
		return s.replayOrder(ctx, c, prev, &in)
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	now := s.now()

	// 秒杀 reservations: the buyer's, HELD and not expired, for SKUs of the lines.
	var resv []*ent.FlashReservation
	if len(in.ReservationIDs) > 0 {
		if resv, err = c.FlashReservation.Query().Where(flashreservation.IDIn(in.ReservationIDs...),
			flashreservation.StoreID(st.ID), flashreservation.BuyerRef(in.BuyerRef)).All(ctx); err != nil {
			return nil, err
		}
		if len(resv) != len(slices.Compact(slices.Sorted(slices.Values(in.ReservationIDs)))) {
			return nil, apperr.Input("reservationIDs", "no such reservation of this buyer in this store")
		}
	}
	lineQty := map[int]int{}
	for _, l := range in.Lines {
		lineQty[l.SKUID] = l.Quantity
	}
	var holds []mall.Hold
	heldQty := map[int]int{}
	for _, r := range resv {
		if r.State != flashreservation.StateHELD || !now.Before(r.ExpiresAt) {
			return nil, &apperr.Error{Code: apperr.Conflict, Field: "reservationIDs",
				Message: fmt.Sprintf("reservation %d is %s", r.ID, stateWord(r, now))}
		}
		heldQty[r.SkuID] += r.Quantity
		if heldQty[r.SkuID] > lineQty[r.SkuID] {
			return nil, apperr.Input("reservationIDs", "reservation %d holds more units of its SKU than the lines buy", r.ID)
		}
		holds = append(holds, mall.Hold{CampaignID: r.CampaignID, SKUID: r.SkuID, Quantity: r.Quantity})
	}

	// Coupons: the buyer's, usable now.
	var claims []*ent.CouponClaim
	buyer := promo.Buyer{}
	if len(in.CouponIDs) > 0 {
		if claims, err = c.CouponClaim.Query().Where(couponclaim.IDIn(in.CouponIDs...), couponclaim.StoreID(st.ID),
			couponclaim.BuyerRef(in.BuyerRef)).All(ctx); err != nil {
			return nil, err
		}
		if len(claims) != len(slices.Compact(slices.Sorted(slices.Values(in.CouponIDs)))) {
			return nil, apperr.Input("couponIDs", "no such coupon of this buyer in this store")
		}
		for _, cl := range claims {
			if err := mall.CheckUse(mall.ClaimState(cl.State), cl.ExpiresAt, now); err != nil {
				return nil, err
			}
			buyer.Coupons = append(buyer.Coupons, cl.CampaignID)
		}
	}

	// Price.
	ids := make([]int, len(in.Lines))
	for i, l := range in.Lines {
		ids[i] = l.SKUID
	}
	skus, err := c.SKU.Query().Where(sku.IDIn(ids...), sku.HasProductWith(product.StoreID(st.ID))).WithProduct().All(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int]*ent.SKU{}
	for _, k := range skus {
		byID[k.ID] = k
	}
	cart := promo.Cart{Buyer: buyer, At: now, Lines: make([]promo.Line, len(in.Lines))}
	for i, l := range in.Lines {
		k := byID[l.SKUID]
		if k == nil {
			return nil, apperr.Input(fmt.Sprintf("lines[%d].skuID", i), "no such SKU in this store")
		}
		cart.Lines[i] = promo.Line{SKUID: k.ID, ProductID: k.ProductID, Quantity: l.Quantity, UnitPrice: k.Price}
	}
	for _, r := range resv {
		if byID[r.SkuID] == nil {
			return nil, apperr.Input("reservationIDs", "reservation %d is for a SKU the lines do not buy", r.ID)
		}
	}
	camps, err := promosvc.ActiveCampaigns(ctx, c, st.ID, now)
	if err != nil {
		return nil, err
	}
	reserved := map[int]promo.Money{}
	kinds := map[int]promo.Kind{}
	budgets := map[int]promo.Money{}
	if len(camps) > 0 {
		cids := make([]int, len(camps))
		for i, cp := range camps {
			cids[i] = cp.ID
			kinds[cp.ID] = cp.Kind
			budgets[cp.ID] = cp.Budget
		}
		rows, err := c.Campaign.Query().Where(campaign.IDIn(cids...)).
			Select(campaign.FieldID, campaign.FieldDiscountReserved).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			reserved[r.ID] = r.DiscountReserved
		}
	}
	q := promo.Price(cart, mall.ForOrder(camps, holds, reserved))

	// Shares per line, and per campaign for the budgets.
	shares := make([][]schematype.OrderLineShare, len(q.Lines))
	for i, pl := range q.Lines {
		if shares[i], err = mall.Shares(pl, kinds); err != nil {
			return nil, err
		}
	}
	byCampaign := mall.ByCampaign(shares)
	for _, cid := range slices.Sorted(maps.Keys(byCampaign)) {
		if err := reserveBudget(ctx, c, cid, byCampaign[cid], budgets[cid]); err != nil {
			return nil, err
		}
	}

	// The order and its lines.
	o, err := c.Order.Create().SetOrganizationID(st.OrganizationID).SetStoreID(st.ID).
		SetPlatform(order.PlatformMINI_PROGRAM).SetExternalID(newExternalID()).
		SetStatus(order.StatusPENDING_PAYMENT).SetTotal(q.Total).SetDiscount(q.Subtotal-q.Total).
		SetBuyerRef(in.BuyerRef).SetTrafficSource(order.TrafficSourcePRIVATE_DOMAIN).SetOrderedAt(now).
		SetIdempotencyKey(in.Key).
		OnConflictColumns(order.FieldStoreID, order.FieldIdempotencyKey).DoNothing().ID(ctx)
	if err != nil || o == 0 {
		prev, rerr := c.Order.Query().Where(order.StoreID(st.ID), order.IdempotencyKey(in.Key)).Only(ctx)
		if rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return s.replayOrder(ctx, c, prev, &in)
	}
	bulk := make([]*ent.OrderLineCreate, len(q.Lines))
	for i, pl := range q.Lines {
		k := byID[pl.SKUID]
		bulk[i] = c.OrderLine.Create().SetOrganizationID(st.OrganizationID).SetOrderID(o).SetSkuID(k.ID).
			SetTitle(lineTitle(k)).SetQuantity(pl.Quantity).SetUnitPrice(pl.UnitPrice).SetTotal(pl.Amount).
			SetDiscountShares(shares[i])
	}
	if err := c.OrderLine.CreateBulk(bulk...).Exec(ctx); err != nil {
		return nil, err
	}
	if len(resv) > 0 {
		n, err := c.FlashReservation.Update().Where(flashreservation.IDIn(in.ReservationIDs...),
			flashreservation.StateEQ(flashreservation.StateHELD), flashreservation.ExpiresAtGT(now)).
			SetState(flashreservation.StateORDERED).SetOrderID(o).Save(ctx)
		if err != nil {
			return nil, err
		}
		if n != len(resv) {
			return nil, &apperr.Error{Code: apperr.Conflict, Field: "reservationIDs", Message: "a reservation changed meanwhile; try again"}
		}
	}
	// The coupon the pricing chose (one per order) is reserved.
	for _, oc := range q.Campaigns {
		if oc.Kind != promo.Coupon || !oc.Applied {
			continue
		}
		for _, cl := range claims {
			if cl.CampaignID != oc.CampaignID {
				continue
			}
			n, err := c.CouponClaim.Update().Where(couponclaim.ID(cl.ID), couponclaim.StateEQ(couponclaim.StateCLAIMED)).
				SetState(couponclaim.StateRESERVED).SetOrderID(o).Save(ctx)
			if err != nil {
				return nil, err
			}
			if n != 1 {
				return nil, &apperr.Error{Code: apperr.Conflict, Field: "couponIDs", Message: "the coupon was used meanwhile"}
			}
			break
		}
	}
	placed, err := loadOrder(ctx, c, o)
	if err != nil {
		return nil, err
	}
	if err := rollup.Apply(ctx, c, st, nil, rollup.State{placed}); err != nil {
		return nil, err
	}
	return viewOf(ctx, c, placed)
}

func stateWord(r *ent.FlashReservation, now time.Time) string {
	if r.State == flashreservation.StateHELD && !now.Before(r.ExpiresAt) {
		return "expired"
	}
	return string(r.State)
}

func lineTitle(k *ent.SKU) string {
	t := k.Name
	if k.Edges.Product != nil {
		t = k.Edges.Product.Title + " " + k.Name
	}
	r := []rune(t)
	if len(r) > 200 {
		r = r[:200]
	}
	if len(r) == 0 {
		return fmt.Sprintf("SKU %d", k.ID)
	}
	return string(r)
}

// newExternalID names a mall order the way platforms name theirs: unique
// per store, never reused.
func newExternalID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "MP" + hex.EncodeToString(b[:])
}

func (s *Service) replayOrder(ctx context.Context, c *ent.Client, o *ent.Order, in *PlaceInput) (*Order, error) {
	v, err := s.view(ctx, c, o.ID)
	if err != nil {
		return nil, err
	}
	return v, mall.Replay(in.same(v))
}

// reserveBudget holds amt of a campaign's budget for an order awaiting
// payment: UPDATE … WHERE budget = 0 OR spend + reserved + amt <= budget.
func reserveBudget(ctx context.Context, c *ent.Client, id int, amt, budget promo.Money) error {
	upd := c.Campaign.Update().Where(campaign.ID(id))
	if budget > 0 {
		upd = upd.Where(func(s *entsql.Selector) {
			s.Where(entsql.ExprP(fmt.Sprintf("%s + %s + ? <= %s", s.C(campaign.FieldSpend),
				s.C(campaign.FieldDiscountReserved), s.C(campaign.FieldBudget)), int64(amt)))
		})
	}
	n, err := upd.AddDiscountReserved(amt).Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return &apperr.Error{Code: apperr.Conflict, Field: "lines",
			Message: "a campaign's budget was used up meanwhile; quote again"}
	}
	return nil
}

// view reads a mall order as the API returns it.
func (s *Service) view(ctx context.Context, c *ent.Client, id int) (*Order, error) {
	o, err := loadOrder(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return viewOf(ctx, c, o)
}

// loadOrder reads a mall order with its lines in id order.
func loadOrder(ctx context.Context, c *ent.Client, id int) (*ent.Order, error) {
	o, err := c.Order.Query().Where(order.ID(id), order.PlatformEQ(order.PlatformMINI_PROGRAM)).
		WithLines(func(q *ent.OrderLineQuery) { q.Order(ent.Asc(orderline.FieldID)) }).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "mall order not found")
	}
	return o, err
}

// viewOf is the API form of a loaded mall order.
func viewOf(ctx context.Context, c *ent.Client, o *ent.Order) (*Order, error) {
	var err error
	v := &Order{ID: o.ID, StoreID: o.StoreID, BuyerRef: o.BuyerRef, Status: o.Status, Total: o.Total, Discount: o.Discount}
	v.Subtotal = o.Total + o.Discount
	for _, l := range o.Edges.Lines {
		ol := &OrderLine{SKUID: l.SkuID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Amount: l.Total}
		for i := range l.DiscountShares {
			ol.DiscountShares = append(ol.DiscountShares, &l.DiscountShares[i])
		}
		v.Lines = append(v.Lines, ol)
	}
	if v.ReservationIDs, err = c.FlashReservation.Query().Where(flashreservation.OrderID(o.ID)).
		Order(ent.Asc(flashreservation.FieldID)).IDs(ctx); err != nil {
		return nil, err
	}
	if v.CouponIDs, err = c.CouponClaim.Query().Where(couponclaim.OrderID(o.ID)).
		Order(ent.Asc(couponclaim.FieldID)).IDs(ctx); err != nil {
		return nil, err
	}
	return v, nil
}

// OrderStore returns the store of a mall order, for authorization.
func (s *Service) OrderStore(ctx context.Context, id int) (int, error) {
	o, err := s.client(ctx).Order.Query().Where(order.ID(id), order.PlatformEQ(order.PlatformMINI_PROGRAM)).
		Select(order.FieldStoreID).Only(authz.SystemContext(ctx))
	if ent.IsNotFound(err) {
		return 0, apperr.New(apperr.NotFound, "mall order not found")
	} else if err != nil {
		return 0, err
	}
	return o.StoreID, nil
}

// Act pays, cancels or refunds a mall order inside the caller's transaction:
// the status moves by a conditional update, then its reservations, coupon
// and campaign budgets follow (committed on pay, released on cancel and
// refund). A repeat of a verb already done returns the order.
func (s *Service) Act(ctx context.Context, v mall.Verb, key string, id int) (*Order, error) {
	if err := mall.CheckKey(key); err != nil {
		return nil, err
	}
	ctx = authz.SystemContext(ctx) // authorized on the order's store by the graph layer
	c := s.client(ctx)
	o, err := c.Order.Query().Where(order.ID(id), order.PlatformEQ(order.PlatformMINI_PROGRAM)).WithLines().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "mall order not found")
	} else if err != nil {
		return nil, err
	}
	to, noop, err := mall.Transition(v, mall.OrderStatus(o.Status))
	if err != nil || noop {
		if err != nil {
			return nil, err
		}
		return s.view(ctx, c, o.ID)
	}
	now := s.now()
	if err := s.move(ctx, c, o, v, order.Status(to), now); err != nil {
		return nil, err
	}
	return s.view(ctx, c, o.ID)
}

// move applies a verb to an order (status already checked by mall.Transition).
func (s *Service) move(ctx context.Context, c *ent.Client, o *ent.Order, v mall.Verb, to order.Status, now time.Time) error {
	if v == mall.Pay {
		// An order whose reservations expired cannot be paid (the expiry task cancels it).
		late, err := c.FlashReservation.Query().Where(flashreservation.OrderID(o.ID),
			flashreservation.StateEQ(flashreservation.StateORDERED), flashreservation.ExpiresAtLTE(now)).Exist(ctx)
		if err != nil {
			return err
		}
		if late {
			return &apperr.Error{Code: apperr.Conflict, Field: "orderID", Message: "the order's 秒杀 reservation expired before payment"}
		}
	}
	upd := c.Order.Update().Where(order.ID(o.ID), order.StatusEQ(o.Status)).SetStatus(to)
	if v == mall.Pay {
		upd = upd.SetPaid(o.Total).SetPaidAt(now)
	}
	n, err := upd.Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return &apperr.Error{Code: apperr.Conflict, Field: "orderID", Message: "the order changed meanwhile; read it again"}
	}
	shares := make([][]schematype.OrderLineShare, len(o.Edges.Lines))
	for i, l := range o.Edges.Lines {
		shares[i] = l.DiscountShares
	}
	perCampaign := mall.ByCampaign(shares)
	// Campaign rows in id order, in every transaction (Place too): two
	// orders of the same campaigns cannot then lock them crosswise.
	campaignIDs := slices.Sorted(maps.Keys(perCampaign))
	resv, err := c.FlashReservation.Query().Where(flashreservation.OrderID(o.ID)).All(ctx)
	if err != nil {
		return err
	}
	switch v {
	case mall.Pay:
		if _, err := c.FlashReservation.Update().Where(flashreservation.OrderID(o.ID), flashreservation.StateEQ(flashreservation.StateORDERED)).
			SetState(flashreservation.StatePAID).Save(ctx); err != nil {
			return err
		}
		if _, err := c.CouponClaim.Update().Where(couponclaim.OrderID(o.ID), couponclaim.StateEQ(couponclaim.StateRESERVED)).
			SetState(couponclaim.StateREDEEMED).Save(ctx); err != nil {
			return err
		}
		for _, cid := range campaignIDs {
			amt := perCampaign[cid]
			if err := c.Campaign.Update().Where(campaign.ID(cid)).AddDiscountReserved(-amt).AddDiscountGiven(amt).Exec(ctx); err != nil {
				return err
			}
		}
	case mall.Cancel, mall.Refund:
		from := flashreservation.StateORDERED
		claimFrom := couponclaim.StateRESERVED
		if v == mall.Refund {
			from, claimFrom = flashreservation.StatePAID, couponclaim.StateREDEEMED
		}
		for _, r := range resv {
			if _, err := releaseReservation(ctx, c, r, flashreservation.StateRELEASED, from); err != nil {
				return err
			}
		}
		if _, err := c.CouponClaim.Update().Where(couponclaim.OrderID(o.ID), couponclaim.StateEQ(claimFrom)).
			SetState(couponclaim.StateCLAIMED).ClearOrderID().Save(ctx); err != nil {
			return err
		}
		for _, cid := range campaignIDs {
			amt := perCampaign[cid]
			upd := c.Campaign.Update().Where(campaign.ID(cid))
			if v == mall.Cancel {
				upd = upd.AddDiscountReserved(-amt)
			} else {
				upd = upd.AddDiscountGiven(-amt)
			}
			if err := upd.Exec(ctx); err != nil {
				return err
			}
		}
	}
	return rollupMove(ctx, c, o, to, v == mall.Pay, now)
}

// rollupMove keeps the insights rollups in step with a mall order's new
// status, as the sync does for platform orders: the brand's own mall counts
// in its store's figures, and the maintained rows equal a rebuild's. It runs
// last, after the campaign rows, so that every mall transaction locks the
// campaigns before the store row (rollup.Delta.Write on PostgreSQL).
func rollupMove(ctx context.Context, c *ent.Client, o *ent.Order, to order.Status, paid bool, now time.Time) error {
	st, err := c.Store.Get(ctx, o.StoreID)
	if err != nil {
		return err
	}
	after := *o
	after.Status = to
	if paid {
		after.Paid, after.PaidAt = o.Total, &now
	}
	return rollup.Apply(ctx, c, st, rollup.State{o}, rollup.State{&after})
}
