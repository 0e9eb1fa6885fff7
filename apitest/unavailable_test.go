package apitest

import (
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestAuthDatabaseDown (issue 7 finding 8): when the database fails while a
// request's token is being checked, the answer is HTTP 503 UNAVAILABLE, never
// UNAUTHENTICATED "token invalid" (which makes clients drop a good session).
func TestAuthDatabaseDown(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		// The authentication cache would answer the token check from memory;
		// this test is about the check that reaches the database.
		env := testenv.New(t, b, testenv.WithoutAuthCache())
		org := env.Org(t, "Brand", 0)
		tok := env.User(t, "user@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
		mustOK(t, env, tok, `{ me { email } }`, nil, nil)

		// Break the database under the running server.
		if err := env.Client.Close(); err != nil {
			t.Fatal(err)
		}
		res := gql(t, env, tok, `{ me { email } }`, nil)
		if res.Status != 503 {
			t.Errorf("HTTP status %d, want 503", res.Status)
		}
		wantCode(t, res, "UNAVAILABLE")
		// Without a token nothing needs the database before the resolver: the
		// usual answer.
		wantCode(t, gql(t, env, "", `{ me { email } }`, nil), "UNAUTHENTICATED")
	})
}
