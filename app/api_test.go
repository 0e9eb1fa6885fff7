package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/graph"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// fixture is an organization with an owner and one store.
type fixture struct {
	env   *testenv.Env
	token string
	org   string
	store string
}

func newFixture(t *testing.T, b testenv.Backend, opts ...testenv.Option) *fixture {
	t.Helper()
	env := testenv.New(t, b, opts...)
	org := env.Org(t, "Brand A", 0)
	f := &fixture{env: env, token: env.User(t, "owner@a.test", testenv.Grant{Org: org, Role: "owner"}), org: fmt.Sprint(org)}
	f.store = f.create(t, "createStore", `{name: "品牌旗舰店", platform: TMALL, organizationID: $org}`)
	return f
}

// create runs a create mutation and returns the new id.
func (f *fixture) create(t *testing.T, mutation, input string) string {
	t.Helper()
	var out map[string]struct{ ID string }
	var decl []string
	for _, v := range []string{"org", "store"} {
		if strings.Contains(input, "$"+v) {
			decl = append(decl, "$"+v+": ID!")
		}
	}
	f.env.MustData(t, testenv.Request{Token: f.token,
		Query:     fmt.Sprintf(`mutation%s { %s(input: %s) { id } }`, params(decl), mutation, input),
		Variables: map[string]any{"org": f.org, "store": f.store}}, &out)
	return out[mutation].ID
}

func (f *fixture) do(t *testing.T, q string, vars map[string]any) *testenv.Response {
	t.Helper()
	return f.env.Do(t, testenv.Request{Token: f.token, Query: q, Variables: vars})
}

func TestCreateUpdateDeleteEveryEntity(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		f := newFixture(t, b)
		kol := f.create(t, "createKOLPartner", `{organizationID: $org, platform: XIAOHONGSHU, handle: "小美爱护肤", tier: KOC, followers: 12000, engagementRate: 0.06}`)
		supplier := f.create(t, "createSupplier", `{organizationID: $org, name: "广州美妆供应链", leadTimeDays: 7, qualityScore: 4.5}`)
		campaign := f.create(t, "createCampaign", `{storeID: $store, name: "3人成团", kind: GROUP_BUY, startsAt: "2026-12-01T00:00:00Z", endsAt: "2026-12-12T00:00:00Z",
			budget: {amount: "5000.00"}, rules: {groupBuy: {tiers: [{teamSize: 2, percentOff: 10}, {teamSize: 3, percentOff: 20}], formWithinHours: 24}}}`)
		content := f.create(t, "createContent", `{storeID: $store, title: "秋冬护肤指南", kind: ARTICLE, body: "温和配方", variants: [{format: VERTICAL_9_16, url: "https://cdn.example/a.jpg", altText: "模特展示面霜"}]}`)
		product := f.create(t, "createProduct", `{storeID: $store, title: "玫瑰精华面霜", price: {amount: "129.50"}, portfolioRole: CORE}`)
		f.create(t, "createSKU", fmt.Sprintf(`{productID: "%s", name: "规格:50ml", price: {amount: "129.50"}, stock: 30}`, product))
		f.create(t, "createCollaboration", fmt.Sprintf(`{kolPartnerID: "%s", campaignID: "%s", contentID: "%s", fee: {amount: "3000"}, commissionRate: 0.2}`, kol, campaign, content))

		var got struct {
			Node struct {
				Name     string
				Products struct {
					Edges []struct {
						Node struct {
							Title    string
							Price    struct{ Amount, Currency string }
							Supplier *struct{ Name string }
							Skus     struct{ TotalCount int }
						}
					}
				}
				Campaigns struct {
					Edges []struct {
						Node struct {
							Kind   string
							Budget struct{ Amount string }
							Rules  struct {
								GroupBuy struct {
									Tiers []struct{ TeamSize, PercentOff int }
								}
							}
							Collaborations struct {
								Edges []struct {
									Node struct {
										Fee        struct{ Amount string }
										KolPartner struct{ Handle string }
										Content    struct{ Title string }
									}
								}
							}
						}
					}
				}
			}
		}
		f.env.MustData(t, testenv.Request{Token: f.token, Variables: map[string]any{"id": f.store}, Query: `query($id: ID!) { node(id: $id) { ... on Store { name
			products(first: 5) { edges { node { title price { amount currency } supplier { name } skus { totalCount } } } }
			campaigns(first: 5) { edges { node { kind budget { amount } rules { groupBuy { tiers { teamSize percentOff } } }
				collaborations(first: 5) { edges { node { fee { amount } kolPartner { handle } content { title } } } } } } } } } }`}, &got)
		p := got.Node.Products.Edges[0].Node
		if p.Title != "玫瑰精华面霜" || p.Price.Amount != "129.50" || p.Price.Currency != "CNY" || p.Skus.TotalCount != 1 {
			t.Errorf("product read back wrong: %+v", p)
		}
		c := got.Node.Campaigns.Edges[0].Node
		if c.Kind != "GROUP_BUY" || c.Budget.Amount != "5000.00" || len(c.Rules.GroupBuy.Tiers) != 2 || c.Rules.GroupBuy.Tiers[1].TeamSize != 3 {
			t.Errorf("campaign read back wrong: %+v", c)
		}
		col := c.Collaborations.Edges[0].Node
		if col.Fee.Amount != "3000.00" || col.KolPartner.Handle != "小美爱护肤" || col.Content.Title != "秋冬护肤指南" {
			t.Errorf("collaboration read back wrong: %+v", col)
		}

		// Updates.
		var upd struct {
			UpdateProduct struct {
				Supplier struct{ Name string }
				Price    struct{ Amount string }
			}
		}
		f.env.MustData(t, testenv.Request{Token: f.token, Variables: map[string]any{"id": product, "s": supplier},
			Query: `mutation($id: ID!, $s: ID!) { updateProduct(id: $id, input: {supplierID: $s, price: {amount: "99"}}) { supplier { name } price { amount } } }`}, &upd)
		if upd.UpdateProduct.Supplier.Name != "广州美妆供应链" || upd.UpdateProduct.Price.Amount != "99.00" {
			t.Errorf("update product: %+v", upd)
		}

		// Deleting the store removes everything in it.
		res := f.do(t, `mutation($id: ID!) { deleteStore(id: $id) }`, map[string]any{"id": f.store})
		if len(res.Errors) > 0 {
			t.Fatalf("deleteStore: %+v", res.Errors)
		}
		for _, id := range []string{f.store, product, campaign, content} {
			res := f.do(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
			if codes := res.Codes(); len(codes) != 1 || codes[0] != "NOT_FOUND" {
				t.Errorf("node %s after deleteStore: %v", id, codes)
			}
		}
	})
}

func TestBadInput(t *testing.T) {
	f := newFixture(t, testenv.SQLite)
	cases := []struct {
		name, query   string
		code, field   string
		msgContains   string
		wantNoStoreAs string
	}{
		{"DSR above 5", `mutation($org: ID!) { createStore(input: {name: "x", platform: TMALL, organizationID: $org, dsrScore: 7}) { id } }`,
			"BAD_USER_INPUT", "dsrScore", "out of range", ""},
		{"empty name", `mutation($org: ID!) { createStore(input: {name: "", platform: TMALL, organizationID: $org}) { id } }`,
			"BAD_USER_INPUT", "name", "", ""},
		{"discount of 120%", `mutation($store: ID!) { createCampaign(input: {storeID: $store, name: "x", kind: TIME_LIMITED_DISCOUNT, startsAt: "2026-12-01T00:00:00Z", endsAt: "2026-12-02T00:00:00Z", rules: {timeLimitedDiscount: {percentOff: 120}}}) { id } }`,
			"BAD_USER_INPUT", "rules.timeLimitedDiscount.percentOff", "between 1 and 99", ""},
		{"rules of another kind", `mutation($store: ID!) { createCampaign(input: {storeID: $store, name: "x", kind: FLASH_SALE, startsAt: "2026-12-01T00:00:00Z", endsAt: "2026-12-02T00:00:00Z", rules: {coupon: {value: {amount: "5"}, minSpend: {amount: "50"}, quantity: 1, perUser: 1}}}) { id } }`,
			"BAD_USER_INPUT", "rules", "", ""},
		{"ends before it starts", `mutation($store: ID!) { createCampaign(input: {storeID: $store, name: "x", kind: COUPON, startsAt: "2026-12-02T00:00:00Z", endsAt: "2026-12-01T00:00:00Z", rules: {coupon: {value: {amount: "5"}, minSpend: {amount: "50"}, quantity: 1, perUser: 1}}}) { id } }`,
			"BAD_USER_INPUT", "endsAt", "", ""},
		{"money with three decimals", `mutation($store: ID!) { createProduct(input: {storeID: $store, title: "x", price: {amount: "12.345"}}) { id } }`,
			"BAD_USER_INPUT", "", "decimal", ""},
		{"money in dollars", `mutation($store: ID!) { createProduct(input: {storeID: $store, title: "x", price: {amount: "12", currency: "USD"}}) { id } }`,
			"BAD_USER_INPUT", "", "CNY", ""},
		{"unknown enum value", `mutation($org: ID!) { createStore(input: {name: "x", platform: AMAZON, organizationID: $org}) { id } }`,
			"GRAPHQL_VALIDATION_FAILED", "", "", ""},
		{"unknown id", `{ node(id: "999999") { id } }`, "NOT_FOUND", "", "", ""},
		{"update unknown id", `mutation { updateStore(id: "47244649999", input: {name: "x"}) { id } }`, "NOT_FOUND", "", "", ""},
		{"connection without first", `{ stores { edges { node { id } } } }`, "BAD_USER_INPUT", "", "first or last", ""},
		{"page too large", `{ stores(first: 100000) { edges { node { id } } } }`, "BAD_USER_INPUT", "", "at most", ""},
		{"content with banned claim", ``, "", "", "", ""},
	}
	for _, c := range cases {
		if c.query == "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			res := f.do(t, c.query, map[string]any{"org": f.org, "store": f.store})
			if len(res.Errors) != 1 {
				t.Fatalf("want one error, got %+v (data %s)", res.Errors, res.Data)
			}
			e := res.Errors[0]
			if e.Code() != c.code {
				t.Errorf("code = %q, want %q (%s)", e.Code(), c.code, e.Message)
			}
			if c.field != "" && e.Extensions["field"] != c.field {
				t.Errorf("field = %v, want %q (%s)", e.Extensions["field"], c.field, e.Message)
			}
			if !strings.Contains(e.Message, c.msgContains) {
				t.Errorf("message %q does not mention %q", e.Message, c.msgContains)
			}
			for _, leak := range []string{"ent:", "sql", "SQL", "runtime", ".go:"} {
				if strings.Contains(e.Message, leak) {
					t.Errorf("message leaks internals (%q): %s", leak, e.Message)
				}
			}
		})
	}
	// Nothing was half-written: still exactly one store, no campaigns or products.
	var out struct{ Stores, Campaigns, Products struct{ TotalCount int } }
	f.env.MustData(t, testenv.Request{Token: f.token, Query: `{ stores { totalCount } campaigns { totalCount } products { totalCount } }`}, &out)
	if out.Stores.TotalCount != 1 || out.Campaigns.TotalCount != 0 || out.Products.TotalCount != 0 {
		t.Errorf("rejected input left records behind: %+v", out)
	}
}

// TestMutationOperationIsAtomic: when one field of a mutation operation fails,
// the fields before it are rolled back too.
func TestMutationOperationIsAtomic(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		f := newFixture(t, b)
		res := f.do(t, `mutation($org: ID!) {
			a: createSupplier(input: {organizationID: $org, name: "first"}) { id }
			b: createStore(input: {organizationID: $org, name: "second", platform: DOUYIN, dsrScore: 9}) { id } }`, map[string]any{"org": f.org})
		if codes := res.Codes(); len(codes) != 1 || codes[0] != "BAD_USER_INPUT" {
			t.Fatalf("codes = %v", codes)
		}
		n, err := f.env.Client.Supplier.Query().Count(authz.SystemContext(context.Background()))
		if err != nil || n != 0 {
			t.Errorf("supplier of the failed operation was kept: %d (%v)", n, err)
		}
	})
}

func TestContentWorkflow(t *testing.T) {
	f := newFixture(t, testenv.SQLite)
	id := f.create(t, "createContent", `{storeID: $store, title: "全网第一的面霜", kind: SHORT_VIDEO}`)
	step := func(q string, vars map[string]any) *testenv.Response {
		vars["id"] = id
		return f.do(t, q, vars)
	}
	// 广告法: absolute claims are refused at submission, naming the field.
	res := step(`mutation($id: ID!) { submitContent(id: $id) { status } }`, map[string]any{})
	if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != "title" {
		t.Fatalf("banned claim not refused: %+v", res.Errors)
	}
	f.env.MustData(t, testenv.Request{Token: f.token, Variables: map[string]any{"id": id},
		Query: `mutation($id: ID!) { updateContent(id: $id, input: {title: "温和不刺激的面霜"}) { id } }`}, nil)
	f.env.MustData(t, testenv.Request{Token: f.token, Variables: map[string]any{"id": id},
		Query: `mutation($id: ID!) { submitContent(id: $id) { status } }`}, nil)
	// Editing content under review is a conflict.
	res = step(`mutation($id: ID!) { updateContent(id: $id, input: {title: "x"}) { id } }`, map[string]any{})
	if codes := res.Codes(); len(codes) != 1 || codes[0] != "CONFLICT" {
		t.Errorf("edit during review: %v", codes)
	}
}

func TestLimits(t *testing.T) {
	f := newFixture(t, testenv.SQLite, testenv.WithLimits(graph.Limits{MaxDepth: 4, MaxComplexity: 300, MaxPageSize: 50}))
	cases := []struct{ name, query, want string }{
		{"too deep", `{ stores(first: 1) { edges { node { campaigns(first: 1) { edges { node { name } } } } } } }`, "too deep"},
		{"too complex", `{ a: stores(first: 50) { edges { node { name platform dsrScore timezone introduction autoReply businessHours } } } }`, "too complex"},
		{"page too large", `{ stores(first: 51) { edges { node { name } } } }`, "at most 50"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := f.do(t, c.query, nil)
			if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, c.want) {
				t.Errorf("got %+v", res.Errors)
			}
		})
	}
	t.Run("body too large", func(t *testing.T) {
		big := `{"query":"{ stores(first: 1) { totalCount } }", "variables": {"pad": "` + strings.Repeat("x", graph.DefaultMaxBodyBytes) + `"}}`
		req, _ := http.NewRequest(http.MethodPost, f.env.URL+"/query", bytes.NewBufferString(big))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+f.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode < 400 {
			t.Errorf("status %d for an oversized body", res.StatusCode)
		}
	})
}

func TestHealthAndGraphiQL(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	for path, want := range map[string]string{
		"/healthz":                          `"ok"`,
		"/readyz":                           `"ready"`,
		"/":                                 "graphiql.min.js",
		"/graphiql/graphiql.min.js":         "GraphiQL",
		"/graphiql/react.production.min.js": "React",
	} {
		res, err := http.Get(env.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(buf.String(), want) {
			t.Errorf("GET %s: status %d, body lacks %q", path, res.StatusCode, want)
		}
		if path == "/" && (strings.Contains(buf.String(), "https://") || strings.Contains(buf.String(), "http://")) {
			t.Errorf("GraphiQL page loads something from another host")
		}
	}
}

func params(decl []string) string {
	if len(decl) == 0 {
		return ""
	}
	return "(" + strings.Join(decl, ", ") + ")"
}

// TestMoneyHonoursSelection: Money is an object; a query gets exactly the
// fields it selects, under their aliases.
func TestMoneyHonoursSelection(t *testing.T) {
	f := newFixture(t, testenv.SQLite)
	f.create(t, "createProduct", `{storeID: $store, title: "面霜", price: {amount: "88.8"}}`)
	// The plain selections are read directly; a repeated alias, a directive
	// or a fragment goes through gqlgen's field collection.
	res := f.do(t, `{ products(first: 1) { edges { node { price { amount } p: price { yuan: amount c: currency __typename }
		d: price { amount currency amount } i: price { amount @include(if: false) currency } s: price { ...M } } } } }
		fragment M on Money { currency ... on Money { amount } }`, nil)
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	want := `{"products":{"edges":[{"node":{"price":{"amount":"88.80"},"p":{"yuan":"88.80","c":"CNY","__typename":"Money"},` +
		`"d":{"amount":"88.80","currency":"CNY"},"i":{"currency":"CNY"},"s":{"currency":"CNY","amount":"88.80"}}}]}}`
	if string(res.Data) != want {
		t.Errorf("got  %s\nwant %s", res.Data, want)
	}
}
