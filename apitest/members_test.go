package apitest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/ent/user"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

const (
	opInviteAs = `mutation($o: ID!, $e: String!, $r: String!) { inviteMember(organizationID: $o, email: $e, role: $r, displayName: "新同事") { invitationToken membership { id role user { email } } } }`
	opChange   = `mutation($m: ID!, $r: String!) { changeMemberRole(membershipID: $m, role: $r) { id role } }`
	opRemove   = `mutation($m: ID!) { removeMember(membershipID: $m) }`
	opSetRole  = `mutation($o: ID!, $n: String!, $p: [PermissionInput!]!, $i: String) { setCustomRole(organizationID: $o, name: $n, permissions: $p, inherits: $i) { name builtin inherits permissions { object action } } }`
	opDelRole  = `mutation($o: ID!, $n: String!) { deleteCustomRole(organizationID: $o, name: $n) }`
	opAccept   = `mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token user { email } } }`
)

type invited struct {
	Membership string
	Token      *string
}

func invite(t *testing.T, env *testenv.Env, tok string, org int, email, role string) invited {
	t.Helper()
	var out struct {
		InviteMember struct {
			InvitationToken *string
			Membership      struct{ ID, Role string }
		}
	}
	mustOK(t, env, tok, opInviteAs, vars("o", org, "e", email, "r", role), &out)
	if out.InviteMember.Membership.Role != role {
		t.Fatalf("invited with role %q, want %q", out.InviteMember.Membership.Role, role)
	}
	return invited{out.InviteMember.Membership.ID, out.InviteMember.InvitationToken}
}

func perms(pairs ...string) []map[string]string {
	var out []map[string]string
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, map[string]string{"object": pairs[i], "action": pairs[i+1]})
	}
	return out
}

func membershipOf(t *testing.T, env *testenv.Env, email string, org int) string {
	t.Helper()
	m, err := env.Client.Membership.Query().Where(membership.OrganizationID(org), membership.HasUserWith(user.Email(email))).Only(sys)
	if err != nil {
		t.Fatalf("membership of %s: %v", email, err)
	}
	return sid(m.ID)
}

// TestMembership: invitations, role changes, removal, the owner rules and
// custom roles, all through GraphQL.
func TestMembership(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	org, orgB := env.Org(t, "Brand", 0), env.Org(t, "Brand B", 0)
	owner := env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	env.SeedUser(t, "owner@b.test", testenv.Grant{Org: orgB, Role: authz.RoleOwner})
	f := seedTenant(t, env, org, owner, "A")
	ownerTok := env.Login(t, "owner@brand.test")
	adminTok := env.User(t, "admin@brand.test", testenv.Grant{Org: org, Role: authz.RoleAdmin})
	ownerB := env.Login(t, "owner@b.test")

	var newTok string
	t.Run("invite, accept, act", func(t *testing.T) {
		inv := invite(t, env, ownerTok, org, "New@Brand.test ", authz.RoleContentEditor)
		if inv.Token == nil || *inv.Token == "" {
			t.Fatal("no invitation token for a new user")
		}
		wantCode(t, gql(t, env, "", opAccept, map[string]any{"t": *inv.Token, "p": "short"}), "BAD_USER_INPUT")
		wantCode(t, gql(t, env, "", opAccept, map[string]any{"t": "ogi_forged", "p": "a-good-password"}), "UNAUTHENTICATED")
		var acc struct {
			AcceptInvitation struct {
				Token string
				User  struct{ Email string }
			}
		}
		mustOK(t, env, "", opAccept, map[string]any{"t": *inv.Token, "p": "a-good-password"}, &acc)
		newTok = acc.AcceptInvitation.Token
		if acc.AcceptInvitation.User.Email != "new@brand.test" || newTok == "" {
			t.Fatalf("acceptInvitation = %+v", acc)
		}
		mustOK(t, env, newTok, opCreateContent, vars("store", f.Store), nil)
		wantCode(t, gql(t, env, newTok, opCreateCampaign, vars("store", f.Store)), "FORBIDDEN")
		// The invitation is used up; the password now works.
		wantCode(t, gql(t, env, "", opAccept, map[string]any{"t": *inv.Token, "p": "another-password"}), "UNAUTHENTICATED")
		wantOK(t, login(t, env, "new@brand.test", "a-good-password", "", ""))
		// Inviting a member again is a conflict; an existing user gets a token
		// like anyone else's (TestInviteMemberNoOracle), which redeems nothing.
		wantCode(t, gql(t, env, ownerTok, opInviteAs, vars("o", org, "e", "new@brand.test", "r", "viewer")), "CONFLICT")
		inv = invite(t, env, ownerTok, org, "owner@b.test", authz.RoleViewer)
		if inv.Token == nil {
			t.Error("an existing user got no invitation token: the answer tells that the account exists")
		} else {
			wantCode(t, gql(t, env, "", opAccept, map[string]any{"t": *inv.Token, "p": "takeover-password"}), "UNAUTHENTICATED")
		}
		mustOK(t, env, ownerB, `query($id: ID!) { node(id: $id) { id } }`, vars("id", f.Store), nil)
		// Invitation secrets never reach the audit log.
		for _, e := range env.Client.AuditEvent.Query().AllX(sys) {
			raw, _ := json.Marshal(e.Summary)
			if strings.Contains(string(raw), "ogi_") || strings.Contains(string(raw), "a-good-password") {
				t.Errorf("audit summary of %s holds a secret: %s", e.Action, raw)
			}
		}
	})

	t.Run("change role, remove", func(t *testing.T) {
		m := membershipOf(t, env, "new@brand.test", org)
		mustOK(t, env, ownerTok, opChange, map[string]any{"m": m, "r": authz.RoleReviewer}, nil)
		wantCode(t, gql(t, env, newTok, opCreateContent, vars("store", f.Store)), "FORBIDDEN")
		mustOK(t, env, newTok, opContents, nil, nil)
		wantCode(t, gql(t, env, ownerTok, opChange, map[string]any{"m": m, "r": "no_such_role"}), "BAD_USER_INPUT")
		mustOK(t, env, ownerTok, opRemove, map[string]any{"m": m}, nil)
		wantCode(t, gql(t, env, newTok, opContents, nil), "FORBIDDEN")
		res := gql(t, env, newTok, `query($id: ID!) { node(id: $id) { id } }`, vars("id", f.Store))
		if strings.Contains(string(res.Data), sid(f.Store)) {
			t.Errorf("a removed member still reads the store: %s", res.Data)
		}
	})

	t.Run("admin cannot make or unmake owners", func(t *testing.T) {
		ownerM := membershipOf(t, env, "owner@brand.test", org)
		adminM := membershipOf(t, env, "admin@brand.test", org)
		wantCode(t, gql(t, env, adminTok, opInviteAs, vars("o", org, "e", "crony@brand.test", "r", authz.RoleOwner)), "FORBIDDEN")
		wantCode(t, gql(t, env, adminTok, opChange, map[string]any{"m": adminM, "r": authz.RoleOwner}), "FORBIDDEN")
		wantCode(t, gql(t, env, adminTok, opChange, map[string]any{"m": ownerM, "r": authz.RoleViewer}), "FORBIDDEN")
		wantCode(t, gql(t, env, adminTok, opRemove, map[string]any{"m": ownerM}), "FORBIDDEN")
		wantCode(t, gql(t, env, adminTok, `mutation($o: ID!) { createAPIToken(name: "x", organizationID: $o, role: "owner") { token } }`, vars("o", org)), "FORBIDDEN")
		// Admins do manage everyone else.
		inv := invite(t, env, adminTok, org, "helper@brand.test", authz.RoleOperator)
		mustOK(t, env, adminTok, opChange, map[string]any{"m": inv.Membership, "r": authz.RoleAdmin}, nil)
		mustOK(t, env, adminTok, opRemove, map[string]any{"m": inv.Membership}, nil)
	})

	t.Run("the last owner stays", func(t *testing.T) {
		ownerM := membershipOf(t, env, "owner@brand.test", org)
		adminM := membershipOf(t, env, "admin@brand.test", org)
		wantCode(t, gql(t, env, ownerTok, opRemove, map[string]any{"m": ownerM}), "CONFLICT")
		wantCode(t, gql(t, env, ownerTok, opChange, map[string]any{"m": ownerM, "r": authz.RoleAdmin}), "CONFLICT")
		// With a second owner, the first may step down; then the second is the last.
		mustOK(t, env, ownerTok, opChange, map[string]any{"m": adminM, "r": authz.RoleOwner}, nil)
		mustOK(t, env, ownerTok, opChange, map[string]any{"m": ownerM, "r": authz.RoleAdmin}, nil)
		wantCode(t, gql(t, env, adminTok, opRemove, map[string]any{"m": adminM}), "CONFLICT")
		wantCode(t, gql(t, env, adminTok, opChange, map[string]any{"m": adminM, "r": authz.RoleViewer}), "CONFLICT")
		// Restore: the original owner is owner again.
		mustOK(t, env, adminTok, opChange, map[string]any{"m": ownerM, "r": authz.RoleOwner}, nil)
		mustOK(t, env, adminTok, opChange, map[string]any{"m": adminM, "r": authz.RoleAdmin}, nil)
	})

	t.Run("custom roles", func(t *testing.T) {
		var set struct {
			SetCustomRole struct {
				Name        string
				Builtin     bool
				Permissions []struct{ Object, Action string }
			}
		}
		mustOK(t, env, ownerTok, opSetRole, map[string]any{"o": sid(org), "n": "promo_manager",
			"p": perms("store", "read", "campaign", "read", "campaign", "create", "campaign", "update")}, &set)
		if set.SetCustomRole.Builtin || len(set.SetCustomRole.Permissions) != 4 {
			t.Fatalf("setCustomRole = %+v", set)
		}
		var roles struct{ Roles []struct{ Name string } }
		mustOK(t, env, ownerTok, `query($o: ID!) { roles(organizationID: $o) { name } }`, vars("o", org), &roles)
		if !strings.Contains(mustJSON(roles), `"promo_manager"`) {
			t.Errorf("roles do not list the custom role: %+v", roles)
		}
		inv := invite(t, env, ownerTok, org, "promo@brand.test", "promo_manager")
		var acc struct{ AcceptInvitation struct{ Token string } }
		mustOK(t, env, "", opAccept, map[string]any{"t": *inv.Token, "p": "promo-password"}, &acc)
		promo := acc.AcceptInvitation.Token
		mustOK(t, env, promo, opCreateCampaign, vars("store", f.Store), nil)
		mustOK(t, env, promo, opUpdateCampaign, vars("campaign", f.Campaign), nil)
		wantCode(t, gql(t, env, promo, opDeleteCampaign, vars("campaign", f.Campaign)), "FORBIDDEN")
		wantCode(t, gql(t, env, promo, opCreateContent, vars("store", f.Store)), "FORBIDDEN")
		wantCode(t, gql(t, env, promo, opContents, nil), "FORBIDDEN")

		// Editing the role takes effect on the next request.
		mustOK(t, env, ownerTok, opSetRole, map[string]any{"o": sid(org), "n": "promo_manager",
			"p": perms("store", "read", "campaign", "read")}, nil)
		wantCode(t, gql(t, env, promo, opCreateCampaign, vars("store", f.Store)), "FORBIDDEN")
		wantCode(t, gql(t, env, promo, opUpdateCampaign, vars("campaign", f.Campaign)), "FORBIDDEN")
		mustOK(t, env, ownerTok, opSetRole, map[string]any{"o": sid(org), "n": "promo_manager",
			"p": perms("campaign", "create"), "i": authz.RoleContentEditor}, nil)
		mustOK(t, env, promo, opCreateContent, vars("store", f.Store), nil)
		mustOK(t, env, promo, opCreateCampaign, vars("store", f.Store), nil)

		// The role exists in its organization only.
		wantCode(t, gql(t, env, ownerB, opInviteAs, vars("o", orgB, "e", "x@b.test", "r", "promo_manager")), "BAD_USER_INPUT")

		// Deleting it is refused while a member holds it.
		wantCode(t, gql(t, env, ownerTok, opDelRole, map[string]any{"o": sid(org), "n": "promo_manager"}), "CONFLICT")
		mustOK(t, env, ownerTok, opChange, map[string]any{"m": inv.Membership, "r": authz.RoleViewer}, nil)
		mustOK(t, env, ownerTok, opDelRole, map[string]any{"o": sid(org), "n": "promo_manager"}, nil)
		wantCode(t, gql(t, env, ownerTok, opInviteAs, vars("o", org, "e", "y@brand.test", "r", "promo_manager")), "BAD_USER_INPUT")
		wantCode(t, gql(t, env, promo, opCreateContent, vars("store", f.Store)), "FORBIDDEN")
		// Built-in roles are not editable.
		wantCode(t, gql(t, env, ownerTok, opSetRole, map[string]any{"o": sid(org), "n": "viewer", "p": perms("*", "*")}), "BAD_USER_INPUT")
		wantCode(t, gql(t, env, ownerTok, opDelRole, map[string]any{"o": sid(org), "n": "viewer"}), "BAD_USER_INPUT")
		// Only those who manage members edit roles.
		wantCode(t, gql(t, env, promo, opSetRole, map[string]any{"o": sid(org), "n": "mine", "p": perms("*", "*")}), "FORBIDDEN")
	})

	t.Run("member managers cannot grant more than they hold", func(t *testing.T) {
		mustOK(t, env, ownerTok, opSetRole, map[string]any{"o": sid(org), "n": "hr",
			"p": perms("member", "read", "member", "manage", "store", "read")}, nil)
		inv := invite(t, env, ownerTok, org, "hr@brand.test", "hr")
		var acc struct{ AcceptInvitation struct{ Token string } }
		mustOK(t, env, "", opAccept, map[string]any{"t": *inv.Token, "p": "hr-password"}, &acc)
		hr := acc.AcceptInvitation.Token
		adminM := membershipOf(t, env, "admin@brand.test", org)
		wantCode(t, gql(t, env, hr, opChange, map[string]any{"m": inv.Membership, "r": authz.RoleAdmin}), "FORBIDDEN")
		wantCode(t, gql(t, env, hr, opInviteAs, vars("o", org, "e", "alt@brand.test", "r", authz.RoleAdmin)), "FORBIDDEN")
		wantCode(t, gql(t, env, hr, `mutation($o: ID!) { createAPIToken(name: "x", organizationID: $o, role: "admin") { token } }`, vars("o", org)), "FORBIDDEN")
		wantCode(t, gql(t, env, hr, opSetRole, map[string]any{"o": sid(org), "n": "godmode", "p": perms("*", "*")}), "FORBIDDEN")
		wantCode(t, gql(t, env, hr, opSetRole, map[string]any{"o": sid(org), "n": "hr", "p": perms("member", "manage"), "i": authz.RoleAdmin}), "FORBIDDEN")
		// Nor demote or remove someone who holds more.
		wantCode(t, gql(t, env, hr, opChange, map[string]any{"m": adminM, "r": "hr"}), "FORBIDDEN")
		wantCode(t, gql(t, env, hr, opRemove, map[string]any{"m": adminM}), "FORBIDDEN")
		// What they hold, they may hand on.
		other := invite(t, env, hr, org, "hr2@brand.test", "hr")
		mustOK(t, env, hr, opRemove, map[string]any{"m": other.Membership}, nil)
		// An admin demoted later loses the admin token they made.
		var tok struct{ CreateAPIToken struct{ Token string } }
		mustOK(t, env, adminTok, `mutation($o: ID!) { createAPIToken(name: "x", organizationID: $o, role: "admin") { token } }`, vars("o", org), &tok)
		mustOK(t, env, tok.CreateAPIToken.Token, opCreateStore, vars("org", org), nil)
		mustOK(t, env, ownerTok, opChange, map[string]any{"m": adminM, "r": authz.RoleViewer}, nil)
		wantCode(t, gql(t, env, tok.CreateAPIToken.Token, opCreateStore, vars("org", org)), "FORBIDDEN")
		wantCode(t, gql(t, env, tok.CreateAPIToken.Token, opInviteAs, vars("o", org, "e", "z@brand.test", "r", "viewer")), "FORBIDDEN")
		mustOK(t, env, tok.CreateAPIToken.Token, opStores, nil, nil)
	})
}

func mustJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
