package apitest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/flashreservation"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

const (
	reserveQ = `mutation($k: String!, $c: ID!, $slot: Int!, $sku: ID!, $b: String!, $q: Int!) {
		reserveFlashSale(idempotencyKey: $k, campaignID: $c, slot: $slot, skuID: $sku, buyerRef: $b, quantity: $q) {
			id state quantity buyerRef expiresAt } }`
	slotQ  = `query($c: ID!, $slot: Int!) { flashSaleSlot(campaignID: $c, slot: $slot) { stock remaining reserved } }`
	claimQ = `mutation($k: String!, $c: ID!, $b: String!) {
		claimCoupon(idempotencyKey: $k, campaignID: $c, buyerRef: $b) { id state expiresAt } }`
	placeQ = `mutation($k: String!, $s: ID!, $b: String!, $lines: [MallOrderLineInput!]!, $coupons: [ID!], $resv: [ID!]) {
		placeMallOrder(idempotencyKey: $k, storeID: $s, buyerRef: $b, lines: $lines, couponIDs: $coupons, reservationIDs: $resv) {
			id status subtotal { amount } discount { amount } total { amount } reservationIDs couponIDs
			lines { skuID quantity amount { amount } discountShares { campaignID kind amount { amount } } } } }`
	orderVerbQ = `mutation($k: String!, $o: ID!) { %s(idempotencyKey: $k, orderID: $o) { id status reservationIDs couponIDs } }`
)

type reserveOut struct {
	ReserveFlashSale struct {
		ID, State, BuyerRef string
		Quantity            int
	}
}

type slotOut struct {
	FlashSaleSlot struct{ Stock, Remaining, Reserved int }
}

type mallOrderOut struct {
	ID, Status                string
	Subtotal, Discount, Total struct{ Amount string }
	ReservationIDs, CouponIDs []string
	Lines                     []struct {
		SkuID          string
		Quantity       int
		Amount         struct{ Amount string }
		DiscountShares []struct {
			CampaignID, Kind string
			Amount           struct{ Amount string }
		}
	}
}

// mallWorld is a brand with two stores: A runs a 秒杀 and a coupon campaign,
// B another 秒杀; the mall's token is scoped to store A.
type mallWorld struct {
	env                   *testenv.Env
	clock                 *testenv.Clock
	org, storeA, storeB   int
	skuA, skuB            int
	flash, coupon, flashB int
	owner, mallTok        string
}

func newMallWorld(t *testing.T, b testenv.Backend, stock, perUser, coupons, couponsPerUser int) *mallWorld {
	t.Helper()
	now := time.Date(2026, 6, 18, 2, 0, 0, 0, time.UTC)
	clock := testenv.NewClock(now)
	env := testenv.New(t, b, testenv.WithClock(clock.Now), testenv.WithoutSyncRunner())
	w := &mallWorld{env: env, clock: clock}
	w.org = env.Org(t, "Brand", 0)
	w.owner = env.User(t, "owner@brand.test", testenv.Grant{Org: w.org, Role: authz.RoleOwner})
	c := env.Client
	a := c.Store.Create().SetName("Mini-program A").SetPlatform(store.PlatformOTHER).SetOrganizationID(w.org).SaveX(sys)
	bs := c.Store.Create().SetName("Mini-program B").SetPlatform(store.PlatformOTHER).SetOrganizationID(w.org).SaveX(sys)
	w.storeA, w.storeB = a.ID, bs.ID
	pa := c.Product.Create().SetStoreID(a.ID).SetTitle("精华").SetPrice(10000).SaveX(sys)
	pb := c.Product.Create().SetStoreID(bs.ID).SetTitle("面霜").SetPrice(10000).SaveX(sys)
	w.skuA = c.SKU.Create().SetProductID(pa.ID).SetName("30ml").SetPrice(10000).SaveX(sys).ID
	w.skuB = c.SKU.Create().SetProductID(pb.ID).SetName("50g").SetPrice(10000).SaveX(sys).ID
	flash := func(st int) int {
		return c.Campaign.Create().SetStoreID(st).SetName("秒杀").SetKind(campaign.KindFLASH_SALE).SetStatus(campaign.StatusLIVE).
			SetStartsAt(now.Add(-time.Hour)).SetEndsAt(now.Add(48 * time.Hour)).SetExclusive(false).
			SetRules(schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{FlashPrice: 1000, PerUserLimit: perUser,
				ReservationMinutes: 10,
				Slots:              []schematype.FlashSaleSlot{{StartsAt: now.Add(-30 * time.Minute), EndsAt: now.Add(2 * time.Hour), Stock: stock}}}}).
			SaveX(sys).ID
	}
	w.flash, w.flashB = flash(a.ID), flash(bs.ID)
	w.coupon = c.Campaign.Create().SetStoreID(a.ID).SetName("券").SetKind(campaign.KindCOUPON).SetStatus(campaign.StatusLIVE).
		SetStartsAt(now.Add(-time.Hour)).SetEndsAt(now.Add(48 * time.Hour)).SetExclusive(false).
		SetRules(schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: 500, Quantity: coupons, PerUser: couponsPerUser, ValidDays: 1}}).
		SaveX(sys).ID
	var tok struct{ CreateAPIToken struct{ Token string } }
	mustOK(t, env, w.owner, `mutation($o: ID!, $s: ID) { createAPIToken(name: "mall", organizationID: $o, role: "mall_app", storeID: $s) { token } }`,
		vars("o", w.org, "s", w.storeA), &tok)
	w.mallTok = tok.CreateAPIToken.Token
	return w
}

func (w *mallWorld) reserve(t testing.TB, key string, camp, sku int, buyer string, q int) *testenv.Response {
	t.Helper()
	v := vars("k", key, "c", camp, "sku", sku, "b", buyer)
	v["slot"], v["q"] = 0, q
	return gql(t, w.env, w.mallTok, reserveQ, v)
}

func (w *mallWorld) slot(t testing.TB, camp int) (stock, remaining, reserved int) {
	t.Helper()
	var out slotOut
	v := vars("c", camp)
	v["slot"] = 0
	mustOK(t, w.env, w.owner, slotQ, v, &out)
	return out.FlashSaleSlot.Stock, out.FlashSaleSlot.Remaining, out.FlashSaleSlot.Reserved
}

// mallParallel runs n requests at once and returns the responses in order.
func mallParallel(n int, f func(i int) *testenv.Response) []*testenv.Response {
	out := make([]*testenv.Response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// TestFlashSaleConcurrency: 200 parallel reservations through the API on a
// slot of 60 units, 67 buyers asking 3 times for one unit each with a
// per-user limit of 2: exactly 60 succeed, every failure is CONFLICT, no
// buyer holds more than 2, and the slot's books balance (0 oversold).
func TestFlashSaleConcurrency(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		const stock, n = 60, 200
		w := newMallWorld(t, b, stock, 2, 10, 1)
		res := mallParallel(n, func(i int) *testenv.Response {
			return w.reserve(t, fmt.Sprintf("k-%d", i), w.flash, w.skuA, fmt.Sprintf("buyer-%d", i/3), 1)
		})
		ok, perBuyer := 0, map[string]int{}
		for i, r := range res {
			if len(r.Errors) > 0 {
				wantCode(t, r, "CONFLICT")
				continue
			}
			ok++
			perBuyer[fmt.Sprintf("buyer-%d", i/3)]++
		}
		if ok != stock {
			t.Fatalf("%d reservations succeeded on %d units", ok, stock)
		}
		for buyer, k := range perBuyer {
			if k > 2 {
				t.Fatalf("%s holds %d units, limit 2", buyer, k)
			}
		}
		st, rem, resv := w.slot(t, w.flash)
		if st != stock || rem != 0 || resv != stock {
			t.Fatalf("slot stock %d remaining %d reserved %d", st, rem, resv)
		}
		rows := w.env.Client.FlashReservation.Query().Where(flashreservation.CampaignID(w.flash)).CountX(sys)
		if rows != stock {
			t.Fatalf("%d reservation rows", rows)
		}
	})
}

// TestFlashSalePerUserLimit: one buyer sends 200 parallel reservations of one
// unit with a per-user limit of 3 and plenty of stock: exactly 3 succeed.
func TestFlashSalePerUserLimit(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newMallWorld(t, b, 1000, 3, 10, 1)
		res := mallParallel(200, func(i int) *testenv.Response {
			return w.reserve(t, fmt.Sprintf("k-%d", i), w.flash, w.skuA, "greedy", 1)
		})
		ok := 0
		for _, r := range res {
			if len(r.Errors) == 0 {
				ok++
			} else {
				wantCode(t, r, "CONFLICT")
			}
		}
		if ok != 3 {
			t.Fatalf("%d reservations of one buyer succeeded, limit 3", ok)
		}
		if _, rem, resv := w.slot(t, w.flash); rem != 997 || resv != 3 {
			t.Fatalf("remaining %d reserved %d", rem, resv)
		}
	})
}

// TestCouponConcurrency: 200 parallel claims of 40 buyers (5 each) on 50
// coupons with 2 per buyer: exactly 50 succeed, nobody holds more than 2.
func TestCouponConcurrency(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newMallWorld(t, b, 10, 1, 50, 2)
		res := mallParallel(200, func(i int) *testenv.Response {
			return gql(t, w.env, w.mallTok, claimQ, vars("k", fmt.Sprintf("c-%d", i), "c", w.coupon, "b", fmt.Sprintf("buyer-%d", i%40)))
		})
		ok, perBuyer := 0, map[int]int{}
		for i, r := range res {
			if len(r.Errors) > 0 {
				wantCode(t, r, "CONFLICT")
				continue
			}
			ok++
			perBuyer[i%40]++
		}
		if ok != 50 {
			t.Fatalf("%d claims succeeded on 50 coupons", ok)
		}
		for buyer, k := range perBuyer {
			if k > 2 {
				t.Fatalf("buyer-%d claimed %d, limit 2", buyer, k)
			}
		}
	})
}

// TestMallIdempotency: a repeated key returns the original record with no
// second effect, a key reused with other arguments is CONFLICT naming
// idempotencyKey, and 20 concurrent repeats resolve to one record.
func TestMallIdempotency(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newMallWorld(t, b, 100, 5, 10, 5)
		var first, again reserveOut
		w.reserve(t, "same", w.flash, w.skuA, "buyer", 2).Decode(t, &first)
		w.reserve(t, "same", w.flash, w.skuA, "buyer", 2).Decode(t, &again)
		if first.ReserveFlashSale.ID == "" || first.ReserveFlashSale.ID != again.ReserveFlashSale.ID {
			t.Fatalf("replay %+v vs %+v", first, again)
		}
		if _, rem, _ := w.slot(t, w.flash); rem != 98 {
			t.Fatalf("a replay took units again: remaining %d", rem)
		}
		res := w.reserve(t, "same", w.flash, w.skuA, "buyer", 1)
		wantCode(t, res, "CONFLICT")
		if res.Errors[0].Extensions["field"] != "idempotencyKey" {
			t.Fatalf("field %v", res.Errors[0].Extensions)
		}
		// Concurrent repeats of one new key: one reservation.
		rs := mallParallel(20, func(int) *testenv.Response { return w.reserve(t, "burst", w.flash, w.skuA, "buyer2", 1) })
		ids := map[string]bool{}
		for _, r := range rs {
			var out reserveOut
			r.Decode(t, &out)
			if len(r.Errors) > 0 {
				t.Fatalf("concurrent replay failed: %+v", r.Errors)
			}
			ids[out.ReserveFlashSale.ID] = true
		}
		if len(ids) != 1 {
			t.Fatalf("concurrent repeats made %d reservations", len(ids))
		}
		if _, rem, _ := w.slot(t, w.flash); rem != 97 {
			t.Fatalf("remaining %d after the burst", rem)
		}
		// Coupons too.
		var c1, c2 struct{ ClaimCoupon struct{ ID string } }
		mustOK(t, w.env, w.mallTok, claimQ, vars("k", "ck", "c", w.coupon, "b", "buyer"), &c1)
		mustOK(t, w.env, w.mallTok, claimQ, vars("k", "ck", "c", w.coupon, "b", "buyer"), &c2)
		if c1.ClaimCoupon.ID != c2.ClaimCoupon.ID {
			t.Fatalf("coupon replay %v vs %v", c1, c2)
		}
		wantCode(t, gql(t, w.env, w.mallTok, claimQ, vars("k", "ck", "c", w.coupon, "b", "other")), "CONFLICT")
		// Bad keys are named.
		res = w.reserve(t, "", w.flash, w.skuA, "buyer", 1)
		wantCode(t, res, "BAD_USER_INPUT")
		if res.Errors[0].Extensions["field"] != "idempotencyKey" {
			t.Fatalf("field %v", res.Errors[0].Extensions)
		}
	})
}

// TestFlashSaleExpiry: unpaid reservations expire after the campaign's
// reservation minutes and return their units, by the periodic task and
// lazily when a reservation finds the slot empty.
func TestFlashSaleExpiry(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newMallWorld(t, b, 2, 2, 10, 1)
		wantOK(t, w.reserve(t, "a", w.flash, w.skuA, "alice", 2))
		wantCode(t, w.reserve(t, "b", w.flash, w.skuA, "bob", 1), "CONFLICT") // sold out
		w.clock.Advance(9 * time.Minute)
		wantCode(t, w.reserve(t, "b2", w.flash, w.skuA, "bob", 1), "CONFLICT") // still held
		w.clock.Advance(2 * time.Minute)
		// Lazily: bob's reservation finds alice's expired units.
		wantOK(t, w.reserve(t, "b3", w.flash, w.skuA, "bob", 1))
		if _, rem, resv := w.slot(t, w.flash); rem != 1 || resv != 1 {
			t.Fatalf("after lazy expiry remaining %d reserved %d", rem, resv)
		}
		// By the task: bob's expires too, and alice may reserve again (an
		// expired reservation does not use up her limit).
		w.clock.Advance(11 * time.Minute)
		svc := &mallsvc.Service{Client: w.env.Client, Now: w.clock.Now}
		r, err := svc.Expire(context.Background(), w.clock.Now())
		if err != nil || r.Reservations != 1 {
			t.Fatalf("expire %+v %v", r, err)
		}
		if _, rem, resv := w.slot(t, w.flash); rem != 2 || resv != 0 {
			t.Fatalf("after the task remaining %d reserved %d", rem, resv)
		}
		wantOK(t, w.reserve(t, "a2", w.flash, w.skuA, "alice", 2))
	})
}

// TestMallStoreToken: a mall token scoped to store A acts on store A only:
// store B of the same organization is not found, lists show store A only,
// and organization-level work is refused.
func TestMallStoreToken(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newMallWorld(t, b, 10, 2, 10, 1)
		wantOK(t, w.reserve(t, "ok", w.flash, w.skuA, "buyer", 1))
		wantCode(t, w.reserve(t, "b", w.flashB, w.skuB, "buyer", 1), "NOT_FOUND")
		v := vars("c", w.flashB)
		v["slot"] = 0
		wantCode(t, gql(t, w.env, w.mallTok, slotQ, v), "NOT_FOUND")
		lines := []any{map[string]any{"skuID": sid(w.skuB), "quantity": 1}}
		wantCode(t, gql(t, w.env, w.mallTok, placeQ, map[string]any{"k": "o", "s": sid(w.storeB), "b": "buyer", "lines": lines}), "NOT_FOUND")
		var stores struct {
			Stores struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		mustOK(t, w.env, w.mallTok, `{ stores(first: 10) { edges { node { id } } } }`, nil, &stores)
		if len(stores.Stores.Edges) != 1 || stores.Stores.Edges[0].Node.ID != sid(w.storeA) {
			t.Fatalf("store token lists %+v", stores)
		}
		var prods struct {
			Skus struct{ TotalCount int }
		}
		mustOK(t, w.env, w.mallTok, `{ skus(first: 10) { totalCount } }`, nil, &prods)
		if prods.Skus.TotalCount != 1 {
			t.Fatalf("store token sees %d SKUs", prods.Skus.TotalCount)
		}
		// The owner (no store scope) sees both stores' slots.
		if st, _, _ := w.slot(t, w.flashB); st != 10 {
			t.Fatalf("owner reads slot of B: %d", st)
		}
		// Organization-level work is refused to a store token.
		wantCode(t, gql(t, w.env, w.mallTok, `query($o: ID!) { roles(organizationID: $o) { name } }`, vars("o", w.org)), "FORBIDDEN")
		// A store of another organization cannot scope a token.
		other := w.env.Org(t, "Other", 0)
		os := w.env.Client.Store.Create().SetName("X").SetPlatform(store.PlatformOTHER).SetOrganizationID(other).SaveX(sys)
		wantCode(t, gql(t, w.env, w.owner, `mutation($o: ID!, $s: ID) { createAPIToken(name: "x", organizationID: $o, role: "mall_app", storeID: $s) { token } }`,
			vars("o", w.org, "s", os.ID)), "BAD_USER_INPUT")
		// A mall token cannot touch the back office (campaign writes, orders).
		wantCode(t, gql(t, w.env, w.mallTok, `{ orders(first: 10) { totalCount } }`, nil), "FORBIDDEN")
	})
}

func (w *mallWorld) place(t testing.TB, key, buyer string, qty int, coupons, resv []string) mallOrderOut {
	t.Helper()
	var out struct{ PlaceMallOrder mallOrderOut }
	mustOK(t, w.env, w.mallTok, placeQ, map[string]any{"k": key, "s": sid(w.storeA), "b": buyer,
		"lines": []any{map[string]any{"skuID": sid(w.skuA), "quantity": qty}}, "coupons": coupons, "resv": resv}, &out)
	return out.PlaceMallOrder
}

func (w *mallWorld) act(t testing.TB, verb, key, order string) *testenv.Response {
	t.Helper()
	return gql(t, w.env, w.mallTok, fmt.Sprintf(orderVerbQ, verb), map[string]any{"k": key, "o": order})
}

func (w *mallWorld) budgets(t testing.TB, id int) (given, reserved int64) {
	t.Helper()
	c := w.env.Client.Campaign.GetX(sys, id)
	return int64(c.DiscountGiven), int64(c.DiscountReserved)
}

// TestMallOrderLifecycle: an order of 2 units at the 秒杀 price (10.00 instead
// of 100.00) with a 5.00 coupon costs 15.00; its line keeps both campaigns'
// shares (180.00 + 5.00); payment commits the discounts to the campaigns,
// a refund takes them back and releases the buyer's limit; a cancelled order
// releases its units, coupon and budget and does not use up the limit.
func TestMallOrderLifecycle(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newMallWorld(t, b, 10, 2, 10, 1)
		var r reserveOut
		w.reserve(t, "r1", w.flash, w.skuA, "alice", 2).Decode(t, &r)
		var cl struct{ ClaimCoupon struct{ ID string } }
		mustOK(t, w.env, w.mallTok, claimQ, vars("k", "c1", "c", w.coupon, "b", "alice"), &cl)
		o := w.place(t, "o1", "alice", 2, []string{cl.ClaimCoupon.ID}, []string{r.ReserveFlashSale.ID})
		if o.Status != "PENDING_PAYMENT" || o.Subtotal.Amount != "200.00" || o.Discount.Amount != "185.00" || o.Total.Amount != "15.00" {
			t.Fatalf("order %+v", o)
		}
		shares := map[string]string{}
		for _, s := range o.Lines[0].DiscountShares {
			shares[s.Kind] = s.Amount.Amount
		}
		if shares["FLASH_SALE"] != "180.00" || shares["COUPON"] != "5.00" || len(shares) != 2 {
			t.Fatalf("shares %+v", o.Lines[0].DiscountShares)
		}
		if len(o.ReservationIDs) != 1 || len(o.CouponIDs) != 1 {
			t.Fatalf("order holds %v %v", o.ReservationIDs, o.CouponIDs)
		}
		if again := w.place(t, "o1", "alice", 2, []string{cl.ClaimCoupon.ID}, []string{r.ReserveFlashSale.ID}); again.ID != o.ID {
			t.Fatalf("replayed order %s vs %s", again.ID, o.ID)
		}
		if _, res := w.budgets(t, w.flash); res != 18000 {
			t.Fatalf("flash budget reserved %d", res)
		}
		// The reservation and the coupon are taken: a second order cannot reuse them.
		res := gql(t, w.env, w.mallTok, placeQ, map[string]any{"k": "o1b", "s": sid(w.storeA), "b": "alice",
			"lines": []any{map[string]any{"skuID": sid(w.skuA), "quantity": 2}}, "coupons": []string{cl.ClaimCoupon.ID}})
		wantCode(t, res, "CONFLICT")

		wantOK(t, w.act(t, "payMallOrder", "p1", o.ID))
		wantOK(t, w.act(t, "payMallOrder", "p1", o.ID)) // a repeat returns the paid order
		if given, reserved := w.budgets(t, w.flash); given != 18000 || reserved != 0 {
			t.Fatalf("flash after pay: given %d reserved %d", given, reserved)
		}
		if given, _ := w.budgets(t, w.coupon); given != 500 {
			t.Fatalf("coupon after pay: given %d", given)
		}
		wantCode(t, w.act(t, "cancelMallOrder", "x1", o.ID), "CONFLICT") // paid: refund, not cancel
		wantOK(t, w.act(t, "refundMallOrder", "f1", o.ID))
		if given, _ := w.budgets(t, w.flash); given != 0 {
			t.Fatalf("flash after refund: given %d", given)
		}
		if _, rem, resv := w.slot(t, w.flash); rem != 10 || resv != 0 {
			t.Fatalf("after refund remaining %d reserved %d", rem, resv)
		}
		wantOK(t, w.reserve(t, "r2", w.flash, w.skuA, "alice", 2)) // the refund released her limit

		// Cancel: bob's units, limit and budget come back.
		var rb reserveOut
		w.reserve(t, "rb", w.flash, w.skuA, "bob", 2).Decode(t, &rb)
		ob := w.place(t, "ob", "bob", 2, nil, []string{rb.ReserveFlashSale.ID})
		if ob.Total.Amount != "20.00" {
			t.Fatalf("bob's order %+v", ob)
		}
		var cancelled struct{ CancelMallOrder struct{ Status string } }
		mustOK(t, w.env, w.mallTok, fmt.Sprintf(orderVerbQ, "cancelMallOrder"), map[string]any{"k": "cb", "o": ob.ID}, &cancelled)
		if cancelled.CancelMallOrder.Status != "CANCELLED" {
			t.Fatalf("cancel %+v", cancelled)
		}
		if _, reserved := w.budgets(t, w.flash); reserved != 0 {
			t.Fatalf("budget still reserved %d after cancel", reserved)
		}
		wantCode(t, w.act(t, "payMallOrder", "pb", ob.ID), "CONFLICT")
		wantOK(t, w.reserve(t, "rb2", w.flash, w.skuA, "bob", 2)) // a cancelled order does not use up the limit
		if _, rem, _ := w.slot(t, w.flash); rem != 6 {
			t.Fatalf("remaining %d, want 10 - 2 (alice) - 2 (bob)", rem)
		}

		// Without a reservation the 秒杀 price does not apply.
		if oc := w.place(t, "oc", "carol", 1, nil, nil); oc.Total.Amount != "100.00" {
			t.Fatalf("carol pays %s", oc.Total.Amount)
		}
	})
}
