// Package mall owns the rules of the mini-program mall's mechanics: 拼团
// (group buy) and 砍价 (bargain) here, flash sales and coupons beside them.
// It is plain Go: no database, no GraphQL. The services in mall/mallsvc load
// and save through ent and ask these functions what to do.
package mall

import (
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// Money is an amount in fen.
type Money = schematype.Money

// TeamState is the state of a 拼团 team: OPEN → FORMED, or OPEN → FAILED at
// expiry. FORMED and FAILED are final.
type TeamState string

// Team states.
const (
	TeamOpen   TeamState = "OPEN"
	TeamFormed TeamState = "FORMED"
	TeamFailed TeamState = "FAILED"
)

// PriceAt is the unit price of list at percentOff, the discount truncated to
// the fen as the campaign engine does (promo: pctOf).
func PriceAt(list Money, percentOff int) Money {
	return list - Money(int64(list)*int64(percentOff)/100)
}

// TeamPlan is what a new team is: its size, when it expires and what its
// leader and members pay up front.
type TeamPlan struct {
	Size        int
	ExpiresAt   time.Time
	MemberPrice Money // paid up front by members
	LeaderPrice Money // paid up front by the leader (团长 price)
}

// PlanTeam plans a team opened at now for a SKU at list price. size 0 picks
// the first tier; a ladder team always grows to the largest tier, and its
// price is the shallowest tier's.
func PlanTeam(r *schematype.GroupBuyRule, list Money, size int, now time.Time) (TeamPlan, error) {
	if len(r.Tiers) == 0 {
		return TeamPlan{}, apperr.Input("campaignID", "the campaign has no 拼团 tiers")
	}
	if list <= 0 {
		return TeamPlan{}, apperr.Input("skuID", "the SKU has no price")
	}
	tier := r.Tiers[0]
	if r.Ladder {
		if size != 0 && size != r.TeamSizeMax() {
			return TeamPlan{}, apperr.Input("teamSize", "a ladder team (阶梯团) grows to %d; leave teamSize out", r.TeamSizeMax())
		}
		size = r.TeamSizeMax()
	} else if size == 0 {
		size = tier.TeamSize
	} else {
		found := false
		for _, t := range r.Tiers {
			if t.TeamSize == size {
				tier, found = t, true
			}
		}
		if !found {
			return TeamPlan{}, apperr.Input("teamSize", "the campaign has no team of %d", size)
		}
	}
	p := TeamPlan{Size: size, ExpiresAt: now.Add(time.Duration(r.FormWithinHours) * time.Hour)}
	p.MemberPrice = PriceAt(list, tier.PercentOff)
	p.LeaderPrice = leaderPrice(r, list, tier.PercentOff)
	return p, nil
}

// leaderPrice is the leader's price when members get percentOff: the 团长
// price when it is lower.
func leaderPrice(r *schematype.GroupBuyRule, list Money, percentOff int) Money {
	return PriceAt(list, max(percentOff, r.LeaderPercentOff))
}

// Team is what the rules need to know about a team.
type Team struct {
	State     TeamState
	Size      int
	Members   int // real members, the leader included
	ExpiresAt time.Time
}

// CanJoin reports why buyer may not join the team at now (CONFLICT), or nil.
// already says whether buyer is a member already (the leader included).
func CanJoin(t Team, already bool, now time.Time) error {
	switch {
	case t.State == TeamFormed:
		return apperr.New(apperr.Conflict, "the team has formed already")
	case t.State == TeamFailed:
		return apperr.New(apperr.Conflict, "the team failed to form")
	case !now.Before(t.ExpiresAt):
		return apperr.New(apperr.Conflict, "the team expired at %s", t.ExpiresAt.UTC().Format(time.RFC3339))
	case already:
		return apperr.New(apperr.Conflict, "the buyer is in this team already")
	case t.Members >= t.Size:
		return apperr.New(apperr.Conflict, "the team is full")
	}
	return nil
}

// Outcome is what becomes of a team: its state, the tier (team size) whose
// price applies when it formed, and the virtual members 模拟成团 added.
type Outcome struct {
	State          TeamState
	TierSize       int
	VirtualMembers int
}

// Settle is the outcome of a team at now. A team that reached its size forms
// at once. At expiry, an open team forms when a ladder team reached its first
// tier, or when the virtual fill completes it (real + ⌊size × percent/100⌋ ≥
// size, marked virtual for audit); otherwise it fails.
func Settle(r *schematype.GroupBuyRule, t Team, now time.Time) Outcome {
	if t.State != TeamOpen {
		return Outcome{State: t.State}
	}
	if t.Members >= t.Size {
		return Outcome{State: TeamFormed, TierSize: t.Size}
	}
	if now.Before(t.ExpiresAt) {
		return Outcome{State: TeamOpen}
	}
	if r.Ladder && len(r.Tiers) > 0 && t.Members >= r.Tiers[0].TeamSize {
		return Outcome{State: TeamFormed, TierSize: reachedTier(r, t.Members).TeamSize}
	}
	if r.VirtualFillPercent > 0 && t.Members+t.Size*r.VirtualFillPercent/100 >= t.Size {
		return Outcome{State: TeamFormed, TierSize: t.Size, VirtualMembers: t.Size - t.Members}
	}
	return Outcome{State: TeamFailed}
}

// reachedTier is the deepest tier a team of n reaches (the first one when n
// reaches none).
func reachedTier(r *schematype.GroupBuyRule, n int) schematype.GroupTier {
	t := r.Tiers[0]
	for _, x := range r.Tiers {
		if n >= x.TeamSize {
			t = x
		}
	}
	return t
}

// RefundDue is what a member who paid paid is owed after the outcome: all of
// it when the team failed; for a formed team the difference between what
// was paid and the price of the tier it reached (阶梯团), never negative.
func RefundDue(r *schematype.GroupBuyRule, list, paid Money, leader bool, o Outcome) Money {
	switch o.State {
	case TeamFailed:
		return paid
	case TeamFormed:
		if len(r.Tiers) == 0 {
			return 0
		}
		pct := reachedTier(r, o.TierSize).PercentOff
		price := PriceAt(list, pct)
		if leader {
			price = leaderPrice(r, list, pct)
		}
		return max(0, paid-price)
	}
	return 0
}
