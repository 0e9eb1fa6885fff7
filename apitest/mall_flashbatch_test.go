package apitest

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/opsgraph/opsgraph/ent/auditevent"
	"github.com/opsgraph/opsgraph/ent/buyerquota"
	"github.com/opsgraph/opsgraph/ent/flashreservation"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestFlashSaleGroupCommitEndpoint: the batched path of reserveFlashSale
// (decision 0240) through the GraphQL endpoint. 200 parallel requests on a
// slot of 100 units with a per-user limit of 2: 67 buyers ask three times,
// for 1, 2 and 1 units, and every tenth request repeats the key and
// arguments of the one before (a replay, often inside the same batch).
// Then: units taken never exceed the stock and equal stock − remaining, the
// successful answers (distinct keys) carry exactly the units held, repeats
// answer the first reservation, no buyer holds more than 2 (rows and quota
// counter), every refusal is CONFLICT, and every answer has its audit
// record: one success record per successful answer naming its reservation,
// one failure record per refusal. An operation with two reservations runs
// in one transaction as before: when the second is refused, the first is not
// kept. On SQLite and PostgreSQL.
func TestFlashSaleGroupCommitEndpoint(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		const stock, n = 100, 200
		w := newMallWorld(t, b, stock, 2, 10, 1)
		req := func(i int) (key, buyer string, q int) {
			if i%10 == 9 {
				i-- // the request before, again
			}
			return fmt.Sprintf("k-%d", i), fmt.Sprintf("buyer-%d", i/3), 1 + i%3%2
		}
		res := mallParallel(n, func(i int) *testenv.Response {
			k, buyer, q := req(i)
			return w.reserve(t, k, w.flash, w.skuA, buyer, q)
		})
		idOf := map[string]string{} // key → reservation id
		okAnswers, refusals, units := 0, 0, 0
		for i, r := range res {
			k, _, q := req(i)
			if len(r.Errors) > 0 {
				wantCode(t, r, "CONFLICT")
				refusals++
				continue
			}
			okAnswers++
			var out reserveOut
			r.Decode(t, &out)
			if out.ReserveFlashSale.Quantity != q {
				t.Fatalf("request %d: quantity %d, asked %d", i, out.ReserveFlashSale.Quantity, q)
			}
			if prev, seen := idOf[k]; seen {
				if prev != out.ReserveFlashSale.ID {
					t.Fatalf("key %s answered reservations %s and %s", k, prev, out.ReserveFlashSale.ID)
				}
				continue
			}
			idOf[k] = out.ReserveFlashSale.ID
			units += q
		}
		st, rem, resv := w.slot(t, w.flash)
		if units > stock || resv != units || st-rem != units {
			t.Fatalf("answers hold %d units; slot stock %d remaining %d reserved %d", units, st, rem, resv)
		}
		if rem > 1 {
			t.Fatalf("%d units left while buyers asked for more than the stock", rem)
		}
		c := w.env.Client
		rows := c.FlashReservation.Query().Where(flashreservation.CampaignID(w.flash)).AllX(sys)
		if len(rows) != len(idOf) {
			t.Fatalf("%d reservation rows, %d distinct successful keys", len(rows), len(idOf))
		}
		held := map[string]int{}
		for _, r := range rows {
			if idOf[r.IdempotencyKey] != strconv.Itoa(r.ID) {
				t.Fatalf("row %d of key %s was not the answer %s", r.ID, r.IdempotencyKey, idOf[r.IdempotencyKey])
			}
			held[r.BuyerRef] += r.Quantity
		}
		for buyer, u := range held {
			if u > 2 {
				t.Fatalf("%s holds %d units, limit 2", buyer, u)
			}
			q := c.BuyerQuota.Query().Where(buyerquota.BuyerRef(buyer)).OnlyX(sys)
			if q.Used != u {
				t.Fatalf("%s: quota counter %d, rows %d", buyer, q.Used, u)
			}
		}
		audits := c.AuditEvent.Query().Where(auditevent.Action("reserveFlashSale")).AllX(sys)
		succ, fail := map[string]int{}, 0
		for _, a := range audits {
			if a.Success {
				succ[a.ObjectID]++
			} else {
				fail++
			}
		}
		total := 0
		for id, k := range succ {
			if !containsValue(idOf, id) {
				t.Fatalf("success audit for %s, not an answered reservation", id)
			}
			total += k
		}
		if total != okAnswers || fail != refusals {
			t.Fatalf("audit: %d success records for %d answers, %d failure records for %d refusals", total, okAnswers, fail, refusals)
		}

		// Two reservations in one operation: one transaction, all or nothing.
		before := rem
		two := `mutation($c: ID!, $sku: ID!) {
			a: reserveFlashSale(idempotencyKey: "two-a", campaignID: $c, slot: 0, skuID: $sku, buyerRef: "pair", quantity: 1) { id }
			b: reserveFlashSale(idempotencyKey: "two-b", campaignID: $c, slot: 0, skuID: $sku, buyerRef: "pair", quantity: 2) { id } }`
		if before >= 1 {
			wantCode(t, gql(t, w.env, w.mallTok, two, vars("c", w.flash, "sku", w.skuA)), "CONFLICT")
			if _, rem, _ := w.slot(t, w.flash); rem != before {
				t.Fatalf("a refused operation kept a reservation: remaining %d → %d", before, rem)
			}
			if n := c.FlashReservation.Query().Where(flashreservation.BuyerRef("pair")).CountX(sys); n != 0 {
				t.Fatalf("%d reservations of the refused operation", n)
			}
		}
	})
}

func containsValue(m map[string]string, v string) bool {
	for _, x := range m {
		if x == v {
			return true
		}
	}
	return false
}
