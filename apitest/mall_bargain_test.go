package apitest

import (
	"fmt"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/ent/bargainhelp"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/mall"
)

const (
	startBargainQ = `mutation($store: ID!, $c: ID!, $sku: ID!, $buyer: String!, $key: String!) {
		startBargain(storeID: $store, campaignID: $c, skuID: $sku, buyerRef: $buyer, idempotencyKey: $key) { id state currentPrice { amount } } }`
	helpBargainQ = `mutation($s: ID!, $buyer: String!, $key: String!) {
		helpBargain(sessionID: $s, buyerRef: $buyer, idempotencyKey: $key) { id seq cut { amount } priceAfter { amount } } }`
	buyBargainQ = `mutation($s: ID!, $buyer: String!, $key: String!) {
		buyBargain(sessionID: $s, buyerRef: $buyer, idempotencyKey: $key) { id state purchasedPrice { amount } } }`
	bargainQ = `query($id: ID!) { bargainSession(id: $id) { id state helpersCount currentPrice { amount } } }`
)

type sessionOut struct {
	ID, State    string
	HelpersCount int
	CurrentPrice struct{ Amount string }
}

// TestBargain: a session from 100.00 to the floor 10.00 in 4 helps; the
// cuts are the stored seed's sequence (sum exactly 90.00, each > 0), the
// initiator cannot help, one help per helper, the 5th help is refused, a
// FLOOR_ONLY purchase waits for the floor, a repeat of a help or a purchase
// returns the first answer, and an ANY_PRICE session expires.
func TestBargain(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		s := newMallShop(t, b)
		c := s.campaign(t, campaign.KindBARGAIN, schematype.CampaignRules{Bargain: &schematype.BargainRule{
			FloorPrice: 1000, MaxHelpers: 4, WithinHours: 1}})
		start := func(buyer, key string) sessionOut {
			var out struct{ StartBargain sessionOut }
			mustOK(t, s.env, s.mallTok, startBargainQ, vars("store", s.store, "c", c, "sku", s.sku, "buyer", buyer, "key", key), &out)
			return out.StartBargain
		}
		sess := start("me", "start-1")
		if sess.State != "ACTIVE" || sess.CurrentPrice.Amount != "100.00" {
			t.Fatalf("started %+v", sess)
		}
		if again := start("me", "start-1"); again.ID != sess.ID {
			t.Fatal("a repeated start made a second session")
		}
		help := func(buyer, key string) *testenv.Response {
			return gql(t, s.env, s.mallTok, helpBargainQ, map[string]any{"s": sess.ID, "buyer": buyer, "key": key})
		}
		buy := func(key string) *testenv.Response {
			return gql(t, s.env, s.mallTok, buyBargainQ, map[string]any{"s": sess.ID, "buyer": "me", "key": key})
		}
		wantCode(t, help("me", "h-0"), "CONFLICT") // the initiator
		stored := s.env.Client.BargainSession.GetX(sys, atoi(t, sess.ID))
		want, err := mall.Cuts(uint64(stored.Seed), 9000, 4)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			if i == 2 {
				wantCode(t, buy("buy-early"), "CONFLICT") // FLOOR_ONLY, still above the floor
				wantCode(t, help("friend-1", "h-dup"), "CONFLICT")
			}
			var h struct {
				HelpBargain struct {
					ID              string
					Seq             int
					Cut, PriceAfter struct{ Amount string }
				}
			}
			key := fmt.Sprintf("h-%d", i+1)
			mustOK(t, s.env, s.mallTok, helpBargainQ, map[string]any{"s": sess.ID, "buyer": fmt.Sprintf("friend-%d", i), "key": key}, &h)
			if h.HelpBargain.Seq != i+1 || h.HelpBargain.Cut.Amount != want[i].Amount() {
				t.Fatalf("help %d: %+v, want cut %s", i+1, h.HelpBargain, want[i].Amount())
			}
			var again struct{ HelpBargain struct{ ID string } }
			mustOK(t, s.env, s.mallTok, helpBargainQ, map[string]any{"s": sess.ID, "buyer": fmt.Sprintf("friend-%d", i), "key": key}, &again)
			if again.HelpBargain.ID != h.HelpBargain.ID {
				t.Fatal("a repeated help cut twice")
			}
		}
		var got struct{ BargainSession sessionOut }
		mustOK(t, s.env, s.mallTok, bargainQ, map[string]any{"id": sess.ID}, &got)
		if got.BargainSession.State != "REACHED" || got.BargainSession.CurrentPrice.Amount != "10.00" || got.BargainSession.HelpersCount != 4 {
			t.Fatalf("after 4 helps %+v", got.BargainSession)
		}
		wantCode(t, help("friend-9", "h-9"), "CONFLICT") // the floor is reached
		wantCode(t, gql(t, s.env, s.mallTok, buyBargainQ, map[string]any{"s": sess.ID, "buyer": "friend-1", "key": "b-x"}), "FORBIDDEN")
		var bought struct {
			BuyBargain struct {
				State          string
				PurchasedPrice struct{ Amount string }
			}
		}
		mustOK(t, s.env, s.mallTok, buyBargainQ, map[string]any{"s": sess.ID, "buyer": "me", "key": "buy-1"}, &bought)
		if bought.BuyBargain.State != "PURCHASED" || bought.BuyBargain.PurchasedPrice.Amount != "10.00" {
			t.Fatalf("bought %+v", bought.BuyBargain)
		}
		wantOK(t, buy("buy-1"))               // the same purchase again
		wantCode(t, buy("buy-2"), "CONFLICT") // a second purchase
		if n := s.env.Client.BargainHelp.Query().Where(bargainhelp.SessionID(atoi(t, sess.ID))).CountX(sys); n != 4 {
			t.Fatalf("%d helps stored", n)
		}

		// A session nobody finishes expires; helping it then is refused.
		other := start("you", "start-2")
		s.clock.Advance(time.Hour)
		mustOK(t, s.env, s.mallTok, bargainQ, map[string]any{"id": other.ID}, &got)
		if got.BargainSession.State != "EXPIRED" {
			t.Fatalf("expired session is %s", got.BargainSession.State)
		}
		wantCode(t, gql(t, s.env, s.mallTok, helpBargainQ, map[string]any{"s": other.ID, "buyer": "late", "key": "h-late"}), "CONFLICT")
	})
}

// TestBargainParallelHelps: 200 parallel helps (100 helpers, each twice) on
// a session that needs 50 → exactly 50 succeed, each helper at most once,
// and the price lands exactly on the floor.
func TestBargainParallelHelps(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		s := newMallShop(t, b)
		c := s.campaign(t, campaign.KindBARGAIN, schematype.CampaignRules{Bargain: &schematype.BargainRule{
			FloorPrice: 1000, MaxHelpers: 50, WithinHours: 24}})
		var out struct{ StartBargain sessionOut }
		mustOK(t, s.env, s.mallTok, startBargainQ, vars("store", s.store, "c", c, "sku", s.sku, "buyer", "me", "key", "k"), &out)
		id := out.StartBargain.ID
		got := parallel(200, func(i int) *testenv.Response {
			return gql(t, s.env, s.mallTok, helpBargainQ, map[string]any{"s": id, "buyer": fmt.Sprintf("f-%d", i%100), "key": fmt.Sprintf("k-%d", i)})
		})
		if got[""] != 50 || got["CONFLICT"] != 150 {
			t.Fatalf("answers %v, want 50 successes and 150 CONFLICT", got)
		}
		sess := s.env.Client.BargainSession.GetX(sys, atoi(t, id))
		helps := s.env.Client.BargainHelp.Query().Where(bargainhelp.SessionID(sess.ID)).AllX(sys)
		seen := map[string]bool{}
		var sum schematype.Money
		for _, h := range helps {
			if seen[h.HelperRef] {
				t.Fatalf("%s helped twice", h.HelperRef)
			}
			seen[h.HelperRef] = true
			sum += h.Cut
		}
		if len(helps) != 50 || sess.HelpersCount != 50 || sess.CurrentPrice != 1000 || sum != 9000 {
			t.Fatalf("%d helps, count %d, price %d, cuts sum %d", len(helps), sess.HelpersCount, sess.CurrentPrice, sum)
		}
	})
}
