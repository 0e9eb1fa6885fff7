package apitest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

const createCampaignQ = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id status } }`

// campaignInput is a valid 满减 campaign input in store, starting at start
// for 10 days; edit overrides fields.
func campaignInput(storeID int, start time.Time, edit map[string]any) map[string]any {
	in := map[string]any{
		"storeID": sid(storeID), "name": "满减", "kind": "FULL_REDUCTION",
		"startsAt": start.Format(time.RFC3339), "endsAt": start.Add(10 * 24 * time.Hour).Format(time.RFC3339),
		"rules": map[string]any{"fullReduction": map[string]any{"tiers": []any{
			map[string]any{"threshold": map[string]any{"amount": "100.00"}, "reduction": map[string]any{"amount": "10.00"}},
			map[string]any{"threshold": map[string]any{"amount": "200.00"}, "reduction": map[string]any{"amount": "30.00"}},
		}}},
	}
	for k, v := range edit {
		in[k] = v
	}
	return in
}

func money(a string) map[string]any { return map[string]any{"amount": a} }

// TestCampaignRefusesWrongRules: every campaign the issue found accepted
// although it made no sense is refused, with the field or the conflicting
// campaign named, and nothing is written.
func TestCampaignRefusesWrongRules(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		env := testenv.New(t, b, testenv.WithClock(func() time.Time { return now }))
		org := env.Org(t, "Brand", 0)
		tok := env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		st, err := env.Client.Store.Create().SetName("Tmall").SetPlatform(store.PlatformTMALL).SetOrganizationID(org).Save(sys)
		if err != nil {
			t.Fatal(err)
		}
		prod, err := env.Client.Product.Create().SetStoreID(st.ID).SetTitle("玫瑰爽肤水").SetPrice(10000).SetCost(6000).Save(sys)
		if err != nil {
			t.Fatal(err)
		}
		start := now.Add(24 * time.Hour)
		at := func(h int) string { return start.Add(time.Duration(h) * time.Hour).Format(time.RFC3339) }
		slot := func(from, to, stock int) map[string]any {
			return map[string]any{"startsAt": at(from), "endsAt": at(to), "stock": stock}
		}
		flash := func(limit int, slots ...any) map[string]any {
			return map[string]any{"kind": "FLASH_SALE", "clearance": true, "rules": map[string]any{"flashSale": map[string]any{
				"flashPrice": money("9.90"), "perUserLimit": limit, "slots": slots}}}
		}
		tests := []struct {
			name, code, field string
			edit              map[string]any
		}{
			{"a higher 满减 tier that saves less", "BAD_USER_INPUT", "rules.fullReduction.tiers[1].reduction",
				map[string]any{"rules": map[string]any{"fullReduction": map[string]any{"tiers": []any{
					map[string]any{"threshold": money("100.00"), "reduction": money("20.00")},
					map[string]any{"threshold": money("200.00"), "reduction": money("15.00")}}}}}},
			{"quantity tiers that get shallower", "BAD_USER_INPUT", "rules.timeLimitedDiscount.tiers[1].percentOff",
				map[string]any{"kind": "TIME_LIMITED_DISCOUNT", "rules": map[string]any{"timeLimitedDiscount": map[string]any{
					"percentOff": 5, "tiers": []any{map[string]any{"minQuantity": 2, "percentOff": 20}, map[string]any{"minQuantity": 3, "percentOff": 10}}}}}},
			{"a bigger 拼团 team with a smaller discount", "BAD_USER_INPUT", "rules.groupBuy.tiers[1].percentOff",
				map[string]any{"kind": "GROUP_BUY", "rules": map[string]any{"groupBuy": map[string]any{"formWithinHours": 24,
					"tiers": []any{map[string]any{"teamSize": 2, "percentOff": 20}, map[string]any{"teamSize": 3, "percentOff": 10}}}}}},
			{"overlapping 秒杀 slots", "BAD_USER_INPUT", "rules.flashSale.slots[1].startsAt", flash(2, slot(0, 2, 10), slot(1, 3, 10))},
			{"duplicate 秒杀 slots", "BAD_USER_INPUT", "rules.flashSale.slots[1].startsAt", flash(2, slot(0, 2, 10), slot(0, 2, 10))},
			{"a per-user limit above the slot's stock", "BAD_USER_INPUT", "rules.flashSale.perUserLimit", flash(20, slot(0, 2, 10))},
			{"a 秒杀 slot outside the window", "BAD_USER_INPUT", "rules.flashSale.slots[0].startsAt", flash(2, slot(-5, 2, 10))},
			{"phases outside the campaign window", "BAD_USER_INPUT", "phases[0].startsAt",
				map[string]any{"phases": []any{map[string]any{"name": "WARM_UP", "startsAt": at(-48), "endsAt": at(1)}}}},
			{"a negative budget", "BAD_USER_INPUT", "budget", map[string]any{"budget": money("-5.00")}},
			// status is not an input field at all any more: the request
			// fails validation before it reaches a resolver.
			{"status set directly", "GRAPHQL_VALIDATION_FAILED", "", map[string]any{"status": "LIVE"}},
			{"selling below cost", "BAD_USER_INPUT", "rules",
				map[string]any{"kind": "TIME_LIMITED_DISCOUNT", "productIDs": []string{sid(prod.ID)},
					"rules": map[string]any{"timeLimitedDiscount": map[string]any{"percentOff": 50}}}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res := gql(t, env, tok, createCampaignQ, map[string]any{"input": campaignInput(st.ID, start, tc.edit)})
				wantCode(t, res, tc.code)
				if tc.field != "" && res.Errors[0].Extensions["field"] != tc.field {
					t.Fatalf("field %v, want %s (%s)", res.Errors[0].Extensions["field"], tc.field, res.Errors[0].Message)
				}
			})
		}
		if n, _ := env.Client.Campaign.Query().Count(sys); n != 0 {
			t.Fatalf("%d campaigns written by refused requests", n)
		}

		// The same below-cost discount as clearance is accepted.
		var ok struct{ CreateCampaign struct{ ID, Status string } }
		mustOK(t, env, tok, createCampaignQ, vars("input", campaignInput(st.ID, start.Add(-72*time.Hour), map[string]any{
			"kind": "TIME_LIMITED_DISCOUNT", "clearance": true, "productIDs": []string{sid(prod.ID)}, "name": "清仓",
			"rules": map[string]any{"timeLimitedDiscount": map[string]any{"percentOff": 50}}})), &ok)

		// Two identical 满减 campaigns overlapping in one store: CONFLICT naming the first.
		var first struct{ CreateCampaign struct{ ID, Status string } }
		mustOK(t, env, tok, createCampaignQ, vars("input", campaignInput(st.ID, start, map[string]any{"name": "618 满减"})), &first)
		res := gql(t, env, tok, createCampaignQ, vars("input", campaignInput(st.ID, start.Add(24*time.Hour), nil)))
		wantCode(t, res, "CONFLICT")
		if !strings.Contains(res.Errors[0].Message, "618 满减") || !strings.Contains(res.Errors[0].Message, first.CreateCampaign.ID) {
			t.Fatalf("conflict does not name the campaign: %s", res.Errors[0].Message)
		}

		// An end date moved before the start in a later update is checked
		// against the stored campaign.
		id := first.CreateCampaign.ID
		res = gql(t, env, tok, `mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) { id } }`,
			map[string]any{"id": id, "input": map[string]any{"endsAt": start.Add(-time.Hour).Format(time.RFC3339)}})
		wantCode(t, res, "BAD_USER_INPUT")
		if res.Errors[0].Extensions["field"] != "endsAt" {
			t.Fatalf("field %v", res.Errors[0].Extensions)
		}
		// Status cannot be set by update either (ENDED → RUNNING).
		res = gql(t, env, tok, `mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) { id } }`,
			map[string]any{"id": id, "input": map[string]any{"status": "LIVE"}})
		wantCode(t, res, "GRAPHQL_VALIDATION_FAILED")

		// Launching an expired campaign (a 2020 window) is refused.
		var old struct{ CreateCampaign struct{ ID, Status string } }
		mustOK(t, env, tok, createCampaignQ, vars("input", campaignInput(st.ID, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), map[string]any{"name": "2020"})), &old)
		res = gql(t, env, tok, `mutation($id: ID!) { launchCampaign(id: $id) { id status } }`, map[string]any{"id": old.CreateCampaign.ID})
		wantCode(t, res, "BAD_USER_INPUT")
		if res.Errors[0].Extensions["field"] != "endsAt" {
			t.Fatalf("field %v", res.Errors[0].Extensions)
		}
		// Launching the future one puts it under the clock: SCHEDULED.
		var launched struct{ LaunchCampaign struct{ ID, Status string } }
		mustOK(t, env, tok, `mutation($id: ID!) { launchCampaign(id: $id) { id status } }`, map[string]any{"id": id}, &launched)
		if launched.LaunchCampaign.Status != "SCHEDULED" {
			raw, _ := json.Marshal(launched)
			t.Fatalf("launched: %s", raw)
		}
	})
}
