package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

func TestSmoke(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b)
		ctx := authz.SystemContext(context.Background())
		org := env.Client.Organization.Create().SetName("Brand A").SaveX(ctx)
		var out struct {
			CreateStore struct{ ID, Name string }
		}
		env.MustData(t, testenv.Request{Query: `mutation($org: ID!) { createStore(input: {name: "旗舰店", platform: TMALL, organizationID: $org, dsrScore: 4.8}) { id name } }`,
			Variables: map[string]any{"org": fmt.Sprint(org.ID)}}, &out)
		res := env.Do(t, testenv.Request{Query: `{ stores(first: 5) { totalCount edges { node { name platform campaigns(first: 3) { edges { node { name kind } } } } } } }`})
		t.Logf("%s %+v", res.Data, res.Errors)
		res = env.Do(t, testenv.Request{Query: `mutation($org: ID!) { createStore(input: {name: "x", platform: TMALL, organizationID: $org, dsrScore: 7}) { id name } }`,
			Variables: map[string]any{"org": fmt.Sprint(org.ID)}})
		t.Logf("%s %+v", res.Data, res.Errors)
		res = env.Do(t, testenv.Request{Query: `{ node(id: "12345") { id } }`})
		t.Logf("%s %+v", res.Data, res.Errors)
	})
}
