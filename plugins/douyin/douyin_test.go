package douyin_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/douyin"
	"github.com/opsgraph/opsgraph/plugins/douyin/fake"
	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp/fakekit"
	"github.com/opsgraph/opsgraph/plugins/internal/platformtest"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Shared test helpers (plugins/internal/platformtest).
var (
	fastRetry = platformtest.FastRetry
	ctx       = platformtest.Ctx
	wantKind  = platformtest.WantKind
)

func setup(t *testing.T, o fake.Options) (*fake.Server, *douyin.Platform) {
	t.Helper()
	srv := fake.New(o)
	t.Cleanup(srv.Close)
	return srv, douyin.NewWithOptions(douyin.Options{Retry: fastRetry})
}

func TestDescribe(t *testing.T) {
	d, err := douyin.New().Describe(context.Background())
	if err != nil || d.PlatformID != "douyin" || d.DefaultEndpoint != douyin.DefaultEndpoint || len(d.CredentialFields) != 3 ||
		d.Has(sdk.CapMetrics) || d.Has(sdk.CapPublishContent) || !d.Has(sdk.CapOrders) {
		t.Fatalf("Describe = %+v, %v", d, err)
	}
	srv, p := setup(t, fake.Options{Products: 1, Orders: 1})
	_, err = p.FetchMetrics(ctx(t), sdk.FetchMetricsRequest{Connection: srv.Connection(), From: "2024-01-01", To: "2024-01-01"})
	wantKind(t, err, sdk.KindUnimplemented, "")
	_, err = p.PublishContent(ctx(t), sdk.PublishContentRequest{Connection: srv.Connection(), Title: "x"})
	wantKind(t, err, sdk.KindUnimplemented, "")
	if srv.Calls("") != 0 {
		t.Fatalf("%d gateway calls", srv.Calls(""))
	}
}

func TestListProductsPagesEverythingOnce(t *testing.T) {
	for _, method := range []string{"", douyin.SignMD5, douyin.SignHMACSHA256} {
		t.Run("sign_method="+method, func(t *testing.T) {
			srv, p := setup(t, fake.Options{Seed: 2, Products: 17})
			conn := srv.Connection()
			if method != "" {
				conn.Credentials["sign_method"] = method
			}
			want := map[string]*fakekit.Product{}
			for _, pr := range srv.Catalog().Products {
				want[strconv.FormatInt(pr.ID, 10)] = pr
			}
			seen, cursor := map[string]bool{}, ""
			for {
				page, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn, Cursor: cursor, PageSize: 4})
				if err != nil {
					t.Fatal(err)
				}
				for _, pr := range page.Products {
					c := want[pr.ExternalID]
					if c == nil || seen[pr.ExternalID] {
						t.Fatalf("unexpected or repeated product %s", pr.ExternalID)
					}
					seen[pr.ExternalID] = true
					if pr.Title != c.Title || pr.PriceFen != c.PriceFen() || pr.Stock != c.Stock() || len(pr.SKUs) != len(c.SKUs) {
						t.Fatalf("product %+v vs catalog", pr)
					}
					if want := map[bool]string{true: "ON_SALE", false: "OFF_SALE"}[c.OnSale]; pr.Status != want {
						t.Fatalf("status %s, want %s", pr.Status, want)
					}
					for i, k := range pr.SKUs {
						var vals []string
						for _, pp := range c.SKUs[i].Props {
							vals = append(vals, pp.Value)
						}
						if k.ExternalID != strconv.FormatInt(c.SKUs[i].ID, 10) || k.PriceFen != c.SKUs[i].PriceFen || k.Name != strings.Join(vals, ";") {
							t.Fatalf("sku %+v", k)
						}
					}
				}
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			if len(seen) != 17 {
				t.Fatalf("saw %d products", len(seen))
			}
		})
	}
}

func listAll(t *testing.T, p *douyin.Platform, req sdk.ListOrdersRequest) map[string]sdk.Order {
	t.Helper()
	seen := map[string]sdk.Order{}
	for {
		page, err := p.ListOrders(ctx(t), req)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Orders {
			if _, dup := seen[o.ExternalID]; dup {
				t.Fatalf("order %s returned twice", o.ExternalID)
			}
			seen[o.ExternalID] = o
		}
		if page.NextCursor == "" {
			return seen
		}
		req.Cursor = page.NextCursor
	}
}

// Orders created (CreatedOnly) or updated in the range come back once, with
// line prices from origin_amount/sum_amount (no goods_price).
func TestListOrdersWindows(t *testing.T) {
	for _, createdOnly := range []bool{true, false} {
		t.Run(fmt.Sprintf("createdOnly=%v", createdOnly), func(t *testing.T) {
			srv, p := setup(t, fake.Options{Seed: 4, Orders: 61})
			cat := srv.Catalog()
			since, until := cat.Epoch.Add(-20*24*time.Hour), cat.Epoch.Add(-2*24*time.Hour)
			want := map[string]*fakekit.Order{}
			for _, o := range cat.Orders {
				at := o.Modified
				if createdOnly {
					at = o.Created
				}
				if !at.Before(since) && at.Before(until) {
					want[strconv.FormatInt(o.ID, 10)] = o
				}
			}
			seen := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: since, Until: until, PageSize: 9, CreatedOnly: createdOnly})
			for id, c := range want {
				o, ok := seen[id]
				wantStatus := map[fakekit.OrderState]string{fakekit.StateUnpaid: sdk.OrderPendingPayment, fakekit.StatePaid: sdk.OrderPaid,
					fakekit.StateShipped: sdk.OrderShipped, fakekit.StateCompleted: sdk.OrderCompleted,
					fakekit.StateCancelled: sdk.OrderCancelled, fakekit.StateRefunded: sdk.OrderRefunded}[c.State]
				if !ok || o.TotalFen != c.TotalFen() || o.PaidFen != c.PaidFen() || o.Status != wantStatus || !o.CreatedAt.Equal(c.Created) ||
					len(o.Lines) != len(c.Lines) || o.Lines[0].UnitPriceFen != c.Lines[0].UnitFen || o.Lines[0].UnitPriceFen == 0 ||
					o.Lines[0].TotalFen != c.Lines[0].UnitFen*c.Lines[0].Quantity {
					t.Fatalf("order %+v vs %+v", o, c)
				}
			}
			if len(seen) != len(want) || len(want) == 0 {
				t.Fatalf("saw %d of %d orders", len(seen), len(want))
			}
		})
	}
}

// An order shipped after a first listing comes back by update time.
func TestListOrdersPicksUpLaterChange(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 5, Orders: 60})
	var paid *fakekit.Order
	for _, o := range srv.Catalog().Orders {
		if o.State == fakekit.StatePaid {
			paid = o
			break
		}
	}
	if paid == nil {
		t.Fatal("no paid order")
	}
	id := strconv.FormatInt(paid.ID, 10)
	if _, ok := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: time.Now().Add(-time.Hour), Until: time.Now()})[id]; ok {
		t.Fatal("unchanged order listed")
	}
	mark := time.Now().Truncate(time.Second)
	srv.ChangeOrder(paid.ID, fakekit.StateShipped)
	o, ok := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: mark, Until: time.Now().Add(time.Second)})[id]
	if !ok || o.Status != sdk.OrderShipped {
		t.Fatalf("changed order: %+v", o)
	}
}

// Each product's price is its lowest SKU price (discount_price is deprecated).
func TestProductPriceFromSKUs(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 6, Products: 5})
	page, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: srv.Connection(), PageSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i, pr := range page.Products {
		c := srv.Catalog().Products[i]
		if pr.PriceFen == 0 || pr.PriceFen != c.PriceFen() {
			t.Fatalf("price %d, want %d", pr.PriceFen, c.PriceFen())
		}
	}
}

// A page whose sku.list calls do not fit the RPC deadline ends early with a
// cursor at the next product; paging on returns every product once.
func TestSlowFanOutFitsDeadline(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 7, Products: 12})
	srv.SetDelay(150 * time.Millisecond) // 13 calls a page: about 2 s
	seen, cursor, short := map[string]bool{}, "", 0
	for range 50 {
		c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		page, err := p.ListProducts(c, sdk.ListProductsRequest{Connection: srv.Connection(), Cursor: cursor, PageSize: 12})
		cancel()
		if err != nil {
			t.Fatalf("page failed instead of ending early: %v", err)
		}
		if len(page.Products) < 12 && page.NextCursor != "" {
			short++
		}
		for _, pr := range page.Products {
			if seen[pr.ExternalID] {
				t.Fatalf("product %s twice", pr.ExternalID)
			}
			seen[pr.ExternalID] = true
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 12 || short == 0 {
		t.Fatalf("saw %d products, %d short pages", len(seen), short)
	}
}

// 抖店's error table: 40003 access-token-expired → refresh; 60000 → retried;
// 30002 (IP whitelist) → no refresh, invalid request; 30001 → reconnect without
// a refresh; 20000 → retried; 90000 → not retried.
func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name     string
		inject   []fake.InjectedError
		kind     sdk.ErrorKind
		calls    int // order.searchList calls
		refresh  int
		reconnec bool
	}{
		{"expired token refreshes", []fake.InjectedError{{Code: 40003, SubCode: "isv.access-token-expired", SubMsg: "access_token已过期"}}, "", 2, 1, false},
		{"rate limit retried", []fake.InjectedError{{Code: 60000, SubCode: "isv.frequency-limit"}, {Code: 60000}}, "", 3, 0, false},
		{"ip whitelist no refresh", []fake.InjectedError{{Code: 30002, SubCode: "isv.ip-not-allowed", SubMsg: "IP不在白名单"}}, sdk.KindInvalidRequest, 1, 0, false},
		{"authorization closed", []fake.InjectedError{{Code: 30001, SubCode: "isv.auth-closed", SubMsg: "授权已关闭"}}, sdk.KindAuthExpired, 1, 0, true},
		{"service unavailable retried", []fake.InjectedError{{Code: 20000, SubCode: "isp.service-error"}}, "", 2, 0, false},
		{"other not retried", []fake.InjectedError{{Code: 90000, SubCode: "isv.unknown"}}, sdk.KindPlatform, 1, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, p := setup(t, fake.Options{Orders: 3})
			srv.InjectNext(tc.inject...)
			_, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection()})
			if sdk.KindOf(err) != tc.kind || srv.Calls(douyin.MethodOrderSearch) != tc.calls ||
				srv.Calls(douyin.MethodTokenRefresh) != tc.refresh || platformhttp.NeedsReauthorization(err) != tc.reconnec {
				t.Fatalf("err=%v searches=%d refreshes=%d", err, srv.Calls(douyin.MethodOrderSearch), srv.Calls(douyin.MethodTokenRefresh))
			}
		})
	}
}

// The fake refuses a quoted (string) sku_id: the SDK types it int64.
func TestFakeRefusesStringIDs(t *testing.T) {
	srv, _ := setup(t, fake.Options{Products: 1})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sid := strconv.FormatInt(srv.Catalog().Products[0].SKUs[0].ID, 10)
	body := `{"incremental":false,"sku_id":"` + sid + `","stock_num":1}`
	sign, _ := douyin.Sign(srv.AppKey(), srv.AppSecret(), "sku.syncStock", body, ts, douyin.SignHMACSHA256)
	u := srv.URL + "/sku/syncStock?app_key=" + srv.AppKey() + "&method=sku.syncStock&v=2&sign_method=hmac-sha256&timestamp=" + ts +
		"&sign=" + sign + "&access_token=" + srv.AccessToken()
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), `"code":40002`) {
		t.Fatalf("string sku_id accepted: %s", b)
	}
}

func TestUpdateStockRecordedAndReflected(t *testing.T) {
	srv, p := setup(t, fake.Options{Products: 2})
	pr := srv.Catalog().Products[1]
	pid, sid := strconv.FormatInt(pr.ID, 10), strconv.FormatInt(pr.SKUs[0].ID, 10)
	req := sdk.UpdateStockRequest{Connection: srv.Connection(), ProductExternalID: pid, SKUExternalID: sid, Quantity: 31, IdempotencyKey: "k1"}
	if res, err := p.UpdateStock(ctx(t), req); err != nil || res.Quantity != 31 {
		t.Fatalf("UpdateStock = %+v, %v", res, err)
	}
	if _, err := p.UpdateStock(ctx(t), req); err != nil { // same idempotent_id: applied once
		t.Fatal(err)
	}
	if u := srv.StockUpdates(); len(u) != 1 || u[0] != (fake.StockUpdate{ProductID: pid, SKUID: sid, Quantity: 31, IdempotentID: "k1"}) {
		t.Fatalf("recorded %+v", u)
	}
	page, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: srv.Connection()})
	if err != nil || page.Products[1].SKUs[0].Stock != 31 {
		t.Fatalf("not reflected: %+v %v", page, err)
	}
	_, err = p.UpdateStock(ctx(t), sdk.UpdateStockRequest{Connection: srv.Connection(), SKUExternalID: "1", Quantity: 1})
	wantKind(t, err, sdk.KindPlatform, "isv.business-failed:sku-not-exist")
}

func TestAuthorize(t *testing.T) {
	srv, p := setup(t, fake.Options{})
	conn := srv.Connection()
	tok, err := p.Authorize(ctx(t), sdk.AuthorizeRequest{Connection: conn, Code: srv.AuthCode()})
	if err != nil || tok.AccessToken != srv.AccessToken() || tok.ShopID != srv.Options().ShopID || tok.ShopName == "" {
		t.Fatalf("%+v %v", tok, err)
	}
	tok2, err := p.Authorize(ctx(t), sdk.AuthorizeRequest{Connection: conn}) // authorization_self with ShopID
	if err != nil || tok2.AccessToken == tok.AccessToken {
		t.Fatalf("%+v %v", tok2, err)
	}
	_, err = p.Authorize(ctx(t), sdk.AuthorizeRequest{Connection: conn, Code: "bad"})
	wantKind(t, err, sdk.KindInvalidRequest, "isv.parameter-invalid:code")
}

func TestExpiredTokenRefreshesOnce(t *testing.T) {
	srv, p := setup(t, fake.Options{Orders: 10})
	conn := srv.Connection()
	srv.ExpireToken()
	page, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: conn})
	if err != nil || page.NewToken == nil || page.NewToken.AccessToken != srv.AccessToken() || page.NewToken.RefreshToken != srv.RefreshToken() {
		t.Fatalf("%+v %v", page, err)
	}
	if srv.Calls(douyin.MethodTokenRefresh) != 1 || len(page.Orders) != 10 {
		t.Fatalf("refreshes %d, orders %d", srv.Calls(douyin.MethodTokenRefresh), len(page.Orders))
	}
	// The old token is now invalid and its refresh token spent (rotation): the
	// refused refresh asks to reconnect the store.
	_, err = p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: conn})
	wantKind(t, err, sdk.KindAuthExpired, "isv.parameter-invalid:refresh_token")
	if !platformhttp.NeedsReauthorization(err) {
		t.Fatalf("%v does not ask to reconnect", err)
	}
	conn.RefreshToken = ""
	_, err = p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: conn})
	wantKind(t, err, sdk.KindAuthExpired, "isv.access-token-no-existed")
}

func TestBadSignatureAndTimestampRefused(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*fake.Server, *sdk.Connection)
		kind sdk.ErrorKind
		code string
	}{
		{"wrong secret", func(_ *fake.Server, c *sdk.Connection) { c.Credentials["app_secret"] = "nope" }, sdk.KindInvalidRequest, "isv.sign-invalid"},
		{"wrong secret md5", func(_ *fake.Server, c *sdk.Connection) {
			c.Credentials["app_secret"] = "nope"
			c.Credentials["sign_method"] = "md5"
		}, sdk.KindInvalidRequest, "isv.sign-invalid"},
		{"clock 11 min ahead", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(11 * time.Minute) }, sdk.KindInvalidRequest, "isv.parameter-invalid:timestamp"},
		{"clock 11 min behind", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(-11 * time.Minute) }, sdk.KindInvalidRequest, "isv.parameter-invalid:timestamp"},
		{"clock 9 min behind ok", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(-9 * time.Minute) }, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, p := setup(t, fake.Options{Products: 1})
			conn := srv.Connection()
			tc.mod(srv, &conn)
			_, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn})
			if tc.kind == "" && err != nil {
				t.Fatal(err)
			}
			if tc.kind != "" {
				wantKind(t, err, tc.kind, tc.code)
			}
		})
	}
}

// A param_json whose keys are not sorted is signed differently from what the gateway
// recomputes, so it is refused: the fake is as strict as the documented rule.
func TestUnsortedParamJSONRefused(t *testing.T) {
	srv, _ := setup(t, fake.Options{})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	body := `{"size":1,"page":1}`
	sign, _ := douyin.Sign(srv.AppKey(), srv.AppSecret(), "product.listV2", body, ts, douyin.SignHMACSHA256)
	u := srv.URL + "/product/listV2?app_key=" + srv.AppKey() + "&method=product.listV2&v=2&sign_method=hmac-sha256&timestamp=" + ts +
		"&sign=" + sign + "&access_token=" + srv.AccessToken()
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), `"code":40004`) || !strings.Contains(string(b), `"sub_code":"isv.sign-invalid"`) {
		t.Fatalf("unsorted param_json accepted: %s", b)
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
		{"502 three times", func(s *fake.Server) { s.FailNext(3) }, "", 4},
		{"rate limited always", func(s *fake.Server) { s.RateLimitNext(99) }, sdk.KindRateLimited, 4},
		{"502 always", func(s *fake.Server) { s.FailNext(99) }, sdk.KindUnavailable, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, p := setup(t, fake.Options{Orders: 3})
			tc.inject(srv)
			_, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection()})
			// The order.orderDetail calls for orders with promotions come
			// after the retried list call.
			if calls := srv.Calls("") - srv.Calls(douyin.MethodOrderDetail); sdk.KindOf(err) != tc.kind || calls != tc.calls {
				t.Fatalf("err=%v calls=%d", err, calls)
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
	_, err := p.ListOrders(c, sdk.ListOrdersRequest{Connection: srv.Connection()})
	wantKind(t, err, sdk.KindUnavailable, "")
	if time.Since(start) > time.Second {
		t.Fatalf("took %v", time.Since(start))
	}
}

// Older responses carry err_no/message instead of code/msg.
func TestOlderErrNoEnvelope(t *testing.T) {
	for _, tc := range []struct {
		body string
		kind sdk.ErrorKind
	}{
		{`{"err_no":0,"message":"success","data":{"shop_order_list":[],"total":0}}`, ""},
		{`{"err_no":30001,"message":"access_token已过期","data":null}`, sdk.KindAuthExpired},
		{`{"err_no":50002,"message":"业务处理失败","data":null}`, sdk.KindPlatform},
	} {
		h := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(tc.body)) }))
		p := douyin.NewWithOptions(douyin.Options{Retry: fastRetry})
		_, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: sdk.Connection{Endpoint: h.URL,
			Credentials: map[string]string{"app_key": "k", "app_secret": "s"}, AccessToken: "t"}})
		h.Close()
		if sdk.KindOf(err) != tc.kind {
			t.Errorf("%s: err = %v", tc.body, err)
		}
	}
}

// Orders carry what order.searchList and order.orderDetail say about their
// attribution: the 达人's author_id, the seller-borne discount
// (shop_cost_amount), and the campaign and coupon batch ids of the detail,
// fetched only for paid orders with a promotion_amount.
func TestListOrdersAttribution(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 9, Orders: 90})
	seen := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), PageSize: 20, CreatedOnly: true})
	var withAuthor, withPromo, withCoupon, promoOrders int
	for _, c := range srv.Catalog().Orders {
		o, ok := seen[strconv.FormatInt(c.ID, 10)]
		if !ok {
			t.Fatalf("order %d not listed", c.ID)
		}
		var promos, coupons []string
		for _, pr := range c.Promotions {
			switch {
			case c.Paid.IsZero(): // not fetched before payment
			case pr.Coupon:
				coupons = append(coupons, strconv.FormatInt(pr.ID, 10))
			default:
				promos = append(promos, strconv.FormatInt(pr.ID, 10))
			}
		}
		author := ""
		if c.AuthorID != 0 {
			author = strconv.FormatInt(c.AuthorID, 10)
			withAuthor++
		}
		if len(c.Promotions) > 0 && !c.Paid.IsZero() {
			promoOrders++
		}
		withPromo += min(len(promos), 1)
		withCoupon += min(len(coupons), 1)
		if o.AuthorID != author || o.DiscountFen != c.DiscountFen() || !slices.Equal(o.PromotionIDs, promos) || !slices.Equal(o.CouponIDs, coupons) {
			t.Errorf("order %d: author %q discount %d promotions %v coupons %v; want %q %d %v %v",
				c.ID, o.AuthorID, o.DiscountFen, o.PromotionIDs, o.CouponIDs, author, c.DiscountFen(), promos, coupons)
		}
	}
	if withAuthor == 0 || withPromo == 0 || withCoupon == 0 {
		t.Fatalf("the fake's orders lack a kind of attribution: %d with author, %d with promotion, %d with coupon", withAuthor, withPromo, withCoupon)
	}
	t.Logf("%d orders, %d order.orderDetail calls", len(seen), srv.Calls(douyin.MethodOrderDetail))
	// One detail call per paid order with a promotion, none for the others.
	if got := srv.Calls(douyin.MethodOrderDetail); got != promoOrders || len(seen) <= promoOrders {
		t.Errorf("%d order.orderDetail calls for %d paid orders with promotions (of %d)", got, promoOrders, len(seen))
	}
}

// A page whose order.orderDetail calls would not fit the RPC deadline ends
// early with a cursor at the next order; listing on from it loses and repeats
// nothing and still fetches every promotion.
func TestListOrdersDetailsPacedByDeadline(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 9, Orders: 40})
	srv.SetDelay(150 * time.Millisecond)
	req := sdk.ListOrdersRequest{Connection: srv.Connection(), PageSize: 100, CreatedOnly: true}
	seen := map[string]sdk.Order{}
	pages := 0
	for {
		c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		page, err := p.ListOrders(c, req)
		cancel()
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
			break
		}
		if !strings.Contains(page.NextCursor, "o") {
			t.Fatalf("cursor %q after a deadline-cut page, want one at the next order", page.NextCursor)
		}
		req.Cursor = page.NextCursor
	}
	promos := 0
	for _, c := range srv.Catalog().Orders {
		o := seen[strconv.FormatInt(c.ID, 10)]
		if len(c.Promotions) > 0 && !c.Paid.IsZero() {
			promos++
			if len(o.PromotionIDs)+len(o.CouponIDs) != len(c.Promotions) {
				t.Errorf("order %d: ids %v %v, want %d", c.ID, o.PromotionIDs, o.CouponIDs, len(c.Promotions))
			}
		}
	}
	if len(seen) != len(srv.Catalog().Orders) || pages < 2 || promos < 5 {
		t.Fatalf("saw %d of %d orders in %d pages (%d with promotions): the page was not cut", len(seen), len(srv.Catalog().Orders), pages, promos)
	}
}

// An unpaid order's promotion ids are not fetched; once it is paid it comes
// back by update time with them.
func TestPromotionIDsFetchedOncePaid(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 9, Orders: 90})
	var unpaid *fakekit.Order
	for _, o := range srv.Catalog().Orders {
		if o.State == fakekit.StateUnpaid && len(o.Promotions) > 0 {
			unpaid = o
			break
		}
	}
	if unpaid == nil {
		t.Fatal("no unpaid order with a promotion in the fake")
	}
	id := strconv.FormatInt(unpaid.ID, 10)
	before := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), CreatedOnly: true})[id]
	if before.PromotionIDs != nil || before.CouponIDs != nil || before.DiscountFen != unpaid.DiscountFen() {
		t.Fatalf("unpaid order listed with ids %v %v, discount %d", before.PromotionIDs, before.CouponIDs, before.DiscountFen)
	}
	mark := time.Now().Truncate(time.Second)
	srv.PayOrder(unpaid.ID)
	after, ok := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: mark, Until: time.Now().Add(time.Second)})[id]
	if !ok || after.Status != sdk.OrderPaid || len(after.PromotionIDs)+len(after.CouponIDs) != len(unpaid.Promotions) {
		t.Fatalf("paid order: %+v", after)
	}
}
