package synctest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestPublishAndUpdateStock pushes stock to each platform: the fake records
// the stock update and the API shows the new stock; publishing content, which
// no built-in plugin declares, answers NOT_SUPPORTED; DRAFT content and SKUs
// that were never synced are refused with CONFLICT.
func TestPublishAndUpdateStock(t *testing.T) {
	for _, pc := range platforms {
		t.Run(pc.plugin, func(t *testing.T) {
			g := pc.start(t, fakeSize{Products: 3, Orders: 5})
			w := newWorld(t, testenv.SQLite)
			reviewer := w.User(t, "reviewer@a.test", testenv.Grant{Org: w.org, Role: "reviewer"})
			storeID := w.connected(t, g)

			createContent := func(title string) string {
				var out struct{ CreateContent struct{ ID string } }
				w.must(t, w.admin, `mutation($s: ID!, $t: String!) { createContent(input: {storeID: $s, title: $t, kind: ARTICLE, body: "温和配方，适合秋冬",
					variants: [{format: VERTICAL_9_16, url: "https://cdn.example/a.jpg", altText: "模特展示面霜"}]}) { id } }`,
					map[string]any{"s": storeID, "t": title}, &out)
				return out.CreateContent.ID
			}
			approved := createContent("秋冬护肤指南")
			w.must(t, w.admin, `mutation($id: ID!) { submitContent(id: $id) { status } }`, map[string]any{"id": approved}, nil)
			w.must(t, reviewer, `mutation($id: ID!) { approveContent(id: $id) { status } }`, map[string]any{"id": approved}, nil)
			draft := createContent("草稿")

			// No built-in platform documents a publishing API: publishContent
			// answers NOT_SUPPORTED naming the plugin and the capability, and
			// no request reaches the platform.
			before := g.calls("")
			res := w.gql(t, w.admin, `mutation($id: ID!) { publishContent(contentID: $id) { status } }`, map[string]any{"id": approved})
			if !slices.Equal(res.Codes(), []string{"NOT_SUPPORTED"}) || !strings.Contains(res.Errors[0].Message, g.plugin) ||
				!strings.Contains(res.Errors[0].Message, "PUBLISH_CONTENT") {
				t.Errorf("publishContent: %v %+v, want NOT_SUPPORTED naming %s and PUBLISH_CONTENT", res.Codes(), res.Errors, g.plugin)
			}
			if n := g.calls(""); n != before {
				t.Errorf("publishContent sent %d requests to the platform", n-before)
			}
			res = w.gql(t, w.admin, `mutation($id: ID!) { publishContent(contentID: $id) { status } }`, map[string]any{"id": draft})
			if !slices.Equal(res.Codes(), []string{"CONFLICT"}) {
				t.Errorf("publishContent of DRAFT content: %v %+v, want CONFLICT", res.Codes(), res.Errors)
			}

			// Stock of a synced SKU.
			w.sync(t, w.admin, storeID)
			var skus struct {
				SKUs struct {
					Edges []struct {
						Node struct {
							ID, ExternalID string
							Stock          int
						}
					}
				}
			}
			w.must(t, w.admin, `query($s: ID!) { skus(first: 1, where: {hasProductWith: [{storeID: $s}]}) { edges { node { id externalID stock } } } }`,
				map[string]any{"s": storeID}, &skus)
			if len(skus.SKUs.Edges) == 0 {
				t.Fatal("no synced SKU")
			}
			k := skus.SKUs.Edges[0].Node
			qty := k.Stock + 7
			var upd struct{ UpdateStock struct{ Stock int } }
			w.must(t, w.admin, `mutation($id: ID!, $q: Int!) { updateStock(skuID: $id, quantity: $q) { stock } }`,
				map[string]any{"id": k.ID, "q": qty}, &upd)
			if upd.UpdateStock.Stock != qty {
				t.Errorf("updateStock returned stock %d, want %d", upd.UpdateStock.Stock, qty)
			}
			if got := g.stock(); len(got) != 1 || got[0].Qty != int64(qty) || got[0].SKU != k.ExternalID {
				t.Errorf("the platform recorded stock updates %+v, want SKU %s set to %d", got, k.ExternalID, qty)
			}
			var after struct{ Node struct{ Stock int } }
			w.must(t, w.admin, `query($id: ID!) { node(id: $id) { ... on SKU { stock } } }`, map[string]any{"id": k.ID}, &after)
			if after.Node.Stock != qty {
				t.Errorf("SKU stock in the API = %d after updateStock, want %d", after.Node.Stock, qty)
			}

			// A SKU created locally is not linked to the platform.
			var prod struct{ CreateProduct struct{ ID string } }
			w.must(t, w.admin, `mutation($s: ID!) { createProduct(input: {storeID: $s, title: "本地商品", price: {amount: "19.90"}}) { id } }`,
				map[string]any{"s": storeID}, &prod)
			var local struct{ CreateSKU struct{ ID string } }
			w.must(t, w.admin, fmt.Sprintf(`mutation { createSKU(input: {productID: "%s", name: "规格:默认", price: {amount: "19.90"}, stock: 3}) { id } }`,
				prod.CreateProduct.ID), nil, &local)
			res = w.gql(t, w.admin, `mutation($id: ID!) { updateStock(skuID: $id, quantity: 9) { stock } }`, map[string]any{"id": local.CreateSKU.ID})
			if !slices.Equal(res.Codes(), []string{"CONFLICT"}) {
				t.Errorf("updateStock of an unsynced SKU: %v %+v, want CONFLICT", res.Codes(), res.Errors)
			}
			if n := len(g.stock()); n != 1 {
				t.Errorf("the platform has %d stock updates after refusing the unsynced SKU, want 1", n)
			}
		})
	}
}
