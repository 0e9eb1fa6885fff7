package mall

import (
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

var t0 = time.Date(2026, 6, 18, 10, 0, 0, 0, time.UTC)

func tiers() []schematype.GroupTier {
	return []schematype.GroupTier{{TeamSize: 2, PercentOff: 10}, {TeamSize: 3, PercentOff: 20}, {TeamSize: 5, PercentOff: 30}}
}

func TestPriceAt(t *testing.T) {
	for _, c := range []struct {
		list Money
		pct  int
		want Money
	}{
		{10000, 10, 9000},
		{999, 15, 850}, // 149.85 fen off, truncated to 149
		{1, 99, 1},     // 0.99 fen off truncates to 0
		{10000, 0, 10000},
	} {
		if got := PriceAt(c.list, c.pct); got != c.want {
			t.Errorf("PriceAt(%d, %d) = %d, want %d", c.list, c.pct, got, c.want)
		}
	}
}

func TestPlanTeam(t *testing.T) {
	cases := []struct {
		name                 string
		rule                 schematype.GroupBuyRule
		size                 int
		wantSize             int
		wantMember, wantLead Money
		wantField            string
	}{
		{"default size is the first tier", schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24}, 0, 2, 9000, 9000, ""},
		{"chosen tier", schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24}, 3, 3, 8000, 8000, ""},
		{"leader price", schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24, LeaderPercentOff: 15}, 0, 2, 9000, 8500, ""},
		{"leader price below the tier's is not raised", schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24, LeaderPercentOff: 15}, 5, 5, 7000, 7000, ""},
		{"no such tier", schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24}, 4, 0, 0, 0, "teamSize"},
		{"ladder grows to the largest tier at the shallowest price", schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24, Ladder: true, LeaderPercentOff: 15}, 0, 5, 9000, 8500, ""},
		{"ladder size is fixed", schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24, Ladder: true}, 3, 0, 0, 0, "teamSize"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := PlanTeam(&c.rule, 10000, c.size, t0)
			if c.wantField != "" {
				var ae *apperr.Error
				if err == nil || !asAppErr(err, &ae) || ae.Field != c.wantField {
					t.Fatalf("err = %v, want BAD_USER_INPUT on %s", err, c.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Size != c.wantSize || p.MemberPrice != c.wantMember || p.LeaderPrice != c.wantLead {
				t.Errorf("plan = %+v, want size %d member %d leader %d", p, c.wantSize, c.wantMember, c.wantLead)
			}
			if !p.ExpiresAt.Equal(t0.Add(24 * time.Hour)) {
				t.Errorf("expires %s", p.ExpiresAt)
			}
		})
	}
}

func TestCanJoin(t *testing.T) {
	open := Team{State: TeamOpen, Size: 3, Members: 1, ExpiresAt: t0.Add(time.Hour)}
	full := open
	full.Members = 3
	formed := open
	formed.State = TeamFormed
	failed := open
	failed.State = TeamFailed
	cases := []struct {
		name    string
		team    Team
		already bool
		at      time.Time
		ok      bool
	}{
		{"open team", open, false, t0, true},
		{"last second", open, false, t0.Add(time.Hour - time.Nanosecond), true},
		{"at expiry", open, false, t0.Add(time.Hour), false},
		{"same buyer twice", open, true, t0, false},
		{"full", full, false, t0, false},
		{"formed", formed, false, t0, false},
		{"failed", failed, false, t0, false},
	}
	for _, c := range cases {
		err := CanJoin(c.team, c.already, c.at)
		if c.ok != (err == nil) {
			t.Errorf("%s: err = %v", c.name, err)
		}
		if err != nil {
			if code, _ := apperr.CodeOf(err); code != apperr.Conflict {
				t.Errorf("%s: code %s, want CONFLICT", c.name, code)
			}
		}
	}
}

func TestSettleAndRefund(t *testing.T) {
	plain := schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24}
	virtual40 := schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24, VirtualFillPercent: 40}
	virtual39 := schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24, VirtualFillPercent: 39}
	ladder := schematype.GroupBuyRule{Tiers: tiers(), FormWithinHours: 24, Ladder: true, LeaderPercentOff: 15}
	exp := t0.Add(24 * time.Hour)
	before, after := exp.Add(-time.Second), exp
	cases := []struct {
		name    string
		rule    schematype.GroupBuyRule
		team    Team
		at      time.Time
		want    Outcome
		paid    Money // a member's payment
		leader  bool
		wantDue Money
	}{
		{"full team forms at once", plain, Team{TeamOpen, 3, 3, exp}, before, Outcome{TeamFormed, 3, 0}, 8000, false, 0},
		{"not full, not expired: open", plain, Team{TeamOpen, 5, 2, exp}, before, Outcome{TeamOpen, 0, 0}, 7000, false, 0},
		{"expired short: fails, full refund", plain, Team{TeamOpen, 2, 1, exp}, after, Outcome{TeamFailed, 0, 0}, 9000, false, 9000},
		// 3 real + ⌊5 × 40 / 100⌋ = 3 + 2 = 5 ≥ 5.
		{"virtual fill completes", virtual40, Team{TeamOpen, 5, 3, exp}, after, Outcome{TeamFormed, 5, 2}, 7000, false, 0},
		// 2 real + 2 = 4 < 5.
		{"virtual fill too small", virtual40, Team{TeamOpen, 5, 2, exp}, after, Outcome{TeamFailed, 0, 0}, 7000, false, 7000},
		// ⌊5 × 39 / 100⌋ = 1: 3 + 1 = 4 < 5 (the floor matters).
		{"virtual fill is floored", virtual39, Team{TeamOpen, 5, 3, exp}, after, Outcome{TeamFailed, 0, 0}, 7000, false, 7000},
		{"virtual fill waits for expiry", virtual40, Team{TeamOpen, 5, 3, exp}, before, Outcome{TeamOpen, 0, 0}, 7000, false, 0},
		// Ladder: paid 9000 (10 %), reached 3 (20 % → 8000): 1000 back.
		{"ladder reaches tier 3 at expiry", ladder, Team{TeamOpen, 5, 3, exp}, after, Outcome{TeamFormed, 3, 0}, 9000, false, 1000},
		{"ladder with 4 stays at tier 3", ladder, Team{TeamOpen, 5, 4, exp}, after, Outcome{TeamFormed, 3, 0}, 9000, false, 1000},
		// Full ladder: 30 % → 7000; member gets 2000 back, leader (paid 8500 at 15 %) 1500.
		{"ladder full: member", ladder, Team{TeamOpen, 5, 5, exp}, before, Outcome{TeamFormed, 5, 0}, 9000, false, 2000},
		{"ladder full: leader", ladder, Team{TeamOpen, 5, 5, exp}, before, Outcome{TeamFormed, 5, 0}, 8500, true, 1500},
		// Tier 3 is 20 %, the leader's 15 % is shallower: leader pays 8000 too.
		{"ladder tier 3: leader", ladder, Team{TeamOpen, 5, 3, exp}, after, Outcome{TeamFormed, 3, 0}, 8500, true, 500},
		{"ladder below the first tier fails", ladder, Team{TeamOpen, 5, 1, exp}, after, Outcome{TeamFailed, 0, 0}, 8500, true, 8500},
		{"formed is final", plain, Team{TeamFormed, 3, 3, exp}, after, Outcome{TeamFormed, 0, 0}, 8000, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Settle(&c.rule, c.team, c.at)
			if got != c.want {
				t.Fatalf("Settle = %+v, want %+v", got, c.want)
			}
			if due := RefundDue(&c.rule, 10000, c.paid, c.leader, got); due != c.wantDue {
				t.Errorf("RefundDue = %d, want %d", due, c.wantDue)
			}
		})
	}
}
