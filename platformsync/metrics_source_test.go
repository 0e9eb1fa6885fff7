package platformsync_test

import (
	"context"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/metricsnapshot"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// TestSyncKeepsOtherSourceMetrics: a day whose numbers came from another
// source (demo data, manual entry) keeps them through a metrics sync; the
// synced days say which plugin they came from, and a later sync of the same
// plugin updates its own days (issue 8 §10). The built-in plugins declare no
// METRICS capability (issue 9), so this runs the metrics upsert directly.
func TestSyncKeepsOtherSourceMetrics(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		e := testenv.New(t, b)
		ctx := authz.SystemContext(context.Background())
		org := e.Org(t, "Brand", 0)
		st, err := e.Client.Store.Create().SetName("店").SetPlatform(store.PlatformTAOBAO).SetOrganizationID(org).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const demoDay = "2026-11-03"
		if err := e.Client.MetricSnapshot.Create().SetStoreID(st.ID).SetOrganizationID(org).SetDay(demoDay).
			SetSource("DEMO").SetVisitors(7).SetGmv(schematype.Money(24_800_000)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		days := []string{"2026-11-01", "2026-11-02", demoDay, "2026-11-04"}
		upsert := func(visitors int64) {
			t.Helper()
			var in []sdk.DailyMetrics
			for _, d := range days {
				in = append(in, sdk.DailyMetrics{Date: d, Visitors: visitors, GMVFen: 100 * visitors})
			}
			tx, err := e.Client.Tx(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := platformsync.UpsertMetricsForTest(ctx, tx, st, "thirdparty", in); err != nil {
				_ = tx.Rollback()
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		upsert(50)
		upsert(60) // the plugin's own days are updated, the DEMO day still kept
		rows, err := e.Client.MetricSnapshot.Query().Where(metricsnapshot.StoreID(st.ID)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(days) {
			t.Fatalf("%d metric days after the sync, want %d", len(rows), len(days))
		}
		for _, r := range rows {
			switch {
			case r.Day == demoDay && (r.Source != "DEMO" || r.Gmv != 24_800_000 || r.Visitors != 7):
				t.Errorf("the DEMO day was overwritten: source %s, gmv %d, visitors %d", r.Source, r.Gmv, r.Visitors)
			case r.Day != demoDay && (r.Source != "thirdparty" || r.Visitors != 60):
				t.Errorf("synced day %s: source %q visitors %d, want thirdparty and 60", r.Day, r.Source, r.Visitors)
			}
		}
	})
}
