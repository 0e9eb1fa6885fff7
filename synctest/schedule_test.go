package synctest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestScheduledContentExactlyOnceAcrossReplicas runs two app instances on one
// database and lets both tick (from many goroutines, plus their own job
// runners) once scheduled content is due. Content of a store whose plugin
// declares PUBLISH_CONTENT is posted once through it; content whose store
// cannot post becomes DUE with one alert to its author, who records the URL
// with markContentPosted; content left DUE raises one overdue alert.
func TestScheduledContentExactlyOnceAcrossReplicas(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		clock := testenv.NewClock(time.Now())
		g := startTaobao(t, fakeSize{Products: 1, Orders: 1})
		w := newWorld(t, b, testenv.WithClock(clock.Now))
		second := testenv.New(t, b, testenv.WithClock(clock.Now), withConfig(func(c *app.Config) {
			c.Builtins, c.DSN = builtins, w.dsn
		}))
		reviewer := w.User(t, "reviewer@a.test", testenv.Grant{Org: w.org, Role: "reviewer"})
		editor := w.User(t, "editor@a.test", testenv.Grant{Org: w.org, Role: "content_editor"})
		connectedStore := w.connected(t, g)
		handStore := w.createStore(t, w.org, "XIAOHONGSHU") // not connected: nothing can post for it

		at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		scheduled := func(storeID, title string) string {
			var out struct{ CreateContent struct{ ID string } }
			w.must(t, editor, `mutation($s: ID!, $t: String!) { createContent(input: {storeID: $s, title: $t, kind: ARTICLE, body: "秋冬护肤步骤分享",
				variants: [{format: SQUARE_1_1, url: "https://cdn.example/a.jpg", altText: "面霜摆拍"}]}) { id } }`,
				map[string]any{"s": storeID, "t": title}, &out)
			id := out.CreateContent.ID
			w.must(t, editor, `mutation($id: ID!) { submitContent(id: $id) { status } }`, map[string]any{"id": id}, nil)
			w.must(t, reviewer, `mutation($id: ID!) { approveContent(id: $id) { status } }`, map[string]any{"id": id}, nil)
			w.must(t, w.admin, `mutation($id: ID!, $at: Time!) { scheduleContent(id: $id, at: $at) { status } }`, map[string]any{"id": id, "at": at}, nil)
			return id
		}
		auto := scheduled(connectedStore, "自动发布")
		hand := scheduled(handStore, "手动发布")

		tickAll := func() {
			var wg sync.WaitGroup
			for i := range 16 {
				a := w.App
				if i%2 == 1 {
					a = second.App
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := a.Content.Tick(context.Background(), clock.Now()); err != nil {
						t.Errorf("tick: %v", err)
					}
				}()
			}
			wg.Wait()
		}
		tickAll() // nothing is due yet
		status := func(id string) (st string, url *string) {
			var out struct {
				Node struct {
					Status  string
					PostURL *string
				}
			}
			w.must(t, w.admin, `query($id: ID!) { node(id: $id) { ... on Content { status postURL } } }`, map[string]any{"id": id}, &out)
			return out.Node.Status, out.Node.PostURL
		}
		if st, _ := status(auto); st != "SCHEDULED" {
			t.Fatalf("before its time: %s", st)
		}

		clock.Advance(90 * time.Minute)
		tickAll()
		canPost := w.App.Sync.CanPost(authz.SystemContext(context.Background()), w.Client, atoi(t, connectedStore))
		t.Logf("taobao plugin declares PUBLISH_CONTENT: %v", canPost)
		st, _ := status(auto)
		switch {
		case canPost && (st != "PUBLISHED" || g.calls("taobao.content.post.publish") != 1):
			t.Errorf("plugin with PUBLISH_CONTENT: status %s after %d publish calls on the platform; want PUBLISHED by one call",
				st, g.calls("taobao.content.post.publish"))
		case !canPost && st != "DUE":
			t.Errorf("plugin without PUBLISH_CONTENT: status %s, want DUE", st)
		}
		if st, _ := status(hand); st != "DUE" {
			t.Errorf("unconnected store: status %s, want DUE", st)
		}
		countAlerts := func(kind alert.Kind) int {
			n, err := w.Client.Alert.Query().Where(alert.KindEQ(kind), alert.OrganizationID(w.org)).Count(authz.SystemContext(context.Background()))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		wantDue := 1
		if !canPost {
			wantDue = 2
		}
		if n := countAlerts(alert.KindCONTENT_DUE); n != wantDue {
			t.Errorf("%d CONTENT_DUE alerts, want %d", n, wantDue)
		}
		// The author sees the alert addressed to them.
		var mine struct {
			Alerts struct {
				Edges []struct{ Node struct{ Kind string } }
			}
		}
		w.must(t, editor, `{ alerts(first: 10, where: {kind: CONTENT_DUE}) { edges { node { kind } } } }`, nil, &mine)
		if len(mine.Alerts.Edges) == 0 {
			t.Error("the author does not see the CONTENT_DUE alert")
		}

		// Overdue: two hours more, still DUE → one overdue alert however often we tick.
		clock.Advance(2 * time.Hour)
		tickAll()
		tickAll()
		if n := countAlerts(alert.KindCONTENT_OVERDUE); n != wantDue {
			t.Errorf("%d CONTENT_OVERDUE alerts, want %d", n, wantDue)
		}

		// The author posts by hand and records the URL.
		res := w.gql(t, editor, `mutation($id: ID!) { markContentPosted(id: $id, url: "not a url") { status } }`, map[string]any{"id": hand})
		if c := res.Codes(); len(c) != 1 || c[0] != "BAD_USER_INPUT" {
			t.Errorf("markContentPosted with a bad URL: %v", c)
		}
		w.must(t, editor, `mutation($id: ID!) { markContentPosted(id: $id, url: "https://www.xiaohongshu.com/explore/abc") { status } }`, map[string]any{"id": hand}, nil)
		if st, url := status(hand); st != "PUBLISHED" || url == nil || *url != "https://www.xiaohongshu.com/explore/abc" {
			t.Errorf("after markContentPosted: %s %v", st, url)
		}
		res = w.gql(t, editor, `mutation($id: ID!) { markContentPosted(id: $id, url: "https://x.example/again") { status } }`, map[string]any{"id": hand})
		if c := res.Codes(); len(c) != 1 || c[0] != "CONFLICT" {
			t.Errorf("markContentPosted twice: %v", c)
		}

		// A hot topic still unpublished 24 h after the topic started: one SLA alert.
		var hot struct{ CreateContent struct{ ID string } }
		w.must(t, editor, `mutation($s: ID!, $h: Time!) { createContent(input: {storeID: $s, title: "热点：初雪穿搭", kind: TOPIC, hotTopicStartedAt: $h}) { id } }`,
			map[string]any{"s": handStore, "h": clock.Now().Format(time.RFC3339)}, &hot)
		tickAll()
		if n := countAlerts(alert.KindHOT_TOPIC_SLA_MISSED); n != 0 {
			t.Errorf("%d hot-topic alerts within the SLA", n)
		}
		clock.Advance(25 * time.Hour)
		tickAll()
		tickAll()
		if n := countAlerts(alert.KindHOT_TOPIC_SLA_MISSED); n != 1 {
			t.Errorf("%d HOT_TOPIC_SLA_MISSED alerts, want 1", n)
		}
	})
}

func atoi(t testing.TB, s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
