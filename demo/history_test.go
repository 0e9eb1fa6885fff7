package demo

import (
	"context"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/order"
)

// TestSnapshotsReconcileWithOrders: every store-day's paid orders, paying
// buyers, GMV and refunds in the snapshot are exactly those of its orders,
// over more than a year, with repeat buyers, refunds and traffic sources.
func TestSnapshotsReconcileWithOrders(t *testing.T) {
	client := openClient(t)
	ctx := authz.SystemContext(context.Background())
	if _, err := Load(context.Background(), client); err != nil {
		t.Fatal(err)
	}
	loc := shanghai()
	type agg struct {
		orders, amount, refunds int64
		buyers                  map[string]bool
	}
	byDay := map[int]map[string]*agg{}
	orders, err := client.Order.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	perBuyer := map[string]int{}
	sources := map[order.TrafficSource]int{}
	refunded := 0
	for _, o := range orders {
		if o.PaidAt == nil || o.Status == order.StatusPENDING_PAYMENT || o.Status == order.StatusCANCELLED {
			continue
		}
		day := o.PaidAt.In(loc).Format(time.DateOnly)
		if byDay[o.StoreID] == nil {
			byDay[o.StoreID] = map[string]*agg{}
		}
		a := byDay[o.StoreID][day]
		if a == nil {
			a = &agg{buyers: map[string]bool{}}
			byDay[o.StoreID][day] = a
		}
		a.orders++
		a.amount += int64(o.Paid)
		if o.Status == order.StatusREFUNDED {
			a.refunds += int64(o.Paid)
			refunded++
		}
		a.buyers[o.BuyerRef] = true
		perBuyer[o.BuyerRef]++
		sources[o.TrafficSource]++
	}
	snaps, err := client.MetricSnapshot.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range snaps {
		a := byDay[m.StoreID][m.Day]
		if a == nil {
			t.Fatalf("store %d %s: snapshot without paid orders", m.StoreID, m.Day)
		}
		if m.PaidOrders != a.orders || m.PayingBuyers != int64(len(a.buyers)) || int64(m.Gmv) != a.amount || int64(m.Refunds) != a.refunds {
			t.Errorf("store %d %s: snapshot %d orders %d buyers %d fen %d refunds; orders say %d %d %d %d",
				m.StoreID, m.Day, m.PaidOrders, m.PayingBuyers, m.Gmv, m.Refunds, a.orders, len(a.buyers), a.amount, a.refunds)
		}
	}
	repeat := 0
	for _, n := range perBuyer {
		if n > 1 {
			repeat++
		}
	}
	if repeat < len(perBuyer)/10 || refunded == 0 || len(sources) < 6 {
		t.Errorf("%d of %d buyers repeat, %d refunds, %d traffic sources", repeat, len(perBuyer), refunded, len(sources))
	}
	t.Logf("%d orders, %d paying buyers, %d repeat, %d refunded, %d snapshots", len(orders), len(perBuyer), repeat, refunded, len(snaps))
}
