package apitest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestCampaignUpdatedSubscription follows a campaign over WebSocket: its
// current state at once, then each verb's result, and the end after CANCELLED.
func TestCampaignUpdatedSubscription(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		env := testenv.New(t, b, testenv.WithClock(func() time.Time { return now }))
		org := env.Org(t, "Brand", 0)
		tok := env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
		st := env.Client.Store.Create().SetName("Tmall").SetPlatform(store.PlatformTMALL).SetOrganizationID(org).SaveX(sys)
		var created struct{ CreateCampaign struct{ ID string } }
		mustOK(t, env, tok, createCampaignQ, vars("input", campaignInput(st.ID, now.Add(-time.Hour), nil)), &created)
		id := created.CreateCampaign.ID

		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(env.URL, "http")+"/query",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		initP, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + tok})
		_ = wsjson.Write(ctx, c, wsMsg{Type: "connection_init", Payload: initP})
		var ack wsMsg
		if err := wsjson.Read(ctx, c, &ack); err != nil || ack.Type != "connection_ack" {
			t.Fatalf("ack %+v %v", ack, err)
		}
		sub, _ := json.Marshal(map[string]any{"query": `subscription($id: ID!) { campaignUpdated(id: $id) { id status } }`,
			"variables": map[string]any{"id": id}})
		_ = wsjson.Write(ctx, c, wsMsg{ID: "1", Type: "subscribe", Payload: sub})
		next := func() (string, bool) {
			for {
				var m wsMsg
				if err := wsjson.Read(ctx, c, &m); err != nil {
					t.Fatalf("read: %v", err)
				}
				switch m.Type {
				case "ping":
					_ = wsjson.Write(ctx, c, wsMsg{Type: "pong"})
				case "next":
					var r struct {
						Data struct{ CampaignUpdated struct{ ID, Status string } }
					}
					if err := json.Unmarshal(m.Payload, &r); err != nil || r.Data.CampaignUpdated.ID != id {
						t.Fatalf("next %s", m.Payload)
					}
					return r.Data.CampaignUpdated.Status, true
				case "complete":
					return "", false
				case "error":
					t.Fatalf("error %s", m.Payload)
				}
			}
		}
		if s, _ := next(); s != "DRAFT" {
			t.Fatalf("first update %s, want DRAFT", s)
		}
		for _, step := range []struct{ verb, want string }{{"launchCampaign", "LIVE"}, {"pauseCampaign", "PAUSED"}, {"cancelCampaign", "CANCELLED"}} {
			wantOK(t, gql(t, env, tok, `mutation($id: ID!) { `+step.verb+`(id: $id) { id } }`, map[string]any{"id": id}))
			if s, ok := next(); !ok || s != step.want {
				t.Fatalf("after %s: %q, want %s", step.verb, s, step.want)
			}
		}
		if _, more := next(); more {
			t.Fatal("subscription went on after CANCELLED")
		}
	})
}
