package apitest

import (
	"encoding/json"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestErrorCodesAndStatuses pins the HTTP status of each code as the README's
// errors table gives it, for the codes a request can provoke on its own.
func TestErrorCodesAndStatuses(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	org := env.Org(t, "Brand", 0)
	tok := env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	viewer := env.User(t, "viewer@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
	for _, c := range []struct {
		name, tok, query string
		code             string
		status           int
	}{
		{"unauthenticated", "", `{ me { id } }`, "UNAUTHENTICATED", 200},
		{"forbidden", viewer, `mutation { createSupplier(input: {organizationID: "` + sid(org) + `", name: "x"}) { id } }`, "FORBIDDEN", 200},
		{"not found", tok, `mutation { updateSupplier(id: "1", input: {name: "x"}) { id } }`, "NOT_FOUND", 200},
		{"bad user input", tok, `mutation { createSupplier(input: {organizationID: "` + sid(org) + `", name: ""}) { id } }`, "BAD_USER_INPUT", 200},
		{"over a limit", tok, fragmentBomb(26), "BAD_USER_INPUT", 200},
		{"syntax error", tok, `{ me { id `, "GRAPHQL_PARSE_FAILED", 422},
		{"unknown field", tok, `{ nope }`, "GRAPHQL_VALIDATION_FAILED", 422},
	} {
		t.Run(c.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]any{"query": c.query})
			status, raw := send(t, env, c.tok, body)
			var res testenv.Response
			_ = json.Unmarshal(raw, &res)
			if status != c.status || len(res.Errors) == 0 || res.Errors[0].Code() != c.code {
				t.Errorf("HTTP %d %v, want %d %s: %.300s", status, res.Codes(), c.status, c.code, raw)
			}
		})
	}
}
