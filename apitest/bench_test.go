package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/content"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// benchQuery is a console-style nested read: 5 stores, each with products
// and their SKUs, contents and campaigns (60 rows in all).
const benchQuery = `{ stores(first: 10) { totalCount edges { node { id name
  products(first: 10) { totalCount edges { node { id title price { amount } skus(first: 10) { edges { node { id name stock } } } } } }
  contents(first: 10) { edges { node { id title status } } }
  campaigns(first: 10) { edges { node { id name kind } } } } } } }`

// BenchmarkAuthorizationOverhead measures what authorization costs per
// request: the same nested read over the real HTTP handler (a) as a signed-in
// owner, through authentication (session and memberships lookup), the casbin
// check of the root field and the ent privacy filters of every query, and (b)
// with all of that bypassed by a test-only middleware that puts the system
// viewer into the request context (no Authorization header, so the server's
// authentication does nothing; the rule check and privacy let the system
// viewer through). Both answer the very same data. ns/op(a) / ns/op(b) is the
// overhead ratio.
func BenchmarkAuthorizationOverhead(b *testing.B) {
	env := testenv.New(b, testenv.SQLite)
	org := env.Org(b, "Brand", 0)
	env.SeedUser(b, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	c := env.Client
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		s := c.Store.Create().SetName(fmt.Sprintf("店铺 %d", i)).SetPlatform(store.PlatformTMALL).SetOrganizationID(org).SaveX(sys)
		for j := range 4 {
			p := c.Product.Create().SetStoreID(s.ID).SetTitle(fmt.Sprintf("商品 %d", j)).SetPrice(9900).SaveX(sys)
			for k := range 2 {
				c.SKU.Create().SetProductID(p.ID).SetName(fmt.Sprintf("规格 %d", k)).SetPrice(9900).SetStock(10).SaveX(sys)
			}
		}
		for j := range 3 {
			c.Content.Create().SetStoreID(s.ID).SetTitle(fmt.Sprintf("笔记 %d", j)).SetKind(content.KindARTICLE).SaveX(sys)
		}
		for j := range 2 {
			c.Campaign.Create().SetStoreID(s.ID).SetName(fmt.Sprintf("活动 %d", j)).SetKind(campaign.KindCOUPON).
				SetStartsAt(start).SetEndsAt(start.Add(time.Hour)).
				SetRules(schematype.CampaignRules{Coupon: &schematype.CouponRule{Value: 500, MinSpend: 5000, Quantity: 10, PerUser: 1}}).SaveX(sys)
		}
	}
	tok := env.Login(b, "owner@brand.test")
	body, _ := json.Marshal(map[string]any{"query": benchQuery})
	authorized := env.App.Handler()
	bypassed := func(next http.Handler) http.Handler { // test-only
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(authz.SystemContext(r.Context())))
		})
	}(env.App.Handler())

	do := func(b *testing.B, h http.Handler, token string) []byte {
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		return rec.Body.Bytes()
	}
	// Both paths answer the same, complete data.
	a, s := do(b, authorized, tok), do(b, bypassed, "")
	if !bytes.Equal(a, s) || bytes.Contains(a, []byte(`"errors"`)) || !bytes.Contains(a, []byte(`"totalCount":5`)) {
		b.Fatalf("the two paths differ or fail:\nauthorized %s\nbypassed   %s", a, s)
	}
	b.Run("authorized", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			do(b, authorized, tok)
		}
	})
	b.Run("bypassed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			do(b, bypassed, "")
		}
	})
}
