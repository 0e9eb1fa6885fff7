package synctest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/metricsnapshot"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestSyncKeepsOtherSourceMetrics: a day whose numbers came from another
// source (demo data, manual entry) keeps them through a sync; the synced days
// say they came from the plugin (issue 8 §10).
func TestSyncKeepsOtherSourceMetrics(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		g := startTaobao(t, fakeSize{Products: 3, Orders: 10})
		w := newWorld(t, b)
		storeID := w.connected(t, g)
		sid, err := strconv.Atoi(storeID)
		if err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation("Asia/Shanghai")
		day := time.Now().In(loc).AddDate(0, 0, -3).Format(time.DateOnly)
		ctx := authz.SystemContext(context.Background())
		for _, src := range []string{"DEMO"} {
			if err := w.Client.MetricSnapshot.Create().SetStoreID(sid).SetDay(day).SetSource(src).
				SetVisitors(7).SetGmv(schematype.Money(24_800_000)).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		w.sync(t, w.admin, storeID)
		rows, err := w.Client.MetricSnapshot.Query().Where(metricsnapshot.StoreID(sid)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != metricsDays {
			t.Fatalf("%d metric days after the sync, want %d", len(rows), metricsDays)
		}
		for _, r := range rows {
			switch {
			case r.Day == day && (r.Source != "DEMO" || r.Gmv != 24_800_000 || r.Visitors != 7):
				t.Errorf("the DEMO day %s was overwritten: source %s, gmv %d, visitors %d", day, r.Source, r.Gmv, r.Visitors)
			case r.Day != day && r.Source != "taobao":
				t.Errorf("synced day %s has source %q, want taobao", r.Day, r.Source)
			}
		}
	})
}
