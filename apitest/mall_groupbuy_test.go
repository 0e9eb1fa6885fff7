package apitest

import (
	"fmt"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/groupbuymember"
	"github.com/opsgraph/opsgraph/ent/groupbuyteam"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

// mallShop is a store with one SKU at 100.00 and a mall token (mall_app).
type mallShop struct {
	env             *testenv.Env
	clock           *testenv.Clock
	org, store, sku int
	mallTok, ownTok string
	otherTok        string
}

var mallT0 = time.Date(2026, 6, 18, 2, 0, 0, 0, time.UTC)

func newMallShop(t *testing.T, b testenv.Backend) *mallShop {
	t.Helper()
	clock := testenv.NewClock(mallT0)
	env := testenv.New(t, b, testenv.WithClock(clock.Now), testenv.WithoutSyncRunner())
	org := env.Org(t, "Brand", 0)
	other := env.Org(t, "Other", 0)
	s := &mallShop{env: env, clock: clock, org: org}
	s.ownTok = env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	s.mallTok = env.User(t, "mall@brand.test", testenv.Grant{Org: org, Role: authz.RoleMall})
	s.otherTok = env.User(t, "mall@other.test", testenv.Grant{Org: other, Role: authz.RoleMall})
	c := env.Client
	st := c.Store.Create().SetName("小程序商城").SetPlatform(store.PlatformTMALL).SetOrganizationID(org).SaveX(sys)
	p := c.Product.Create().SetStoreID(st.ID).SetTitle("面膜").SetPrice(10000).SaveX(sys)
	s.store = st.ID
	s.sku = c.SKU.Create().SetProductID(p.ID).SetName("10片").SetPrice(10000).SaveX(sys).ID
	return s
}

func (s *mallShop) campaign(t *testing.T, kind campaign.Kind, r schematype.CampaignRules) int {
	t.Helper()
	return s.env.Client.Campaign.Create().SetStoreID(s.store).SetName(string(kind)).SetKind(kind).SetStatus(campaign.StatusLIVE).
		SetStartsAt(mallT0.Add(-time.Hour)).SetEndsAt(mallT0.Add(30 * 24 * time.Hour)).SetRules(r).SaveX(sys).ID
}

const (
	teamFields = `id state size memberCount tierSize virtualFilled virtualMembers
		memberPrice { amount } leaderPrice { amount }
		members { buyerRef leader state pricePaid { amount } refundDue { amount } }`
	openTeamQ = `mutation($store: ID!, $c: ID!, $sku: ID!, $buyer: String!, $size: Int, $key: String!) {
		openGroupBuyTeam(storeID: $store, campaignID: $c, skuID: $sku, buyerRef: $buyer, teamSize: $size, idempotencyKey: $key) { ` + teamFields + ` } }`
	joinTeamQ = `mutation($team: ID!, $buyer: String!, $key: String!) {
		joinGroupBuyTeam(teamID: $team, buyerRef: $buyer, idempotencyKey: $key) { id buyerRef state pricePaid { amount } team { id state memberCount } } }`
	teamQ = `query($id: ID!) { groupBuyTeam(id: $id) { ` + teamFields + ` } }`
)

type teamOut struct {
	ID, State                   string
	Size, MemberCount, TierSize int
	VirtualFilled               bool
	VirtualMembers              int
	MemberPrice, LeaderPrice    struct{ Amount string }
	Members                     []struct {
		BuyerRef, State      string
		Leader               bool
		PricePaid, RefundDue struct{ Amount string }
	}
}

func (s *mallShop) open(t *testing.T, c int, buyer string, size any, key string) teamOut {
	t.Helper()
	var out struct{ OpenGroupBuyTeam teamOut }
	mustOK(t, s.env, s.mallTok, openTeamQ, vars("store", s.store, "c", c, "sku", s.sku, "buyer", buyer, "size", size, "key", key), &out)
	return out.OpenGroupBuyTeam
}

func (s *mallShop) join(t *testing.T, team, buyer, key string) *testenv.Response {
	t.Helper()
	return gql(t, s.env, s.mallTok, joinTeamQ, map[string]any{"team": team, "buyer": buyer, "key": key})
}

func (s *mallShop) team(t *testing.T, id string) teamOut {
	t.Helper()
	var out struct{ GroupBuyTeam teamOut }
	mustOK(t, s.env, s.mallTok, teamQ, map[string]any{"id": id}, &out)
	return out.GroupBuyTeam
}

func refunds(tm teamOut) map[string]string {
	m := map[string]string{}
	for _, x := range tm.Members {
		m[x.BuyerRef] = x.State + " " + x.PricePaid.Amount + " " + x.RefundDue.Amount
	}
	return m
}

// TestGroupBuyTeam: open (团长 price), idempotent repeats, join to form,
// refusals (formed, same buyer, leader twice, expired), failure at expiry
// with every member marked for refund, and another tenant kept out.
// Prices by hand: 2人团 10 % → 90.00, leader 15 % → 85.00.
func TestGroupBuyTeam(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		s := newMallShop(t, b)
		c := s.campaign(t, campaign.KindGROUP_BUY, schematype.CampaignRules{GroupBuy: &schematype.GroupBuyRule{
			Tiers: []schematype.GroupTier{{TeamSize: 2, PercentOff: 10}, {TeamSize: 3, PercentOff: 20}}, FormWithinHours: 1, LeaderPercentOff: 15}})

		tm := s.open(t, c, "leader-1", nil, "open-1")
		if tm.State != "OPEN" || tm.Size != 2 || tm.MemberCount != 1 || tm.MemberPrice.Amount != "90.00" || tm.LeaderPrice.Amount != "85.00" {
			t.Fatalf("opened %+v", tm)
		}
		if again := s.open(t, c, "leader-1", nil, "open-1"); again.ID != tm.ID {
			t.Fatalf("repeat opened %s, want %s", again.ID, tm.ID)
		}
		res := gql(t, s.env, s.mallTok, openTeamQ, vars("store", s.store, "c", c, "sku", s.sku, "buyer", "someone-else", "key", "open-1"))
		wantCode(t, res, "CONFLICT")
		if res.Errors[0].Extensions["field"] != "idempotencyKey" {
			t.Fatalf("conflict names %v", res.Errors[0].Extensions)
		}
		wantCode(t, gql(t, s.env, s.mallTok, openTeamQ, vars("store", s.store, "c", c, "sku", s.sku, "buyer", "x", "size", 4, "key", "open-x")), "BAD_USER_INPUT")
		wantCode(t, gql(t, s.env, s.mallTok, openTeamQ, vars("store", s.store, "c", c, "sku", s.sku, "buyer", "张三", "key", "open-y")), "BAD_USER_INPUT")

		// The leader cannot join twice; a friend forms the team; a repeat of
		// the join returns the same membership.
		wantCode(t, s.join(t, tm.ID, "leader-1", "j-0"), "CONFLICT")
		var j struct {
			JoinGroupBuyTeam struct {
				ID   string
				Team struct{ State string }
			}
		}
		mustOK(t, s.env, s.mallTok, joinTeamQ, map[string]any{"team": tm.ID, "buyer": "friend-1", "key": "j-1"}, &j)
		if j.JoinGroupBuyTeam.Team.State != "FORMED" {
			t.Fatalf("a full team is %s", j.JoinGroupBuyTeam.Team.State)
		}
		var j2 struct{ JoinGroupBuyTeam struct{ ID string } }
		mustOK(t, s.env, s.mallTok, joinTeamQ, map[string]any{"team": tm.ID, "buyer": "friend-1", "key": "j-1"}, &j2)
		if j2.JoinGroupBuyTeam.ID != j.JoinGroupBuyTeam.ID {
			t.Fatal("a repeated join made a second membership")
		}
		wantCode(t, s.join(t, tm.ID, "friend-2", "j-2"), "CONFLICT") // formed
		got := refunds(s.team(t, tm.ID))
		if got["leader-1"] != "FORMED 85.00 0.00" || got["friend-1"] != "FORMED 90.00 0.00" {
			t.Fatalf("members %v", got)
		}

		// A 3人团 that does not fill in an hour fails; everyone is owed what they paid.
		t3 := s.open(t, c, "leader-2", 3, "open-2")
		if t3.MemberPrice.Amount != "80.00" || t3.LeaderPrice.Amount != "80.00" {
			t.Fatalf("3人团 prices %+v", t3)
		}
		wantOK(t, s.join(t, t3.ID, "friend-3", "j-3"))
		wantCode(t, s.join(t, t3.ID, "friend-3", "j-4"), "CONFLICT") // same buyer, new key
		s.clock.Advance(time.Hour)
		wantCode(t, s.join(t, t3.ID, "friend-5", "j-5"), "CONFLICT") // expired
		failed := s.team(t, t3.ID)
		if failed.State != "FAILED" {
			t.Fatalf("expired team is %s", failed.State)
		}
		got = refunds(failed)
		if got["leader-2"] != "REFUND_DUE 80.00 80.00" || got["friend-3"] != "REFUND_DUE 80.00 80.00" || len(got) != 2 {
			t.Fatalf("members %v", got)
		}

		// Another tenant's mall cannot read or join the team.
		if res := gql(t, s.env, s.otherTok, teamQ, map[string]any{"id": tm.ID}); len(res.Errors) == 0 {
			t.Fatal("another tenant read the team")
		}
		if res := s.env.Do(t, testenv.Request{Token: s.otherTok, Query: joinTeamQ, Variables: map[string]any{"team": t3.ID, "buyer": "intruder", "key": "z"}}); len(res.Errors) == 0 {
			t.Fatal("another tenant joined the team")
		}
	})
}

// TestGroupBuyLadderAndVirtualFill runs the "mall.expire" task body on a
// 阶梯团 that reached its middle tier and on a team that 模拟成团 completes.
// By hand: tiers 2/10 %, 3/20 %, 5/30 %, leader 15 %; a ladder team of 3 at
// expiry is priced at 80.00: members paid 90.00 → 10.00 back, the leader paid
// 85.00 → 5.00 back. Virtual fill 40 % on a team of 5 with 3 real members:
// 3 + ⌊5 × 0.4⌋ = 5 → formed, 2 virtual members; with 2 real members it fails.
func TestGroupBuyLadderAndVirtualFill(t *testing.T) {
	s := newMallShop(t, testenv.SQLite)
	tiers := []schematype.GroupTier{{TeamSize: 2, PercentOff: 10}, {TeamSize: 3, PercentOff: 20}, {TeamSize: 5, PercentOff: 30}}
	ladder := s.campaign(t, campaign.KindGROUP_BUY, schematype.CampaignRules{GroupBuy: &schematype.GroupBuyRule{
		Tiers: tiers, FormWithinHours: 24, Ladder: true, LeaderPercentOff: 15}})
	virtual := s.campaign(t, campaign.KindGROUP_BUY, schematype.CampaignRules{GroupBuy: &schematype.GroupBuyRule{
		Tiers: []schematype.GroupTier{{TeamSize: 5, PercentOff: 30}}, FormWithinHours: 24, VirtualFillPercent: 40}})

	lt := s.open(t, ladder, "L", nil, "l-open")
	if lt.Size != 5 || lt.MemberPrice.Amount != "90.00" || lt.LeaderPrice.Amount != "85.00" {
		t.Fatalf("ladder team %+v", lt)
	}
	wantOK(t, s.join(t, lt.ID, "m1", "l-1"))
	wantOK(t, s.join(t, lt.ID, "m2", "l-2"))
	vt := s.open(t, virtual, "V", nil, "v-open")
	wantOK(t, s.join(t, vt.ID, "v1", "v-1"))
	wantOK(t, s.join(t, vt.ID, "v2", "v-2"))
	short := s.open(t, virtual, "W", nil, "w-open")
	wantOK(t, s.join(t, short.ID, "w1", "w-1"))

	if n, err := mallsvc.ExpireGroupBuys(sys, s.env.Client, s.clock.Now().Add(23*time.Hour)); err != nil || n != 0 {
		t.Fatalf("before expiry: %d settled, %v", n, err)
	}
	if n, err := mallsvc.ExpireGroupBuys(sys, s.env.Client, s.clock.Now().Add(24*time.Hour)); err != nil || n != 3 {
		t.Fatalf("at expiry: %d settled, %v", n, err)
	}
	got := s.team(t, lt.ID)
	r := refunds(got)
	if got.State != "FORMED" || got.TierSize != 3 || got.VirtualFilled ||
		r["L"] != "FORMED 85.00 5.00" || r["m1"] != "FORMED 90.00 10.00" || r["m2"] != "FORMED 90.00 10.00" {
		t.Fatalf("ladder team %+v %v", got, r)
	}
	got = s.team(t, vt.ID)
	if got.State != "FORMED" || !got.VirtualFilled || got.VirtualMembers != 2 || got.MemberCount != 3 || got.TierSize != 5 {
		t.Fatalf("virtual team %+v", got)
	}
	if got = s.team(t, short.ID); got.State != "FAILED" || got.VirtualFilled {
		t.Fatalf("short team %+v", got)
	}
	// The task is idempotent: nothing is left to settle.
	if n, err := mallsvc.ExpireGroupBuys(sys, s.env.Client, s.clock.Now().Add(48*time.Hour)); err != nil || n != 0 {
		t.Fatalf("second run: %d settled, %v", n, err)
	}
}

// TestGroupBuyParallelJoins: 200 parallel joins of a team of 5 (100 buyers,
// each twice with different keys) → exactly 4 succeed, the rest CONFLICT; the
// team holds 5 distinct members and formed. 50 parallel opens with one key
// make one team.
func TestGroupBuyParallelJoins(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		s := newMallShop(t, b)
		c := s.campaign(t, campaign.KindGROUP_BUY, schematype.CampaignRules{GroupBuy: &schematype.GroupBuyRule{
			Tiers: []schematype.GroupTier{{TeamSize: 5, PercentOff: 30}}, FormWithinHours: 24}})
		tm := s.open(t, c, "leader", nil, "open")
		toks := []string{s.mallTok} // several mall app tokens, as several app servers would hold
		for i := range 7 {
			toks = append(toks, s.env.User(t, fmt.Sprintf("mall%d@brand.test", i), testenv.Grant{Org: s.org, Role: authz.RoleMall}))
		}
		got := parallel(200, func(i int) *testenv.Response {
			return gql(t, s.env, toks[i%len(toks)], joinTeamQ, map[string]any{"team": tm.ID,
				"buyer": fmt.Sprintf("buyer-%d", i%100), "key": fmt.Sprintf("key-%d", i)})
		})
		if got[""] != 4 || got["CONFLICT"] != 196 {
			t.Fatalf("answers %v, want 4 successes and 196 CONFLICT", got)
		}
		id := atoi(t, tm.ID)
		team := s.env.Client.GroupBuyTeam.GetX(sys, id)
		members := s.env.Client.GroupBuyMember.Query().Where(groupbuymember.TeamID(id)).AllX(sys)
		seen := map[string]bool{}
		for _, m := range members {
			if seen[m.BuyerRef] {
				t.Fatalf("buyer %s is in the team twice", m.BuyerRef)
			}
			seen[m.BuyerRef] = true
		}
		if len(members) != 5 || team.MemberCount != 5 || team.State != groupbuyteam.StateFORMED {
			t.Fatalf("team has %d member rows, count %d, state %s", len(members), team.MemberCount, team.State)
		}

		got = parallel(50, func(int) *testenv.Response {
			return gql(t, s.env, s.mallTok, openTeamQ, vars("store", s.store, "c", c, "sku", s.sku, "buyer", "racer", "key", "same-key"))
		})
		if got[""] != 50 {
			t.Fatalf("idempotent opens: %v", got)
		}
		if n := s.env.Client.GroupBuyTeam.Query().Where(groupbuyteam.IdempotencyKey("same-key")).CountX(sys); n != 1 {
			t.Fatalf("%d teams for one key", n)
		}
	})
}
