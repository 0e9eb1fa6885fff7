package apitest

import (
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// Operations used by the role matrix; $store, $campaign, $content, $org are
// filled from the fixture.
const (
	opCreateCampaign = `mutation($store: ID!) { createCampaign(input: {storeID: $store, name: "双11", kind: COUPON, startsAt: "2030-11-01T00:00:00Z", endsAt: "2030-11-12T00:00:00Z",
		rules: {coupon: {value: {amount: "5"}, minSpend: {amount: "50"}, quantity: 10, perUser: 1}}}) { id } }`
	opUpdateCampaign = `mutation($campaign: ID!) { updateCampaign(id: $campaign, input: {name: "改名"}) { id } }`
	opDeleteCampaign = `mutation($campaign: ID!) { deleteCampaign(id: $campaign) }`
	opCreateContent  = `mutation($store: ID!) { createContent(input: {storeID: $store, title: "新品上市", kind: ARTICLE}) { id } }`
	opCreateStore    = `mutation($org: ID!) { createStore(input: {name: "新店", platform: DOUYIN, organizationID: $org}) { id } }`
	opUpdateStore    = `mutation($store: ID!) { updateStore(id: $store, input: {introduction: "简介"}) { id } }`
	opInvite         = `mutation($org: ID!) { inviteMember(organizationID: $org, email: "someone@new.test", role: "viewer") { membership { id } } }`
	opCampaigns      = `{ campaigns(first: 10) { totalCount } }`
	opOrders         = `{ orders(first: 10) { totalCount } }`
	opStores         = `{ stores(first: 10) { totalCount } }`
	opContents       = `{ contents(first: 10) { totalCount } }`
	opAudit          = `{ auditEvents(first: 10) { totalCount } }`
	opAnalytics      = `query($store: ID!) { node(id: $store) { ... on Store { metrics(first: 5) { totalCount } } } }`
)

// TestRoleMatrix checks representative cells of the built-in role ×
// permission matrix (authz/roles.go) through the API.
func TestRoleMatrix(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	org := env.Org(t, "Brand", 0)
	owner := env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	f := seedTenant(t, env, org, owner, "A")
	toks := map[string]string{}
	for _, role := range []string{authz.RoleOperator, authz.RoleContentEditor, authz.RoleReviewer, authz.RoleAnalyst,
		authz.RoleCustomerService, authz.RoleViewer, authz.RoleIntegrator} {
		toks[role] = env.User(t, role+"@brand.test", testenv.Grant{Org: org, Role: role})
	}
	vs := vars("store", f.Store, "campaign", f.Campaign, "content", f.Content, "org", org)
	cases := []struct {
		role, op, name string
		want           string // "" for success
	}{
		{authz.RoleAnalyst, opCreateCampaign, "createCampaign", "FORBIDDEN"},
		{authz.RoleAnalyst, opUpdateCampaign, "updateCampaign", "FORBIDDEN"},
		{authz.RoleAnalyst, opDeleteCampaign, "deleteCampaign", "FORBIDDEN"},
		{authz.RoleAnalyst, opCampaigns, "campaigns", ""},
		{authz.RoleAnalyst, opOrders, "orders", ""},
		{authz.RoleAnalyst, opAnalytics, "metrics", ""},
		{authz.RoleAnalyst, opAudit, "auditEvents", "FORBIDDEN"},

		{authz.RoleContentEditor, opCreateContent, "createContent", ""},
		{authz.RoleContentEditor, opCreateCampaign, "createCampaign", "FORBIDDEN"},
		{authz.RoleContentEditor, opOrders, "orders", "FORBIDDEN"},
		{authz.RoleContentEditor, opContents, "contents", ""},

		{authz.RoleReviewer, opCreateContent, "createContent", "FORBIDDEN"},
		{authz.RoleReviewer, opContents, "contents", ""},

		{authz.RoleViewer, opStores, "stores", ""},
		{authz.RoleViewer, opCampaigns, "campaigns", ""},
		{authz.RoleViewer, opCreateStore, "createStore", "FORBIDDEN"},
		{authz.RoleViewer, opUpdateStore, "updateStore", "FORBIDDEN"},
		{authz.RoleViewer, opCreateContent, "createContent", "FORBIDDEN"},
		{authz.RoleViewer, opDeleteCampaign, "deleteCampaign", "FORBIDDEN"},
		{authz.RoleViewer, opInvite, "inviteMember", "FORBIDDEN"},
		{authz.RoleViewer, opAudit, "auditEvents", "FORBIDDEN"},

		{authz.RoleCustomerService, opOrders, "orders", ""},
		{authz.RoleCustomerService, opStores, "stores", ""},
		{authz.RoleCustomerService, opCampaigns, "campaigns", "FORBIDDEN"},
		{authz.RoleCustomerService, opUpdateStore, "updateStore", "FORBIDDEN"},

		{authz.RoleOperator, opCreateCampaign, "createCampaign", ""},
		{authz.RoleOperator, opUpdateStore, "updateStore", ""},
		{authz.RoleOperator, opCreateStore, "createStore", "FORBIDDEN"},
		{authz.RoleOperator, opInvite, "inviteMember", "FORBIDDEN"},
		{authz.RoleOperator, opAudit, "auditEvents", "FORBIDDEN"},

		{authz.RoleIntegrator, opUpdateStore, "updateStore", ""},
		{authz.RoleIntegrator, opOrders, "orders", ""},
		{authz.RoleIntegrator, opCampaigns, "campaigns", "FORBIDDEN"},
		{authz.RoleIntegrator, opCreateContent, "createContent", "FORBIDDEN"},
	}
	for _, c := range cases {
		t.Run(c.role+"/"+c.name, func(t *testing.T) {
			res := gql(t, env, toks[c.role], c.op, usedVars(c.op, vs))
			if c.want == "" {
				wantOK(t, res)
			} else {
				wantCode(t, res, c.want)
			}
		})
	}

	// Roles without a permission see no rows of that kind through nested
	// edges or node either: customer service reads stores but not campaigns.
	t.Run("customer_service nested campaigns", func(t *testing.T) {
		tok := toks[authz.RoleCustomerService]
		res := gql(t, env, tok, `query($store: ID!, $campaign: ID!) { s: node(id: $store) { ... on Store { campaigns(first: 10) { totalCount } } } c: node(id: $campaign) { id } }`,
			vars("store", f.Store, "campaign", f.Campaign))
		var out struct {
			S struct{ Campaigns struct{ TotalCount int } }
			C *struct{ ID string }
		}
		res.Decode(t, &out)
		if out.S.Campaigns.TotalCount != 0 || out.C != nil {
			t.Errorf("customer_service sees campaigns: %s", res.Data)
		}
	})

	// content_editor writes and submits; reviewer approves; editor cannot.
	t.Run("content workflow", func(t *testing.T) {
		var created struct{ CreateContent struct{ ID string } }
		mustOK(t, env, toks[authz.RoleContentEditor], opCreateContent, vars("store", f.Store), &created)
		id := created.CreateContent.ID
		mustOK(t, env, toks[authz.RoleContentEditor], `mutation($id: ID!) { submitContent(id: $id) { status } }`, map[string]any{"id": id}, nil)
		wantCode(t, gql(t, env, toks[authz.RoleContentEditor], `mutation($id: ID!) { approveContent(id: $id) { status } }`, map[string]any{"id": id}), "FORBIDDEN")
		wantCode(t, gql(t, env, toks[authz.RoleViewer], `mutation($id: ID!) { approveContent(id: $id) { status } }`, map[string]any{"id": id}), "FORBIDDEN")
		var approved struct{ ApproveContent struct{ Status string } }
		mustOK(t, env, toks[authz.RoleReviewer], `mutation($id: ID!) { approveContent(id: $id, note: "合规") { status } }`, map[string]any{"id": id}, &approved)
		if approved.ApproveContent.Status != "APPROVED" {
			t.Errorf("status after approval: %s", approved.ApproveContent.Status)
		}
	})
}

// usedVars keeps the variables an operation declares.
func usedVars(op string, vs map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range vs {
		if strings.Contains(op, "$"+k+":") {
			out[k] = v
		}
	}
	return out
}

// TestAgencyInheritance: a role on an agency applies to its client brands; a
// role on one client applies to that client only.
func TestAgencyInheritance(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	agency := env.Org(t, "Agency", 0)
	c1, c2 := env.Org(t, "Client 1", agency), env.Org(t, "Client 2", agency)
	other := env.Org(t, "Unrelated", 0)
	agencyOwner := env.SeedUser(t, "owner@agency.test", testenv.Grant{Org: agency, Role: authz.RoleOwner})
	otherOwner := env.SeedUser(t, "owner@other.test", testenv.Grant{Org: other, Role: authz.RoleOwner})
	fa := seedTenant(t, env, agency, agencyOwner, "AG")
	f1 := seedTenant(t, env, c1, agencyOwner, "C1")
	f2 := seedTenant(t, env, c2, agencyOwner, "C2")
	fo := seedTenant(t, env, other, otherOwner, "O")
	ownerTok := env.Login(t, "owner@agency.test")
	clientOp := env.User(t, "op@client1.test", testenv.Grant{Org: c1, Role: authz.RoleOperator})
	agencyAnalyst := env.User(t, "analyst@agency.test", testenv.Grant{Org: agency, Role: authz.RoleAnalyst})

	storeIDs := func(tok string) []int {
		t.Helper()
		res := gql(t, env, tok, `{ stores(first: 100) { totalCount edges { node { id } } } }`, nil)
		wantOK(t, res)
		return ids(res.Data)
	}
	has := func(list []int, id int) bool {
		for _, x := range list {
			if x == id {
				return true
			}
		}
		return false
	}

	t.Run("agency owner acts in both clients", func(t *testing.T) {
		for _, c := range []int{c1, c2} {
			mustOK(t, env, ownerTok, opCreateStore, vars("org", c), nil)
		}
		for _, f := range []*fixture{f1, f2} {
			mustOK(t, env, ownerTok, opUpdateCampaign, vars("campaign", f.Campaign), nil)
			mustOK(t, env, ownerTok, opInvite, vars("org", f.Org), nil)
		}
		got := storeIDs(ownerTok)
		if !has(got, fa.Store) || !has(got, f1.Store) || !has(got, f2.Store) || has(got, fo.Store) {
			t.Errorf("agency owner's stores %v (agency %d, clients %d %d, unrelated %d)", got, fa.Store, f1.Store, f2.Store, fo.Store)
		}
		wantCode(t, gql(t, env, ownerTok, opCreateStore, vars("org", other)), "NOT_FOUND")
	})

	t.Run("client operator stays in the client", func(t *testing.T) {
		got := storeIDs(clientOp)
		if !has(got, f1.Store) || has(got, f2.Store) || has(got, fa.Store) || has(got, fo.Store) {
			t.Errorf("client 1 operator's stores %v, want only client 1's (%d)", got, f1.Store)
		}
		mustOK(t, env, clientOp, opUpdateCampaign, vars("campaign", f1.Campaign), nil)
		for _, f := range []*fixture{f2, fa} {
			wantCode(t, gql(t, env, clientOp, opUpdateCampaign, vars("campaign", f.Campaign)), "NOT_FOUND")
			wantCode(t, gql(t, env, clientOp, opCreateContent, vars("store", f.Store)), "NOT_FOUND")
			res := gql(t, env, clientOp, `query($id: ID!) { node(id: $id) { id } }`, vars("id", f.Store))
			if strings.Contains(string(res.Data), sid(f.Store)) {
				t.Errorf("client operator reads store %d of org %d", f.Store, f.Org)
			}
		}
		// The client sees itself, not its agency or sibling.
		res := gql(t, env, clientOp, `{ organizations(first: 10) { totalCount edges { node { id parent { id } clients(first: 10) { totalCount } } } } }`, nil)
		wantOK(t, res)
		got = ids(res.Data)
		if len(got) != 1 || got[0] != c1 {
			t.Errorf("client operator's organizations: %s", res.Data)
		}
	})

	t.Run("agency analyst reads clients, changes nothing", func(t *testing.T) {
		got := storeIDs(agencyAnalyst)
		if !has(got, f1.Store) || !has(got, f2.Store) || has(got, fo.Store) {
			t.Errorf("agency analyst's stores %v", got)
		}
		for _, f := range []*fixture{f1, f2} {
			wantCode(t, gql(t, env, agencyAnalyst, opUpdateCampaign, vars("campaign", f.Campaign)), "FORBIDDEN")
		}
		wantCode(t, gql(t, env, agencyAnalyst, opCreateStore, vars("org", c2)), "FORBIDDEN")
	})

	t.Run("client role does not reach the agency", func(t *testing.T) {
		// A client owner is not an agency member.
		clientOwner := env.User(t, "owner@client2.test", testenv.Grant{Org: c2, Role: authz.RoleOwner})
		wantCode(t, gql(t, env, clientOwner, opCreateStore, vars("org", agency)), "NOT_FOUND")
		wantCode(t, gql(t, env, clientOwner, opInvite, vars("org", c1)), "NOT_FOUND")
		mustOK(t, env, clientOwner, strings.Replace(opInvite, "someone@new", "another@new", 1), vars("org", c2), nil)
		got := storeIDs(clientOwner)
		if has(got, fa.Store) || has(got, f1.Store) {
			t.Errorf("client 2 owner sees %v", got)
		}
	})
}
