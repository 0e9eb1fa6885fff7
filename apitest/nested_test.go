package apitest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestNestedConnectionPerParentLimit checks a nested connection of many
// parents, loaded in one statement and limited per parent (a UNION ALL of one
// SELECT per parent on SQLite, a ROW_NUMBER window on PostgreSQL: decision
// 0261), against the rows computed here: order, filter, first/last and
// totalCount, for parents with no, one, some and more rows than the limit.
func TestNestedConnectionPerParentLimit(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b, testenv.WithoutSyncRunner())
		org := env.Org(t, "Brand", 0)
		other := env.Org(t, "Other", 0)
		env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		c := env.Client
		type sku struct {
			id, price, stock int
			name             string
		}
		skus := map[int][]sku{} // by product
		var products []int
		for o, counts := range map[int][]int{org: {0, 1, 3, 12, 7}, other: {5}} {
			s := c.Store.Create().SetName("店铺").SetPlatform(store.PlatformTMALL).SetOrganizationID(o).SaveX(sys)
			for i, n := range counts {
				p := c.Product.Create().SetStoreID(s.ID).SetTitle(fmt.Sprintf("商品 %d", i)).SetPrice(9900).SaveX(sys)
				if o == org {
					products = append(products, p.ID)
				}
				for k := range n {
					// Prices repeat, so the order falls back to the id.
					price, stock := 1000+(k*7%5)*100, k*3%10
					row := c.SKU.Create().SetProductID(p.ID).SetName(fmt.Sprintf("规格 %02d", (k*5)%n)).
						SetPrice(schematype.Money(price)).SetStock(stock).SaveX(sys)
					skus[p.ID] = append(skus[p.ID], sku{row.ID, price, stock, row.Name})
				}
			}
		}
		tok := env.Login(t, "owner@brand.test")
		byID := func(a, b sku) int { return cmp.Compare(a.id, b.id) }
		for _, tc := range []struct {
			name, args string
			keep       func(sku) bool
			less       func(a, b sku) int
			first      int // else last
			last       int
		}{
			{"first by id", "first: 2", nil, byID, 2, 0},
			{"first beyond every parent", "first: 20", nil, byID, 20, 0},
			{"price descending", "first: 4, orderBy: [{field: PRICE, direction: DESC}]", nil,
				func(a, b sku) int { return cmp.Or(cmp.Compare(b.price, a.price), byID(a, b)) }, 4, 0},
			{"name then stock", "first: 3, orderBy: [{field: NAME}, {field: STOCK, direction: DESC}]", nil,
				func(a, b sku) int {
					return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(b.stock, a.stock), byID(a, b))
				}, 3, 0},
			{"filtered", "first: 3, where: {stockGT: 2}", func(s sku) bool { return s.stock > 2 }, byID, 3, 0},
			{"last", "last: 2", nil, byID, 0, 2},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var out struct {
					Products struct {
						Edges []struct {
							Node struct {
								ID   string
								Skus struct {
									TotalCount int
									Edges      []struct{ Node struct{ ID string } }
								}
							}
						}
					}
				}
				mustOK(t, env, tok, `{ products(first: 50) { edges { node { id skus(`+tc.args+`) { totalCount edges { node { id } } } } } } }`, nil, &out)
				if len(out.Products.Edges) != len(products) {
					t.Fatalf("%d products, want %d", len(out.Products.Edges), len(products))
				}
				for _, e := range out.Products.Edges {
					pid, _ := strconv.Atoi(e.Node.ID)
					var want []sku
					for _, s := range skus[pid] {
						if tc.keep == nil || tc.keep(s) {
							want = append(want, s)
						}
					}
					total := len(want)
					slices.SortFunc(want, tc.less)
					if tc.first > 0 {
						want = want[:min(tc.first, len(want))]
					} else {
						want = want[max(0, len(want)-tc.last):]
					}
					var got, wantIDs []int
					for _, s := range e.Node.Skus.Edges {
						id, _ := strconv.Atoi(s.Node.ID)
						got = append(got, id)
					}
					for _, s := range want {
						wantIDs = append(wantIDs, s.id)
					}
					if !slices.Equal(got, wantIDs) {
						t.Errorf("product %d (%d SKUs): got %v, want %v", pid, len(skus[pid]), got, wantIDs)
					}
					if e.Node.Skus.TotalCount != total {
						t.Errorf("product %d: totalCount %d, want %d", pid, e.Node.Skus.TotalCount, total)
					}
				}
			})
		}
	})
}
