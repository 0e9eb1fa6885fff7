package rollup_test

import (
	"context"
	"testing"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// writePage writes a page of a store's orders as a sync does, rollups
// included, in a transaction of its own.
func writePage(t *testing.T, ctx context.Context, c *ent.Client, st *ent.Store, page []sdk.Order) {
	t.Helper()
	tx, err := c.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := platformsync.WriteOrderPage(ctx, tx, st, page, true); err != nil {
		_ = tx.Rollback()
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}
