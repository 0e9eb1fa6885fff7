package mallsvc

import (
	"context"
	"errors"
	"fmt"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/couponbatch"
	"github.com/opsgraph/opsgraph/ent/couponclaim"
	"github.com/opsgraph/opsgraph/mall"
	"github.com/opsgraph/opsgraph/promo"
)

// ClaimInput is a coupon claim request.
type ClaimInput struct {
	Key        string
	CampaignID int
	BuyerRef   string
}

// Claim gives a buyer one coupon of a COUPON campaign inside the caller's
// transaction: an idempotent insert of the claim, then the buyer's per-user
// count and the batch's remaining coupons, each a conditional update.
func (s *Service) Claim(ctx context.Context, in ClaimInput) (*ent.CouponClaim, error) {
	if err := mall.CheckKey(in.Key); err != nil {
		return nil, err
	}
	if err := mall.CheckBuyerRef(in.BuyerRef); err != nil {
		return nil, err
	}
	ctx = authz.SystemContext(ctx) // authorized on the campaign by the graph layer
	c := s.client(ctx)
	camp, pc, err := loadCampaign(ctx, c, in.CampaignID, campaign.KindCOUPON)
	if err != nil {
		return nil, err
	}
	same := func(p *ent.CouponClaim) bool { return p.CampaignID == in.CampaignID && p.BuyerRef == in.BuyerRef }
	byKey := c.CouponClaim.Query().Where(couponclaim.StoreID(camp.StoreID), couponclaim.IdempotencyKey(in.Key))
	if prev, err := byKey.Clone().Only(ctx); err == nil {
		return prev, mall.Replay(same(prev))
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	now := s.now()
	if !promo.Sells(&pc, now) {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "campaignID", Message: fmt.Sprintf("the campaign is not selling now (%s)", camp.Status)}
	}
	rule := camp.Rules.Coupon
	batch, err := s.batch(ctx, c, camp)
	if err != nil {
		return nil, err
	}
	id, err := c.CouponClaim.Create().SetOrganizationID(camp.OrganizationID).SetStoreID(camp.StoreID).
		SetCampaignID(camp.ID).SetBatchID(batch.ID).SetBuyerRef(in.BuyerRef).
		SetExpiresAt(mall.ClaimExpiry(rule, camp.EndsAt, now)).SetIdempotencyKey(in.Key).
		OnConflictColumns(couponclaim.FieldStoreID, couponclaim.FieldIdempotencyKey).DoNothing().ID(ctx)
	if err != nil || id == 0 {
		prev, rerr := byKey.Clone().Only(ctx)
		if rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return prev, mall.Replay(same(prev))
	}
	if err := takeQuota(ctx, c, camp.OrganizationID, couponScope(batch.ID), in.BuyerRef, 1, rule.PerUser); err != nil {
		if errors.Is(err, errLimit) {
			return nil, mall.ClaimLimit(rule.PerUser)
		}
		return nil, err
	}
	n, err := c.CouponBatch.Update().Where(couponbatch.ID(batch.ID), couponbatch.RemainingGTE(1)).AddRemaining(-1).Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, mall.NoneLeft()
	}
	return c.CouponClaim.Get(ctx, id)
}

func couponScope(batchID int) string { return fmt.Sprintf("coupon:%d", batchID) }

// batch returns the issue record of a coupon campaign, creating it from the
// rule the first time.
func (s *Service) batch(ctx context.Context, c *ent.Client, camp *ent.Campaign) (*ent.CouponBatch, error) {
	if b, err := c.CouponBatch.Query().Where(couponbatch.CampaignID(camp.ID)).Only(ctx); err == nil {
		return b, nil
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	total := camp.Rules.Coupon.Quantity
	err := c.CouponBatch.Create().SetOrganizationID(camp.OrganizationID).SetStoreID(camp.StoreID).
		SetCampaignID(camp.ID).SetTotal(total).SetRemaining(total).
		OnConflictColumns(couponbatch.FieldCampaignID).DoNothing().Exec(ctx)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	return c.CouponBatch.Query().Where(couponbatch.CampaignID(camp.ID)).Only(ctx)
}
