package apitest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/membership"
	"github.com/opsgraph/opsgraph/ent/supplier"
	"github.com/opsgraph/opsgraph/ent/syncjob"
	"github.com/opsgraph/opsgraph/graph"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// wsClient speaks graphql-transport-ws to the server.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	n    int
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsDial opens a socket; it does not send connection_init.
func wsDial(t *testing.T, env *testenv.Env) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(env.URL, "http")+"/query",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	return &wsClient{t: t, conn: conn}
}

func (c *wsClient) send(m wsMsg) {
	c.t.Helper()
	raw, _ := json.Marshal(m)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, raw); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// read returns the next message other than pings, or an error when the
// server closed the socket.
func (c *wsClient) read() (wsMsg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		_, raw, err := c.conn.Read(ctx)
		if err != nil {
			return wsMsg{}, err
		}
		var m wsMsg
		_ = json.Unmarshal(raw, &m)
		if m.Type != "ping" && m.Type != "pong" && m.Type != "ka" {
			return m, nil
		}
	}
}

// initWith sends connection_init with the token and returns the answer type.
func (c *wsClient) initWith(tok string) string {
	c.t.Helper()
	payload, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + tok})
	c.send(wsMsg{Type: "connection_init", Payload: payload})
	m, err := c.read()
	if err != nil {
		return "closed"
	}
	return m.Type
}

// do runs one operation and returns its first result.
func (c *wsClient) do(query string, vs map[string]any) *testenv.Response {
	c.t.Helper()
	c.n++
	id := fmt.Sprint(c.n)
	payload, _ := json.Marshal(map[string]any{"query": query, "variables": vs})
	c.send(wsMsg{ID: id, Type: "subscribe", Payload: payload})
	for {
		m, err := c.read()
		if err != nil {
			c.t.Fatalf("socket closed during %s: %v", query, err)
		}
		if m.ID != id {
			continue
		}
		res := &testenv.Response{}
		switch m.Type {
		case "next":
			_ = json.Unmarshal(m.Payload, res)
		case "error":
			_ = json.Unmarshal(m.Payload, &res.Errors)
		default:
			c.t.Fatalf("%s: unexpected %s", query, m.Type)
		}
		return res
	}
}

// TestWebsocketRechecksEveryOperation is finding 2 of issue 7: an open
// socket loses the rights its token loses, on the very next operation, and
// mutations over a socket work and answer with codes.
func TestWebsocketRechecksEveryOperation(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, be testenv.Backend) {
		env := testenv.New(t, be)
		org := env.Org(t, "Brand", 0)
		env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		owner := env.Login(t, "owner@brand.test")
		create := `mutation($o: ID!, $n: String!) { createSupplier(input: {organizationID: $o, name: $n}) { id name } }`
		stores := `{ stores(first: 5) { totalCount } }`

		t.Run("mutation over a socket commits and answers", func(t *testing.T) {
			c := wsDial(t, env)
			if got := c.initWith(owner); got != "connection_ack" {
				t.Fatalf("init: %s", got)
			}
			res := c.do(create, vars("o", org, "n", "WS supplier"))
			if len(res.Errors) > 0 {
				t.Fatalf("createSupplier over WebSocket: %+v", res.Errors)
			}
			if n := env.Client.Supplier.Query().Where(supplier.Name("WS supplier")).CountX(sys); n != 1 {
				t.Errorf("%d suppliers saved, want 1", n)
			}
			res = c.do(create, vars("o", org, "n", ""))
			wantCode(t, res, "BAD_USER_INPUT")
		})

		for _, c := range []struct {
			name   string
			role   string
			revoke func(t *testing.T, email, tok string)
			query  string
			code   string
		}{
			{"logout", authz.RoleAdmin, func(t *testing.T, _, tok string) {
				mustOK(t, env, tok, `mutation { logout }`, nil, nil)
			}, stores, "UNAUTHENTICATED"},
			{"removal from the organization", authz.RoleAdmin, func(t *testing.T, email, _ string) {
				m := env.Client.Membership.Query().Where(membership.OrganizationID(org), membership.HasUserWith()).AllX(sys)
				for _, mb := range m {
					u := env.Client.User.GetX(sys, mb.UserID)
					if u.Email == email {
						mustOK(t, env, owner, `mutation($m: ID!) { removeMember(membershipID: $m) }`, vars("m", mb.ID), nil)
					}
				}
			}, create, "FORBIDDEN"},
			{"demotion", authz.RoleAdmin, func(t *testing.T, email, _ string) {
				for _, mb := range env.Client.Membership.Query().Where(membership.OrganizationID(org)).AllX(sys) {
					if env.Client.User.GetX(sys, mb.UserID).Email == email {
						mustOK(t, env, owner, `mutation($m: ID!) { changeMemberRole(membershipID: $m, role: "viewer") { id } }`, vars("m", mb.ID), nil)
					}
				}
			}, create, "FORBIDDEN"},
		} {
			t.Run(c.name, func(t *testing.T) {
				email := strings.ReplaceAll(c.name, " ", "-") + "@brand.test"
				env.SeedUser(t, email, testenv.Grant{Org: org, Role: c.role})
				tok := env.Login(t, email)
				ws := wsDial(t, env)
				if got := ws.initWith(tok); got != "connection_ack" {
					t.Fatalf("init: %s", got)
				}
				if res := ws.do(c.query, vars("o", org, "n", "before "+c.name)); len(res.Errors) > 0 {
					t.Fatalf("before: %+v", res.Errors)
				}
				c.revoke(t, email, tok)
				res := ws.do(c.query, vars("o", org, "n", "after "+c.name))
				if len(res.Errors) == 0 {
					t.Fatalf("after %s the socket still works: %s", c.name, res.Data)
				}
				for _, e := range res.Errors {
					if e.Code() != c.code && !(c.code == "FORBIDDEN" && e.Code() == "NOT_FOUND") {
						t.Errorf("after %s: %s %q, want %s", c.name, e.Code(), e.Message, c.code)
					}
				}
				if n := env.Client.Supplier.Query().Where(supplier.Name("after " + c.name)).CountX(sys); n != 0 {
					t.Errorf("after %s a mutation over the socket was saved", c.name)
				}
			})
		}

		t.Run("API token revocation", func(t *testing.T) {
			var out struct {
				CreateAPIToken struct {
					Token    string
					APIToken struct{ ID string } `json:"apiToken"`
				}
			}
			mustOK(t, env, owner, `mutation($o: ID!) { createAPIToken(name: "ws", organizationID: $o, role: "admin") { token apiToken { id } } }`, vars("o", org), &out)
			ws := wsDial(t, env)
			if got := ws.initWith(out.CreateAPIToken.Token); got != "connection_ack" {
				t.Fatalf("init: %s", got)
			}
			if res := ws.do(stores, nil); len(res.Errors) > 0 {
				t.Fatalf("before: %+v", res.Errors)
			}
			mustOK(t, env, owner, `mutation($id: ID!) { revokeAPIToken(id: $id) { id } }`, map[string]any{"id": out.CreateAPIToken.APIToken.ID}, nil)
			wantCode(t, ws.do(stores, nil), "UNAUTHENTICATED")
		})
	})
}

// TestWebsocketConnectionLimits: connection_init must come, with a valid
// token, within the deadline; connections per token and subscriptions per
// connection are capped.
func TestWebsocketConnectionLimits(t *testing.T) {
	env := testenv.New(t, testenv.SQLite, testenv.WithWebsocketLimits(graph.WebsocketLimits{
		InitTimeout: 300 * time.Millisecond, MaxSubscriptions: 3, MaxConnsPerToken: 2}), testenv.WithoutSyncRunner())
	org := env.Org(t, "Brand", 0)
	owner := env.SeedUser(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	f := seedTenant(t, env, org, owner, "A")
	env.Client.SyncJob.UpdateOneID(f.SyncJob).SetStatus(syncjob.StatusRUNNING).ExecX(sys)
	tok := env.Login(t, "owner@brand.test")

	t.Run("no connection_init", func(t *testing.T) {
		c := wsDial(t, env)
		if _, err := c.read(); err == nil {
			t.Fatal("the server sent a message instead of closing")
		} else if websocket.CloseStatus(err) == -1 && !strings.Contains(err.Error(), "EOF") {
			t.Fatalf("socket not closed by the server: %v", err)
		}
	})
	t.Run("connection_init without a valid token", func(t *testing.T) {
		for _, bad := range []string{"", "ogs_not-a-real-session"} {
			if got := wsDial(t, env).initWith(bad); got == "connection_ack" {
				t.Errorf("token %q: connection acknowledged", bad)
			}
		}
	})
	t.Run("connections per token", func(t *testing.T) {
		var acks int
		for range 3 {
			if wsDial(t, env).initWith(tok) == "connection_ack" {
				acks++
			}
		}
		if acks != 2 {
			t.Errorf("%d connections acknowledged, want 2", acks)
		}
	})
	t.Run("subscriptions per connection", func(t *testing.T) {
		c := wsDial(t, env)
		if got := c.initWith(tok); got != "connection_ack" {
			t.Skipf("init: %s (connection slots still held by the previous subtest)", got)
		}
		payload, _ := json.Marshal(map[string]any{"query": `subscription($id: ID!) { syncJobUpdated(id: $id) { status } }`,
			"variables": vars("id", f.SyncJob)})
		for i := 1; i <= 4; i++ {
			c.send(wsMsg{ID: fmt.Sprint(i), Type: "subscribe", Payload: payload})
		}
		// The socket handles subscribe messages concurrently: any one of
		// the four may be the one refused.
		first := map[string]string{}
		for len(first) < 4 {
			m, err := c.read()
			if err != nil {
				t.Fatalf("socket closed: %v", err)
			}
			if _, seen := first[m.ID]; !seen && m.ID != "" {
				first[m.ID] = string(m.Payload)
			}
		}
		refused := 0
		for _, p := range first {
			if strings.Contains(p, "RATE_LIMITED") {
				refused++
			}
		}
		if refused != 1 {
			t.Errorf("%d of 4 subscriptions refused, want 1 (limit 3): %v", refused, first)
		}
	})
}
