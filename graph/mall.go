package graph

import (
	"context"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/bargainsession"
	"github.com/opsgraph/opsgraph/ent/groupbuyteam"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

func (r *Resolver) openGroupBuyTeam(ctx context.Context, storeID, campaignID, skuID int, buyerRef string, teamSize *int, key string) (*ent.GroupBuyTeam, error) {
	size := 0
	if teamSize != nil {
		size = *teamSize
	}
	return mallsvc.OpenTeam(ctx, r.client(ctx), storeID, campaignID, skuID, buyerRef, size, key, r.now())
}

func (r *Resolver) joinGroupBuyTeam(ctx context.Context, teamID int, buyerRef, key string) (*ent.GroupBuyMember, error) {
	return mallsvc.JoinTeam(ctx, r.client(ctx), teamID, buyerRef, key, r.now())
}

// groupBuyTeam reads a team, settling it first when its time is up (the
// periodic task may not have run yet). Settling is the system's act, done
// after the caller's read permission was checked.
func (r *Resolver) groupBuyTeam(ctx context.Context, id int) (*ent.GroupBuyTeam, error) {
	t, err := r.client(ctx).GroupBuyTeam.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	now := r.now()
	if t.State == groupbuyteam.StateOPEN && !now.Before(t.ExpiresAt) {
		if _, err := mallsvc.SettleTeam(authz.SystemContext(ctx), r.Client, id, now); err != nil {
			return nil, err
		}
		return r.client(ctx).GroupBuyTeam.Get(ctx, id)
	}
	return t, nil
}

func (r *Resolver) startBargain(ctx context.Context, storeID, campaignID, skuID int, buyerRef, key string) (*ent.BargainSession, error) {
	return mallsvc.StartBargain(ctx, r.client(ctx), storeID, campaignID, skuID, buyerRef, key, r.now())
}

func (r *Resolver) helpBargain(ctx context.Context, sessionID int, buyerRef, key string) (*ent.BargainHelp, error) {
	return mallsvc.HelpBargain(ctx, r.client(ctx), sessionID, buyerRef, key, r.now())
}

func (r *Resolver) buyBargain(ctx context.Context, sessionID int, buyerRef, key string) (*ent.BargainSession, error) {
	return mallsvc.BuyBargain(ctx, r.client(ctx), sessionID, buyerRef, key, r.now())
}

// bargainSession reads a session, expiring it first when its time is up.
func (r *Resolver) bargainSession(ctx context.Context, id int) (*ent.BargainSession, error) {
	s, err := r.client(ctx).BargainSession.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	now := r.now()
	if (s.State == bargainsession.StateACTIVE || s.State == bargainsession.StateREACHED) && !now.Before(s.ExpiresAt) {
		if err := r.Client.BargainSession.UpdateOneID(id).
			Where(bargainsession.StateIn(bargainsession.StateACTIVE, bargainsession.StateREACHED), bargainsession.ExpiresAtLTE(now)).
			SetState(bargainsession.StateEXPIRED).Exec(authz.SystemContext(ctx)); err != nil && !ent.IsNotFound(err) {
			return nil, err
		}
		return r.client(ctx).BargainSession.Get(ctx, id)
	}
	return s, nil
}
