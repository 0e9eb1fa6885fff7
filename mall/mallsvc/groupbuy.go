package mallsvc

import (
	"context"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/groupbuymember"
	"github.com/opsgraph/opsgraph/ent/groupbuyteam"
	"github.com/opsgraph/opsgraph/mall"
)

// OpenTeam opens a 拼团 team with buyerRef as its leader and first member.
// teamSize 0 picks the campaign's first tier.
func OpenTeam(ctx context.Context, client *ent.Client, storeID, campaignID, skuID int, buyerRef string, teamSize int, key string, now time.Time) (*ent.GroupBuyTeam, error) {
	if err := checkCall(buyerRef, key); err != nil {
		return nil, err
	}
	same := func(t *ent.GroupBuyTeam) (*ent.GroupBuyTeam, error) {
		if t.CampaignID != campaignID || t.SkuID != skuID || t.LeaderRef != buyerRef || (teamSize != 0 && teamSize != t.Size) {
			return nil, keyReused()
		}
		return t, nil
	}
	byKey := func() (*ent.GroupBuyTeam, error) {
		return client.GroupBuyTeam.Query().Where(groupbuyteam.StoreID(storeID), groupbuyteam.IdempotencyKey(key)).Only(ctx)
	}
	if t, err := byKey(); err == nil {
		return same(t)
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	c, s, err := offer(ctx, client, storeID, campaignID, skuID, campaign.KindGROUP_BUY, now)
	if err != nil {
		return nil, err
	}
	rule := c.Rules.GroupBuy
	if rule == nil {
		return nil, apperr.Input("campaignID", "the campaign has no 拼团 rules")
	}
	plan, err := mall.PlanTeam(rule, s.Price, teamSize, now)
	if err != nil {
		return nil, err
	}
	var team *ent.GroupBuyTeam
	err = savepoint(ctx, client, func() error {
		var err error
		team, err = client.GroupBuyTeam.Create().SetStoreID(storeID).SetCampaignID(campaignID).SetSkuID(skuID).
			SetLeaderRef(buyerRef).SetSize(plan.Size).SetLadder(rule.Ladder).SetListPrice(s.Price).
			SetMemberPrice(plan.MemberPrice).SetLeaderPrice(plan.LeaderPrice).SetMemberCount(1).
			SetExpiresAt(plan.ExpiresAt).SetIdempotencyKey(key).Save(ctx)
		if err != nil {
			return err
		}
		return client.GroupBuyMember.Create().SetStoreID(storeID).SetTeamID(team.ID).SetBuyerRef(buyerRef).
			SetLeader(true).SetPricePaid(plan.LeaderPrice).SetIdempotencyKey(key).Exec(ctx)
	})
	if ent.IsConstraintError(err) {
		// A repeat of this call won the race: return what it made.
		if t, err := byKey(); err == nil {
			return same(t)
		}
		return nil, apperr.New(apperr.Conflict, "the team could not be opened; retry")
	}
	return team, err
}

// JoinTeam adds buyerRef to an open team. The join that fills the team
// forms it.
func JoinTeam(ctx context.Context, client *ent.Client, teamID int, buyerRef, key string, now time.Time) (*ent.GroupBuyMember, error) {
	if err := checkCall(buyerRef, key); err != nil {
		return nil, err
	}
	team, err := client.GroupBuyTeam.Get(ctx, teamID)
	if err != nil {
		return nil, err
	}
	same := func(m *ent.GroupBuyMember) (*ent.GroupBuyMember, error) {
		if m.TeamID != teamID || m.BuyerRef != buyerRef {
			return nil, keyReused()
		}
		return m, nil
	}
	byKey := func() (*ent.GroupBuyMember, error) {
		return client.GroupBuyMember.Query().Where(groupbuymember.StoreID(team.StoreID), groupbuymember.IdempotencyKey(key)).Only(ctx)
	}
	if m, err := byKey(); err == nil {
		return same(m)
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	already, err := client.GroupBuyMember.Query().Where(groupbuymember.TeamID(teamID), groupbuymember.BuyerRef(buyerRef)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if err := mall.CanJoin(ruleTeam(team), already, now); err != nil {
		return nil, err
	}
	var m *ent.GroupBuyMember
	full := false
	err = savepoint(ctx, client, func() error {
		// The guard: a seat is taken only while the team is open, unexpired
		// and not full, in one statement.
		n, err := client.GroupBuyTeam.Update().
			Where(groupbuyteam.ID(teamID), groupbuyteam.StateEQ(groupbuyteam.StateOPEN), groupbuyteam.ExpiresAtGT(now),
				func(s *sql.Selector) {
					s.Where(sql.ColumnsLT(s.C(groupbuyteam.FieldMemberCount), s.C(groupbuyteam.FieldSize)))
				}).
			AddMemberCount(1).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return errNoSeat
		}
		m, err = client.GroupBuyMember.Create().SetStoreID(team.StoreID).SetTeamID(teamID).SetBuyerRef(buyerRef).
			SetPricePaid(team.MemberPrice).SetIdempotencyKey(key).Save(ctx)
		if err != nil {
			return err
		}
		full, err = client.GroupBuyTeam.Query().Where(groupbuyteam.ID(teamID),
			func(s *sql.Selector) {
				s.Where(sql.ColumnsGTE(s.C(groupbuyteam.FieldMemberCount), s.C(groupbuyteam.FieldSize)))
			}).Exist(ctx)
		return err
	})
	switch {
	case err == errNoSeat:
		fresh, ferr := client.GroupBuyTeam.Get(ctx, teamID)
		if ferr != nil {
			return nil, ferr
		}
		if cerr := mall.CanJoin(ruleTeam(fresh), false, now); cerr != nil {
			return nil, cerr
		}
		return nil, apperr.New(apperr.Conflict, "the team is full")
	case ent.IsConstraintError(err):
		if m, kerr := byKey(); kerr == nil {
			return same(m)
		}
		return nil, apperr.New(apperr.Conflict, "the buyer is in this team already")
	case err != nil:
		return nil, err
	}
	if full {
		if _, err := settle(ctx, client, teamID, now); err != nil {
			return nil, err
		}
		return client.GroupBuyMember.Get(ctx, m.ID)
	}
	return m, nil
}

var errNoSeat = apperr.New(apperr.Conflict, "no seat")

func ruleTeam(t *ent.GroupBuyTeam) mall.Team {
	return mall.Team{State: mall.TeamState(t.State), Size: t.Size, Members: t.MemberCount, ExpiresAt: t.ExpiresAt}
}

// SettleTeam forms or fails a team whose time is up (or that is full), in its
// own transaction, and reports whether it changed. Reads call it lazily, the
// periodic task for every due team.
func SettleTeam(ctx context.Context, client *ent.Client, teamID int, now time.Time) (bool, error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, err
	}
	changed, err := settle(ctx, tx.Client(), teamID, now)
	if err != nil {
		_ = tx.Rollback()
		return false, err
	}
	return changed, tx.Commit()
}

// settle applies mall.Settle to a team with a conditional update from OPEN,
// then marks its members FORMED (with the ladder refund due) or REFUND_DUE.
func settle(ctx context.Context, client *ent.Client, teamID int, now time.Time) (bool, error) {
	t, err := client.GroupBuyTeam.Query().Where(groupbuyteam.ID(teamID)).WithCampaign().Only(ctx)
	if err != nil {
		return false, err
	}
	if t.State != groupbuyteam.StateOPEN || t.Edges.Campaign == nil || t.Edges.Campaign.Rules.GroupBuy == nil {
		return false, nil
	}
	rule := *t.Edges.Campaign.Rules.GroupBuy
	rule.Ladder = t.Ladder // the team keeps the shape it was opened with
	out := mall.Settle(&rule, ruleTeam(t), now)
	if out.State == mall.TeamOpen {
		return false, nil
	}
	upd := client.GroupBuyTeam.Update().Where(groupbuyteam.ID(teamID), groupbuyteam.StateEQ(groupbuyteam.StateOPEN),
		groupbuyteam.MemberCount(t.MemberCount)).
		SetState(groupbuyteam.State(out.State)).SetSettledAt(now)
	if out.State == mall.TeamFormed {
		upd = upd.SetTierSize(out.TierSize).SetVirtualFilled(out.VirtualMembers > 0).SetVirtualMembers(out.VirtualMembers)
	}
	n, err := upd.Save(ctx)
	if err != nil || n == 0 {
		return false, err
	}
	state := groupbuymember.StateFORMED
	if out.State == mall.TeamFailed {
		state = groupbuymember.StateREFUND_DUE
	}
	for _, leader := range []bool{true, false} {
		paid := t.MemberPrice
		if leader {
			paid = t.LeaderPrice
		}
		due := mall.RefundDue(&rule, t.ListPrice, paid, leader, out)
		if err := client.GroupBuyMember.Update().Where(groupbuymember.TeamID(teamID), groupbuymember.Leader(leader)).
			SetState(state).SetRefundDue(due).Exec(ctx); err != nil {
			return false, err
		}
	}
	return true, nil
}

// ExpireGroupBuys settles every open team whose time is up at now, each in
// its own transaction, and returns how many changed. It is one half of the
// "mall.expire" periodic task (with ExpireBargains).
func ExpireGroupBuys(ctx context.Context, client *ent.Client, now time.Time) (int, error) {
	ids, err := client.GroupBuyTeam.Query().
		Where(groupbuyteam.StateEQ(groupbuyteam.StateOPEN), groupbuyteam.ExpiresAtLTE(now)).
		Order(ent.Asc(groupbuyteam.FieldExpiresAt)).Limit(1000).IDs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		changed, err := SettleTeam(ctx, client, id, now)
		if err != nil {
			return n, err
		}
		if changed {
			n++
		}
	}
	return n, nil
}
