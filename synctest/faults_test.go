package synctest

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestPlatformFaults: rate limits and 5xx answers are retried by the plugin
// with backoff and the sync succeeds; an expired access token is refreshed by
// the plugin and the new token is persisted.
func TestPlatformFaults(t *testing.T) {
	for _, pc := range platforms {
		t.Run(pc.plugin, func(t *testing.T) {
			g := pc.start(t, fakeSize{Products: 6, Orders: 20})
			w := newWorld(t, testenv.SQLite)
			for _, tc := range []struct {
				name   string
				inject func()
			}{
				{"rate limited twice", func() { g.RateLimitNext(2) }},
				{"5xx twice", func() { g.FailNext(2) }},
			} {
				t.Run(tc.name, func(t *testing.T) {
					storeID := w.connected(t, g) // a fresh store: the sync fetches everything
					tc.inject()
					before := g.calls("")
					w.sync(t, w.admin, storeID)
					if got, _ := w.stored(t, storeID); got != g.want {
						t.Fatalf("after a sync with faults the API shows %+v, the catalog has %+v", got, g.want)
					}
					// The refused requests were sent and retried: at least two
					// more requests than a clean sync of the same store.
					faulty := g.calls("") - before
					clean := w.connected(t, g)
					before = g.calls("")
					w.sync(t, w.admin, clean)
					if n := g.calls("") - before; faulty < n+2 {
						t.Errorf("a sync with 2 injected faults made %d requests, a clean one %d: the faults were not retried", faulty, n)
					}
				})
			}

			t.Run("expired token", func(t *testing.T) {
				storeID := w.connected(t, g)
				w.sync(t, w.admin, storeID)
				sealed := w.rawConnections(t, storeID)[0].AccessToken
				oldToken, _ := g.tokens()
				refreshes := g.calls(g.refreshMethod)

				g.expire()
				w.sync(t, w.admin, storeID)
				if g.calls(g.refreshMethod) != refreshes+1 {
					t.Fatalf("%s called %d times during the sync after the token expired, want once", g.refreshMethod, g.calls(g.refreshMethod)-refreshes)
				}
				newToken, _ := g.tokens()
				if newToken == oldToken {
					t.Fatal("the fake did not issue a new token")
				}
				if now := w.rawConnections(t, storeID)[0].AccessToken; bytes.Equal(now, sealed) {
					t.Error("the stored (sealed) access token did not change after the refresh")
				}
				// The refreshed token was persisted: the next sync uses it as is.
				w.sync(t, w.admin, storeID)
				if n := g.calls(g.refreshMethod) - refreshes; n != 1 {
					t.Errorf("the sync after the refresh refreshed again (%d refreshes in all): the new token was not stored", n)
				}
				noSecrets(t, "the GraphQL responses", w.resp.String(), g.secrets()...)
				noSecrets(t, "the server log", w.log.String(), append(g.secrets(), oldToken)...)
			})

			t.Run("wrong app_secret", func(t *testing.T) {
				storeID := w.createStore(t, w.org, g.storePlatform)
				creds := map[string]string{}
				for k, v := range g.creds {
					creds[k] = v
				}
				creds["app_secret"] = "not-the-" + creds["app_secret"]
				res := w.gql(t, w.admin, connectMutation, connectVars(storeID, g, creds))
				if len(res.Errors) == 0 {
					t.Fatal("connectStore with a wrong app_secret succeeded")
				}
				if code := res.Errors[0].Code(); code == "" || code == "INTERNAL" {
					t.Errorf("connectStore with a wrong app_secret: code %q (%s), want a specific code", code, res.Errors[0].Message)
				}
				t.Logf("wrong app_secret: %s %s", res.Errors[0].Code(), res.Errors[0].Message)
				if rows := w.rawConnections(t, storeID); len(rows) != 0 {
					t.Errorf("a refused connectStore stored %d connection rows", len(rows))
				}
				var out struct{ Node struct{ Connection any } }
				w.must(t, w.admin, `query($s: ID!) { node(id: $s) { ... on Store { connection { id } } } }`, map[string]any{"s": storeID}, &out)
				if out.Node.Connection != nil {
					t.Errorf("store.connection = %v after a refused connectStore", out.Node.Connection)
				}
				noSecrets(t, "the GraphQL responses", w.resp.String(), creds["app_secret"])
				noSecrets(t, "the server log", w.log.String(), creds["app_secret"])
			})
		})
	}

	t.Run("slow platform", func(t *testing.T) {
		g := startTaobao(t, fakeSize{Products: 4, Orders: 10})
		w := newWorld(t, testenv.SQLite, withConfig(func(c *app.Config) { c.PluginCallTimeout = 500 * time.Millisecond }))
		storeID := w.connected(t, g)
		g.SetDelay(5 * time.Second) // the fake drops a delayed request when its client goes away
		j := w.wait(t, w.admin, w.startSync(t, w.admin, storeID))
		if j.Status != "FAILED" || !strings.Contains(deref(j.Error), "in time") {
			t.Fatalf("sync against a platform slower than the call timeout: %s %q, want FAILED saying it ran out of time", j.Status, deref(j.Error))
		}
		t.Logf("slow platform: %s", deref(j.Error))
		g.SetDelay(0)
	})

	t.Run("unknown platform", func(t *testing.T) {
		g := startTaobao(t, fakeSize{Products: 1, Orders: 1})
		w := newWorld(t, testenv.SQLite)
		storeID := w.createStore(t, w.org, "OTHER")
		vars := connectVars(storeID, g, g.creds)
		vars["p"] = "jingdong"
		res := w.gql(t, w.admin, connectMutation, vars)
		if !slices.Equal(res.Codes(), []string{"BAD_USER_INPUT"}) {
			t.Fatalf("connectStore with an unknown platform: %v %+v, want BAD_USER_INPUT", res.Codes(), res.Errors)
		}
	})
}
