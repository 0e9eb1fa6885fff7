package platformsync

import (
	"context"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// chunkRows bounds the rows (parents plus children) one bulk statement writes,
// so that a large page stays far below SQLite's and PostgreSQL's limits on
// bound parameters (32,766 and 65,535; a row binds up to ~20, an order with its
// attribution ids). A page is still written in one transaction.
const chunkRows = 1000

// chunks splits n items into consecutive [from, to) ranges whose weight
// (1 + children of each item) stays within chunkRows; an item heavier than
// that gets a range of its own.
func chunks(n int, children func(i int) int) [][2]int {
	var out [][2]int
	from, w := 0, 0
	for i := range n {
		c := 1 + children(i)
		if i > from && w+c > chunkRows {
			out = append(out, [2]int{from, i})
			from, w = i, 0
		}
		w += c
	}
	if from < n {
		out = append(out, [2]int{from, n})
	}
	return out
}

func upsertProducts(ctx context.Context, tx *ent.Tx, st *ent.Store, ps []sdk.Product) error {
	for _, c := range chunks(len(ps), func(i int) int { return max(len(ps[i].SKUs), 1) }) {
		if err := upsertProductChunk(ctx, tx, st, ps[c[0]:c[1]]); err != nil {
			return err
		}
	}
	return nil
}

// Rollups is how an order page maintains the insights rollups.
type Rollups int

const (
	// RollupsQueued records the page's difference to the rollups in the
	// store's rollup queue, in the page's transaction (one row); rollup.Drain
	// applies it. The sync runner drains while it fetches the next page, and
	// once more before its phase ends (decision 0263).
	RollupsQueued Rollups = iota
	// RollupsNow writes the difference to the rollups in the page's
	// transaction.
	RollupsNow
	// RollupsOff leaves the rollups out: only to measure what they cost
	// (bench/insights, BenchmarkSyncOrders). A server never does: its
	// figures would miss the orders until a rollup rebuild.
	RollupsOff
)

// WriteOrderPage upserts a page of a store's orders as a sync does, in tx,
// and the difference they make to the daily rollups, once for the whole
// page, as mode says.
func WriteOrderPage(ctx context.Context, tx *ent.Tx, st *ent.Store, os []sdk.Order, mode Rollups) error {
	var d *rollup.Delta
	if mode != RollupsOff {
		d = rollup.NewDelta(st)
	}
	for _, c := range chunks(len(os), func(i int) int { return len(os[i].Lines) }) {
		if err := upsertOrderChunk(ctx, tx, st, os[c[0]:c[1]], d); err != nil {
			return err
		}
	}
	switch mode {
	case RollupsQueued:
		return d.Enqueue(ctx, tx.Client())
	case RollupsNow:
		return d.Write(ctx, tx.Client())
	}
	return nil
}
