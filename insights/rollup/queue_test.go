package rollup_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/pendingrollup"
	"github.com/opsgraph/opsgraph/ent/skusalesday"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// allRows is every rollup row of a store (buyer-day, SKU-day, period) as
// text, rows emptied by deltas left out.
func allRows(t *testing.T, ctx context.Context, c *ent.Client, st int) []string {
	t.Helper()
	var out []string
	for _, r := range rows(t, ctx, c, st) {
		out = append(out, fmt.Sprint("day ", r))
	}
	skus, err := c.SKUSalesDay.Query().Where(skusalesday.StoreID(st)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range skus {
		if r.Units != 0 || r.Amount != 0 {
			out = append(out, fmt.Sprint("sku ", r.Day, r.SkuID, r.Units, r.Amount))
		}
	}
	for _, r := range periodRows(t, ctx, c) {
		if r.Store == st {
			out = append(out, fmt.Sprint("period ", r))
		}
	}
	slices.Sort(out)
	return out
}

// queueWorld is an organization with stores whose products have SKUs.
type queueWorld struct {
	ctx    context.Context
	c      *ent.Client
	stores []*ent.Store
	skus   []string // external ids, the same in every store
}

func newQueueWorld(t *testing.T, b testenv.Backend, stores int) *queueWorld {
	env := testenv.New(t, b)
	w := &queueWorld{ctx: authz.SystemContext(context.Background()), c: env.Client}
	org := env.Org(t, "品牌甲", 0)
	for i := range stores {
		st := w.c.Store.Create().SetOrganizationID(org).SetName(fmt.Sprint("店", i)).SetPlatform("TMALL").SaveX(w.ctx)
		w.stores = append(w.stores, st)
		for j := range 4 {
			p := w.c.Product.Create().SetStoreID(st.ID).SetOrganizationID(org).SetExternalID(fmt.Sprint("p", j)).
				SetTitle("商品").SetPrice(1000).SaveX(w.ctx)
			w.c.SKU.Create().SetProductID(p.ID).SetOrganizationID(org).SetExternalID(fmt.Sprint("k", j)).
				SetName("默认").SetPrice(1000).SaveX(w.ctx)
		}
	}
	for j := range 4 {
		w.skus = append(w.skus, fmt.Sprint("k", j))
	}
	return w
}

// queuePage writes a page as the sync runner does: its delta queued, not
// applied.
func (w *queueWorld) queuePage(t *testing.T, st *ent.Store, page []sdk.Order) {
	t.Helper()
	tx, err := w.c.Tx(w.ctx)
	if err != nil {
		t.Error(err)
		return
	}
	if err := platformsync.WriteOrderPage(w.ctx, tx, st, page, platformsync.RollupsQueued); err != nil {
		_ = tx.Rollback()
		t.Error(err)
		return
	}
	if err := tx.Commit(); err != nil {
		t.Error(err)
	}
}

func (w *queueWorld) pending(t *testing.T, st int) int {
	t.Helper()
	n, err := w.c.PendingRollup.Query().Where(pendingrollup.StoreID(st)).Count(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestQueuedRollupsUnderConcurrentDrains writes pages of new and changed
// orders into two stores through the queue while six drainers drain both
// stores at once (the sync runners' drains, the periodic drain and another
// replica's), and checks that every queued delta was applied exactly once:
// the queue ends empty, and the buyer-day, SKU-day and period rows equal a
// rebuild from the orders (an entry applied twice or lost would change a
// sum or a buyer count).
func TestQueuedRollupsUnderConcurrentDrains(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newQueueWorld(t, b, 2)
		var (
			writers sync.WaitGroup
			drains  sync.WaitGroup
			stop    atomic.Bool
			applied atomic.Int64
		)
		for s, st := range w.stores {
			writers.Go(func() {
				gen := newOrderGen(uint64(s)+3, 5, 30, w.skus)
				var written []sdk.Order
				for p := range 24 {
					var page []sdk.Order
					for i := range 15 {
						if p%3 == 2 && i < len(written) { // a later state of an earlier order
							o := gen.order(written[gen.rng.IntN(len(written))].ExternalID)
							page = append(page, o)
							continue
						}
						page = append(page, gen.order(fmt.Sprint(len(written)+len(page))))
					}
					page = dedupe(page)
					written = append(written, page...)
					w.queuePage(t, st, page)
				}
			})
		}
		for d := range 6 {
			drains.Go(func() {
				for i := 0; !stop.Load(); i++ {
					n, err := rollup.Drain(w.ctx, w.c, w.stores[(d+i)%2])
					if err != nil {
						t.Errorf("drain: %v", err)
						return
					}
					applied.Add(int64(n))
				}
			})
		}
		writers.Wait()
		stop.Store(true)
		drains.Wait()
		if applied.Load() == 0 {
			t.Fatal("the drainers applied nothing while the pages were written")
		}
		for _, st := range w.stores {
			if _, err := rollup.Drain(w.ctx, w.c, st); err != nil {
				t.Fatal(err)
			}
			if n := w.pending(t, st.ID); n != 0 {
				t.Fatalf("store %d: %d entries left after a drain", st.ID, n)
			}
			drained := allRows(t, w.ctx, w.c, st.ID)
			if err := rollup.Rebuild(w.ctx, w.c, st.ID); err != nil {
				t.Fatal(err)
			}
			if rebuilt := allRows(t, w.ctx, w.c, st.ID); !slices.Equal(drained, rebuilt) {
				t.Fatalf("store %d: drained rollups (%d rows) differ from a rebuild (%d rows)\n%s", st.ID, len(drained), len(rebuilt), firstDiff(drained, rebuilt))
			}
			if !slices.ContainsFunc(drained, func(s string) bool { return strings.HasPrefix(s, "sku ") }) {
				t.Fatal("weak fixture: no SKU-day rows")
			}
		}
		t.Logf("%d entries applied by the concurrent drainers", applied.Load())
	})
}

// dedupe keeps the last state of each order of a page (a platform lists an
// order once per page).
func dedupe(page []sdk.Order) []sdk.Order {
	last := map[string]int{}
	for i, o := range page {
		last[o.ExternalID] = i
	}
	var out []sdk.Order
	for i, o := range page {
		if last[o.ExternalID] == i {
			out = append(out, o)
		}
	}
	return out
}

// firstDiff is the first row where a and b differ, for a failure message.
func firstDiff[T comparable](a, b []T) string {
	for i := range max(len(a), len(b)) {
		var x, y T
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("first difference at row %d:\n%+v\n%+v", i, x, y)
		}
	}
	return ""
}

// TestRebuildEmptiesTheQueue: a rebuild reads the orders the queued deltas
// came from, so it drops them; a drain after it applies nothing.
func TestRebuildEmptiesTheQueue(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newQueueWorld(t, b, 1)
		st := w.stores[0]
		gen := newOrderGen(1, 2, 10, w.skus)
		for p := range 3 {
			var page []sdk.Order
			for i := range 10 {
				page = append(page, gen.order(fmt.Sprint(p*10+i)))
			}
			w.queuePage(t, st, page)
		}
		if n := w.pending(t, st.ID); n != 3 {
			t.Fatalf("%d entries queued for 3 pages", n)
		}
		if err := rollup.Rebuild(w.ctx, w.c, st.ID); err != nil {
			t.Fatal(err)
		}
		rebuilt := allRows(t, w.ctx, w.c, st.ID)
		if n := w.pending(t, st.ID); n != 0 || len(rebuilt) == 0 {
			t.Fatalf("after a rebuild: %d entries queued, %d rollup rows", n, len(rebuilt))
		}
		if n, err := rollup.Drain(w.ctx, w.c, st); err != nil || n != 0 {
			t.Fatalf("drain after a rebuild applied %d (%v)", n, err)
		}
		if got := allRows(t, w.ctx, w.c, st.ID); !slices.Equal(got, rebuilt) {
			t.Fatalf("a drain after the rebuild changed the rollups\n%s", firstDiff(got, rebuilt))
		}
	})
}

// TestDrainAll: the periodic drain applies every store's entries, drops the
// entries of a store that no longer exists, and keeps an entry it cannot
// read (reporting it) rather than losing it.
func TestDrainAll(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newQueueWorld(t, b, 3)
		gen := newOrderGen(4, 4, 10, w.skus)
		for s, st := range w.stores {
			for p := range 2 {
				w.queuePage(t, st, []sdk.Order{gen.order(fmt.Sprint(s, p, "a")), gen.order(fmt.Sprint(s, p, "b"))})
			}
		}
		bad := w.stores[2]
		w.c.PendingRollup.Create().SetOrganizationID(bad.OrganizationID).SetStoreID(bad.ID).SetDelta([]byte{1, 5, 3}).ExecX(w.ctx)
		gone := w.c.PendingRollup.Create().SetOrganizationID(bad.OrganizationID).SetStoreID(1 << 40).SetDelta([]byte{1, 0, 0}).SaveX(w.ctx)

		err := rollup.DrainAll(w.ctx, w.c)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprint("store ", bad.ID)) || !strings.Contains(err.Error(), "cut short") {
			t.Fatalf("DrainAll with an unreadable entry: %v", err)
		}
		for _, st := range w.stores[:2] {
			if n := w.pending(t, st.ID); n != 0 {
				t.Errorf("store %d: %d entries left", st.ID, n)
			}
			if len(rows(t, w.ctx, w.c, st.ID)) == 0 {
				t.Errorf("store %d: no buyer-day rows after the drain", st.ID)
			}
		}
		if n := w.pending(t, bad.ID); n != 3 {
			t.Errorf("store with the unreadable entry: %d entries kept, want its 3 (nothing applied, nothing lost)", n)
		}
		if len(rows(t, w.ctx, w.c, bad.ID)) != 0 {
			t.Error("store with the unreadable entry: rollups written from a batch that failed")
		}
		if w.c.PendingRollup.Query().Where(pendingrollup.ID(gone.ID)).ExistX(w.ctx) {
			t.Error("the entry of a store that does not exist was kept")
		}
	})
}
