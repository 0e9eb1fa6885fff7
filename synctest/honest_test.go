package synctest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/platformsync"
	taobaofake "github.com/opsgraph/opsgraph/plugins/taobao/fake"
)

// orderStatus reads one synced order's status through the API.
func (w *world) orderStatus(t testing.TB, storeID, ext string) string {
	t.Helper()
	var out struct {
		Orders struct {
			Edges []struct{ Node struct{ Status string } }
		}
	}
	w.must(t, w.admin, `query($s: ID!, $e: String!) { orders(first: 1, where: {storeID: $s, externalID: $e}) { edges { node { status } } } }`,
		map[string]any{"s": storeID, "e": ext}, &out)
	if len(out.Orders.Edges) == 0 {
		return ""
	}
	return out.Orders.Edges[0].Node.Status
}

type connState struct {
	Status    string
	LastError *string
}

func (w *world) connState(t testing.TB, storeID string) connState {
	t.Helper()
	var out struct {
		Node struct{ Connection connState }
	}
	w.must(t, w.admin, `query($s: ID!) { node(id: $s) { ... on Store { connection { status lastError } } } }`, map[string]any{"s": storeID}, &out)
	return out.Node.Connection
}

// nextSecond waits until the wall clock is in a later whole second than t0:
// platforms filter by whole seconds and a sync's window ends before the second
// it starts in, so an order changed at t0 is in the window of a sync started
// from then on.
func nextSecond(t0 time.Time) {
	target := t0.Truncate(time.Second).Add(time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(target) {
		<-tick.C
	}
}

// TestSecondSyncPicksUpChangedOrder: the fake pays an order after the first
// sync; the second (incremental, by modification time) sync stores it PAID.
// After each sync the rollups hold the orders exactly (checkRollups).
func TestSecondSyncPicksUpChangedOrder(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		for _, pc := range platforms {
			t.Run(pc.plugin, func(t *testing.T) {
				g := pc.start(t, fakeSize{Products: 4, Orders: 40})
				w := newWorld(t, b)
				storeID := w.connected(t, g)
				w.sync(t, w.admin, storeID)
				if w.checkRollups(t, storeID) == 0 {
					t.Fatal("no buyer-day rows after the first sync")
				}
				ext := g.payUnpaid()
				paid := time.Now()
				if st := w.orderStatus(t, storeID, ext); st != "PENDING_PAYMENT" {
					t.Fatalf("order %s after the first sync: %q, want PENDING_PAYMENT", ext, st)
				}
				nextSecond(paid)
				w.sync(t, w.admin, storeID)
				if st := w.orderStatus(t, storeID, ext); st != "PAID" {
					t.Fatalf("order %s after the second sync: %q, want PAID", ext, st)
				}
				if got, _ := w.stored(t, storeID); got != g.want {
					t.Fatalf("after the second sync the API shows %+v, want %+v", got, g.want)
				}
				w.checkRollups(t, storeID) // the paid order moved in the rollups too
			})
		}
	})
}

// TestCapabilitiesDecideTheSync: a default syncStore syncs what the plugin
// declares (products and orders, no metrics); asking for METRICS answers
// NOT_SUPPORTED naming the plugin and the capability.
func TestCapabilitiesDecideTheSync(t *testing.T) {
	for _, pc := range platforms {
		t.Run(pc.plugin, func(t *testing.T) {
			g := pc.start(t, fakeSize{Products: 2, Orders: 3})
			w := newWorld(t, testenv.SQLite)
			storeID := w.connected(t, g)
			res := w.gql(t, w.admin, `mutation($s: ID!) { syncStore(storeID: $s, what: [METRICS]) { id } }`, map[string]any{"s": storeID})
			if !slices.Equal(res.Codes(), []string{"NOT_SUPPORTED"}) || !strings.Contains(res.Errors[0].Message, g.plugin) ||
				!strings.Contains(res.Errors[0].Message, "METRICS") {
				t.Fatalf("syncStore(METRICS): %v %+v", res.Codes(), res.Errors)
			}
			var out struct{ SyncStore struct{ What []string } }
			w.must(t, w.admin, `mutation($s: ID!) { syncStore(storeID: $s) { what } }`, map[string]any{"s": storeID}, &out)
			if !slices.Equal(out.SyncStore.What, []string{"PRODUCTS", "ORDERS"}) {
				t.Fatalf("default sync covers %v", out.SyncStore.What)
			}
		})
	}
}

// TestUnrecoverableRefreshNeedsReauthorization: the seller withdrew the
// authorization, so the refresh is refused: the job fails and the connection
// is REAUTHORIZE_NEEDED with a message a console can show.
func TestUnrecoverableRefreshNeedsReauthorization(t *testing.T) {
	for _, pc := range platforms {
		t.Run(pc.plugin, func(t *testing.T) {
			g := pc.start(t, fakeSize{Products: 2, Orders: 3})
			w := newWorld(t, testenv.SQLite)
			storeID := w.connected(t, g)
			g.revoke()
			j := w.wait(t, w.admin, w.startSync(t, w.admin, storeID))
			c := w.connState(t, storeID)
			if j.Status != "FAILED" || deref(j.Error) != platformsync.ReauthorizeMessage || c.Status != "REAUTHORIZE_NEEDED" ||
				deref(c.LastError) != platformsync.ReauthorizeMessage {
				t.Fatalf("job %s (%s), connection %s (%s)", j.Status, deref(j.Error), c.Status, deref(c.LastError))
			}
		})
	}
}

// TestRefreshedTokenSurvivesFailedPage: the access token expires, the plugin
// refreshes it (the platform rotates the refresh token), then the page fails
// at the gateway (502). The host stores the new token from the error at once,
// so the next sync works without another refresh; a lost token would leave
// only the spent refresh token and a connection that needs re-authorization.
func TestRefreshedTokenSurvivesFailedPage(t *testing.T) {
	for _, pc := range platforms {
		t.Run(pc.plugin, func(t *testing.T) {
			g := pc.start(t, fakeSize{Products: 2, Orders: 3})
			var refreshed, failing atomic.Bool
			failing.Store(true)
			target, _ := url.Parse(g.endpoint)
			proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
			srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if refreshed.Load() && failing.Load() {
					http.Error(rw, "bad gateway", http.StatusBadGateway)
					return
				}
				before := g.calls(g.refreshMethod)
				proxy.ServeHTTP(rw, r)
				if g.calls(g.refreshMethod) > before {
					refreshed.Store(true)
				}
			}))
			t.Cleanup(srv.Close)
			g.endpoint = srv.URL + target.Path
			w := newWorld(t, testenv.SQLite)
			storeID := w.connected(t, g)
			g.expire()
			j := w.wait(t, w.admin, w.startSync(t, w.admin, storeID))
			if j.Status != "FAILED" || !strings.Contains(deref(j.Error), "502") || strings.Contains(deref(j.Error), "plugin stopped") {
				t.Fatalf("job %s: %q, want FAILED naming the gateway's 502 (not a stopped plugin)", j.Status, deref(j.Error))
			}
			if n := g.calls(g.refreshMethod); n != 1 {
				t.Fatalf("%d refreshes, want 1", n)
			}
			failing.Store(false)
			w.sync(t, w.admin, storeID)
			if n := g.calls(g.refreshMethod); n != 1 {
				t.Fatalf("the next sync refreshed again (%d refreshes): the rotated token was not stored", n)
			}
			if c := w.connState(t, storeID); c.Status != "CONNECTED" {
				t.Fatalf("connection %+v after the good sync", c)
			}
		})
	}
}

// TestLongBanEndsJobRateLimited: TOP code 7 with an 8.6-hour ban ends the job
// with RATE_LIMITED and when the ban lifts, after one request (no retries into
// the ban); a one-second ban is waited out and the sync succeeds.
func TestLongBanEndsJobRateLimited(t *testing.T) {
	g := startTaobao(t, fakeSize{Products: 2, Orders: 3})
	w := newWorld(t, testenv.SQLite)
	storeID := w.connected(t, g)
	before := g.calls("")
	g.tb.InjectNext(taobaofake.InjectedError{Code: 7, Msg: "App Call Limited", SubCode: "accesscontrol.limited-by-app-access-count",
		SubMsg: "This ban will last for 31000 more seconds"})
	j := w.wait(t, w.admin, w.startSync(t, w.admin, storeID))
	msg := deref(j.Error)
	if j.Status != "FAILED" || !strings.HasPrefix(msg, "RATE_LIMITED:") {
		t.Fatalf("job %s: %q", j.Status, msg)
	}
	lift := time.Now().Add(31000 * time.Second).UTC()
	if !strings.Contains(msg, lift.Format("2006-01-02T15")) && !strings.Contains(msg, lift.Add(-time.Hour).Format("2006-01-02T15")) {
		t.Fatalf("%q does not say when the ban lifts (about %s)", msg, lift.Format(time.RFC3339))
	}
	if n := g.calls("") - before; n != 1 {
		t.Fatalf("%d requests during the ban, want 1", n)
	}
}

// TestShortBanWaitedOut: a ban shorter than the job's patience is waited out.
func TestShortBanWaitedOut(t *testing.T) {
	g := startTaobao(t, fakeSize{Products: 2, Orders: 3})
	w := newWorld(t, testenv.SQLite)
	storeID := w.connected(t, g)
	g.tb.InjectNext(taobaofake.InjectedError{Code: 7, Msg: "App Call Limited", SubCode: "accesscontrol.limited-by-app-access-count",
		SubMsg: "This ban will last for 1 more seconds"})
	w.sync(t, w.admin, storeID)
	if got, _ := w.stored(t, storeID); got != g.want {
		t.Fatalf("after the ban the API shows %+v, want %+v", got, g.want)
	}
}
