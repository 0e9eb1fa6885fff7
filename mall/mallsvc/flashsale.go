package mallsvc

import (
	"context"
	"errors"
	"fmt"
	"time"

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
// transaction: an idempotent insert of the reservation, then the buyer's
// per-user count and the slot's stock, each a conditional update; any refusal
// rolls the whole transaction back.
func (s *Service) Reserve(ctx context.Context, in ReserveInput) (*ent.FlashReservation, error) {
	if err := mall.CheckKey(in.Key); err != nil {
		return nil, err
	}
	if err := mall.CheckBuyerRef(in.BuyerRef); err != nil {
		return nil, err
	}
	ctx = authz.SystemContext(ctx) // authorized on the campaign by the graph layer
	c := s.client(ctx)
	camp, pc, err := loadCampaign(ctx, c, in.CampaignID, campaign.KindFLASH_SALE)
	if err != nil {
		return nil, err
	}
	if prev, err := c.FlashReservation.Query().Where(flashreservation.StoreID(camp.StoreID),
		flashreservation.IdempotencyKey(in.Key)).Only(ctx); err == nil {
		return prev, mall.Replay(in.same(prev))
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	now := s.now()
	if !promo.Sells(&pc, now) {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "campaignID", Message: fmt.Sprintf("the campaign is not selling now (%s)", camp.Status)}
	}
	rule := camp.Rules.FlashSale
	expires, err := mall.CheckReservation(rule, mall.Reservation{Slot: in.Slot, Quantity: in.Quantity, At: now})
	if err != nil {
		return nil, err
	}
	sk, err := c.SKU.Query().Where(sku.ID(in.SKUID), sku.HasProductWith(product.StoreID(camp.StoreID))).
		Select(sku.FieldID, sku.FieldProductID).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Input("skuID", "no such SKU in the campaign's store")
	} else if err != nil {
		return nil, err
	}
	if !pc.Targets.Covers(sk.ProductID, sk.ID) {
		return nil, apperr.Input("skuID", "the campaign does not cover this SKU")
	}
	slot, err := s.slot(ctx, c, camp, in.Slot)
	if err != nil {
		return nil, err
	}
	id, err := c.FlashReservation.Create().SetOrganizationID(camp.OrganizationID).SetStoreID(camp.StoreID).
		SetCampaignID(camp.ID).SetSlotID(slot.ID).SetSlotIndex(in.Slot).SetSkuID(sk.ID).SetBuyerRef(in.BuyerRef).
		SetQuantity(in.Quantity).SetExpiresAt(expires).SetIdempotencyKey(in.Key).
		OnConflictColumns(flashreservation.FieldStoreID, flashreservation.FieldIdempotencyKey).DoNothing().ID(ctx)
	if err != nil || id == 0 {
		// A concurrent request with the same key won: replay it.
		prev, rerr := c.FlashReservation.Query().Where(flashreservation.StoreID(camp.StoreID),
			flashreservation.IdempotencyKey(in.Key)).Only(ctx)
		if rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return prev, mall.Replay(in.same(prev))
	}
	if err := takeQuota(ctx, c, camp.OrganizationID, flashScope(slot.ID), in.BuyerRef, in.Quantity, rule.PerUserLimit); err != nil {
		if errors.Is(err, errLimit) {
			return nil, mall.OverLimit(rule.PerUserLimit)
		}
		return nil, err
	}
	n, err := c.FlashSaleSlot.Update().Where(flashsaleslot.ID(slot.ID), flashsaleslot.RemainingGTE(in.Quantity)).
		AddRemaining(-in.Quantity).Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		// Lazily return the units of this slot's overdue reservations, then
		// try once more.
		if freed, err := s.expireSlot(ctx, c, slot.ID, now); err != nil {
			return nil, err
		} else if freed > 0 {
			n, err = c.FlashSaleSlot.Update().Where(flashsaleslot.ID(slot.ID), flashsaleslot.RemainingGTE(in.Quantity)).
				AddRemaining(-in.Quantity).Save(ctx)
			if err != nil {
				return nil, err
			}
		}
		if n == 0 {
			return nil, mall.SoldOut()
		}
	}
	return c.FlashReservation.Get(ctx, id)
}

func flashScope(slotID int) string { return fmt.Sprintf("flash:%d", slotID) }

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

// takeQuota adds n to a buyer's count under limit: a conditional update, the
// row created on first use. CONFLICT when the limit would be passed.
func takeQuota(ctx context.Context, c *ent.Client, org int, scope, buyer string, n, limit int) error {
	upd := func() (int, error) {
		return c.BuyerQuota.Update().Where(buyerquota.Scope(scope), buyerquota.BuyerRef(buyer),
			buyerquota.UsedLTE(limit-n)).AddUsed(n).Save(ctx)
	}
	k, err := upd()
	if err != nil || k == 1 {
		return err
	}
	err = c.BuyerQuota.Create().SetOrganizationID(org).SetScope(scope).SetBuyerRef(buyer).SetUsed(0).
		OnConflictColumns(buyerquota.FieldScope, buyerquota.FieldBuyerRef).DoNothing().Exec(ctx)
	if err != nil && !isNoRows(err) {
		return err
	}
	if k, err = upd(); err != nil {
		return err
	}
	if k == 0 {
		return errLimit
	}
	return nil
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
