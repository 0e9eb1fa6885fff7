package platformsync_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

func TestChunks(t *testing.T) {
	n := platformsync.ChunkRowsForTest
	tests := []struct {
		name     string
		items    int
		children func(int) int
		want     int // chunks
	}{
		{"empty", 0, func(int) int { return 0 }, 0},
		{"one small", 3, func(int) int { return 2 }, 1},
		{"exactly full", n / 2, func(int) int { return 1 }, 1},
		{"one over", n/2 + 1, func(int) int { return 1 }, 2},
		{"a heavy item alone", 3, func(i int) int { return map[int]int{1: 5 * n}[i] }, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := platformsync.ChunksForTest(tc.items, tc.children)
			if len(got) != tc.want {
				t.Fatalf("%d chunks %v, want %d", len(got), got, tc.want)
			}
			next := 0
			for _, c := range got {
				w := 0
				for i := c[0]; i < c[1]; i++ {
					w += 1 + tc.children(i)
				}
				if c[0] != next || c[1] <= c[0] || (w > n && c[1]-c[0] > 1) {
					t.Fatalf("bad chunk %v (weight %d) in %v", c, w, got)
				}
				next = c[1]
			}
			if next != tc.items {
				t.Fatalf("chunks %v do not cover %d items", got, tc.items)
			}
		})
	}
}

// An oversized page (6,000 orders with 18,000 lines: more bound parameters
// than SQLite's or PostgreSQL's statement limit) is stored whole, in one
// transaction, instead of failing as an internal error.
func TestOversizedPageStored(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		e := testenv.New(t, b)
		ctx := authz.SystemContext(context.Background())
		org := e.Org(t, "Brand", 0)
		st, err := e.Client.Store.Create().SetName("大店").SetPlatform(store.PlatformTAOBAO).SetOrganizationID(org).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const n = 6000
		orders := make([]sdk.Order, n)
		for i := range orders {
			o := sdk.Order{ExternalID: fmt.Sprint(900000 + i), Status: sdk.OrderPaid, TotalFen: 300, PaidFen: 300,
				CreatedAt: time.Now().Add(-time.Hour)}
			for l := range 3 {
				o.Lines = append(o.Lines, sdk.OrderLine{ExternalID: fmt.Sprintf("%d-%d", i, l), Title: "商品", Quantity: 1,
					UnitPriceFen: 100, TotalFen: 100})
			}
			orders[i] = o
		}
		tx, err := e.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := platformsync.WriteOrderPage(ctx, tx, st, orders, platformsync.RollupsNow); err != nil {
			_ = tx.Rollback()
			t.Fatalf("oversized page: %v", err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		got, err := e.Client.Order.Query().Where(order.StoreID(st.ID)).Count(ctx)
		if err != nil || got != n {
			t.Fatalf("%d orders stored (%v), want %d", got, err, n)
		}
		lines, err := e.Client.OrderLine.Query().Count(ctx)
		if err != nil || lines != 3*n {
			t.Fatalf("%d lines stored (%v), want %d", lines, err, 3*n)
		}
	})
}
