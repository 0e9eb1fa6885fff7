package synctest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestConnectAndSync connects a store to each built-in plugin pointed at its
// fake platform, syncs it twice, and checks that the API shows exactly the
// fake's catalog (no duplicates after the second sync) and that credentials
// and tokens are sealed at rest and never shown or logged.
func TestConnectAndSync(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		for _, pc := range platforms {
			t.Run(pc.plugin, func(t *testing.T) {
				g := pc.start(t, fakeSize{Products: 12, Orders: 60})
				w := newWorld(t, b)
				storeID := w.createStore(t, w.org, g.storePlatform)

				res := w.connect(t, w.admin, storeID, g)
				if len(res.Errors) > 0 {
					t.Fatalf("connectStore: %+v", res.Errors)
				}
				var conn struct {
					ConnectStore struct {
						PluginID, Status string
						ExternalShopID   *string
						CredentialNames  []string
					}
				}
				res.Decode(t, &conn)
				if conn.ConnectStore.PluginID != g.plugin || conn.ConnectStore.Status != "CONNECTED" {
					t.Fatalf("connection = %+v", conn.ConnectStore)
				}
				if deref(conn.ConnectStore.ExternalShopID) == "" {
					t.Errorf("the platform's shop id was not recorded: %+v", conn.ConnectStore)
				}
				if !strings.Contains(strings.Join(conn.ConnectStore.CredentialNames, ","), "app_secret") {
					t.Errorf("credentialNames = %v, want the names of the stored credentials", conn.ConnectStore.CredentialNames)
				}
				noSecrets(t, "the connectStore response", string(res.Data), g.secrets()...)

				first := w.sync(t, w.admin, storeID)
				got, _ := w.stored(t, storeID)
				if got != g.want {
					t.Fatalf("after the first sync the API shows %+v, the fake's catalog has %+v", got, g.want)
				}
				if first.phaseDone() < g.want.Products+g.want.Orders || first.Percent != 100 {
					t.Errorf("job phases = %+v, percent %d, want at least products+orders = %d done and 100 %%", first.Phases, first.Percent, g.want.Products+g.want.Orders)
				}
				for _, p := range first.Phases {
					if p.State != "DONE" || p.Total < p.Done {
						t.Errorf("phase %+v of a succeeded job: want DONE with done <= total", p)
					}
				}

				// An incremental sync right away: nothing new, nothing duplicated.
				w.sync(t, w.admin, storeID)
				if again, _ := w.stored(t, storeID); again != g.want {
					t.Fatalf("after the second sync the API shows %+v, want unchanged %+v", again, g.want)
				}
				// Reconnecting starts over from empty cursors: the next sync fetches
				// everything again and must upsert onto the rows already there.
				if res := w.connect(t, w.admin, storeID, g); len(res.Errors) > 0 {
					t.Fatalf("reconnect: %+v", res.Errors)
				}
				listed := g.calls(g.ordersMethod)
				w.sync(t, w.admin, storeID)
				if g.calls(g.ordersMethod) == listed {
					t.Fatalf("the sync after reconnecting did not list orders again (%s calls: %d)", g.ordersMethod, listed)
				}
				if again, _ := w.stored(t, storeID); again != g.want {
					t.Fatalf("after a full re-sync the API shows %+v, want unchanged %+v", again, g.want)
				}

				// The connection as the API shows it, read in every way a client can.
				var out struct {
					Node struct {
						Connection map[string]any
					}
				}
				w.must(t, w.admin, `query($s: ID!) { node(id: $s) { ... on Store { connection {
					id pluginID externalShopID shopName endpoint credentialNames tokenExpiresAt status lastSyncedAt lastError
				} } } }`, map[string]any{"s": storeID}, &out)
				if out.Node.Connection["lastSyncedAt"] == nil {
					t.Errorf("connection.lastSyncedAt not set after a sync: %v", out.Node.Connection)
				}

				// At rest: sealed, not plaintext (test 2).
				rows := w.rawConnections(t, storeID)
				if len(rows) != 1 {
					t.Fatalf("%d platform_connections rows for the store, want 1", len(rows))
				}
				r := rows[0]
				if len(r.Credentials) == 0 || len(r.AccessToken) == 0 || len(r.RefreshToken) == 0 {
					t.Fatalf("credentials or tokens not stored: credentials %d bytes, access %d, refresh %d",
						len(r.Credentials), len(r.AccessToken), len(r.RefreshToken))
				}
				secrets := g.secrets()
				noSecrets(t, "the raw platform_connections row", r.Row, secrets...)
				if bytes.Contains(r.Credentials, []byte("app_secret")) {
					t.Errorf("the credentials column holds readable JSON: %q", r.Credentials)
				}
				noSecrets(t, "the GraphQL responses", w.resp.String(), secrets...)
				noSecrets(t, "the server log", w.log.String(), secrets...)
				if !strings.Contains(w.log.String(), "store connected") {
					t.Errorf("the log capture does not work: no \"store connected\" line in\n%s", w.log.String())
				}
				t.Logf("%s on %s: %+v", g.plugin, b.Name, got)
			})
		}
	})
}
