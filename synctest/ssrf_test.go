package synctest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/netguard"
	"github.com/opsgraph/opsgraph/plugins/host"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// TestConnectStoreRefusesPrivateEndpoints (issue 7 finding 6): without
// --allow-private-endpoints, connectStore refuses endpoints that are not
// public https:// URLs with BAD_USER_INPUT naming endpoint, before any request
// leaves; the same fake accepted with the flag on proves the case would
// otherwise work.
func TestConnectStoreRefusesPrivateEndpoints(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		g := platformByID("taobao").start(t, fakeSize{Products: 1, Orders: 1})
		w := newWorld(t, b, testenv.WithPrivateEndpointsRefused())
		storeID := w.createStore(t, w.org, g.storePlatform)
		for _, ep := range []string{
			g.endpoint, // the fake: http on loopback
			strings.Replace(g.endpoint, "http://", "https://", 1),
			"https://localhost:1/router/rest",
			"https://[::1]/router/rest",
			"https://10.0.0.1/router/rest",
			"https://169.254.169.254/latest/meta-data/",
			"https://100.64.0.1/",
			"https://[fd00:ec2::254]/",
			"http://gw.api.taobao.com/router/rest", // public, but not https
			"file:///etc/passwd",
			"gopher://127.0.0.1:6379/_INFO",
		} {
			t.Run(ep, func(t *testing.T) {
				vs := connectVars(storeID, g, g.creds)
				vs["e"] = ep
				res := w.gql(t, w.admin, connectMutation, vs)
				if len(res.Errors) != 1 || res.Errors[0].Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != "endpoint" {
					t.Fatalf("connectStore(endpoint: %q) = %+v, want BAD_USER_INPUT on endpoint", ep, res.Errors)
				}
			})
		}
		if n := g.calls(g.refreshMethod) + g.calls(g.ordersMethod); n != 0 {
			t.Errorf("the fake platform received %d calls", n)
		}

		allowed := newWorld(t, b)
		if res := allowed.connect(t, allowed.admin, allowed.createStore(t, allowed.org, g.storePlatform), g); len(res.Errors) > 0 {
			t.Fatalf("with private endpoints allowed, connectStore to the fake failed: %+v", res.Errors)
		}
	})
}

// TestPluginHTTPRefusesPrivateAddressesAtDial (finding 6): the built-in
// plugins, run as real processes by the host, enforce the setting themselves
// at connect time: asked to call an https endpoint on loopback (as a redirect
// or a rebound DNS name would make them), they open no connection at all when
// the host passes allow-private=false, and do connect when it passes true.
func TestPluginHTTPRefusesPrivateAddressesAtDial(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run("allow-private="+strconv.FormatBool(allow), func(t *testing.T) {
			var conns atomic.Int32
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "no", http.StatusTeapot)
			}))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			srv.StartTLS()
			defer srv.Close()
			m, err := host.New(host.Config{Builtins: builtins,
				Env: []string{netguard.EnvAllowPrivate + "=" + strconv.FormatBool(allow)}})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			for _, id := range []string{"taobao", "douyin", "xiaohongshu"} {
				before := conns.Load()
				p, err := m.Get(context.Background(), id)
				if err != nil {
					t.Fatal(err)
				}
				_, err = p.Authorize(context.Background(), sdk.AuthorizeRequest{Code: "code-1",
					Connection: sdk.Connection{Endpoint: srv.URL, Credentials: map[string]string{
						"app_key": "k", "app_id": "k", "app_secret": "s"}}})
				if err == nil {
					t.Fatalf("%s: Authorize against a teapot succeeded", id)
				}
				opened := conns.Load() - before
				switch {
				case !allow && opened != 0:
					t.Errorf("%s opened %d connections to a loopback endpoint; want none", id, opened)
				case !allow && sdk.KindOf(err) != sdk.KindInvalidRequest:
					t.Errorf("%s: refused with %v, want an InvalidRequest error", id, err)
				case allow && opened == 0:
					t.Errorf("%s: with private endpoints allowed it never connected (%v): the test proves nothing", id, err)
				}
			}
		})
	}
}
