package apitest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// secretForms are the ways a token or its hash could show up in a response.
func secretForms(secret string) []string {
	h := sha256.Sum256([]byte(secret))
	return []string{secret, secret[len(secret)-20:], hex.EncodeToString(h[:]),
		base64.StdEncoding.EncodeToString(h[:]), base64.RawURLEncoding.EncodeToString(h[:]), base64.RawStdEncoding.EncodeToString(h[:])}
}

func assertNoSecret(t *testing.T, where string, raw []byte, secret string) {
	t.Helper()
	for _, s := range secretForms(secret) {
		if strings.Contains(string(raw), s) {
			t.Errorf("%s contains the token or its hash (%q): %s", where, s, raw)
		}
	}
}

// TestAPITokens: the secret is shown once and never again (nor its hash),
// works as a Bearer token with its own role in its own organization only,
// records last use, and stops working when revoked or expired.
func TestAPITokens(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		clock := testenv.NewClock(time.Now())
		env := testenv.New(t, b, testenv.WithClock(clock.Now))
		orgA, orgB := env.Org(t, "Brand A", 0), env.Org(t, "Brand B", 0)
		owner := env.SeedUser(t, "owner@ab.test", testenv.Grant{Org: orgA, Role: authz.RoleOwner}, testenv.Grant{Org: orgB, Role: authz.RoleOwner})
		fa, fb := seedTenant(t, env, orgA, owner, "A"), seedTenant(t, env, orgB, owner, "B")
		session := env.Login(t, "owner@ab.test")

		create := func(t *testing.T, name string, org int, role string, expiresAt *time.Time) (secret, id string) {
			t.Helper()
			vs := vars("n", name, "o", org, "r", role)
			if expiresAt != nil {
				vs["e"] = expiresAt.UTC().Format(time.RFC3339)
			} else {
				vs["e"] = nil
			}
			res := gql(t, env, session, `mutation($n: String!, $o: ID!, $r: String!, $e: Time) {
				createAPIToken(name: $n, organizationID: $o, role: $r, expiresAt: $e) { token apiToken { id name prefix role organizationID lastUsedAt } } }`, vs)
			wantOK(t, res)
			var out struct {
				CreateAPIToken struct {
					Token    string
					APIToken struct{ ID, Prefix, Role string }
				}
			}
			res.Decode(t, &out)
			p := out.CreateAPIToken
			if !strings.HasPrefix(p.Token, "ogt_") || len(p.Token) < 40 || !strings.HasPrefix(p.Token, p.APIToken.Prefix) || p.APIToken.Role != role {
				t.Fatalf("createAPIToken returned %s", res.Data)
			}
			return p.Token, p.APIToken.ID
		}
		listTokens := func(t *testing.T) []byte {
			t.Helper()
			res := gql(t, env, session, `{ apiTokens(first: 100) { totalCount edges { node { id name prefix role organizationID createdByID expiresAt lastUsedAt revokedAt createdBy { email } } } } }`, nil)
			wantOK(t, res)
			return res.Data
		}

		secret, id := create(t, "ci", orgA, authz.RoleOperator, nil)

		t.Run("secret shown once", func(t *testing.T) {
			assertNoSecret(t, "apiTokens", listTokens(t), secret)
			res := gql(t, env, session, `query($id: ID!) { node(id: $id) { ... on APIToken { id name prefix role } } }`, map[string]any{"id": id})
			wantOK(t, res)
			assertNoSecret(t, "node(token)", res.Data, secret)
			// The type has no field that could carry the secret or its hash.
			res = gql(t, env, session, `{ __type(name: "APIToken") { fields { name } } }`, nil)
			wantOK(t, res)
			var typ struct {
				Type struct{ Fields []struct{ Name string } } `json:"__type"`
			}
			res.Decode(t, &typ)
			for _, f := range typ.Type.Fields {
				if n := strings.ToLower(f.Name); strings.Contains(n, "hash") || strings.Contains(n, "secret") || n == "token" {
					t.Errorf("APIToken exposes field %s", f.Name)
				}
			}
			// Nor does the audit log, anywhere.
			for _, e := range env.Client.AuditEvent.Query().AllX(sys) {
				raw, _ := json.Marshal(e)
				assertNoSecret(t, "audit event", raw, secret)
			}
		})

		t.Run("works as Bearer in its organization only", func(t *testing.T) {
			res := gql(t, env, secret, `{ stores(first: 100) { totalCount edges { node { id } } } }`, nil)
			wantOK(t, res)
			got := ids(res.Data)
			if len(got) != 1 || got[0] != fa.Store {
				t.Errorf("token of A lists stores %v, want only A's %d (its creator also owns B)", got, fa.Store)
			}
			// Its role: an operator can launch campaigns but not manage members.
			mustOK(t, env, secret, opCreateCampaign, vars("store", fa.Store), nil)
			wantCode(t, gql(t, env, secret, opInvite, vars("org", orgA)), "FORBIDDEN")
			wantCode(t, gql(t, env, secret, `mutation($o: ID!) { createAPIToken(name: "x", organizationID: $o, role: "viewer") { token } }`, vars("o", orgA)), "FORBIDDEN")
			// B does not exist for it.
			res = gql(t, env, secret, `query($id: ID!) { node(id: $id) { id } }`, vars("id", fb.Store))
			if strings.Contains(string(res.Data), sid(fb.Store)) {
				t.Errorf("token of A reads B's store: %s", res.Data)
			}
			before := snapshot(t, env, orgB, true)
			wantCode(t, gql(t, env, secret, opUpdateStore, vars("store", fb.Store)), "NOT_FOUND")
			wantCode(t, gql(t, env, secret, opCreateStore, vars("org", orgB)), "NOT_FOUND")
			wantCode(t, gql(t, env, secret, opCreateContent, vars("store", fb.Store)), "NOT_FOUND")
			wantCode(t, gql(t, env, secret, opUpdateCampaign, vars("campaign", fb.Campaign)), "NOT_FOUND")
			if after := snapshot(t, env, orgB, true); after != before {
				t.Errorf("B changed: %s", diffLines(before, after))
			}
		})

		t.Run("last use recorded", func(t *testing.T) {
			var out struct {
				Node struct{ LastUsedAt *time.Time }
			}
			mustOK(t, env, session, `query($id: ID!) { node(id: $id) { ... on APIToken { lastUsedAt } } }`, map[string]any{"id": id}, &out)
			if out.Node.LastUsedAt == nil || out.Node.LastUsedAt.Sub(clock.Now()).Abs() > time.Minute {
				t.Errorf("lastUsedAt = %v, want about %v", out.Node.LastUsedAt, clock.Now())
			}
		})

		t.Run("viewer token cannot mutate", func(t *testing.T) {
			vt, _ := create(t, "dashboard", orgA, authz.RoleViewer, nil)
			mustOK(t, env, vt, `{ campaigns(first: 5) { totalCount } }`, nil, nil)
			wantCode(t, gql(t, env, vt, opCreateStore, vars("org", orgA)), "FORBIDDEN")
			wantCode(t, gql(t, env, vt, opUpdateStore, vars("store", fa.Store)), "FORBIDDEN")
			wantCode(t, gql(t, env, vt, opCreateContent, vars("store", fa.Store)), "FORBIDDEN")
			wantCode(t, gql(t, env, vt, opDeleteCampaign, vars("campaign", fa.Campaign)), "FORBIDDEN")
		})

		t.Run("revoked", func(t *testing.T) {
			rt, rid := create(t, "to revoke", orgA, authz.RoleOperator, nil)
			mustOK(t, env, rt, opStores, nil, nil)
			mustOK(t, env, session, `mutation($id: ID!) { revokeAPIToken(id: $id) { revokedAt } }`, map[string]any{"id": rid}, nil)
			wantCode(t, gql(t, env, rt, opStores, nil), "UNAUTHENTICATED")
			wantCode(t, gql(t, env, rt, opCreateStore, vars("org", orgA)), "UNAUTHENTICATED")
		})

		t.Run("expired", func(t *testing.T) {
			in := clock.Now().Add(time.Hour)
			et, _ := create(t, "short-lived", orgA, authz.RoleOperator, &in)
			mustOK(t, env, et, opStores, nil, nil)
			clock.Advance(61 * time.Minute)
			wantCode(t, gql(t, env, et, opStores, nil), "UNAUTHENTICATED")
			// The session (24 h) still works; the other token never expires.
			mustOK(t, env, session, opStores, nil, nil)
			mustOK(t, env, secret, opStores, nil, nil)
			// A token cannot be created already expired.
			past := clock.Now().Add(-time.Minute)
			wantCode(t, gql(t, env, session, `mutation($o: ID!, $e: Time) { createAPIToken(name: "x", organizationID: $o, role: "viewer", expiresAt: $e) { token } }`,
				map[string]any{"o": sid(orgA), "e": past.UTC().Format(time.RFC3339)}), "BAD_USER_INPUT")
		})

		t.Run("session logout", func(t *testing.T) {
			s2 := env.Login(t, "owner@ab.test")
			mustOK(t, env, s2, `mutation { logout }`, nil, nil)
			wantCode(t, gql(t, env, s2, opStores, nil), "UNAUTHENTICATED")
			mustOK(t, env, session, opStores, nil, nil)
			// Sessions expire after 24 hours.
			clock.Advance(25 * time.Hour)
			wantCode(t, gql(t, env, session, opStores, nil), "UNAUTHENTICATED")
		})
	})
}
