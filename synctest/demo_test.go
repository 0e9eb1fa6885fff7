package synctest

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/demo"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// storeCatalogue is a store's products (external id → title) and SKUs
// (external id → product external id).
type storeCatalogue struct{ products, skus map[string]string }

func readCatalogue(t *testing.T, c *ent.Client, storeID int) storeCatalogue {
	t.Helper()
	ps, err := c.Product.Query().Where(product.StoreID(storeID)).WithSkus().All(authz.SystemContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	out := storeCatalogue{map[string]string{}, map[string]string{}}
	for _, p := range ps {
		if _, dup := out.products[p.ExternalID]; dup {
			t.Errorf("store %d: two products with external id %s", storeID, p.ExternalID)
		}
		out.products[p.ExternalID] = p.Title
		for _, k := range p.Edges.Skus {
			out.skus[k.ExternalID] = p.ExternalID
		}
	}
	return out
}

// The demo's fake gateways serve the demo stores' own catalogue (issue 8 §10,
// decision 0129): connecting a demo store to its fake and syncing it through
// the real plugin process leaves the store's products and SKUs as they were —
// no foreign products — and the orders it brings in only reference them.
func TestDemoFakesServeDemoCatalogue(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := &world{log: &lockedBuffer{}, resp: &lockedBuffer{}}
		w.Env = testenv.New(t, b, withConfig(func(c *app.Config) {
			c.Builtins = builtins
			c.Log = slog.New(slog.NewTextHandler(w.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
		}))
		ctx := context.Background()
		if loaded, err := demo.Load(ctx, w.Client); err != nil || !loaded {
			t.Fatalf("demo.Load: loaded %v, %v", loaded, err)
		}
		fakes, err := demo.StartFakePlatformsOn(ctx, w.Client, "0,0,0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			for _, f := range fakes {
				f.Close()
			}
		})
		for i, f := range fakes {
			t.Run(f.PluginID, func(t *testing.T) {
				if f.StoreName == "" {
					t.Fatalf("fake %s serves no demo store", f.PluginID)
				}
				st, err := w.Client.Store.Get(authz.SystemContext(ctx), f.StoreID)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(st.Name, "Brand A") {
					t.Errorf("fake %s serves %s, want a Brand A store", f.PluginID, st.Name)
				}
				before := readCatalogue(t, w.Client, f.StoreID)
				if len(before.products) == 0 || len(before.skus) == 0 {
					t.Fatalf("demo store %s has %d products, %d SKUs", st.Name, len(before.products), len(before.skus))
				}
				ordersBefore := w.Client.Order.Query().Where(order.StoreID(f.StoreID)).CountX(authz.SystemContext(ctx))
				admin := w.User(t, fmt.Sprintf("admin%d@demo-fakes.test", i), testenv.Grant{Org: st.OrganizationID, Role: "admin"})
				var creds []map[string]string
				for _, k := range []string{"app_key", "app_id", "app_secret"} {
					if v, ok := f.Connection.Credentials[k]; ok {
						creds = append(creds, map[string]string{"name": k, "value": v})
					}
				}
				w.must(t, admin, connectMutation, map[string]any{"s": fmt.Sprint(f.StoreID), "p": f.PluginID, "c": creds,
					"e": f.Connection.Endpoint, "code": f.AuthCode}, nil)
				j := w.wait(t, admin, w.startSync(t, admin, fmt.Sprint(f.StoreID)))
				if j.Status != "SUCCEEDED" {
					t.Fatalf("sync %s: %s, error %v", f.PluginID, j.Status, deref(j.Error))
				}
				after := readCatalogue(t, w.Client, f.StoreID)
				if len(after.products) != len(before.products) {
					t.Errorf("%s: %d products after the sync, %d before", st.Name, len(after.products), len(before.products))
				}
				for ext, title := range after.products {
					if was, ok := before.products[ext]; !ok || was != title {
						t.Errorf("%s: product %s %q after the sync; before: %q (present %v)", st.Name, ext, title, was, ok)
					}
				}
				if diff := keysDiff(before.skus, after.skus); diff != "" {
					t.Errorf("%s: SKUs by external id changed: %s", st.Name, diff)
				}
				if n := w.Client.Order.Query().Where(order.StoreID(f.StoreID)).CountX(authz.SystemContext(ctx)); n <= ordersBefore {
					t.Errorf("%s: %d orders after the sync, %d before: the fake's orders were not synced", st.Name, n, ordersBefore)
				}
				// The synced orders' lines reference the store's own SKUs.
				lines, err := w.Client.Order.Query().Where(order.StoreID(f.StoreID)).QueryLines().WithSku().All(authz.SystemContext(ctx))
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range lines {
					if l.Edges.Sku == nil {
						t.Errorf("%s: order line %q references no SKU of the store", st.Name, l.Title)
					} else if _, ok := before.skus[l.Edges.Sku.ExternalID]; !ok {
						t.Errorf("%s: order line %q references foreign SKU %s", st.Name, l.Title, l.Edges.Sku.ExternalID)
					}
				}
			})
		}
	})
}

// keysDiff lists the keys of a missing from b and of b missing from a.
func keysDiff(a, b map[string]string) string {
	var out []string
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, "-"+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "+"+k)
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
