// Package synctest tests platform sync end to end: the GraphQL HTTP endpoint of
// a real server, the built-in plugins running as real processes (this test
// binary re-executed with `plugin <id>`, exactly as the server re-executes
// itself) and the fake platform gateways of plugins/*/fake.
package synctest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/internal/testenv"
	"github.com/opsgraph/opsgraph/plugins/builtin"
	douyinfake "github.com/opsgraph/opsgraph/plugins/douyin/fake"
	"github.com/opsgraph/opsgraph/plugins/host"
	taobaofake "github.com/opsgraph/opsgraph/plugins/taobao/fake"
	xhsfake "github.com/opsgraph/opsgraph/plugins/xiaohongshu/fake"
)

// builtins are the host specs of the built-in plugins, re-executing this test
// binary.
var builtins []host.Spec

func TestMain(m *testing.M) {
	if len(os.Args) >= 3 && os.Args[1] == builtin.Arg {
		if err := builtin.Serve(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "synctest: locating the test executable:", err)
		os.Exit(1)
	}
	builtins = builtin.SpecsFor(exe)
	os.Exit(m.Run())
}

// ---- fake platforms ----

// counts are what a store holds after a full sync.
type counts struct{ Products, SKUs, Orders, Lines, Metrics int }

// metricsDays is how many metrics rows a default sync stores: none, as no
// built-in plugin declares METRICS (no platform documents such an API).
const metricsDays = 0

// stockRec is one stock update a fake recorded.
type stockRec struct {
	SKU string
	Qty int64
}

// faults are the fault controls every fake has (fakekit.Faults).
type faults interface {
	RateLimitNext(n int)
	FailNext(n int)
	SetDelay(d time.Duration)
}

// gateway is one fake platform seen through what the tests need of it.
type gateway struct {
	faults
	plugin        string // plugin id
	storePlatform string // StorePlatform enum value
	endpoint      string
	creds         map[string]string
	authCode      string
	want          counts
	orderLines    map[string]int // external order id → lines, when the plugin keeps the fake's id
	ordersMethod  string         // the platform method that lists orders
	refreshMethod string
	calls         func(method string) int
	expire        func()
	tokens        func() (access, refresh string)
	stock         func() []stockRec
	revoke        func()                            // the seller withdraws the authorization
	payUnpaid     func() (ext string)               // the first unpaid order is paid now; its external id
	tb            *taobaofake.Server                // set for taobao
	attribution   func() map[string]fakeAttribution // external order id → what the fake reports
}

// fakeAttribution is what a fake platform reports about an order's
// attribution, in the form the plugin should hand to the host.
type fakeAttribution struct {
	Promotions, Coupons []string
	Author              string
	DiscountFen         int64
}

// secrets are the values that must never be shown or stored in plaintext.
func (g *gateway) secrets() []string {
	at, rt := g.tokens()
	return []string{g.creds["app_secret"], at, rt}
}

type fakeSize struct{ Products, Orders int }

type platformCase struct {
	plugin string
	start  func(t testing.TB, sz fakeSize) *gateway
}

var platforms = []platformCase{
	{"taobao", startTaobao},
	{"douyin", startDouyin},
	{"xiaohongshu", startXiaohongshu},
}

func platformByID(id string) platformCase {
	for _, p := range platforms {
		if p.plugin == id {
			return p
		}
	}
	panic("no platform " + id)
}

// catalogCounts computes the expected counts from a fake's catalog: every
// product (the fakes list on- and off-sale ones; the taobao fake's are all on
// sale), every SKU, every order (all lie in the 30 days before today, inside
// the first sync's 90-day window) with its lines, and one metrics row a day.
func catalogCounts(nProducts int, skus func(i int) int, nOrders int, lines func(i int) int) counts {
	c := counts{Products: nProducts, Orders: nOrders, Metrics: metricsDays}
	for i := range nProducts {
		c.SKUs += skus(i)
	}
	for i := range nOrders {
		c.Lines += lines(i)
	}
	return c
}

func startTaobao(t testing.TB, sz fakeSize) *gateway {
	s, err := taobaofake.Start(taobaofake.Options{Products: sz.Products, Orders: sz.Orders})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	cat := s.Catalog()
	conn := s.Connection()
	g := &gateway{faults: s, plugin: "taobao", storePlatform: "TMALL", endpoint: conn.Endpoint, creds: conn.Credentials,
		authCode: s.AuthCode(), ordersMethod: "taobao.trades.sold.get", refreshMethod: "taobao.top.auth.token.refresh",
		calls: s.Calls, expire: s.ExpireToken,
		tokens: func() (string, string) { return s.AccessToken(), s.RefreshToken() },
		stock: func() []stockRec {
			var out []stockRec
			for _, u := range s.StockUpdates() {
				out = append(out, stockRec{u.SKUID, u.Quantity})
			}
			return out
		},
		orderLines: map[string]int{}, revoke: s.RevokeToken, tb: s,
		attribution: func() map[string]fakeAttribution {
			out := map[string]fakeAttribution{}
			for _, o := range s.Catalog().Orders {
				a := fakeAttribution{DiscountFen: o.DiscountFen()}
				for _, p := range o.Promotions { // promotion_id and its 优惠活动id
					if p.Coupon {
						a.Coupons = append(a.Coupons, taobaofake.PromotionID(p), fmt.Sprint(p.ID))
					} else {
						a.Promotions = append(a.Promotions, taobaofake.PromotionID(p), fmt.Sprint(p.ID))
					}
				}
				out[fmt.Sprint(o.ID)] = a
			}
			return out
		},
		payUnpaid: func() string { id := s.FirstUnpaidOrder(); s.PayOrder(id); return fmt.Sprint(id) },
	}
	g.want = catalogCounts(len(cat.Products), func(i int) int { return len(cat.Products[i].SKUs) },
		len(cat.Orders), func(i int) int { return len(cat.Orders[i].Lines) })
	for _, o := range cat.Orders {
		g.orderLines[fmt.Sprint(o.ID)] = len(o.Lines)
	}
	return g
}

func startDouyin(t testing.TB, sz fakeSize) *gateway {
	s, err := douyinfake.Start(douyinfake.Options{Products: sz.Products, Orders: sz.Orders})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	cat := s.Catalog()
	conn := s.Connection()
	g := &gateway{faults: s, plugin: "douyin", storePlatform: "DOUYIN", endpoint: conn.Endpoint, creds: conn.Credentials,
		authCode: s.AuthCode(), ordersMethod: "order.searchList", refreshMethod: "token.refresh",
		calls: s.Calls, expire: s.ExpireToken, revoke: s.RevokeToken,
		payUnpaid: func() string { id := s.FirstUnpaidOrder(); s.PayOrder(id); return fmt.Sprint(id) },
		attribution: func() map[string]fakeAttribution {
			out := map[string]fakeAttribution{}
			for _, o := range s.Catalog().Orders {
				a := fakeAttribution{DiscountFen: o.DiscountFen()}
				if o.AuthorID != 0 {
					a.Author = fmt.Sprint(o.AuthorID)
				}
				for _, p := range o.Promotions { // campaign_id, coupon_meta_id; fetched once paid
					if o.Paid.IsZero() {
						break
					}
					if p.Coupon {
						a.Coupons = append(a.Coupons, fmt.Sprint(p.ID))
					} else {
						a.Promotions = append(a.Promotions, fmt.Sprint(p.ID))
					}
				}
				out[fmt.Sprint(o.ID)] = a
			}
			return out
		},
		tokens: func() (string, string) { return s.AccessToken(), s.RefreshToken() },
		stock: func() []stockRec {
			var out []stockRec
			for _, u := range s.StockUpdates() {
				out = append(out, stockRec{u.SKUID, u.Quantity})
			}
			return out
		},
	}
	g.want = catalogCounts(len(cat.Products), func(i int) int { return len(cat.Products[i].SKUs) },
		len(cat.Orders), func(i int) int { return len(cat.Orders[i].Lines) })
	return g
}

func startXiaohongshu(t testing.TB, sz fakeSize) *gateway {
	s, err := xhsfake.Start(xhsfake.Options{Products: sz.Products, Orders: sz.Orders})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	cat := s.Catalog()
	conn := s.Connection()
	g := &gateway{faults: s, plugin: "xiaohongshu", storePlatform: "XIAOHONGSHU", endpoint: conn.Endpoint, creds: conn.Credentials,
		authCode: s.AuthCode(), ordersMethod: "order.getOrderList", refreshMethod: "oauth.refreshToken",
		calls: s.Calls, expire: s.ExpireToken, revoke: s.RevokeToken,
		payUnpaid: func() string { id := s.FirstUnpaidOrder(); s.PayOrder(id); return "P" + fmt.Sprint(id) },
		attribution: func() map[string]fakeAttribution { // ark reports the seller's discount only
			out := map[string]fakeAttribution{}
			for _, o := range s.Catalog().Orders {
				out[xhsfake.OrderID(o)] = fakeAttribution{DiscountFen: o.DiscountFen()}
			}
			return out
		},
		tokens: func() (string, string) { return s.AccessToken(), s.RefreshToken() },
		stock: func() []stockRec {
			var out []stockRec
			for _, u := range s.StockUpdates() {
				out = append(out, stockRec{u.SKUID, u.Quantity})
			}
			return out
		},
	}
	g.want = catalogCounts(len(cat.Products), func(i int) int { return len(cat.Products[i].SKUs) },
		len(cat.Orders), func(i int) int { return len(cat.Orders[i].Lines) })
	return g
}

// ---- server ----

// lockedBuffer is a bytes.Buffer safe for the server's concurrent writers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// world is a running server with the built-in plugins, an organization and
// its admin.
type world struct {
	*testenv.Env
	dsn   string
	log   *lockedBuffer // everything the server (and the plugins, through the host) logged
	resp  *lockedBuffer // every GraphQL response body the tests received
	org   int
	admin string // token of an admin of org
}

// withConfig changes the app configuration directly.
func withConfig(f func(*app.Config)) testenv.Option { return testenv.Option(f) }

func newWorld(t testing.TB, b testenv.Backend, opts ...testenv.Option) *world {
	t.Helper()
	w := &world{log: &lockedBuffer{}, resp: &lockedBuffer{}}
	all := []testenv.Option{withConfig(func(c *app.Config) {
		c.Builtins = builtins
		c.Log = slog.New(slog.NewTextHandler(w.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
		w.dsn = c.DSN
	})}
	w.Env = testenv.New(t, b, append(all, opts...)...)
	t.Cleanup(func() {
		if t.Failed() && os.Getenv("OPSGRAPH_TEST_SERVER_LOG") != "" {
			t.Logf("server log:\n%s", w.log.String())
		}
	})
	w.org = w.Org(t, "Brand A", 0)
	w.admin = w.User(t, "admin@a.test", testenv.Grant{Org: w.org, Role: "admin"})
	return w
}

// gql sends a GraphQL request and keeps its response for the secret checks.
func (w *world) gql(t testing.TB, token, query string, vars map[string]any) *testenv.Response {
	t.Helper()
	res := w.Do(t, testenv.Request{Token: token, Query: query, Variables: vars})
	raw, _ := json.Marshal(res.Errors)
	fmt.Fprintf(w.resp, "%s\n%s\n", res.Data, raw)
	return res
}

// must is gql that fails the test on any error.
func (w *world) must(t testing.TB, token, query string, vars map[string]any, out any) {
	t.Helper()
	res := w.gql(t, token, query, vars)
	if len(res.Errors) > 0 {
		t.Fatalf("unexpected errors for %s: %+v", strings.Join(strings.Fields(query), " "), res.Errors)
	}
	if out != nil {
		res.Decode(t, out)
	}
}

func (w *world) createStore(t testing.TB, org int, platform string) string {
	t.Helper()
	var out struct{ CreateStore struct{ ID string } }
	w.must(t, w.admin, `mutation($org: ID!, $p: StorePlatform!) { createStore(input: {name: "店铺", platform: $p, organizationID: $org}) { id } }`,
		map[string]any{"org": fmt.Sprint(org), "p": platform}, &out)
	return out.CreateStore.ID
}

const connectMutation = `mutation($s: ID!, $p: String!, $c: [CredentialInput!]!, $e: String, $code: String) {
	connectStore(storeID: $s, platform: $p, credentials: $c, endpoint: $e, authorizationCode: $code) {
		id pluginID externalShopID shopName endpoint credentialNames status tokenExpiresAt
	}
}`

func connectVars(storeID string, g *gateway, creds map[string]string) map[string]any {
	var cs []map[string]string
	for k, v := range creds {
		cs = append(cs, map[string]string{"name": k, "value": v})
	}
	return map[string]any{"s": storeID, "p": g.plugin, "c": cs, "e": g.endpoint, "code": g.authCode}
}

// connect connects storeID to g with g's credentials and authorization code.
func (w *world) connect(t testing.TB, token, storeID string, g *gateway) *testenv.Response {
	t.Helper()
	return w.gql(t, token, connectMutation, connectVars(storeID, g, g.creds))
}

// connected creates a store on g's platform and connects it as the admin.
func (w *world) connected(t testing.TB, g *gateway) string {
	t.Helper()
	id := w.createStore(t, w.org, g.storePlatform)
	if res := w.connect(t, w.admin, id, g); len(res.Errors) > 0 {
		t.Fatalf("connectStore %s: %+v", g.plugin, res.Errors)
	}
	return id
}

type job struct {
	ID      string
	Status  string
	Phase   string
	Done    int
	Total   int
	Percent int
	Phases  []jobPhase
	Error   *string
}

type jobPhase struct {
	Phase, State string
	Done, Total  int
}

// phaseDone sums the items done over all phases.
func (j job) phaseDone() int {
	n := 0
	for _, p := range j.Phases {
		n += p.Done
	}
	return n
}

func (j job) finished() bool {
	return j.Status == "SUCCEEDED" || j.Status == "FAILED" || j.Status == "CANCELED"
}

const jobFields = `id status phase done total percent phases { phase state done total } error`

// startSync calls syncStore and returns the job id.
func (w *world) startSync(t testing.TB, token, storeID string) string {
	t.Helper()
	var out struct{ SyncStore job }
	w.must(t, token, `mutation($s: ID!) { syncStore(storeID: $s) { `+jobFields+` } }`, map[string]any{"s": storeID}, &out)
	if out.SyncStore.Status != "QUEUED" && out.SyncStore.Status != "RUNNING" {
		t.Fatalf("syncStore returned a job in state %s, want QUEUED or RUNNING", out.SyncStore.Status)
	}
	return out.SyncStore.ID
}

func (w *world) job(t testing.TB, token, id string) job {
	t.Helper()
	var out struct{ Node job }
	w.must(t, token, `query($id: ID!) { node(id: $id) { ... on SyncJob { `+jobFields+` } } }`, map[string]any{"id": id}, &out)
	return out.Node
}

// pollUntil reads the job through the API every few milliseconds until cond
// holds or the deadline passes.
func (w *world) pollUntil(t testing.TB, token, id string, limit time.Duration, cond func(job) bool) job {
	t.Helper()
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		j := w.job(t, token, id)
		if cond(j) {
			return j
		}
		if j.finished() {
			t.Fatalf("job %s ended (%s, error %v) before the awaited state", id, j.Status, deref(j.Error))
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: awaited state not reached in %s (last: %+v)", id, limit, j)
		}
		<-tick.C
	}
}

// wait polls the job until it ends.
func (w *world) wait(t testing.TB, token, id string) job {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		j := w.job(t, token, id)
		if j.finished() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s did not end in 30s (last: %+v)", id, j)
		}
		<-tick.C
	}
}

// sync runs a sync to its end and requires it to succeed.
func (w *world) sync(t testing.TB, token, storeID string) job {
	t.Helper()
	j := w.wait(t, token, w.startSync(t, token, storeID))
	if j.Status != "SUCCEEDED" {
		t.Fatalf("sync of store %s: %s (%s)", storeID, j.Status, deref(j.Error))
	}
	return j
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

type storedOrder struct {
	ExternalID string
	Lines      int
}

// stored reads what the API shows of a store: counts, and every order with
// its number of lines.
func (w *world) stored(t testing.TB, storeID string) (counts, []storedOrder) {
	t.Helper()
	var out struct {
		Node struct {
			Products struct{ TotalCount int }
			Metrics  struct{ TotalCount int }
			Orders   struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						ExternalID string
						Lines      struct{ TotalCount int }
					}
				}
			}
		}
		SKUs struct{ TotalCount int }
	}
	w.must(t, w.admin, `query($s: ID!) {
		node(id: $s) { ... on Store {
			products(first: 1) { totalCount }
			metrics(first: 1) { totalCount }
			orders(first: 1000) { totalCount edges { node { externalID lines(first: 20) { totalCount } } } }
		} }
		skus(first: 1, where: {hasProductWith: [{storeID: $s}]}) { totalCount }
	}`, map[string]any{"s": storeID}, &out)
	c := counts{Products: out.Node.Products.TotalCount, SKUs: out.SKUs.TotalCount,
		Orders: out.Node.Orders.TotalCount, Metrics: out.Node.Metrics.TotalCount}
	var orders []storedOrder
	for _, e := range out.Node.Orders.Edges {
		c.Lines += e.Node.Lines.TotalCount
		orders = append(orders, storedOrder{e.Node.ExternalID, e.Node.Lines.TotalCount})
	}
	if len(orders) != c.Orders {
		t.Fatalf("read %d of %d orders; raise the page size of stored()", len(orders), c.Orders)
	}
	return c, orders
}

// ---- raw database ----

// rawConnection is a platform_connections row as stored.
type rawConnection struct {
	Credentials, AccessToken, RefreshToken []byte
	Row                                    string // every column, for plaintext searches
}

// rawConnections reads the platform_connections rows of the store with plain
// database/sql, bypassing ent and its privacy rules.
func (w *world) rawConnections(t testing.TB, storeID string) []rawConnection {
	t.Helper()
	driver, dsn := "sqlite", "file:"+w.dsn+"?_pragma=busy_timeout(5000)"
	if strings.HasPrefix(w.dsn, "postgres://") || strings.HasPrefix(w.dsn, "postgresql://") {
		driver, dsn = "pgx", w.dsn
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ph := "?"
	if driver == "pgx" {
		ph = "$1"
	}
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, "SELECT * FROM platform_connections WHERE store_id = "+ph, storeID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []rawConnection
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var rc rawConnection
		var all strings.Builder
		for i, c := range cols {
			var b []byte
			switch v := vals[i].(type) {
			case []byte:
				b = v
			case string:
				b = []byte(v)
			default:
				b = fmt.Append(nil, v)
			}
			all.Write(b)
			all.WriteByte('|')
			switch c {
			case "credentials":
				rc.Credentials = b
			case "access_token":
				rc.AccessToken = b
			case "refresh_token":
				rc.RefreshToken = b
			}
		}
		rc.Row = all.String()
		out = append(out, rc)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// noSecrets fails the test if any secret appears in text (named what).
func noSecrets(t testing.TB, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s == "" {
			t.Fatalf("empty secret in the list to check %s against", what)
		}
		if strings.Contains(text, s) {
			t.Errorf("%s contains the secret %q", what, s)
		}
	}
}
