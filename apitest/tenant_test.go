package apitest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/apitoken"
	"github.com/opsgraph/opsgraph/ent/auditevent"
	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// tenants is the cross-tenant world: organizations A and B with one object of
// every kind each, an owner of each, a viewer of A, and a user who is a
// member of both (so that paths through users exist).
type tenants struct {
	env              *testenv.Env
	a, b             *fixture
	ownerA, viewerA  string // session tokens
	ownerB           string
	shared           int // user in A (viewer) and B (operator)
	sharedA, sharedB int // the shared user's memberships
	bIDs             []int
	bUser            int
}

func newTenants(t *testing.T, b testenv.Backend) *tenants {
	t.Helper()
	env := testenv.New(t, b)
	orgA, orgB := env.Org(t, "Brand A", 0), env.Org(t, "Brand B", 0)
	ownerA := env.SeedUser(t, "owner@a.test", testenv.Grant{Org: orgA, Role: authz.RoleOwner})
	ownerB := env.SeedUser(t, "owner@b.test", testenv.Grant{Org: orgB, Role: authz.RoleOwner})
	env.SeedUser(t, "viewer@a.test", testenv.Grant{Org: orgA, Role: authz.RoleViewer})
	shared := env.SeedUser(t, "shared@ab.test", testenv.Grant{Org: orgA, Role: authz.RoleViewer}, testenv.Grant{Org: orgB, Role: authz.RoleOperator})
	w := &tenants{env: env, shared: shared, bUser: ownerB}
	w.a = seedTenant(t, env, orgA, ownerA, "A")
	w.b = seedTenant(t, env, orgB, ownerB, "B")
	for _, m := range env.Client.Membership.Query().Where(membership.UserID(shared)).AllX(sys) {
		if m.OrganizationID == orgA {
			w.sharedA = m.ID
		} else {
			w.sharedB = m.ID
		}
	}
	w.bIDs = append([]int{orgB, ownerB, w.sharedB}, w.b.allIDs...)
	// Plant links from A's records to B's that the API would refuse to create,
	// so that nested edges have something to leak if privacy failed.
	for _, q := range []string{
		fmt.Sprintf("UPDATE products SET supplier_id = %d WHERE id = %d", w.b.Supplier, w.a.Product2),
		fmt.Sprintf("UPDATE collaborations SET campaign_id = %d, content_id = %d WHERE id = %d", w.b.Campaign, w.b.Content, w.a.Collab2),
		fmt.Sprintf("UPDATE order_lines SET sku_id = %d WHERE id = %d", w.b.SKU, w.a.OrderLine2),
		fmt.Sprintf("UPDATE contents SET author_id = %d WHERE id = %d", ownerB, w.a.Content2),
	} {
		if _, err := env.Client.ExecContext(sys, q); err != nil {
			t.Fatalf("plant %q: %v", q, err)
		}
	}
	w.ownerA = env.Login(t, "owner@a.test")
	w.viewerA = env.Login(t, "viewer@a.test")
	w.ownerB = env.Login(t, "owner@b.test")
	return w
}

// readKind is one object kind and how to reach it.
type readKind struct {
	name string
	a, b int
	// conn is the top-level connection field, if any.
	conn string
	// count counts A's rows as the owner of A should see them.
	count func() int
}

func (w *tenants) kinds() []readKind {
	c := w.env.Client
	a := w.a
	orgA := a.Org
	return []readKind{
		{"organization", orgA, w.b.Org, "organizations", func() int { return 1 }},
		{"store", a.Store, w.b.Store, "stores", func() int { return 1 }},
		{"content", a.Content, w.b.Content, "contents", func() int { return 2 }},
		{"campaign", a.Campaign, w.b.Campaign, "campaigns", func() int { return 1 }},
		{"kolPartner", a.KOL, w.b.KOL, "kolPartners", func() int { return 1 }},
		{"collaboration", a.Collab, w.b.Collab, "collaborations", func() int { return 2 }},
		{"supplier", a.Supplier, w.b.Supplier, "suppliers", func() int { return 1 }},
		{"product", a.Product, w.b.Product, "products", func() int { return 2 }},
		{"sku", a.SKU, w.b.SKU, "skus", func() int { return 1 }},
		{"order", a.Order, w.b.Order, "orders", func() int { return 1 }},
		{"orderLine", a.OrderLine, w.b.OrderLine, "", nil},
		{"metricSnapshot", a.Metric, w.b.Metric, "", nil},
		{"membership", a.OwnerMembership, w.b.OwnerMembership, "", nil},
		{"apiToken", a.Token, w.b.Token, "apiTokens", func() int {
			return c.APIToken.Query().Where(apitoken.OrganizationID(orgA)).CountX(sys)
		}},
		{"auditEvent", a.Audit, w.b.Audit, "auditEvents", func() int {
			return c.AuditEvent.Query().Where(auditevent.OrganizationID(orgA)).CountX(sys)
		}},
		{"alert", a.Alert, w.b.Alert, "alerts", func() int { return 1 }},
		{"alertRule", a.AlertRule, w.b.AlertRule, "alertRules", func() int { return 1 }},
		{"syncJob", a.SyncJob, w.b.SyncJob, "syncJobs", func() int { return 1 }},
		{"platformConnection", a.Conn, w.b.Conn, "", nil},
		{"user", a.Owner, w.bUser, "", nil},
	}
}

// TestCrossTenantIsolation: as the owner of A, every read path to every kind
// of B's objects returns nothing, and every mutation aimed at B's objects
// answers NOT_FOUND (never FORBIDDEN, which would reveal existence) and
// changes nothing. Runs on every backend.
func TestCrossTenantIsolation(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		w := newTenants(t, b)
		t.Run("reads", func(t *testing.T) { w.testReads(t) })
		t.Run("nested", func(t *testing.T) { w.testNested(t) })
		t.Run("mutations", func(t *testing.T) { w.testMutations(t) })
	})
}

func (w *tenants) testReads(t *testing.T) {
	env := w.env
	for _, k := range w.kinds() {
		t.Run(k.name, func(t *testing.T) {
			// node: B's object is not found; A's is (the query itself works).
			res := gql(t, env, w.ownerA, `query($id: ID!) { node(id: $id) { id } }`, vars("id", k.b))
			var node struct{ Node *struct{ ID string } }
			res.Decode(t, &node)
			if node.Node != nil {
				t.Errorf("node(B's %s) = %s", k.name, res.Data)
			}
			for _, e := range res.Errors {
				if e.Code() != "NOT_FOUND" {
					t.Errorf("node(B's %s): %s %q, want NOT_FOUND or null", k.name, e.Code(), e.Message)
				}
			}
			res = gql(t, env, w.ownerA, `query($id: ID!) { node(id: $id) { id } }`, vars("id", k.a))
			wantOK(t, res)
			res.Decode(t, &node)
			if node.Node == nil || node.Node.ID != sid(k.a) {
				t.Fatalf("node(A's %s) = %s; the test cannot tell isolation from breakage", k.name, res.Data)
			}

			// nodes: B's entry is null, A's is there.
			res = gql(t, env, w.ownerA, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars("ids", []int{k.a, k.b}))
			var nodes struct{ Nodes []*struct{ ID string } }
			res.Decode(t, &nodes)
			if len(nodes.Nodes) != 2 || nodes.Nodes[0] == nil || nodes.Nodes[0].ID != sid(k.a) || nodes.Nodes[1] != nil {
				t.Errorf("nodes([A, B] %s) = %s", k.name, res.Data)
			}
			for _, e := range res.Errors {
				if e.Code() != "NOT_FOUND" {
					t.Errorf("nodes(B's %s): %s %q, want NOT_FOUND", k.name, e.Code(), e.Message)
				}
			}

			if k.conn == "" {
				return
			}
			// Top-level connection: only A's rows, and totalCount counts only them.
			q := fmt.Sprintf(`{ %s(first: 1000) { totalCount edges { node { id } } } }`, k.conn)
			res = gql(t, env, w.ownerA, q, nil)
			wantOK(t, res)
			var conn map[string]struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
			res.Decode(t, &conn)
			got := conn[k.conn]
			want := k.count()
			var seen []string
			for _, e := range got.Edges {
				seen = append(seen, e.Node.ID)
			}
			if slices.Contains(seen, sid(k.b)) {
				t.Errorf("%s lists B's %s: %v", k.conn, k.name, seen)
			}
			if !slices.Contains(seen, sid(k.a)) {
				t.Errorf("%s misses A's %s %d: %v", k.conn, k.name, k.a, seen)
			}
			if got.TotalCount != want || len(got.Edges) != want {
				t.Errorf("%s: totalCount %d, %d edges; want %d (A's rows only)", k.conn, got.TotalCount, len(got.Edges), want)
			}
			if leaked := intersect(ids(res.Data), w.bIDs); len(leaked) > 0 {
				t.Errorf("%s returns B's ids %v", k.conn, leaked)
			}
			// Filtering for B's object by id finds nothing and counts nothing.
			q = fmt.Sprintf(`query($id: ID!) { %s(first: 100, where: {id: $id}) { totalCount edges { node { id } } } }`, k.conn)
			res = gql(t, env, w.ownerA, q, vars("id", k.b))
			wantOK(t, res)
			res.Decode(t, &conn)
			if got := conn[k.conn]; got.TotalCount != 0 || len(got.Edges) != 0 {
				t.Errorf("%s(where: {id: B's}) = %s", k.conn, res.Data)
			}
		})
	}
	t.Run("roles", func(t *testing.T) {
		wantCode(t, gql(t, env, w.ownerA, `query($o: ID!) { roles(organizationID: $o) { name } }`, vars("o", w.b.Org)), "NOT_FOUND")
	})
	t.Run("where organizationID", func(t *testing.T) {
		for _, conn := range []string{"stores", "kolPartners", "suppliers", "apiTokens"} {
			res := gql(t, env, w.ownerA, fmt.Sprintf(`query($o: ID!) { %s(first: 100, where: {organizationID: $o}) { totalCount edges { node { id } } } }`, conn), vars("o", w.b.Org))
			wantOK(t, res)
			if !strings.Contains(string(res.Data), `"totalCount":0`) {
				t.Errorf("%s filtered on B: %s", conn, res.Data)
			}
		}
	})
}

// nestedQuery walks every nested edge reachable from what the owner of A can
// see, including A's records the test linked to B's behind the API's back.
const nestedQuery = `query($shared: ID!, $product2: ID!, $collab2: ID!, $line2: ID!, $content2: ID!, $token: ID!) {
  organizations(first: 5) { totalCount edges { node { id parent { id } clients(first: 5) { totalCount edges { node { id } } }
    kolPartners(first: 5) { totalCount edges { node { id collaborations(first: 5) { totalCount edges { node { id campaign { id } content { id } } } } } } }
    suppliers(first: 5) { totalCount edges { node { id products(first: 5) { totalCount edges { node { id } } } } } }
    stores(first: 5) { totalCount edges { node { id organization { id }
      contents(first: 5) { totalCount edges { node { id author { id memberships { id organizationID organization { id } } } collaborations(first: 5) { totalCount edges { node { id } } } } } }
      campaigns(first: 5) { totalCount edges { node { id collaborations(first: 5) { totalCount edges { node { id content { id } } } } } } }
      products(first: 5) { totalCount edges { node { id supplier { id } skus(first: 5) { totalCount edges { node { id } } } } } }
      orders(first: 5) { totalCount edges { node { id lines(first: 5) { totalCount edges { node { id sku { id } } } } } } }
      metrics(first: 5) { totalCount edges { node { id } } }
      connection { id }
      syncJobs(first: 5) { totalCount edges { node { id } } }
    } } }
  } } }
  me { id memberships { id organization { id } } }
  shared: node(id: $shared) { ... on Membership { id user { id memberships { id organizationID organization { id } } } } }
  product2: node(id: $product2) { ... on Product { id supplier { id } } }
  collab2: node(id: $collab2) { ... on Collaboration { id campaign { id } content { id } } }
  line2: node(id: $line2) { ... on OrderLine { id sku { id } } }
  content2: node(id: $content2) { ... on Content { id author { id } } }
  token: node(id: $token) { ... on APIToken { id organization { id } createdBy { id memberships { id organizationID } } } }
}`

func (w *tenants) testNested(t *testing.T) {
	a := w.a
	res := gql(t, w.env, w.ownerA, nestedQuery, vars("shared", w.sharedA, "product2", a.Product2, "collab2", a.Collab2,
		"line2", a.OrderLine2, "content2", a.Content2, "token", a.Token))
	for _, e := range res.Errors {
		if e.Code() != "NOT_FOUND" {
			t.Errorf("nested read: %s %q at %v", e.Code(), e.Message, e.Path)
		}
	}
	got := ids(res.Data)
	if leaked := intersect(got, w.bIDs); len(leaked) > 0 {
		t.Errorf("nested edges return B's ids %v:\n%s", leaked, res.Data)
	}
	// The walk reached every kind of A's objects.
	for _, id := range []int{a.Org, a.Store, a.Content, a.Content2, a.Campaign, a.KOL, a.Collab, a.Collab2, a.Supplier,
		a.Product, a.Product2, a.SKU, a.Order, a.OrderLine, a.OrderLine2, a.Metric, a.OwnerMembership, a.Token, w.sharedA,
		a.SyncJob, a.Conn} {
		if !slices.Contains(got, id) {
			t.Errorf("nested walk did not reach A's object %d", id)
		}
	}
	// Every totalCount equals the number of edges returned (no hidden B rows counted).
	var check func(path string, v any)
	check = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if tc, ok := x["totalCount"].(float64); ok {
				edges, _ := x["edges"].([]any)
				if int(tc) != len(edges) {
					t.Errorf("%s: totalCount %v but %d edges", path, tc, len(edges))
				}
			}
			for k, val := range x {
				check(path+"."+k, val)
			}
		case []any:
			for i, e := range x {
				check(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	var data any
	_ = json.Unmarshal(res.Data, &data)
	check("data", data)
	// The planted links read as absent.
	var planted struct {
		Product2 struct{ Supplier *struct{ ID string } }
		Collab2  struct{ Campaign, Content *struct{ ID string } }
		Line2    struct{ Sku *struct{ ID string } }
		Content2 struct{ Author *struct{ ID string } }
		Shared   struct {
			User struct{ Memberships []struct{ ID string } }
		}
	}
	res.Decode(t, &planted)
	if planted.Product2.Supplier != nil || planted.Collab2.Campaign != nil || planted.Collab2.Content != nil ||
		planted.Line2.Sku != nil || planted.Content2.Author != nil {
		t.Errorf("planted cross-tenant links are visible: %+v", planted)
	}
	if n := len(planted.Shared.User.Memberships); n != 1 {
		t.Errorf("the shared user shows %d memberships to A's owner, want 1 (A's)", n)
	}
}

// tenantMutation is a mutation aimed at B.
type tenantMutation struct {
	name  string
	query string
	vars  map[string]any
	// mixed mutations act on A's records but point them at B's: a caller
	// without the permission in A is refused for A's sake (FORBIDDEN), which
	// says nothing about B.
	mixed bool
}

func (w *tenants) mutations() []tenantMutation {
	a, b := w.a, w.b
	future := "2031-01-01T00:00:00Z"
	m := func(name, query string, kv ...any) tenantMutation {
		return tenantMutation{name: name, query: query, vars: vars(kv...)}
	}
	mixed := func(name, query string, kv ...any) tenantMutation {
		return tenantMutation{name: name, query: query, vars: vars(kv...), mixed: true}
	}
	return []tenantMutation{
		m("createStore in B", `mutation($o: ID!) { createStore(input: {name: "x", platform: TMALL, organizationID: $o}) { id } }`, "o", b.Org),
		m("updateStore", `mutation($id: ID!) { updateStore(id: $id, input: {name: "pwned"}) { id } }`, "id", b.Store),
		m("deleteStore", `mutation($id: ID!) { deleteStore(id: $id) }`, "id", b.Store),

		m("createContent in B's store", `mutation($s: ID!) { createContent(input: {storeID: $s, title: "x", kind: ARTICLE}) { id } }`, "s", b.Store),
		m("updateContent", `mutation($id: ID!) { updateContent(id: $id, input: {title: "pwned"}) { id } }`, "id", b.Content2),
		m("deleteContent", `mutation($id: ID!) { deleteContent(id: $id) }`, "id", b.Content),
		m("submitContent", `mutation($id: ID!) { submitContent(id: $id) { id } }`, "id", b.Content2),
		m("approveContent", `mutation($id: ID!) { approveContent(id: $id) { id } }`, "id", b.Content),
		m("rejectContent", `mutation($id: ID!) { rejectContent(id: $id, note: "no") { id } }`, "id", b.Content),
		m("scheduleContent", `mutation($id: ID!, $at: Time!) { scheduleContent(id: $id, at: $at) { id } }`, "id", b.Content, "at", future),
		m("archiveContent", `mutation($id: ID!) { archiveContent(id: $id) { id } }`, "id", b.Content),
		mixed("createContent with B's product", `mutation($s: ID!, $p: ID!) { createContent(input: {storeID: $s, title: "x", kind: ARTICLE, productID: $p}) { id } }`, "s", a.Store, "p", b.Product),
		mixed("updateContent onto B's product", `mutation($id: ID!, $p: ID!) { updateContent(id: $id, input: {productID: $p}) { id } }`, "id", a.Content2, "p", b.Product),
		m("markContentPosted", `mutation($id: ID!) { markContentPosted(id: $id, url: "https://x.example/p") { id } }`, "id", b.Content),
		m("setComplianceTerms in B", `mutation($o: ID!) { setComplianceTerms(organizationID: $o, terms: [{term: "独家", relax: true}]) { term } }`, "o", b.Org),
		m("createAsset in B", `mutation($o: ID!) { createAsset(input: {organizationID: $o, name: "x", url: "https://x.example/a.jpg", source: "x"}) { id } }`, "o", b.Org),
		m("updateAsset", `mutation($id: ID!) { updateAsset(id: $id, input: {name: "pwned"}) { id } }`, "id", b.Asset),
		m("deleteAsset", `mutation($id: ID!) { deleteAsset(id: $id) }`, "id", b.Asset),
		m("importEngagementMetrics into B's store", `mutation($s: ID!) { importEngagementMetrics(storeID: $s, format: CSV, data: "contentId,day,views,likes,comments,shares,saves") { rows } }`, "s", b.Store),
		m("createExperiment in B's store", `mutation($s: ID!) { createExperiment(input: {storeID: $s, name: "x", dimension: TITLE}) { id } }`, "s", b.Store),

		m("createCampaign in B's store", `mutation($s: ID!) { createCampaign(input: {storeID: $s, name: "x", kind: COUPON, startsAt: "2030-01-01T00:00:00Z", endsAt: "2030-01-02T00:00:00Z",
			rules: {coupon: {value: {amount: "5"}, minSpend: {amount: "50"}, quantity: 1, perUser: 1}}}) { id } }`, "s", b.Store),
		m("updateCampaign", `mutation($id: ID!) { updateCampaign(id: $id, input: {name: "pwned"}) { id } }`, "id", b.Campaign),
		m("launchCampaign", `mutation($id: ID!) { launchCampaign(id: $id) { id } }`, "id", b.Campaign),
		m("scheduleCampaign", `mutation($id: ID!) { scheduleCampaign(id: $id) { id } }`, "id", b.Campaign),
		m("pauseCampaign", `mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, "id", b.Campaign),
		m("resumeCampaign", `mutation($id: ID!) { resumeCampaign(id: $id) { id } }`, "id", b.Campaign),
		m("cancelCampaign", `mutation($id: ID!) { cancelCampaign(id: $id) { id } }`, "id", b.Campaign),
		m("deleteCampaign", `mutation($id: ID!) { deleteCampaign(id: $id) }`, "id", b.Campaign),

		m("createKOLPartner in B", `mutation($o: ID!) { createKOLPartner(input: {organizationID: $o, platform: DOUYIN, handle: "x", tier: KOC}) { id } }`, "o", b.Org),
		m("updateKOLPartner", `mutation($id: ID!) { updateKOLPartner(id: $id, input: {handle: "pwned"}) { id } }`, "id", b.KOL),
		m("deleteKOLPartner", `mutation($id: ID!) { deleteKOLPartner(id: $id) }`, "id", b.KOL),

		m("createCollaboration with B's KOL", `mutation($k: ID!) { createCollaboration(input: {kolPartnerID: $k}) { id } }`, "k", b.KOL),
		mixed("createCollaboration with B's campaign", `mutation($k: ID!, $c: ID!) { createCollaboration(input: {kolPartnerID: $k, campaignID: $c}) { id } }`, "k", a.KOL, "c", b.Campaign),
		mixed("createCollaboration with B's content", `mutation($k: ID!, $c: ID!) { createCollaboration(input: {kolPartnerID: $k, contentID: $c}) { id } }`, "k", a.KOL, "c", b.Content),
		m("updateCollaboration", `mutation($id: ID!) { updateCollaboration(id: $id, input: {brief: "pwned"}) { id } }`, "id", b.Collab),
		mixed("updateCollaboration onto B's campaign", `mutation($id: ID!, $c: ID!) { updateCollaboration(id: $id, input: {campaignID: $c}) { id } }`, "id", a.Collab, "c", b.Campaign),
		m("deleteCollaboration", `mutation($id: ID!) { deleteCollaboration(id: $id) }`, "id", b.Collab),

		m("createSupplier in B", `mutation($o: ID!) { createSupplier(input: {organizationID: $o, name: "x"}) { id } }`, "o", b.Org),
		m("updateSupplier", `mutation($id: ID!) { updateSupplier(id: $id, input: {name: "pwned"}) { id } }`, "id", b.Supplier),
		m("deleteSupplier", `mutation($id: ID!) { deleteSupplier(id: $id) }`, "id", b.Supplier),

		m("createProduct in B's store", `mutation($s: ID!) { createProduct(input: {storeID: $s, title: "x", price: {amount: "1"}}) { id } }`, "s", b.Store),
		mixed("createProduct with B's supplier", `mutation($s: ID!, $sup: ID!) { createProduct(input: {storeID: $s, title: "x", price: {amount: "1"}, supplierID: $sup}) { id } }`, "s", a.Store, "sup", b.Supplier),
		m("updateProduct", `mutation($id: ID!) { updateProduct(id: $id, input: {title: "pwned"}) { id } }`, "id", b.Product),
		mixed("updateProduct onto B's supplier", `mutation($id: ID!, $sup: ID!) { updateProduct(id: $id, input: {supplierID: $sup}) { id } }`, "id", a.Product, "sup", b.Supplier),
		m("deleteProduct", `mutation($id: ID!) { deleteProduct(id: $id) }`, "id", b.Product),

		m("createSKU of B's product", `mutation($p: ID!) { createSKU(input: {productID: $p, name: "x", price: {amount: "1"}}) { id } }`, "p", b.Product),
		m("updateSKU", `mutation($id: ID!) { updateSKU(id: $id, input: {name: "pwned"}) { id } }`, "id", b.SKU),
		m("deleteSKU", `mutation($id: ID!) { deleteSKU(id: $id) }`, "id", b.SKU),

		m("createAPIToken in B", `mutation($o: ID!) { createAPIToken(name: "x", organizationID: $o, role: "owner") { token } }`, "o", b.Org),
		m("revokeAPIToken", `mutation($id: ID!) { revokeAPIToken(id: $id) { id } }`, "id", b.Token),
		m("inviteMember new user to B", `mutation($o: ID!) { inviteMember(organizationID: $o, email: "new@evil.test", role: "owner") { invitationToken } }`, "o", b.Org),
		m("inviteMember self to B", `mutation($o: ID!) { inviteMember(organizationID: $o, email: "owner@a.test", role: "owner") { membership { id } } }`, "o", b.Org),
		m("changeMemberRole of B's owner", `mutation($id: ID!) { changeMemberRole(membershipID: $id, role: "viewer") { id } }`, "id", b.OwnerMembership),
		m("changeMemberRole of a shared user in B", `mutation($id: ID!) { changeMemberRole(membershipID: $id, role: "owner") { id } }`, "id", w.sharedB),
		m("removeMember of B's owner", `mutation($id: ID!) { removeMember(membershipID: $id) }`, "id", b.OwnerMembership),
		m("removeMember of a shared user in B", `mutation($id: ID!) { removeMember(membershipID: $id) }`, "id", w.sharedB),
		m("setCustomRole in B", `mutation($o: ID!) { setCustomRole(organizationID: $o, name: "spy", permissions: [{object: "*", action: "*"}]) { name } }`, "o", b.Org),
		m("setCustomRole replacing B's role", `mutation($o: ID!, $n: String!) { setCustomRole(organizationID: $o, name: $n, permissions: [{object: "*", action: "*"}]) { name } }`, "o", b.Org, "n", b.CustomRole),
		m("deleteCustomRole in B", `mutation($o: ID!, $n: String!) { deleteCustomRole(organizationID: $o, name: $n) }`, "o", b.Org, "n", b.CustomRole),
		m("acknowledgeAlert", `mutation($id: ID!) { acknowledgeAlert(id: $id) { id } }`, "id", b.Alert),
		m("setInsightTarget", `mutation($o: ID!) { setInsightTarget(organizationID: $o, kind: MONTH, day: "2026-11-01", metric: PAID_AMOUNT, value: 1) { value } }`, "o", b.Org),
		m("setRFMSettings", `mutation($o: ID!) { setRFMSettings(organizationID: $o, input: {mode: MEAN}) { mode } }`, "o", b.Org),
		m("createAlertRule in B", `mutation($o: ID!) { createAlertRule(input: {organizationID: $o, name: "x", kind: STOCK_LOW}) { id } }`, "o", b.Org),
		m("updateAlertRule", `mutation($id: ID!) { updateAlertRule(id: $id, input: {name: "pwned"}) { id } }`, "id", b.AlertRule),

		m("connectStore", `mutation($s: ID!) { connectStore(storeID: $s, platform: "taobao", credentials: [{name: "app_key", value: "k"}, {name: "app_secret", value: "s"}], endpoint: "http://127.0.0.1:1") { id } }`, "s", b.Store),
		m("syncStore", `mutation($s: ID!) { syncStore(storeID: $s) { id } }`, "s", b.Store),
		m("cancelSyncJob", `mutation($id: ID!) { cancelSyncJob(id: $id) { id } }`, "id", b.SyncJob),
		m("retrySyncJob", `mutation($id: ID!) { retrySyncJob(id: $id) { id } }`, "id", b.SyncJob),
		m("publishContent", `mutation($c: ID!) { publishContent(contentID: $c) { id } }`, "c", b.Content),
		m("updateStock", `mutation($s: ID!) { updateStock(skuID: $s, quantity: 0) { id } }`, "s", b.SKU),

		m("createWebhookEndpoint in B", `mutation($o: ID!) { createWebhookEndpoint(input: {organizationID: $o, url: "http://127.0.0.1:1/", events: [ALERT_RAISED]}) { secret } }`, "o", b.Org),
		m("updateWebhookEndpoint", `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {url: "http://127.0.0.1:1/"}) { id } }`, "id", b.Webhook),
		m("deleteWebhookEndpoint", `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, "id", b.Webhook),
		m("rotateWebhookSecret", `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, "id", b.Webhook),
		m("pingWebhookEndpoint", `mutation($id: ID!) { pingWebhookEndpoint(id: $id) { id } }`, "id", b.Webhook),
		m("replayWebhookDelivery", `mutation($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, "id", b.WebhookDelivery),

		m("generateKOLSettlement for B's partner", `mutation($p: ID!) { generateKOLSettlement(partnerID: $p, month: "2026-11") { id } }`, "p", b.KOL),
		m("confirmKOLSettlement", `mutation($id: ID!) { confirmKOLSettlement(id: $id) { id } }`, "id", b.KOL),
		m("markKOLSettlementPaid", `mutation($id: ID!) { markKOLSettlementPaid(id: $id) { id } }`, "id", b.KOL),
		m("createReportLink for B", `mutation($o: ID!) { createReportLink(organizationID: $o, period: {kind: MONTH, day: "2026-11-01"}, format: HTML) { url } }`, "o", b.Org),
		m("startBargain in B's store", `mutation($s: ID!) { startBargain(idempotencyKey: "x", storeID: $s, campaignID: $s, skuID: $s, buyerRef: "b") { id } }`, "s", b.Store),
		m("helpBargain", `mutation($id: ID!) { helpBargain(idempotencyKey: "x", sessionID: $id, buyerRef: "b") { id } }`, "id", b.Campaign),
		m("buyBargain", `mutation($id: ID!) { buyBargain(idempotencyKey: "x", sessionID: $id, buyerRef: "b") { id } }`, "id", b.Campaign),
		m("openGroupBuyTeam in B's store", `mutation($s: ID!) { openGroupBuyTeam(idempotencyKey: "x", storeID: $s, campaignID: $s, skuID: $s, buyerRef: "b") { id } }`, "s", b.Store),
		m("joinGroupBuyTeam", `mutation($id: ID!) { joinGroupBuyTeam(idempotencyKey: "x", teamID: $id, buyerRef: "b") { id } }`, "id", b.Campaign),
		m("claimCoupon", `mutation($c: ID!) { claimCoupon(idempotencyKey: "x", campaignID: $c, buyerRef: "b") { id } }`, "c", b.Campaign),
		m("reserveFlashSale", `mutation($c: ID!) { reserveFlashSale(idempotencyKey: "x", campaignID: $c, slot: 0, skuID: $c, buyerRef: "b", quantity: 1) { id } }`, "c", b.Campaign),
		m("placeMallOrder", `mutation($s: ID!) { placeMallOrder(idempotencyKey: "x", storeID: $s, buyerRef: "b", lines: [{skuID: $s, quantity: 1}]) { id } }`, "s", b.Store),
		m("payMallOrder", `mutation($o: ID!) { payMallOrder(idempotencyKey: "x", orderID: $o) { id } }`, "o", b.Order),
		m("cancelMallOrder", `mutation($o: ID!) { cancelMallOrder(idempotencyKey: "x", orderID: $o) { id } }`, "o", b.Order),
		m("refundMallOrder", `mutation($o: ID!) { refundMallOrder(idempotencyKey: "x", orderID: $o) { id } }`, "o", b.Order),
	}
}

// mutationField is the root field a table entry calls.
var mutationField = regexp.MustCompile(`\{\s*(\w+)\(`)

// TestCrossTenantTableIsComplete: every mutation that takes an id (of an
// object or an organization, directly or in its input) has a row in the
// cross-tenant table, so that a new mutation cannot skip it.
func TestCrossTenantTableIsComplete(t *testing.T) {
	s := loadSchema(t)
	w := &tenants{a: &fixture{}, b: &fixture{}}
	covered := map[string]bool{}
	for _, m := range w.mutations() {
		f := mutationField.FindStringSubmatch(m.query)
		if f == nil {
			t.Fatalf("cannot tell the field of %q", m.query)
		}
		covered[f[1]] = true
	}
	for _, f := range rootFields(s) {
		if f.Op != "Mutation" || !takesID(s, f.Def.Arguments, 0) {
			continue
		}
		if !covered[f.Def.Name] {
			t.Errorf("Mutation.%s takes an id but has no row in the cross-tenant table (tenant_test.go)", f.Def.Name)
		}
	}
}

// takesID reports whether any argument is an ID, or an input object with one.
func takesID(s *ast.Schema, args ast.ArgumentDefinitionList, depth int) bool {
	for _, a := range args {
		if typeHasID(s, a.Type, depth) {
			return true
		}
	}
	return false
}

func typeHasID(s *ast.Schema, t *ast.Type, depth int) bool {
	if t.Elem != nil {
		return typeHasID(s, t.Elem, depth)
	}
	if t.NamedType == "ID" {
		return true
	}
	d := s.Types[t.NamedType]
	if d == nil || d.Kind != ast.InputObject || depth > 3 {
		return false
	}
	for _, f := range d.Fields {
		if typeHasID(s, f.Type, depth+1) {
			return true
		}
	}
	return false
}

func (w *tenants) testMutations(t *testing.T) {
	env := w.env
	beforeB := snapshot(t, env, w.b.Org, true)
	beforeA := snapshot(t, env, w.a.Org, false)
	for _, actor := range []struct {
		name, tok string
		canWriteA bool
	}{{"owner of A", w.ownerA, true}, {"viewer of A", w.viewerA, false}} {
		for _, m := range w.mutations() {
			t.Run(actor.name+"/"+m.name, func(t *testing.T) {
				res := gql(t, env, actor.tok, m.query, m.vars)
				if m.mixed && !actor.canWriteA {
					wantCode(t, res, "FORBIDDEN")
				} else {
					wantCode(t, res, "NOT_FOUND")
				}
				if d := strings.TrimSpace(string(res.Data)); d != "null" && d != "" {
					t.Errorf("data returned: %s", d)
				}
				if after := snapshot(t, env, w.b.Org, true); after != beforeB {
					t.Fatalf("B changed: %s", diffLines(beforeB, after))
				}
				if after := snapshot(t, env, w.a.Org, false); after != beforeA {
					t.Fatalf("A changed: %s", diffLines(beforeA, after))
				}
			})
		}
	}
	// B's owner still works on B (the refusals were about who asked).
	res := gql(t, env, w.ownerB, `mutation($id: ID!) { updateStore(id: $id, input: {name: "still mine"}) { name } }`, vars("id", w.b.Store))
	wantOK(t, res)
}
