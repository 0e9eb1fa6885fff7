package mallsvc

import (
	"context"
	"errors"
	"fmt"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/buyerquota"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/flashreservation"
	"github.com/opsgraph/opsgraph/ent/flashsaleslot"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/mall"
	"github.com/opsgraph/opsgraph/promo"
	"github.com/opsgraph/opsgraph/promo/promosvc"
)

// ReserveInput is a 秒杀 reservation request.
type ReserveInput struct {
	Key        string
	CampaignID int
	Slot       int
	SKUID      int
	BuyerRef   string
	Quantity   int
}

func (in ReserveInput) same(r *ent.FlashReservation) bool {
	return r.CampaignID == in.CampaignID && r.SlotIndex == in.Slot && r.SkuID == in.SKUID &&
		r.BuyerRef == in.BuyerRef && r.Quantity == in.Quantity
}

// loadCampaign loads a campaign of kind with its targets (the caller was
// authorized on it by the graph layer).
func loadCampaign(ctx context.Context, c *ent.Client, id int, kind campaign.Kind) (*ent.Campaign, promo.Campaign, error) {
	camp, err := c.Campaign.Query().Where(campaign.ID(id)).
		WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).
		WithSkus(func(q *ent.SKUQuery) { q.Select(sku.FieldID) }).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, promo.Campaign{}, apperr.New(apperr.NotFound, "campaign not found")
	} else if err != nil {
		return nil, promo.Campaign{}, err
	}
	if camp.Kind != kind {
		return nil, promo.Campaign{}, apperr.Input("campaignID", "is a %s campaign, not %s", camp.Kind, kind)
	}
	return camp, promosvc.ToPromo(camp), nil
}

// Reserve takes units of a 秒杀 slot for a buyer, inside the caller's
// transaction. A new reservation costs six statements (decision 0225): the
// campaign row (its targets are cached by updated_at), the SKU, the
// idempotent insert of the reservation and its read-back, one upsert of the
// buyer's per-user count, and one conditional update of the slot's stock
// (last, so that the hot row is locked for the shortest time). Any
// refusal rolls the whole transaction back; a refusal of a repeated key
// replays the first answer instead.
func (s *Service) Reserve(ctx context.Context, in ReserveInput) (*ent.FlashReservation, error) {
	if err := mall.CheckKey(in.Key); err != nil {
		return nil, err
	}
	if err := mall.CheckBuyerRef(in.BuyerRef); err != nil {
		return nil, err
	}
	ctx = authz.SystemContext(ctx) // authorized on the campaign by the graph layer
	c := s.client(ctx)
	camp, pc, err := s.flashCampaign(ctx, c, in.CampaignID)
	if err != nil {
		return nil, err
	}
	r, err := s.reserve(ctx, c, camp, &pc, in)
	var early *refusedEarly
	switch {
	case errors.Is(err, errReplay):
		// A request with the same key came first (earlier, or concurrently
		// and committed while this one waited on the unique index).
		prev, rerr := c.FlashReservation.Query().Where(flashreservation.StoreID(camp.StoreID),
			flashreservation.IdempotencyKey(in.Key)).Only(ctx)
		if rerr != nil {
			return nil, fmt.Errorf("replay reservation: %w", rerr)
		}
		return prev, mall.Replay(in.same(prev))
	case errors.As(err, &early):
		// Refused before anything was written: a repeated key replays the
		// first answer instead (a repeat after the slot sold out or the
		// campaign ended still gets its reservation).
		prev, rerr := c.FlashReservation.Query().Where(flashreservation.StoreID(camp.StoreID),
			flashreservation.IdempotencyKey(in.Key)).Only(ctx)
		if rerr == nil {
			return prev, mall.Replay(in.same(prev))
		} else if !ent.IsNotFound(rerr) {
			return nil, rerr
		}
		return nil, early.err
	case err != nil:
		return nil, err
	}
	return r, nil
}

// errReplay: the reservation's key is taken; the caller replays the stored
// reservation.
var errReplay = errors.New("mallsvc: idempotency key taken")

// refusedEarly is a refusal found before the reservation was inserted.
type refusedEarly struct{ err error }

func (e *refusedEarly) Error() string { return e.err.Error() }
func (e *refusedEarly) Unwrap() error { return e.err }

// Refusals found before anything is written.
func errNoSKU() error { return apperr.Input("skuID", "no such SKU in the campaign's store") }

func errNotCovered() error { return apperr.Input("skuID", "the campaign does not cover this SKU") }

func notSelling(camp *ent.Campaign) error {
	return &apperr.Error{Code: apperr.Conflict, Field: "campaignID", Message: fmt.Sprintf("the campaign is not selling now (%s)", camp.Status)}
}

// reserve checks and takes the units and returns the new reservation.
func (s *Service) reserve(ctx context.Context, c *ent.Client, camp *ent.Campaign, pc *promo.Campaign, in ReserveInput) (*ent.FlashReservation, error) {
	now := s.now()
	if !promo.Sells(pc, now) {
		return nil, &refusedEarly{notSelling(camp)}
	}
	rule := camp.Rules.FlashSale
	expires, err := mall.CheckReservation(rule, mall.Reservation{Slot: in.Slot, Quantity: in.Quantity, At: now})
	if err != nil {
		return nil, &refusedEarly{err}
	}
	sk, err := c.SKU.Query().Where(sku.ID(in.SKUID), sku.HasProductWith(product.StoreID(camp.StoreID))).
		Select(sku.FieldID, sku.FieldProductID).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, &refusedEarly{errNoSKU()}
	} else if err != nil {
		return nil, err
	}
	if !pc.Targets.Covers(sk.ProductID, sk.ID) {
		return nil, &refusedEarly{errNotCovered()}
	}
	slotID, err := s.slotID(ctx, c, camp, in.Slot)
	if err != nil {
		return nil, err
	}
	id, err := c.FlashReservation.Create().SetOrganizationID(camp.OrganizationID).SetStoreID(camp.StoreID).
		SetCampaignID(camp.ID).SetSlotID(slotID).SetSlotIndex(in.Slot).SetSkuID(sk.ID).SetBuyerRef(in.BuyerRef).
		SetQuantity(in.Quantity).SetExpiresAt(expires).SetIdempotencyKey(in.Key).
		OnConflictColumns(flashreservation.FieldStoreID, flashreservation.FieldIdempotencyKey).DoNothing().ID(ctx)
	if isNoRows(err) || err == nil && id == 0 {
		return nil, errReplay // a request with the same key came first
	} else if err != nil {
		return nil, err
	}
	// Read back now: the slot's row, updated last, stays locked until the
	// commit, so nothing else should run after it.
	r, err := c.FlashReservation.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := takeQuota(ctx, c, camp.OrganizationID, flashScope(slotID), in.BuyerRef, in.Quantity, rule.PerUserLimit); err != nil {
		if errors.Is(err, errLimit) {
			return nil, mall.OverLimit(rule.PerUserLimit)
		}
		return nil, err
	}
	take := func() (int, error) {
		return c.FlashSaleSlot.Update().Where(flashsaleslot.ID(slotID), flashsaleslot.RemainingGTE(in.Quantity)).
			AddRemaining(-in.Quantity).Save(ctx)
	}
	n, err := take()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		// Lazily return the units of this slot's overdue reservations, then
		// try once more.
		if freed, err := s.expireSlot(ctx, c, slotID, now); err != nil {
			return nil, err
		} else if freed > 0 {
			if n, err = take(); err != nil {
				return nil, err
			}
		}
		if n == 0 {
			return nil, mall.SoldOut()
		}
	}
	return r, nil
}

func flashScope(slotID int) string { return fmt.Sprintf("flash:%d", slotID) }

// flashCampaign loads a FLASH_SALE campaign row; its targets come from a
// cache keyed by the campaign's updated_at, which every change of the
// campaign through ent moves (targets included), on any replica.
func (s *Service) flashCampaign(ctx context.Context, c *ent.Client, id int) (*ent.Campaign, promo.Campaign, error) {
	camp, err := c.Campaign.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, promo.Campaign{}, apperr.New(apperr.NotFound, "campaign not found")
	} else if err != nil {
		return nil, promo.Campaign{}, err
	}
	if camp.Kind != campaign.KindFLASH_SALE {
		return nil, promo.Campaign{}, apperr.Input("campaignID", "is a %s campaign, not %s", camp.Kind, campaign.KindFLASH_SALE)
	}
	if t, ok := s.targets.get(id, camp.UpdatedAt); ok {
		camp.Edges.Products, camp.Edges.Skus = t.products, t.skus
		return camp, promosvc.ToPromo(camp), nil
	}
	full, pc, err := loadCampaign(ctx, c, id, campaign.KindFLASH_SALE)
	if err != nil {
		return nil, promo.Campaign{}, err
	}
	s.targets.put(id, full.UpdatedAt, full.Edges.Products, full.Edges.Skus)
	return full, pc, nil
}

// slotID returns the id of a campaign slot's stock record, creating it from
// the rule the first time (concurrent first reservations create it once).
// Slot records are never deleted apart from their campaign, so the id is
// cached.
func (s *Service) slotID(ctx context.Context, c *ent.Client, camp *ent.Campaign, idx int) (int, error) {
	k := slotKey{camp.ID, idx}
	if id, ok := s.slots.Load(k); ok {
		return id.(int), nil
	}
	sl, err := s.slot(ctx, c, camp, idx)
	if err != nil {
		return 0, err
	}
	s.slots.Store(k, sl.ID)
	return sl.ID, nil
}

type slotKey struct{ campaign, slot int }

// slot returns the stock record of a campaign slot, creating it from the rule
// the first time (concurrent first reservations create it once).
func (s *Service) slot(ctx context.Context, c *ent.Client, camp *ent.Campaign, idx int) (*ent.FlashSaleSlot, error) {
	q := c.FlashSaleSlot.Query().Where(flashsaleslot.CampaignID(camp.ID), flashsaleslot.SlotIndex(idx))
	if sl, err := q.Only(ctx); err == nil {
		return sl, nil
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	stock := camp.Rules.FlashSale.Slots[idx].Stock
	err := c.FlashSaleSlot.Create().SetOrganizationID(camp.OrganizationID).SetStoreID(camp.StoreID).
		SetCampaignID(camp.ID).SetSlotIndex(idx).SetStock(stock).SetRemaining(stock).
		OnConflictColumns(flashsaleslot.FieldCampaignID, flashsaleslot.FieldSlotIndex).DoNothing().Exec(ctx)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	return c.FlashSaleSlot.Query().Where(flashsaleslot.CampaignID(camp.ID), flashsaleslot.SlotIndex(idx)).Only(ctx)
}

// errLimit: takeQuota found the limit reached.
var errLimit = errors.New("mallsvc: per-user limit reached")

// takeQuota adds n to a buyer's count under limit in one statement: INSERT
// … ON CONFLICT (scope, buyer_ref) DO UPDATE SET used = used + n WHERE
// used + n <= limit RETURNING id. No row back is the refusal (the limit
// would be passed). Concurrent requests of one buyer wait for each other on
// the row (or on the unique index for the first insert) and each sees the
// committed count, on SQLite and PostgreSQL.
func takeQuota(ctx context.Context, c *ent.Client, org int, scope, buyer string, n, limit int) error {
	if n > limit {
		return errLimit
	}
	_, err := c.BuyerQuota.Create().SetOrganizationID(org).SetScope(scope).SetBuyerRef(buyer).SetUsed(n).
		OnConflict(entsql.ConflictColumns(buyerquota.FieldScope, buyerquota.FieldBuyerRef),
			entsql.ResolveWith(func(u *entsql.UpdateSet) { u.Add(buyerquota.FieldUsed, n) }),
			entsql.UpdateWhere(entsql.P(func(b *entsql.Builder) {
				b.Ident(buyerquota.FieldUsed).
					WriteString(" + ").Arg(n).WriteString(" <= ").Arg(limit)
			}))).
		ID(ctx)
	if isNoRows(err) {
		return errLimit
	}
	return err
}

// giveQuota returns n to a buyer's count (never below zero).
func giveQuota(ctx context.Context, c *ent.Client, scope, buyer string, n int) error {
	return c.BuyerQuota.Update().Where(buyerquota.Scope(scope), buyerquota.BuyerRef(buyer), buyerquota.UsedGTE(n)).
		AddUsed(-n).Exec(ctx)
}

// releaseReservation moves a reservation from one of from to state to (a
// conditional update) and, when it moved, gives its units back to the slot and
// to the buyer's count. It reports whether it moved.
func releaseReservation(ctx context.Context, c *ent.Client, r *ent.FlashReservation, to flashreservation.State, from ...flashreservation.State) (bool, error) {
	n, err := c.FlashReservation.Update().Where(flashreservation.ID(r.ID), flashreservation.StateIn(from...)).
		SetState(to).Save(ctx)
	if err != nil || n == 0 {
		return false, err
	}
	if err := c.FlashSaleSlot.Update().Where(flashsaleslot.ID(r.SlotID)).AddRemaining(r.Quantity).Exec(ctx); err != nil {
		return false, err
	}
	return true, giveQuota(ctx, c, flashScope(r.SlotID), r.BuyerRef, r.Quantity)
}

// expireSlot expires the overdue HELD reservations of one slot (the lazy
// check of a reservation that found the slot empty) and returns how many
// units came back.
func (s *Service) expireSlot(ctx context.Context, c *ent.Client, slotID int, now time.Time) (int, error) {
	rs, err := c.FlashReservation.Query().Where(flashreservation.SlotID(slotID),
		flashreservation.StateEQ(flashreservation.StateHELD), flashreservation.ExpiresAtLTE(now)).
		Limit(expireBatch).All(ctx)
	if err != nil {
		return 0, err
	}
	freed := 0
	for _, r := range rs {
		moved, err := releaseReservation(ctx, c, r, flashreservation.StateEXPIRED, flashreservation.StateHELD)
		if err != nil {
			return 0, err
		}
		if moved {
			freed += r.Quantity
		}
	}
	return freed, nil
}

// SlotStock reads the live stock of a slot: from its record, or from the
// rule when nobody reserved yet.
func (s *Service) SlotStock(ctx context.Context, campaignID, idx int) (*SlotStock, error) {
	ctx = authz.SystemContext(ctx)
	c := s.client(ctx)
	camp, _, err := loadCampaign(ctx, c, campaignID, campaign.KindFLASH_SALE)
	if err != nil {
		return nil, err
	}
	if idx < 0 || idx >= len(camp.Rules.FlashSale.Slots) {
		return nil, apperr.Input("slot", "the campaign has slots 0–%d", len(camp.Rules.FlashSale.Slots)-1)
	}
	out := &SlotStock{CampaignID: campaignID, Slot: idx, Stock: camp.Rules.FlashSale.Slots[idx].Stock}
	out.Remaining = out.Stock
	sl, err := c.FlashSaleSlot.Query().Where(flashsaleslot.CampaignID(camp.ID), flashsaleslot.SlotIndex(idx)).Only(ctx)
	if ent.IsNotFound(err) {
		return out, nil
	} else if err != nil {
		return nil, err
	}
	out.Stock, out.Remaining = sl.Stock, sl.Remaining
	var sums []struct {
		Sum int `json:"sum"`
	}
	if err := c.FlashReservation.Query().Where(flashreservation.SlotID(sl.ID),
		flashreservation.StateIn(flashreservation.StateHELD, flashreservation.StateORDERED, flashreservation.StatePAID)).
		Aggregate(ent.As(ent.Sum(flashreservation.FieldQuantity), "sum")).Scan(ctx, &sums); err != nil {
		return nil, err
	}
	if len(sums) > 0 {
		out.Reserved = sums[0].Sum
	}
	return out, nil
}
