package mallsvc

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/bargainhelp"
	"github.com/opsgraph/opsgraph/ent/bargainsession"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/mall"
)

// StartBargain starts a 砍价 session for buyerRef at the SKU's price.
func StartBargain(ctx context.Context, client *ent.Client, storeID, campaignID, skuID int, buyerRef, key string, now time.Time) (*ent.BargainSession, error) {
	if err := checkCall(buyerRef, key); err != nil {
		return nil, err
	}
	same := func(s *ent.BargainSession) (*ent.BargainSession, error) {
		if s.CampaignID != campaignID || s.SkuID != skuID || s.InitiatorRef != buyerRef {
			return nil, keyReused()
		}
		return s, nil
	}
	byKey := func() (*ent.BargainSession, error) {
		return client.BargainSession.Query().Where(bargainsession.StoreID(storeID), bargainsession.IdempotencyKey(key)).Only(ctx)
	}
	if s, err := byKey(); err == nil {
		return same(s)
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	c, s, err := offer(ctx, client, storeID, campaignID, skuID, campaign.KindBARGAIN, now)
	if err != nil {
		return nil, err
	}
	rule := c.Rules.Bargain
	if rule == nil {
		return nil, apperr.Input("campaignID", "the campaign has no 砍价 rules")
	}
	expires, err := mall.PlanBargain(rule, s.Price, now)
	if err != nil {
		return nil, err
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	buyRule := rule.BuyRule
	if buyRule == "" {
		buyRule = schematype.BuyAtFloorOnly
	}
	var sess *ent.BargainSession
	err = savepoint(ctx, client, func() error {
		var err error
		sess, err = client.BargainSession.Create().SetStoreID(storeID).SetCampaignID(campaignID).SetSkuID(skuID).
			SetInitiatorRef(buyerRef).SetSeed(int64(binary.LittleEndian.Uint64(b[:]) >> 1)).
			SetStartPrice(s.Price).SetFloorPrice(rule.FloorPrice).SetCurrentPrice(s.Price).
			SetHelpersNeeded(rule.MaxHelpers).SetBuyRule(buyRule).SetExpiresAt(expires).SetIdempotencyKey(key).Save(ctx)
		return err
	})
	if ent.IsConstraintError(err) {
		if s, err := byKey(); err == nil {
			return same(s)
		}
		return nil, apperr.New(apperr.Conflict, "the bargain could not be started; retry")
	}
	return sess, err
}

func ruleOf(s *ent.BargainSession) schematype.BargainRule {
	return schematype.BargainRule{FloorPrice: s.FloorPrice, MaxHelpers: s.HelpersNeeded, BuyRule: s.BuyRule}
}

func sessionOf(s *ent.BargainSession) mall.Session {
	return mall.Session{State: mall.BargainState(s.State), Start: s.StartPrice, Floor: s.FloorPrice, Current: s.CurrentPrice,
		Helpers: s.HelpersCount, ExpiresAt: s.ExpiresAt, Seed: uint64(s.Seed)}
}

// lockedSession reads a session and, on PostgreSQL, locks it for the rest of
// the transaction, so helps and purchases of one session run one at a time.
func lockedSession(ctx context.Context, client *ent.Client, id int) (*ent.BargainSession, error) {
	return client.BargainSession.Query().Where(bargainsession.ID(id)).Modify(lockRow).Only(ctx)
}

// HelpBargain records buyerRef's help: the next cut of the session's sequence.
func HelpBargain(ctx context.Context, client *ent.Client, sessionID int, buyerRef, key string, now time.Time) (*ent.BargainHelp, error) {
	if err := checkCall(buyerRef, key); err != nil {
		return nil, err
	}
	s, err := lockedSession(ctx, client, sessionID)
	if err != nil {
		return nil, err
	}
	same := func(h *ent.BargainHelp) (*ent.BargainHelp, error) {
		if h.SessionID != sessionID || h.HelperRef != buyerRef {
			return nil, keyReused()
		}
		return h, nil
	}
	byKey := func() (*ent.BargainHelp, error) {
		return client.BargainHelp.Query().Where(bargainhelp.StoreID(s.StoreID), bargainhelp.IdempotencyKey(key)).Only(ctx)
	}
	if h, err := byKey(); err == nil {
		return same(h)
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	already, err := client.BargainHelp.Query().Where(bargainhelp.SessionID(sessionID), bargainhelp.HelperRef(buyerRef)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	rule := ruleOf(s)
	cut, price, err := mall.Help(&rule, sessionOf(s), buyerRef == s.InitiatorRef, already, now)
	if err != nil {
		return nil, err
	}
	next := bargainsession.StateACTIVE
	if price <= s.FloorPrice {
		next = bargainsession.StateREACHED
	}
	var h *ent.BargainHelp
	err = savepoint(ctx, client, func() error {
		n, err := client.BargainSession.Update().
			Where(bargainsession.ID(sessionID), bargainsession.StateEQ(bargainsession.StateACTIVE),
				bargainsession.HelpersCount(s.HelpersCount), bargainsession.ExpiresAtGT(now)).
			SetHelpersCount(s.HelpersCount + 1).SetCurrentPrice(price).SetState(next).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.New(apperr.Conflict, "another friend helped at the same moment; retry")
		}
		h, err = client.BargainHelp.Create().SetStoreID(s.StoreID).SetSessionID(sessionID).SetHelperRef(buyerRef).
			SetSeq(s.HelpersCount + 1).SetCut(cut).SetPriceAfter(price).SetIdempotencyKey(key).Save(ctx)
		return err
	})
	if ent.IsConstraintError(err) {
		if h, kerr := byKey(); kerr == nil {
			return same(h)
		}
		return nil, apperr.New(apperr.Conflict, "this helper helped this bargain already")
	}
	return h, err
}

// BuyBargain marks the session bought by its initiator at the price the buy
// rule allows. A repeat with the same key returns the bought session.
func BuyBargain(ctx context.Context, client *ent.Client, sessionID int, buyerRef, key string, now time.Time) (*ent.BargainSession, error) {
	if err := checkCall(buyerRef, key); err != nil {
		return nil, err
	}
	s, err := lockedSession(ctx, client, sessionID)
	if err != nil {
		return nil, err
	}
	if s.InitiatorRef != buyerRef {
		return nil, apperr.New(apperr.Forbidden, "only the buyer who started the bargain may buy it")
	}
	if s.State == bargainsession.StatePURCHASED && s.PurchaseKey == key {
		return s, nil
	}
	rule := ruleOf(s)
	price, err := mall.BuyPrice(&rule, sessionOf(s), now)
	if err != nil {
		return nil, err
	}
	n, err := client.BargainSession.Update().
		Where(bargainsession.ID(sessionID), bargainsession.StateIn(bargainsession.StateACTIVE, bargainsession.StateREACHED),
			bargainsession.HelpersCount(s.HelpersCount)).
		SetState(bargainsession.StatePURCHASED).SetPurchasedPrice(price).SetPurchaseKey(key).Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.New(apperr.Conflict, "the bargain changed meanwhile; reload it")
	}
	return client.BargainSession.Get(ctx, sessionID)
}

// ExpireBargains marks every ACTIVE or REACHED session whose time is up at
// now EXPIRED, in one conditional statement, and returns how many. It is one
// half of the "mall.expire" periodic task (with ExpireGroupBuys).
func ExpireBargains(ctx context.Context, client *ent.Client, now time.Time) (int, error) {
	return client.BargainSession.Update().
		Where(bargainsession.StateIn(bargainsession.StateACTIVE, bargainsession.StateREACHED), bargainsession.ExpiresAtLTE(now)).
		SetState(bargainsession.StateEXPIRED).Save(ctx)
}

// Expire runs ExpireGroupBuys and ExpireBargains: the "mall.expire" task.
func Expire(ctx context.Context, client *ent.Client, now time.Time) (teams, sessions int, err error) {
	if teams, err = ExpireGroupBuys(ctx, client, now); err != nil {
		return teams, 0, err
	}
	sessions, err = ExpireBargains(ctx, client, now)
	return teams, sessions, err
}
