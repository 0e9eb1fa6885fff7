package promosvc_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/alerts/alertsvc"
	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/collaboration"
	"github.com/opsgraph/opsgraph/ent/kolpartner"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/promo/promosvc"
)

var sys = authz.SystemContext(context.Background())

// noRunner keeps the server's own clock out of the way: the test runs Tick itself.
func noRunner(c *app.Config) { c.NoSyncRunner = true }

var day = 24 * time.Hour

func seedStore(t *testing.T, c *ent.Client) (org, storeID int) {
	o := c.Organization.Create().SetName("Brand").SaveX(sys)
	s := c.Store.Create().SetName("Tmall").SetPlatform(store.PlatformTMALL).SetOrganizationID(o.ID).SaveX(sys)
	return o.ID, s.ID
}

// tickAll runs Tick from n goroutines at once, as n replicas would, and sums
// what they did.
func tickAll(t *testing.T, c *ent.Client, n int, now time.Time) promosvc.TickResult {
	return tickAllTo(t, c, nil, n, now)
}

// tickAllTo is tickAll handing the alerts to b.
func tickAllTo(t *testing.T, c *ent.Client, b *alertsvc.Broker, n int, now time.Time) promosvc.TickResult {
	var mu sync.Mutex
	var sum promosvc.TickResult
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := promosvc.Tick(sys, c, now, b)
			if err != nil {
				t.Errorf("tick: %v", err)
			}
			mu.Lock()
			sum.Moved += res.Moved
			sum.Alerted += res.Alerted
			sum.Paused += res.Paused
			mu.Unlock()
		}()
	}
	wg.Wait()
	return sum
}

// TestTickPhases: a 双11-style campaign goes SCHEDULED → WARM_UP → LIVE →
// ENCORE → ENDED at its phase boundaries, each move exactly once although
// eight replicas tick at the same moment, and ticking again changes nothing.
func TestTickPhases(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b, noRunner)
		c := env.Client
		_, st := seedStore(t, c)
		t0 := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
		phases := []schematype.CampaignPhase{
			{Name: schematype.PhaseWarmUp, StartsAt: t0, EndsAt: t0.Add(10 * day)},
			{Name: schematype.PhasePeak, StartsAt: t0.Add(10 * day), EndsAt: t0.Add(12 * day)},
			{Name: schematype.PhaseEncore, StartsAt: t0.Add(12 * day), EndsAt: t0.Add(14 * day)},
		}
		cp := c.Campaign.Create().SetStoreID(st).SetName("双11").SetKind(campaign.KindFULL_REDUCTION).
			SetStatus(campaign.StatusSCHEDULED).SetStartsAt(t0).SetEndsAt(t0.Add(14 * day)).SetPhases(phases).
			SetRules(schematype.CampaignRules{FullReduction: &schematype.FullReductionRule{Tiers: []schematype.ReductionTier{{Threshold: 30000, Reduction: 5000}}}}).
			SaveX(sys)
		steps := []struct {
			at   time.Time
			want campaign.Status
		}{
			{t0.Add(-time.Hour), campaign.StatusSCHEDULED},
			{t0, campaign.StatusWARM_UP},
			{t0.Add(10 * day), campaign.StatusLIVE},
			{t0.Add(12 * day), campaign.StatusENCORE},
			{t0.Add(14 * day), campaign.StatusENDED},
		}
		prev := campaign.StatusSCHEDULED
		for _, s := range steps {
			res := tickAll(t, c, 8, s.at)
			wantMoved := 0
			if s.want != prev {
				wantMoved = 1
			}
			if res.Moved != wantMoved {
				t.Fatalf("at %s: %d moves across 8 replicas, want %d", s.at, res.Moved, wantMoved)
			}
			if got := c.Campaign.GetX(sys, cp.ID).Status; got != s.want {
				t.Fatalf("at %s: status %s, want %s", s.at, got, s.want)
			}
			if again := tickAll(t, c, 1, s.at); again.Moved != 0 {
				t.Fatalf("second tick moved %d", again.Moved)
			}
			prev = s.want
		}
		// Paused, cancelled and draft campaigns are left alone by the clock.
		for _, st2 := range []campaign.Status{campaign.StatusPAUSED, campaign.StatusCANCELLED, campaign.StatusDRAFT} {
			x := c.Campaign.Create().SetStoreID(st).SetName(string(st2)).SetKind(campaign.KindCOUPON).SetStatus(st2).
				SetStartsAt(t0).SetEndsAt(t0.Add(day)).
				SetRules(schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: 500, MinSpend: 5000, Quantity: 10, PerUser: 1}}).SaveX(sys)
			tickAll(t, c, 2, t0.Add(2*day))
			if got := c.Campaign.GetX(sys, x.ID).Status; got != st2 {
				t.Fatalf("%s campaign moved to %s", st2, got)
			}
		}
	})
}

// TestTickBudget: spend is computed from KOL fees (and discounts given); at
// 90 % one alert is raised, at 100 % the campaign is paused with one critical
// alert, however many replicas tick.
func TestTickBudget(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b, noRunner)
		c := env.Client
		org, st := seedStore(t, c)
		now := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
		cp := c.Campaign.Create().SetStoreID(st).SetName("直播秒杀").SetKind(campaign.KindCOUPON).
			SetStatus(campaign.StatusLIVE).SetStartsAt(now.Add(-day)).SetEndsAt(now.Add(day)).SetBudget(100000).SetPlatformCouponIds([]string{"coupon-1"}).
			SetRules(schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: 500, MinSpend: 5000, Quantity: 10, PerUser: 1}}).SaveX(sys)
		kol := c.KOLPartner.Create().SetOrganizationID(org).SetPlatform(kolpartner.PlatformDOUYIN).SetHandle("lulu").SetTier(kolpartner.TierMID).SaveX(sys)
		co := c.Collaboration.Create().SetKolPartnerID(kol.ID).SetCampaignID(cp.ID).SetFee(80000).SetStatus(collaboration.StatusCONFIRMED).SaveX(sys)
		// A proposed fee is not spent yet.
		c.Collaboration.Create().SetKolPartnerID(kol.ID).SetCampaignID(cp.ID).SetFee(500000).SetStatus(collaboration.StatusPROPOSED).ExecX(sys)
		alerts := func(k alert.Kind) int { return c.Alert.Query().Where(alert.KindEQ(k)).CountX(sys) }
		// alertRaised subscribers get each alert once, after it committed.
		broker := &alertsvc.Broker{}
		raised, cancel := broker.Subscribe(func(a *ent.Alert) bool { return a.OrganizationID == org })
		defer cancel()
		received := func() map[alert.Kind]int {
			got := map[alert.Kind]int{}
			for {
				select {
				case a := <-raised:
					if _, err := c.Alert.Get(sys, a.ID); err != nil {
						t.Errorf("alert %d delivered but not committed: %v", a.ID, err)
					}
					got[a.Kind]++
				default:
					return got
				}
			}
		}

		res := tickAllTo(t, c, broker, 8, now)
		if got := c.Campaign.GetX(sys, cp.ID); got.Spend != 80000 || res.Alerted != 0 || got.Status != campaign.StatusLIVE {
			t.Fatalf("80 %%: spend %d status %s, %+v", got.Spend, got.Status, res)
		}
		c.Collaboration.UpdateOneID(co.ID).SetFee(90000).ExecX(sys)
		res = tickAllTo(t, c, broker, 8, now)
		if res.Alerted != 1 || alerts(alert.KindCAMPAIGN_BUDGET) != 1 || res.Paused != 0 {
			t.Fatalf("90 %%: %+v, %d alerts", res, alerts(alert.KindCAMPAIGN_BUDGET))
		}
		if got := received(); got[alert.KindCAMPAIGN_BUDGET] != 1 || len(got) != 1 {
			t.Errorf("90 %%: subscribers got %v, want one CAMPAIGN_BUDGET", got)
		}
		// A paid order redeeming the campaign's coupon with a ¥100 seller
		// discount: attributed to it, the discount is spend.
		c.Order.Create().SetStoreID(st).SetPlatform(order.PlatformOTHER).SetExternalID("o-1").SetStatus(order.StatusPAID).
			SetTotal(50000).SetPaid(50000).SetDiscount(10000).SetOrderedAt(now.Add(-time.Hour)).SetPaidAt(now.Add(-time.Hour)).
			SetCouponIds([]string{"coupon-1"}).ExecX(sys)
		res = tickAllTo(t, c, broker, 8, now)
		got := c.Campaign.GetX(sys, cp.ID)
		if got.Spend != 100000 || got.DiscountGiven != 10000 || got.Status != campaign.StatusPAUSED || res.Paused != 1 || alerts(alert.KindCAMPAIGN_PAUSED) != 1 {
			t.Fatalf("100 %%: spend %d status %s, %+v", got.Spend, got.Status, res)
		}
		if got := received(); got[alert.KindCAMPAIGN_PAUSED] != 1 || len(got) != 1 {
			t.Errorf("100 %%: subscribers got %v, want one CAMPAIGN_PAUSED", got)
		}
		if res = tickAllTo(t, c, broker, 4, now); res != (promosvc.TickResult{}) || alerts(alert.KindCAMPAIGN_BUDGET) != 1 {
			t.Fatalf("ticking again: %+v", res)
		}
		if got := received(); len(got) != 0 {
			t.Errorf("ticking again delivered %v", got)
		}
		// Resuming is refused while the budget is used up.
		if _, err := promosvc.Resume(sys, c, cp.ID, now); err == nil {
			t.Fatal("resumed a campaign over budget")
		}
	})
}
