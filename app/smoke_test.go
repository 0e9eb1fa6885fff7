package app_test

import (
	"fmt"
	"testing"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

func TestSmoke(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b)
		org := env.Org(t, "Brand A", 0)
		tok := env.User(t, "o@a.test", testenv.Grant{Org: org, Role: "owner"})
		var out struct {
			CreateStore struct{ ID, Name string }
		}
		env.MustData(t, testenv.Request{Token: tok, Query: `mutation($org: ID!) { createStore(input: {name: "旗舰店", platform: TMALL, organizationID: $org, dsrScore: 4.8}) { id name } }`,
			Variables: map[string]any{"org": fmt.Sprint(org)}}, &out)
		res := env.Do(t, testenv.Request{Token: tok, Query: `{ stores(first: 5) { totalCount edges { node { name platform campaigns(first: 3) { edges { node { name kind } } } } } } }`})
		t.Logf("%s %+v", res.Data, res.Errors)
		res = env.Do(t, testenv.Request{Query: `{ stores(first: 5) { totalCount } }`})
		t.Logf("%s %+v", res.Data, res.Errors)
		res = env.Do(t, testenv.Request{Token: tok, Query: `{ auditEvents(first: 5) { totalCount edges { node { action success objectKind objectID summary } } } }`})
		t.Logf("%s %+v", res.Data, res.Errors)
	})
}
