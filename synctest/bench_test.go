package synctest

import (
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// BenchmarkSyncOrders measures sync throughput in orders per second, per
// platform and database: the built-in plugin process pages 2000 orders (with
// their lines) out of its fake gateway — by the platform's own rules: TOP
// creation-time windows with trades.sold.get, 抖店 order.searchList (and
// order.orderDetail for each paid order with a promotion, about a third),
// 小红书 24-hour windows with one order.getOrderDetail per order — and the
// runner upserts them page by page through the real job runner. Each
// iteration syncs two fresh stores (first syncs, so every order is an insert),
// one with the insights rollups maintained (the server's only mode: orders/s)
// and one without (orders/s-no-rollups), in alternating order so that both
// see the same load; rollup-% is what the rollups add to the sync's time. The
// stores' products are synced before the timer so that order lines link to
// their SKUs. Per-call plugin overhead (host → plugin → host, no platform I/O)
// is plugins/host's BenchmarkPluginCall; the write path alone is
// bench/insights.
func BenchmarkSyncOrders(b *testing.B) {
	const orders = 2000
	for _, be := range testenv.Backends() {
		for _, pc := range platforms {
			b.Run(be.Name+"/"+pc.plugin, func(b *testing.B) {
				g := pc.start(b, fakeSize{Products: 40, Orders: orders})
				w := newWorld(b, be)
				var with, without time.Duration
				sync := func(rollups bool) time.Duration {
					b.StopTimer()
					storeID := w.connected(b, g)
					w.syncWhat(b, storeID, "PRODUCTS")
					w.App.Sync.MeasureWithoutRollups(!rollups)
					defer w.App.Sync.MeasureWithoutRollups(false)
					b.StartTimer()
					start := time.Now()
					j := w.syncWhat(b, storeID, "ORDERS")
					if j.Done != orders {
						b.Fatalf("synced %d orders, want %d", j.Done, orders)
					}
					return time.Since(start)
				}
				i := 0
				for b.Loop() {
					if i%2 == 0 {
						with += sync(true)
						without += sync(false)
					} else {
						without += sync(false)
						with += sync(true)
					}
					i++
				}
				b.ReportMetric(float64(orders*b.N)/with.Seconds(), "orders/s")
				b.ReportMetric(float64(orders*b.N)/without.Seconds(), "orders/s-no-rollups")
				b.ReportMetric(100*(with.Seconds()-without.Seconds())/without.Seconds(), "rollup-%")
			})
		}
	}
}

// syncWhat runs a sync of one kind to its end, polling every 2 ms.
func (w *world) syncWhat(b *testing.B, storeID, what string) job {
	var out struct{ SyncStore job }
	w.must(b, w.admin, `mutation($s: ID!, $w: [SyncWhat!]) { syncStore(storeID: $s, what: $w) { `+jobFields+` } }`,
		map[string]any{"s": storeID, "w": []string{what}}, &out)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.Now().Add(time.Minute)
	for {
		j := w.job(b, w.admin, out.SyncStore.ID)
		if j.finished() {
			if j.Status != "SUCCEEDED" {
				b.Fatalf("%s sync: %s (%s)", what, j.Status, deref(j.Error))
			}
			return j
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s sync did not end in a minute: %+v", what, j)
		}
		<-tick.C
	}
}
