package apitest

import (
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/auditevent"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestSeparationOfDuties: whoever authored a piece of content cannot approve
// it, whatever their role (admin, owner, or an API token they created); a
// different reviewer can.
func TestSeparationOfDuties(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	org := env.Org(t, "Brand", 0)
	owner := env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	f := seedTenant(t, env, org, owner, "A")
	ownerTok := env.Login(t, "owner@brand.test")
	adminTok := env.User(t, "admin@brand.test", testenv.Grant{Org: org, Role: authz.RoleAdmin})
	reviewerTok := env.User(t, "reviewer@brand.test", testenv.Grant{Org: org, Role: authz.RoleReviewer})

	write := func(t *testing.T, tok string) string {
		t.Helper()
		var out struct{ CreateContent struct{ ID string } }
		mustOK(t, env, tok, opCreateContent, vars("store", f.Store), &out)
		mustOK(t, env, tok, `mutation($id: ID!) { submitContent(id: $id) { id } }`, map[string]any{"id": out.CreateContent.ID}, nil)
		return out.CreateContent.ID
	}
	approve := func(tok, id string) *testenv.Response {
		return env.Do(t, testenv.Request{Token: tok, Query: `mutation($id: ID!) { approveContent(id: $id) { status reviewerID } }`,
			Variables: map[string]any{"id": id}})
	}
	status := func(t *testing.T, id string) string {
		t.Helper()
		var out struct{ Node struct{ Status string } }
		mustOK(t, env, ownerTok, `query($id: ID!) { node(id: $id) { ... on Content { status } } }`, map[string]any{"id": id}, &out)
		return out.Node.Status
	}

	for _, author := range []struct{ name, tok string }{{"admin", adminTok}, {"owner", ownerTok}} {
		t.Run(author.name, func(t *testing.T) {
			id := write(t, author.tok)
			wantCode(t, approve(author.tok, id), "FORBIDDEN")
			if s := status(t, id); s != "IN_REVIEW" {
				t.Fatalf("status after refused self-approval: %s", s)
			}
			// An API token acts as its creator: no way around the rule.
			var tok struct{ CreateAPIToken struct{ Token string } }
			mustOK(t, env, author.tok, `mutation($o: ID!) { createAPIToken(name: "bot", organizationID: $o, role: "admin") { token } }`, vars("o", org), &tok)
			wantCode(t, approve(tok.CreateAPIToken.Token, id), "FORBIDDEN")
			// A different reviewer can.
			res := approve(reviewerTok, id)
			wantOK(t, res)
			if s := status(t, id); s != "APPROVED" {
				t.Fatalf("status after the reviewer approved: %s", s)
			}
		})
	}
	// The owner may approve the admin's content: the rule is about authorship, not rank.
	t.Run("another admin-level user", func(t *testing.T) {
		id := write(t, adminTok)
		wantOK(t, approve(ownerTok, id))
	})
	// Refusals are audited.
	n := env.Client.AuditEvent.Query().Where(auditevent.Action("approveContent"), auditevent.Success(false),
		auditevent.ErrorCode("FORBIDDEN"), auditevent.OrganizationID(org)).CountX(sys)
	if n != 4 {
		t.Errorf("%d refused approvals audited, want 4", n)
	}
}
