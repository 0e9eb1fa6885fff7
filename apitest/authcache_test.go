package apitest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/apitoken"
	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/ent/session"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestAuthenticationCache: a token seen recently authenticates without the
// database, and every way of taking access away still takes effect on the
// very next request, also when written straight through ent (not through the
// GraphQL services): the cache is emptied by hooks on the entities, not by the
// resolvers. A change the server cannot see (raw SQL) lasts at most the TTL.
func TestAuthenticationCache(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, be testenv.Backend) {
		clock := testenv.NewClock(time.Now())
		env := testenv.New(t, be, testenv.WithoutSyncRunner(), testenv.WithClock(clock.Now))
		sys := authz.SystemContext(context.Background())
		org := env.Org(t, "Brand", 0)
		stores := `{ stores(first: 5) { totalCount } }`
		create := `mutation($o: ID!, $n: String!) { createSupplier(input: {organizationID: $o, name: $n}) { id } }`
		statements := func(tok string) int64 {
			before := env.Statements.Load()
			mustOK(t, env, tok, stores, nil, nil)
			return env.Statements.Load() - before
		}

		t.Run("a repeated request skips the authentication queries", func(t *testing.T) {
			tok := env.User(t, "repeat@brand.test", testenv.Grant{Org: org, Role: authz.RoleAdmin})
			first, second := statements(tok), statements(tok)
			// Session with its user, memberships, client organizations.
			if first-second < 3 {
				t.Fatalf("statements: first request %d, repeated %d; want at least 3 fewer", first, second)
			}
		})

		for _, c := range []struct {
			name   string
			token  bool // an API token instead of a session
			revoke func(t *testing.T, userID int)
			query  string
			code   string
		}{
			{"session revoked", false, func(t *testing.T, u int) {
				env.Client.Session.Update().Where(session.UserID(u)).SetRevokedAt(clock.Now()).ExecX(sys)
			}, stores, "UNAUTHENTICATED"},
			{"user disabled", false, func(t *testing.T, u int) {
				env.Client.User.UpdateOneID(u).SetDisabled(true).ExecX(sys)
			}, stores, "UNAUTHENTICATED"},
			{"membership removed", false, func(t *testing.T, u int) {
				env.Client.Membership.Delete().Where(membership.UserID(u)).ExecX(sys)
			}, create, "NOT_FOUND"}, // the organization is no longer visible
			{"role lowered", false, func(t *testing.T, u int) {
				env.Client.Membership.Update().Where(membership.UserID(u)).SetRole(authz.RoleViewer).ExecX(sys)
			}, create, "FORBIDDEN"},
			{"API token revoked", true, func(t *testing.T, u int) {
				env.Client.APIToken.Update().Where(apitoken.CreatedByID(u)).SetRevokedAt(clock.Now()).ExecX(sys)
			}, stores, "UNAUTHENTICATED"},
			{"API token's creator removed", true, func(t *testing.T, u int) {
				env.Client.Membership.Delete().Where(membership.UserID(u)).ExecX(sys)
			}, create, "NOT_FOUND"},
		} {
			t.Run(c.name, func(t *testing.T) {
				email := strings.ToLower(strings.NewReplacer(" ", "-", "'", "").Replace(c.name)) + "@brand.test"
				u := env.SeedUser(t, email, testenv.Grant{Org: org, Role: authz.RoleAdmin})
				tok := env.Login(t, email)
				if c.token {
					secret, _, err := env.App.Auth.NewAPIToken(sys, env.Client, u, "script", org, authz.RoleAdmin, nil, nil)
					if err != nil {
						t.Fatal(err)
					}
					tok = secret
				}
				for range 2 { // the second answer comes from the cache
					mustOK(t, env, tok, c.query, vars("o", org, "n", "before "+c.name), nil)
				}
				c.revoke(t, u)
				wantCode(t, gql(t, env, tok, c.query, vars("o", org, "n", "after "+c.name)), c.code)
			})
		}

		t.Run("a change the server cannot see lasts at most the TTL", func(t *testing.T) {
			u := env.SeedUser(t, "rawsql@brand.test", testenv.Grant{Org: org, Role: authz.RoleAdmin})
			tok := env.Login(t, "rawsql@brand.test")
			mustOK(t, env, tok, stores, nil, nil)
			q := "UPDATE sessions SET revoked_at = ? WHERE user_id = ?"
			if be.Name == "postgres" {
				q = "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2"
			}
			if _, err := env.App.DB.ExecContext(sys, q, clock.Now(), u); err != nil {
				t.Fatal(err)
			}
			mustOK(t, env, tok, stores, nil, nil) // within the TTL: still cached
			clock.Advance(auth.DefaultCacheTTL)
			wantCode(t, gql(t, env, tok, stores, nil), "UNAUTHENTICATED")
		})
	})
}
