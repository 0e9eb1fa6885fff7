package apitest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestCampaignOverlapRace: 50 parallel identical creates by ten users of an exclusive 满减
// in one store → exactly one succeeds, the other 49 are CONFLICT naming it,
// and one campaign is stored. The overlap check is serialized per store
// (promosvc.lockStore), so two checks can no longer both pass.
func TestCampaignOverlapRace(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		env := testenv.New(t, b, testenv.WithClock(func() time.Time { return now }), testenv.WithoutSyncRunner())
		org := env.Org(t, "Brand", 0)
		tok := env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		st := env.Client.Store.Create().SetName("Tmall").SetPlatform(store.PlatformTMALL).SetOrganizationID(org).SaveX(sys)
		in := vars("input", campaignInput(st.ID, now.Add(24*time.Hour), map[string]any{"name": "双11 满减"}))
		// Ten operators at once (requests of one token are serialized by its
		// session's bookkeeping, so the race needs several).
		toks := []string{tok}
		for i := range 9 {
			toks = append(toks, env.User(t, fmt.Sprintf("op%d@brand.test", i), testenv.Grant{Org: org, Role: authz.RoleOperator}))
		}
		got := parallel(50, func(i int) *testenv.Response { return gql(t, env, toks[i%len(toks)], createCampaignQ, in) })
		if got[""] != 1 || got["CONFLICT"] != 49 {
			t.Fatalf("answers %v, want 1 success and 49 CONFLICT", got)
		}
		stored := env.Client.Campaign.Query().Where(campaign.StoreID(st.ID)).AllX(sys)
		if len(stored) != 1 {
			t.Fatalf("%d campaigns stored", len(stored))
		}
		res := gql(t, env, tok, createCampaignQ, in)
		wantCode(t, res, "CONFLICT")
		if !strings.Contains(res.Errors[0].Message, sid(stored[0].ID)) {
			t.Fatalf("conflict does not name campaign %d: %s", stored[0].ID, res.Errors[0].Message)
		}
	})
}
