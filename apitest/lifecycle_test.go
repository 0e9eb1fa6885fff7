package apitest

import (
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestCampaignVerbs: status changes only by verb, each allowed only from the
// statuses it names; the clock decides where launch and resume land.
func TestCampaignVerbs(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		env := testenv.New(t, b, testenv.WithClock(func() time.Time { return now }))
		org := env.Org(t, "Brand", 0)
		tok := env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		st := env.Client.Store.Create().SetName("Tmall").SetPlatform(store.PlatformTMALL).SetOrganizationID(org).SaveX(sys)
		create := func(start time.Time, name string) string {
			var out struct{ CreateCampaign struct{ ID string } }
			mustOK(t, env, tok, createCampaignQ, vars("input", campaignInput(st.ID, start, map[string]any{"name": name, "exclusive": false})), &out)
			return out.CreateCampaign.ID
		}
		verb := func(name, id string) (string, *testenv.Response) {
			res := gql(t, env, tok, `mutation($id: ID!) { `+name+`(id: $id) { status } }`, map[string]any{"id": id})
			var out map[string]struct{ Status string }
			if len(res.Errors) == 0 {
				res.Decode(t, &out)
			}
			return out[name].Status, res
		}
		future := create(now.Add(48*time.Hour), "future")
		current := create(now.Add(-time.Hour), "current")
		steps := []struct {
			verb, id, want, code string
		}{
			{"scheduleCampaign", future, "SCHEDULED", ""},
			{"scheduleCampaign", current, "", "BAD_USER_INPUT"}, // start has passed: launch it instead
			{"launchCampaign", current, "LIVE", ""},
			{"pauseCampaign", current, "PAUSED", ""},
			{"pauseCampaign", current, "", "CONFLICT"},
			{"resumeCampaign", current, "LIVE", ""},
			{"cancelCampaign", current, "CANCELLED", ""},
			{"resumeCampaign", current, "", "CONFLICT"},
			{"launchCampaign", current, "", "CONFLICT"},
			{"cancelCampaign", future, "CANCELLED", ""},
		}
		for _, s := range steps {
			got, res := verb(s.verb, s.id)
			if s.code != "" {
				wantCode(t, res, s.code)
				continue
			}
			wantOK(t, res)
			if got != s.want {
				t.Fatalf("%s(%s): %s, want %s", s.verb, s.id, got, s.want)
			}
		}
	})
}
