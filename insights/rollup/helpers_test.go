package rollup_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// writePage writes a page of a store's orders as a sync does, in a
// transaction of its own, and drains the rollup queue.
func writePage(t *testing.T, ctx context.Context, c *ent.Client, st *ent.Store, page []sdk.Order) {
	t.Helper()
	tx, err := c.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := platformsync.WriteOrderPage(ctx, tx, st, page, platformsync.RollupsQueued); err != nil {
		_ = tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := rollup.Drain(ctx, c, st); err != nil {
		t.Fatal(err)
	}
}

// orderGen makes random orders over ~14 months from 2025-09-01 (Shanghai):
// every status, some paid the next day, buyers b0…b<buyers-1> and some
// anonymous, three traffic sources, and lines of the given SKUs (none
// without).
type orderGen struct {
	rng   *rand.Rand
	first time.Time
	skus  []string
	n     int
}

func newOrderGen(seed1, seed2 uint64, buyers int, skus []string) *orderGen {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	return &orderGen{rng: rand.New(rand.NewPCG(seed1, seed2)), first: time.Date(2025, 9, 1, 0, 0, 0, 0, sh), skus: skus, n: buyers}
}

var (
	genStatuses = []string{sdk.OrderPaid, sdk.OrderCompleted, sdk.OrderCompleted, sdk.OrderRefunded, sdk.OrderPendingPayment, sdk.OrderCancelled}
	genSources  = []string{"NATURAL_SEARCH", "PAID", "CONTENT"}
)

func (g *orderGen) order(ext string) sdk.Order {
	rng := g.rng
	at := g.first.Add(time.Duration(rng.IntN(430*24)) * time.Hour).Add(time.Duration(rng.IntN(3600)) * time.Second)
	st := genStatuses[rng.IntN(len(genStatuses))]
	o := sdk.Order{ExternalID: ext, Status: st, TotalFen: 1000 + int64(rng.IntN(9000)),
		BuyerRef: fmt.Sprint("b", rng.IntN(g.n)), TrafficSource: genSources[rng.IntN(len(genSources))], CreatedAt: at, UpdatedAt: at}
	if rng.IntN(20) == 0 {
		o.BuyerRef = "" // anonymous: a buyer of its own
	}
	if st != sdk.OrderPendingPayment && st != sdk.OrderCancelled {
		o.PaidFen, o.PaidAt = o.TotalFen, at.Add(time.Duration(rng.IntN(30))*time.Hour) // some paid the next day
	}
	if len(g.skus) == 0 {
		return o
	}
	for i := range 1 + rng.IntN(3) {
		sku := g.skus[rng.IntN(len(g.skus))]
		q := int64(1 + rng.IntN(3))
		o.Lines = append(o.Lines, sdk.OrderLine{ExternalID: fmt.Sprint(i), SKUExternalID: sku, Title: "商品", Quantity: q,
			UnitPriceFen: o.TotalFen / q, TotalFen: o.TotalFen})
	}
	return o
}
