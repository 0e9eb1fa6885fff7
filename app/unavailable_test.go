package app_test

import (
	"testing"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// A token that cannot be checked because the database is unavailable (issue
// 8 §6: an exhausted pool) is answered INTERNAL, not UNAUTHENTICATED: the
// client's token is fine and it should retry, not sign in again.
func TestTokenCheckFailureIsNotUnauthenticated(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		e := testenv.New(t, b)
		org := e.Org(t, "Brand A", 0)
		token := e.User(t, "owner@a.test", testenv.Grant{Org: org, Role: "owner"})
		if res := e.Do(t, testenv.Request{Token: token, Query: `{ me { id } }`}); len(res.Errors) > 0 {
			t.Fatalf("before: %+v", res.Errors)
		}
		if err := e.App.DB.Close(); err != nil {
			t.Fatal(err)
		}
		res := e.Do(t, testenv.Request{Token: token, Query: `{ me { id } }`})
		if codes := res.Codes(); len(codes) != 1 || codes[0] != "INTERNAL" {
			t.Fatalf("codes %v (%+v), want INTERNAL", codes, res.Errors)
		}
	})
}
