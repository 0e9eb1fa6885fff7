package apitest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

type auditEvent struct {
	ActorID        *gid
	ActorEmail     *string
	OrganizationID *gid
	Action         string
	ObjectKind     *string
	ObjectID       *string
	Success        bool
	ErrorCode      *string
	ClientAddress  *string
	Summary        map[string]any
}

const opAuditLog = `query($w: AuditEventWhereInput) { auditEvents(first: 100, where: $w, orderBy: [{field: CREATED_AT, direction: ASC}]) {
	totalCount edges { node { actorID actorEmail organizationID action objectKind objectID success errorCode clientAddress summary } } } }`

func auditEvents(t *testing.T, env *testenv.Env, tok string, where map[string]any) []auditEvent {
	t.Helper()
	var out struct {
		AuditEvents struct {
			TotalCount int
			Edges      []struct{ Node auditEvent }
		}
	}
	mustOK(t, env, tok, opAuditLog, map[string]any{"w": where}, &out)
	evs := make([]auditEvent, len(out.AuditEvents.Edges))
	for i, e := range out.AuditEvents.Edges {
		evs[i] = e.Node
	}
	if out.AuditEvents.TotalCount != len(evs) {
		t.Fatalf("auditEvents totalCount %d, %d edges", out.AuditEvents.TotalCount, len(evs))
	}
	return evs
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// TestAuditLog: successful mutations are recorded with actor, organization,
// action, object and client address; refused attempts with success=false;
// summaries hold no secrets; only owners and admins read the log, of their
// own organizations.
func TestAuditLog(t *testing.T) {
	env := testenv.New(t, testenv.SQLite, testenv.WithTrustProxy())
	org, orgB := env.Org(t, "Brand", 0), env.Org(t, "Brand B", 0)
	owner := env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	viewer := env.SeedUser(t, "viewer@brand.test", testenv.Grant{Org: org, Role: authz.RoleViewer})
	env.SeedUser(t, "owner@b.test", testenv.Grant{Org: orgB, Role: authz.RoleOwner})
	f := seedTenant(t, env, org, owner, "A")
	ownerTok := env.Login(t, "owner@brand.test")
	viewerTok := env.Login(t, "viewer@brand.test")
	adminTok := env.User(t, "admin@brand.test", testenv.Grant{Org: org, Role: authz.RoleAdmin})
	operatorTok := env.User(t, "operator@brand.test", testenv.Grant{Org: org, Role: authz.RoleOperator})
	ownerB := env.Login(t, "owner@b.test")
	const addr = "203.0.113.9"
	from := http.Header{"X-Forwarded-For": {addr + ", 10.0.0.1"}}

	// A successful update and create.
	res := env.Do(t, testenv.Request{Token: ownerTok, Header: from, Query: `mutation($id: ID!) { updateStore(id: $id, input: {introduction: "正品保障"}) { id } }`,
		Variables: vars("id", f.Store)})
	wantOK(t, res)
	var created struct{ CreateSupplier struct{ ID string } }
	res = env.Do(t, testenv.Request{Token: ownerTok, Header: from, Query: `mutation($o: ID!) { createSupplier(input: {organizationID: $o, name: "义乌工厂"}) { id } }`,
		Variables: vars("o", org)})
	wantOK(t, res)
	res.Decode(t, &created)
	// A refused one.
	res = env.Do(t, testenv.Request{Token: viewerTok, Header: from, Query: `mutation($id: ID!) { updateStore(id: $id, input: {introduction: "x"}) { id } }`,
		Variables: vars("id", f.Store)})
	wantCode(t, res, "FORBIDDEN")

	t.Run("success recorded", func(t *testing.T) {
		evs := auditEvents(t, env, ownerTok, map[string]any{"action": "updateStore", "success": true, "clientAddress": addr})
		if len(evs) != 1 {
			t.Fatalf("%d successful updateStore events: %+v", len(evs), evs)
		}
		e := evs[0]
		if e.ActorID == nil || int(*e.ActorID) != owner || str(e.ActorEmail) != "owner@brand.test" || e.OrganizationID == nil || int(*e.OrganizationID) != org ||
			str(e.ObjectKind) != "store" || str(e.ObjectID) != sid(f.Store) || str(e.ClientAddress) != addr || str(e.ErrorCode) != "" {
			t.Errorf("updateStore event: %s", mustJSON(e))
		}
		if in, _ := e.Summary["input"].(map[string]any); in["introduction"] != "正品保障" {
			t.Errorf("summary: %v", e.Summary)
		}
		evs = auditEvents(t, env, ownerTok, map[string]any{"action": "createSupplier"})
		if len(evs) != 1 || str(evs[0].ObjectID) != created.CreateSupplier.ID || str(evs[0].ObjectKind) != "supplier" || int(*evs[0].OrganizationID) != org {
			t.Errorf("createSupplier events: %s", mustJSON(evs))
		}
	})

	t.Run("refusal recorded", func(t *testing.T) {
		evs := auditEvents(t, env, ownerTok, map[string]any{"success": false})
		if len(evs) != 1 {
			t.Fatalf("%d failed events: %s", len(evs), mustJSON(evs))
		}
		e := evs[0]
		if e.Action != "updateStore" || str(e.ErrorCode) != "FORBIDDEN" || e.ActorID == nil || int(*e.ActorID) != viewer ||
			int(*e.OrganizationID) != org || str(e.ObjectID) != sid(f.Store) || str(e.ClientAddress) != addr {
			t.Errorf("refused updateStore event: %s", mustJSON(e))
		}
	})

	t.Run("no secrets", func(t *testing.T) {
		var tok struct{ CreateAPIToken struct{ Token string } }
		mustOK(t, env, ownerTok, `mutation($o: ID!) { createAPIToken(name: "erp", organizationID: $o, role: "viewer") { token } }`, vars("o", org), &tok)
		wantCode(t, login(t, env, "owner@brand.test", "not-my-password", "", ""), "UNAUTHENTICATED")
		wantOK(t, login(t, env, "owner@brand.test", testenv.Password, "", ""))
		evs := auditEvents(t, env, ownerTok, map[string]any{"action": "createAPIToken"})
		if len(evs) != 1 || !evs[0].Success {
			t.Errorf("createAPIToken events: %s", mustJSON(evs))
		}
		// Every event, including those no organization can read (logins).
		all := env.Client.AuditEvent.Query().AllX(sys)
		logins := 0
		for _, e := range all {
			raw, _ := json.Marshal(e)
			for _, secret := range append(secretForms(tok.CreateAPIToken.Token), testenv.Password, "not-my-password", ownerTok) {
				if strings.Contains(string(raw), secret) {
					t.Errorf("audit event %s holds a secret: %s", e.Action, raw)
				}
			}
			if e.Action == "login" {
				logins++
				if e.Summary["password"] != "[REDACTED]" {
					t.Errorf("login summary: %v", e.Summary)
				}
			}
		}
		if logins < 2 {
			t.Errorf("%d login events, want the failed and the successful one", logins)
		}
	})

	t.Run("owners and admins only", func(t *testing.T) {
		for _, tok := range []string{viewerTok, operatorTok} {
			wantCode(t, gql(t, env, tok, opAuditLog, nil), "FORBIDDEN")
		}
		if evs := auditEvents(t, env, adminTok, nil); len(evs) < 3 {
			t.Errorf("admin sees %d events", len(evs))
		}
		// B's owner reads B's log, which has nothing of A's.
		for _, e := range auditEvents(t, env, ownerB, nil) {
			if e.OrganizationID != nil && int(*e.OrganizationID) == org {
				t.Errorf("B's owner reads A's event %s", mustJSON(e))
			}
		}
		if evs := auditEvents(t, env, ownerB, map[string]any{"organizationID": org}); len(evs) != 0 {
			t.Errorf("B's owner filtering on A gets %d events", len(evs))
		}
	})
}

// gid is a global id as the API sends it: a string of digits.
type gid int

func (g *gid) UnmarshalJSON(b []byte) error {
	n, err := strconv.Atoi(strings.Trim(string(b), `"`))
	*g = gid(n)
	return err
}
