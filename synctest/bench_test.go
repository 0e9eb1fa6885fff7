package synctest

import (
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// BenchmarkSyncOrders measures sync throughput in orders per second, per
// platform: the built-in plugin process pages 2000 orders (with their lines)
// out of its fake gateway — by the platform's own rules: TOP creation-time
// windows with trades.sold.get, 抖店 order.searchList (and order.orderDetail
// for each paid order with a promotion, about a third), 小红书 24-hour windows
// with one order.getOrderDetail per order — and the runner upserts them into
// SQLite, page by page, through the real job runner. Each iteration syncs a
// fresh store (a first sync), so every order is an insert; the store's
// products are synced before the timer starts so that order lines link to
// their SKUs. Per-call plugin overhead (host → plugin → host, no platform I/O)
// is plugins/host's BenchmarkPluginCall.
func BenchmarkSyncOrders(b *testing.B) {
	const orders = 2000
	for _, pc := range platforms {
		b.Run(pc.plugin, func(b *testing.B) {
			g := pc.start(b, fakeSize{Products: 40, Orders: orders})
			w := newWorld(b, testenv.SQLite)
			var took time.Duration
			for b.Loop() {
				b.StopTimer()
				storeID := w.connected(b, g)
				w.syncWhat(b, storeID, "PRODUCTS")
				b.StartTimer()
				start := time.Now()
				j := w.syncWhat(b, storeID, "ORDERS")
				took += time.Since(start)
				if j.Done != orders {
					b.Fatalf("synced %d orders, want %d", j.Done, orders)
				}
			}
			b.ReportMetric(float64(orders*b.N)/took.Seconds(), "orders/s")
		})
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
