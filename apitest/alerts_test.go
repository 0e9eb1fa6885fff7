package apitest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/opsgraph/opsgraph/alerts"
	"github.com/opsgraph/opsgraph/alerts/alertsvc"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

type alertNode struct {
	ID, Kind, Status, Subject string
	ResolvedAt                *string
}

func listAlerts(t *testing.T, env *testenv.Env, token string) []alertNode {
	t.Helper()
	var out struct {
		Alerts struct{ Edges []struct{ Node alertNode } }
	}
	env.MustData(t, testenv.Request{Token: token, Query: `{ alerts(first: 100) { edges { node { id kind status subject resolvedAt } } } }`}, &out)
	var ns []alertNode
	for _, e := range out.Alerts.Edges {
		ns = append(ns, e.Node)
	}
	return ns
}

// TestAlertEpisodes: a SKU at its warning level raises one STOCK_LOW alert,
// however many replicas evaluate at once; it resolves when restocked; a new
// shortage is a new episode. The agency owner and the client's operator see
// it, the client's analyst and another client's owner do not.
func TestAlertEpisodes(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		env := testenv.New(t, b)
		sys := authz.SystemContext(context.Background())
		c := env.Client
		agency := env.Org(t, "代运营公司", 0)
		brand := env.Org(t, "品牌甲", agency)
		other := env.Org(t, "品牌乙", agency)
		st := c.Store.Create().SetOrganizationID(brand).SetName("天猫旗舰店").SetPlatform("TMALL").SaveX(sys)
		p := c.Product.Create().SetStoreID(st.ID).SetTitle("玻尿酸精华").SetPrice(12900).SaveX(sys)
		k := c.SKU.Create().SetProductID(p.ID).SetName("30ml").SetPrice(12900).SetStock(5).SetStockWarning(10).SaveX(sys)

		agencyOwner := env.User(t, "owner@agency.test", testenv.Grant{Org: agency, Role: authz.RoleOwner})
		operator := env.User(t, "op@brand.test", testenv.Grant{Org: brand, Role: authz.RoleOperator})
		analyst := env.User(t, "analyst@brand.test", testenv.Grant{Org: brand, Role: authz.RoleAnalyst})
		otherOwner := env.User(t, "owner@other.test", testenv.Grant{Org: other, Role: authz.RoleOwner})

		svc := env.App.Alerts
		now := time.Now()
		// Many replicas evaluating at the same moment raise the episode once.
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- svc.EvaluateOrg(context.Background(), brand, now)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		subject := fmt.Sprintf("sku:%d", k.ID)
		count := func(status alert.Status) int {
			return c.Alert.Query().Where(alert.OrganizationID(brand), alert.KindEQ(alert.KindSTOCK_LOW), alert.Subject(subject), alert.StatusEQ(status)).CountX(sys)
		}
		if n := count(alert.StatusOPEN); n != 1 {
			t.Fatalf("%d open STOCK_LOW alerts after 8 concurrent evaluations, want 1", n)
		}
		// Still short: no duplicate.
		if err := svc.EvaluateOrg(context.Background(), brand, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := count(alert.StatusOPEN); n != 1 {
			t.Fatalf("%d open alerts after re-evaluation", n)
		}

		seen := func(token string) bool {
			for _, a := range listAlerts(t, env, token) {
				if a.Subject == subject {
					return true
				}
			}
			return false
		}
		for _, v := range []struct {
			who   string
			token string
			want  bool
		}{{"agency owner", agencyOwner, true}, {"brand operator", operator, true}, {"brand analyst", analyst, false}, {"other client's owner", otherOwner, false}} {
			if got := seen(v.token); got != v.want {
				t.Errorf("%s sees the alert: %v, want %v", v.who, got, v.want)
			}
		}

		// Acknowledge through the API.
		open := c.Alert.Query().Where(alert.Subject(subject), alert.StatusEQ(alert.StatusOPEN)).OnlyX(sys)
		env.MustData(t, testenv.Request{Token: operator, Query: `mutation($id: ID!) { acknowledgeAlert(id: $id) { acknowledgedAt } }`,
			Variables: map[string]any{"id": open.ID}}, nil)

		// Restocked: resolved; short again: a new episode.
		c.SKU.UpdateOneID(k.ID).SetStock(50).ExecX(sys)
		if err := svc.EvaluateOrg(context.Background(), brand, now.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if count(alert.StatusOPEN) != 0 || count(alert.StatusRESOLVED) != 1 {
			t.Fatalf("after restock: %d open, %d resolved", count(alert.StatusOPEN), count(alert.StatusRESOLVED))
		}
		c.SKU.UpdateOneID(k.ID).SetStock(3).ExecX(sys)
		if err := svc.EvaluateOrg(context.Background(), brand, now.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if count(alert.StatusOPEN) != 1 || count(alert.StatusRESOLVED) != 1 {
			t.Fatalf("second shortage: %d open, %d resolved", count(alert.StatusOPEN), count(alert.StatusRESOLVED))
		}

		// Defaults exist and are visible as alert rules.
		var rules struct {
			AlertRules struct{ TotalCount int }
		}
		env.MustData(t, testenv.Request{Token: operator, Query: `{ alertRules { totalCount } }`}, &rules)
		if rules.AlertRules.TotalCount != len(alerts.Defaults()) {
			t.Errorf("%d rules, want the %d defaults", rules.AlertRules.TotalCount, len(alerts.Defaults()))
		}
	})
}

// TestAlertRaisedSubscription: the agency owner's alertRaised subscription
// receives an alert raised in a client; raising is retried until the
// subscription is registered (no sleeps).
func TestAlertRaisedSubscription(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	agency := env.Org(t, "代运营公司", 0)
	brand := env.Org(t, "品牌甲", agency)
	owner := env.User(t, "owner@agency.test", testenv.Grant{Org: agency, Role: authz.RoleOwner})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(env.URL, "http")+"/query",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	type msg struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	init, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + owner})
	if err := wsjson.Write(ctx, conn, msg{Type: "connection_init", Payload: init}); err != nil {
		t.Fatal(err)
	}
	var ack msg
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		t.Fatalf("init: %+v %v", ack, err)
	}
	sub, _ := json.Marshal(map[string]any{"query": `subscription { alertRaised { kind subject message organizationID } }`})
	if err := wsjson.Write(ctx, conn, msg{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		t.Fatal(err)
	}
	got := make(chan msg, 1)
	go func() {
		for {
			var m msg
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				close(got)
				return
			}
			if m.Type == "next" || m.Type == "error" {
				got <- m
				return
			}
		}
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		_, _, err := alertsvc.Raise(ctx, env.Client, env.App.Alerts.Broker, alertsvc.Episode{
			Org: brand, Kind: alerts.CampaignBudget, Subject: fmt.Sprintf("campaign:%d", i), Message: "活动预算: 90 % spent"})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case m, ok := <-got:
			if !ok || m.Type != "next" {
				t.Fatalf("subscription ended with %+v", m)
			}
			var r struct {
				Data struct {
					AlertRaised struct {
						Kind, Subject  string
						OrganizationID string `json:"organizationID"`
					}
				}
			}
			if err := json.Unmarshal(m.Payload, &r); err != nil {
				t.Fatal(err)
			}
			if r.Data.AlertRaised.Kind != "CAMPAIGN_BUDGET" || !strings.HasPrefix(r.Data.AlertRaised.Subject, "campaign:") ||
				r.Data.AlertRaised.OrganizationID != fmt.Sprint(brand) {
				t.Errorf("received %+v", r.Data.AlertRaised)
			}
			return
		case <-tick.C:
		case <-ctx.Done():
			t.Fatal("no alert received")
		}
	}
}
