package apitest

import (
	"testing"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestFlashSaleReplayAndTargets: the six-statement reservation path
// (decision 0225). A repeated key replays its reservation even after the
// slot sold out (the refusal comes before anything is written, and a known
// key wins); a new key then gets CONFLICT naming quantity; a campaign's
// targets changed after reservations were made (the cached targets are keyed
// by the campaign's updated_at) refuse a SKU no longer covered, and a SKU of
// another store is refused.
func TestFlashSaleReplayAndTargets(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newMallWorld(t, b, 2, 1, 10, 1)
		var first, again reserveOut
		w.reserve(t, "only", w.flash, w.skuA, "buyer", 1).Decode(t, &first)
		if first.ReserveFlashSale.ID == "" {
			t.Fatal("the first reservation failed")
		}
		if r := w.reserve(t, "second", w.flash, w.skuA, "buyer3", 1); len(r.Errors) > 0 {
			t.Fatalf("the second reservation: %+v", r.Errors)
		}
		res := w.reserve(t, "only", w.flash, w.skuA, "buyer", 1)
		if len(res.Errors) > 0 {
			t.Fatalf("a repeat after the sell-out was refused: %+v", res.Errors)
		}
		res.Decode(t, &again)
		if again.ReserveFlashSale.ID != first.ReserveFlashSale.ID {
			t.Fatalf("replay %+v, first %+v", again, first)
		}
		res = w.reserve(t, "late", w.flash, w.skuA, "buyer2", 1)
		wantCode(t, res, "CONFLICT")
		if res.Errors[0].Extensions["field"] != "quantity" {
			t.Fatalf("sold out names %v", res.Errors[0].Extensions)
		}
		if _, rem, resv := w.slot(t, w.flash); rem != 0 || resv != 2 {
			t.Fatalf("remaining %d reserved %d", rem, resv)
		}

		// Store B's campaign: retarget it to a new SKU of store B; its old SKU
		// is then refused, the new one accepted.
		c := w.env.Client
		p := c.Product.Create().SetStoreID(w.storeB).SetTitle("新品").SetPrice(10000).SaveX(sys)
		other := c.SKU.Create().SetProductID(p.ID).SetName("10ml").SetPrice(10000).SaveX(sys).ID
		bTok := w.storeBToken(t)
		if r := gql(t, w.env, bTok, reserveQ, reserveVars("b1", w.flashB, w.skuB, "buyer", 1)); len(r.Errors) > 0 {
			t.Fatalf("reservation on store B: %+v", r.Errors)
		}
		c.Campaign.UpdateOneID(w.flashB).AddSkuIDs(other).ExecX(sys)
		res = gql(t, w.env, bTok, reserveQ, reserveVars("b2", w.flashB, w.skuB, "buyer2", 1))
		wantCode(t, res, "BAD_USER_INPUT")
		if res.Errors[0].Extensions["field"] != "skuID" {
			t.Fatalf("field %v", res.Errors[0].Extensions)
		}
		if r := gql(t, w.env, bTok, reserveQ, reserveVars("b3", w.flashB, other, "buyer3", 1)); len(r.Errors) > 0 {
			t.Fatalf("reservation of the new target: %+v", r.Errors)
		}
		wantCode(t, gql(t, w.env, bTok, reserveQ, reserveVars("b4", w.flashB, w.skuA, "buyer4", 1)), "BAD_USER_INPUT")
	})
}

func reserveVars(key string, camp, sku int, buyer string, q int) map[string]any {
	v := vars("k", key, "c", camp, "sku", sku, "b", buyer)
	v["slot"], v["q"] = 0, q
	return v
}

// storeBToken is a mall token scoped to store B.
func (w *mallWorld) storeBToken(t *testing.T) string {
	t.Helper()
	var tok struct{ CreateAPIToken struct{ Token string } }
	mustOK(t, w.env, w.owner, `mutation($o: ID!, $s: ID) { createAPIToken(name: "mall B", organizationID: $o, role: "mall_app", storeID: $s) { token } }`,
		vars("o", w.org, "s", w.storeB), &tok)
	return tok.CreateAPIToken.Token
}
