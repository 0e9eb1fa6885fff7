package xiaohongshu_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp/fakekit"
	"github.com/opsgraph/opsgraph/plugins/internal/platformtest"
	"github.com/opsgraph/opsgraph/plugins/sdk"
	"github.com/opsgraph/opsgraph/plugins/xiaohongshu"
	"github.com/opsgraph/opsgraph/plugins/xiaohongshu/fake"
)

// Shared test helpers (plugins/internal/platformtest).
var (
	fastRetry = platformtest.FastRetry
	ctx       = platformtest.Ctx
	wantKind  = platformtest.WantKind
)

func setup(t *testing.T, o fake.Options) (*fake.Server, *xiaohongshu.Platform) {
	t.Helper()
	srv := fake.New(o)
	t.Cleanup(srv.Close)
	return srv, xiaohongshu.NewWithOptions(xiaohongshu.Options{Retry: fastRetry})
}

func TestDescribe(t *testing.T) {
	d, err := xiaohongshu.New().Describe(context.Background())
	if err != nil || d.PlatformID != "xiaohongshu" || d.CredentialFields[0].Name != "app_id" {
		t.Fatalf("%+v %v", d, err)
	}
}

// SKU pages cut products apart (a T-shirt has 16 SKUs); each product must still come
// back once and whole, for page sizes smaller and larger than a product.
func TestListProductsGroupsSKUsAcrossPages(t *testing.T) {
	for _, size := range []int{1, 3, 5, 16, 17, 100} {
		for _, java := range []bool{false, true} {
			t.Run(fmt.Sprintf("size=%d java=%v", size, java), func(t *testing.T) {
				srv, p := setup(t, fake.Options{Seed: 9, Products: 12, JavaEnvelope: java})
				want := map[string]*fakekit.Product{}
				for _, pr := range srv.Catalog().Products {
					want[fmt.Sprintf("%x", pr.ID)] = pr
				}
				seen, cursor := map[string]bool{}, ""
				for range 500 {
					page, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: srv.Connection(), Cursor: cursor, PageSize: size})
					if err != nil {
						t.Fatal(err)
					}
					for _, pr := range page.Products {
						c := want[pr.ExternalID]
						if c == nil || seen[pr.ExternalID] {
							t.Fatalf("unexpected or repeated product %s (cursor %q)", pr.ExternalID, cursor)
						}
						seen[pr.ExternalID] = true
						if len(pr.SKUs) != len(c.SKUs) || pr.Stock != c.Stock() || pr.PriceFen != c.PriceFen() || pr.Title != c.Title {
							t.Fatalf("product %s: %d SKUs, want %d", pr.ExternalID, len(pr.SKUs), len(c.SKUs))
						}
						if pr.SKUs[0].Name != c.SKUs[0].PropsName() {
							t.Fatalf("sku name %q, want %q", pr.SKUs[0].Name, c.SKUs[0].PropsName())
						}
					}
					if page.NextCursor == "" {
						break
					}
					cursor = page.NextCursor
				}
				if len(seen) != len(want) {
					t.Fatalf("saw %d of %d products", len(seen), len(want))
				}
			})
		}
	}
}

func wantStatus(st fakekit.OrderState) string {
	return map[fakekit.OrderState]string{fakekit.StateUnpaid: sdk.OrderPendingPayment, fakekit.StatePaid: sdk.OrderPaid,
		fakekit.StateShipped: sdk.OrderShipped, fakekit.StateCompleted: sdk.OrderCompleted,
		fakekit.StateCancelled: sdk.OrderCancelled, fakekit.StateRefunded: sdk.OrderRefunded}[st]
}

// listAll pages ListOrders to the end and returns the orders by id, failing on
// a repeated order.
func listAll(t *testing.T, p *xiaohongshu.Platform, req sdk.ListOrdersRequest) (map[string]sdk.Order, int) {
	t.Helper()
	seen, pages := map[string]sdk.Order{}, 0
	for {
		page, err := p.ListOrders(ctx(t), req)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range page.Orders {
			if _, dup := seen[o.ExternalID]; dup {
				t.Fatalf("order %s returned twice", o.ExternalID)
			}
			seen[o.ExternalID] = o
		}
		if page.NextCursor == "" {
			return seen, pages
		}
		req.Cursor = page.NextCursor
	}
}

// The fake refuses windows over 24 h (created) / 30 min (updated), so a range of
// days passes only when the plugin splits it; every order created (CreatedOnly)
// or modified in the range comes back exactly once, with the right amounts.
func TestListOrdersWindows(t *testing.T) {
	for _, createdOnly := range []bool{true, false} {
		t.Run(fmt.Sprintf("createdOnly=%v", createdOnly), func(t *testing.T) {
			srv, p := setup(t, fake.Options{Seed: 1, Orders: 120})
			cat := srv.Catalog()
			since, until := cat.Epoch.Add(-27*24*time.Hour), cat.Epoch.Add(-24*time.Hour)
			want := map[string]*fakekit.Order{}
			for _, o := range cat.Orders {
				at := o.Modified
				if createdOnly {
					at = o.Created
				}
				if !at.Before(since) && at.Before(until) {
					want[fake.OrderID(o)] = o
				}
			}
			seen, _ := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: since, Until: until,
				PageSize: 7, CreatedOnly: createdOnly})
			var discounted int64
			for id, c := range want {
				o, ok := seen[id]
				if !ok {
					t.Fatalf("missing %s", id)
				}
				if o.TotalFen != c.TotalFen() || o.PaidFen != c.PaidFen() || o.Status != wantStatus(c.State) || !o.CreatedAt.Equal(c.Created) ||
					len(o.Lines) != len(c.Lines) || o.Lines[0].UnitPriceFen != c.Lines[0].UnitFen || o.Lines[0].ProductExternalID == "" {
					t.Fatalf("order %+v vs %+v", o, c)
				}
				// totalMerchantDiscount is the seller's discount; ark's
				// order detail has no promotion, coupon or creator ids.
				if o.DiscountFen != c.DiscountFen() || o.PromotionIDs != nil || o.CouponIDs != nil || o.AuthorID != "" {
					t.Fatalf("order %s: discount %d ids %v %v %q, want discount %d and no ids", id, o.DiscountFen, o.PromotionIDs, o.CouponIDs, o.AuthorID, c.DiscountFen())
				}
				discounted += min(c.DiscountFen(), 1)
			}
			if len(seen) != len(want) || len(want) == 0 || discounted == 0 {
				t.Fatalf("saw %d of %d (%d with a discount)", len(seen), len(want), discounted)
			}
		})
	}
}

// An order paid after a first listing is returned by the next listing of the
// update window (timeType 2), with its new status.
func TestListOrdersPicksUpLaterChange(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 4, Orders: 60})
	var unpaid *fakekit.Order
	for _, o := range srv.Catalog().Orders {
		if o.State == fakekit.StateUnpaid {
			unpaid = o
			break
		}
	}
	if unpaid == nil {
		t.Fatal("no unpaid order in the catalog")
	}
	first := time.Now().Add(-time.Hour)
	before, _ := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: first, Until: time.Now()})
	if _, ok := before[fake.OrderID(unpaid)]; ok {
		t.Fatal("unchanged order listed as changed")
	}
	mark := time.Now().Truncate(time.Second)
	if !srv.ChangeOrder(unpaid.ID, fakekit.StatePaid) {
		t.Fatal("ChangeOrder")
	}
	after, _ := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: mark, Until: time.Now().Add(time.Second)})
	o, ok := after[fake.OrderID(unpaid)]
	if !ok || o.Status != sdk.OrderPaid || o.PaidFen == 0 {
		t.Fatalf("changed order not picked up: %+v (%d listed)", o, len(after))
	}
}

// More orders in one 24 h window than pageNo ≤ 100 reaches: the plugin halves
// the window instead of asking for page 101 (which the fake refuses).
func TestListOrdersHalvesCrowdedWindow(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 2, Orders: 4500})
	cat := srv.Catalog()
	since, until := cat.Epoch.Add(-3*24*time.Hour), cat.Epoch.Add(-2*24*time.Hour)
	n := 0
	for _, o := range cat.Orders {
		if !o.Created.Before(since) && o.Created.Before(until) {
			n++
		}
	}
	if n <= xiaohongshu.MaxPageNo {
		t.Fatalf("only %d orders in the window; the test needs more than %d", n, xiaohongshu.MaxPageNo)
	}
	seen, _ := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: since, Until: until, PageSize: 1, CreatedOnly: true})
	if len(seen) != n {
		t.Fatalf("saw %d of %d", len(seen), n)
	}
}

// The fake refuses what ark refuses (a 25-hour created window, a 31-minute
// update window, pageNo 101), answering ark's failure envelope.
func TestFakeRefusesOutOfLimitQueries(t *testing.T) {
	srv, _ := setup(t, fake.Options{})
	now := time.Now().Unix()
	tests := []struct {
		name   string
		params map[string]any
		ok     bool
	}{
		{"24h created", map[string]any{"startTime": now - 24*3600, "endTime": now, "timeType": 1, "pageNo": 1, "pageSize": 10}, true},
		{"25h created", map[string]any{"startTime": now - 25*3600, "endTime": now, "timeType": 1, "pageNo": 1, "pageSize": 10}, false},
		{"30min updated", map[string]any{"startTime": now - 1800, "endTime": now, "timeType": 2, "pageNo": 1, "pageSize": 10}, true},
		{"31min updated", map[string]any{"startTime": now - 1860, "endTime": now, "timeType": 2, "pageNo": 1, "pageSize": 10}, false},
		{"page 101", map[string]any{"startTime": now - 1800, "endTime": now, "timeType": 2, "pageNo": 101, "pageSize": 10}, false},
		{"size 101", map[string]any{"startTime": now - 1800, "endTime": now, "timeType": 2, "pageNo": 1, "pageSize": 101}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := rawCall(t, srv, xiaohongshu.MethodOrderList, tc.params)
			if env["success"] != tc.ok {
				t.Fatalf("success = %v, want %v: %v", env["success"], tc.ok, env)
			}
		})
	}
	if env := rawCall(t, srv, "note.publishNote", map[string]any{"title": "x"}); env["success"] != false {
		t.Fatalf("invented method accepted: %v", env)
	}
}

// rawCall sends one signed ark request with the given business parameters.
func rawCall(t *testing.T, srv *fake.Server, method string, params map[string]any) map[string]any {
	t.Helper()
	ts := time.Now().Unix()
	body := map[string]any{"method": method, "appId": srv.AppID(), "timestamp": ts, "version": "2.0",
		"sign": xiaohongshu.Sign(method, srv.AppID(), srv.AppSecret(), "2.0", ts), "accessToken": srv.AccessToken()}
	for k, v := range params {
		body[k] = v
	}
	raw, _ := json.Marshal(body)
	resp, err := http.Post(srv.URL+xiaohongshu.ControllerPath, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	return env
}

func TestUpdateStock(t *testing.T) {
	srv, p := setup(t, fake.Options{Products: 2, Orders: 3})
	sku := fmt.Sprintf("%x", srv.Catalog().Products[0].SKUs[0].ID)
	res, err := p.UpdateStock(ctx(t), sdk.UpdateStockRequest{Connection: srv.Connection(), SKUExternalID: sku, Quantity: 5})
	if err != nil || res.Quantity != 5 || len(srv.StockUpdates()) != 1 {
		t.Fatalf("%+v %v %+v", res, err, srv.StockUpdates())
	}
	page, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: srv.Connection()})
	if err != nil || page.Products[0].SKUs[0].Stock != 5 {
		t.Fatalf("stock not reflected: %v", err)
	}
	_, err = p.UpdateStock(ctx(t), sdk.UpdateStockRequest{Connection: srv.Connection(), SKUExternalID: "nope", Quantity: 5})
	wantKind(t, err, sdk.KindPlatform, "-9999")
}

// ark documents no note publishing and no daily store numbers: the plugin does
// not declare them and answers UNIMPLEMENTED without calling the gateway.
func TestUndeclaredCapabilities(t *testing.T) {
	srv, p := setup(t, fake.Options{Products: 1, Orders: 1})
	d, _ := p.Describe(ctx(t))
	if d.Has(sdk.CapPublishContent) || d.Has(sdk.CapMetrics) {
		t.Fatalf("declares %v", d.Capabilities)
	}
	_, err := p.PublishContent(ctx(t), sdk.PublishContentRequest{Connection: srv.Connection(), Title: "x"})
	wantKind(t, err, sdk.KindUnimplemented, "")
	_, err = p.FetchMetrics(ctx(t), sdk.FetchMetricsRequest{Connection: srv.Connection(), From: "2024-01-01", To: "2024-01-01"})
	wantKind(t, err, sdk.KindUnimplemented, "")
	if srv.Calls("") != 0 {
		t.Fatalf("%d gateway calls", srv.Calls(""))
	}
}

// A refresh token the platform refuses ends in "reconnect the store"; a token
// refreshed before a later failure on the same page rides on the error.
func TestRefreshFailures(t *testing.T) {
	srv, p := setup(t, fake.Options{Orders: 4})
	old := srv.Connection()
	srv.RevokeToken()
	_, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: old})
	wantKind(t, err, sdk.KindAuthExpired, "")
	if !strings.HasPrefix(err.(*sdk.Error).Message, platformhttp.ReauthorizePrefix) {
		t.Fatalf("message %q", err.(*sdk.Error).Message)
	}

	srv2, _ := setup(t, fake.Options{Orders: 4})
	srv2.ExpireToken()
	conn := srv2.Connection()
	// Expire, then make every call after the refresh fail: the refreshed
	// token must come back on the error.
	p2 := xiaohongshu.NewWithOptions(xiaohongshu.Options{Retry: fastRetry, HTTPClient: failAfterRefresh(srv2)})
	_, err = p2.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn})
	if sdk.TokenOf(err) == nil || sdk.TokenOf(err).AccessToken != srv2.AccessToken() || sdk.TokenOf(err).RefreshToken != srv2.RefreshToken() {
		t.Fatalf("error %v carries token %+v, want the rotated pair", err, sdk.TokenOf(err))
	}
}

// failAfterRefresh is an HTTP client whose transport injects 503s into the
// gateway as soon as a refresh succeeded.
func failAfterRefresh(srv *fake.Server) *http.Client {
	return &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && srv.TokenGeneration() > 0 {
			srv.FailNext(99)
		}
		return resp, err
	})}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestAuthorizeAndRefresh(t *testing.T) {
	srv, p := setup(t, fake.Options{})
	tok, err := p.Authorize(ctx(t), sdk.AuthorizeRequest{Connection: srv.Connection(), Code: srv.AuthCode()})
	if err != nil || tok.AccessToken != srv.AccessToken() || tok.ShopID != srv.Options().SellerID || tok.ExpiresAt.Before(time.Now()) {
		t.Fatalf("%+v %v", tok, err)
	}
	_, err = p.Authorize(ctx(t), sdk.AuthorizeRequest{Connection: srv.Connection(), Code: "bad"})
	wantKind(t, err, sdk.KindPlatform, "-9999")
}

func TestExpiredTokenRefreshesOnce(t *testing.T) {
	for _, java := range []bool{false, true} {
		srv, p := setup(t, fake.Options{Orders: 4, JavaEnvelope: java})
		conn := srv.Connection()
		srv.ExpireToken()
		page, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: conn})
		if err != nil || page.NewToken == nil || page.NewToken.AccessToken != srv.AccessToken() || srv.Calls(xiaohongshu.MethodRefreshToken) != 1 {
			t.Fatalf("java=%v: %+v %v", java, page, err)
		}
		srv.ExpireToken()
		conn = srv.Connection()
		conn.RefreshToken = ""
		_, err = p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: conn})
		wantKind(t, err, sdk.KindAuthExpired, "-1002")
	}
}

func TestBadSignatureAndTimestampRefused(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*fake.Server, *sdk.Connection)
		code string
	}{
		{"wrong secret", func(_ *fake.Server, c *sdk.Connection) { c.Credentials["app_secret"] = "x" }, "-101"},
		{"wrong appId", func(_ *fake.Server, c *sdk.Connection) { c.Credentials["app_id"] = "x" }, "-103"},
		{"clock ahead", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(11 * time.Minute) }, "-102"},
		{"clock behind", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(-11 * time.Minute) }, "-102"},
		{"within window", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(9 * time.Minute) }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, p := setup(t, fake.Options{Products: 1})
			conn := srv.Connection()
			tc.mod(srv, &conn)
			_, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn})
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantKind(t, err, sdk.KindInvalidRequest, tc.code)
		})
	}
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name   string
		inject func(*fake.Server)
		kind   sdk.ErrorKind
		calls  int
	}{
		{"rate limited twice", func(s *fake.Server) { s.RateLimitNext(2) }, "", 3},
		{"503 twice", func(s *fake.Server) { s.FailNext(2) }, "", 3},
		{"rate limited always", func(s *fake.Server) { s.RateLimitNext(99) }, sdk.KindRateLimited, 4},
		{"503 always", func(s *fake.Server) { s.FailNext(99) }, sdk.KindUnavailable, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, p := setup(t, fake.Options{Products: 1})
			tc.inject(srv)
			_, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: srv.Connection()})
			if sdk.KindOf(err) != tc.kind || srv.Calls("") != tc.calls {
				t.Fatalf("err=%v calls=%d", err, srv.Calls(""))
			}
		})
	}
}

func TestDeadlineRespected(t *testing.T) {
	srv, p := setup(t, fake.Options{})
	srv.SetDelay(5 * time.Second)
	c, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := p.ListProducts(c, sdk.ListProductsRequest{Connection: srv.Connection()})
	wantKind(t, err, sdk.KindUnavailable, "")
	if time.Since(start) > time.Second {
		t.Fatalf("took %v", time.Since(start))
	}
}

func TestEndpointWithoutPathAndAppKeyAlias(t *testing.T) {
	srv, p := setup(t, fake.Options{Products: 1})
	conn := srv.Connection()
	conn.Endpoint = srv.URL
	conn.Credentials = map[string]string{"app_key": srv.AppID(), "app_secret": srv.AppSecret()}
	if _, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn}); err != nil {
		t.Fatal(err)
	}
}
