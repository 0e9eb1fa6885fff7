package taobao_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp/fakekit"
	"github.com/opsgraph/opsgraph/plugins/internal/platformtest"
	"github.com/opsgraph/opsgraph/plugins/sdk"
	"github.com/opsgraph/opsgraph/plugins/taobao"
	"github.com/opsgraph/opsgraph/plugins/taobao/fake"
)

// Shared test helpers (plugins/internal/platformtest).
var (
	fastRetry = platformtest.FastRetry
	ctx       = platformtest.Ctx
	wantKind  = platformtest.WantKind
)

func setup(t *testing.T, o fake.Options) (*fake.Server, *taobao.Platform) {
	t.Helper()
	srv := fake.New(o)
	t.Cleanup(srv.Close)
	return srv, taobao.NewWithOptions(taobao.Options{Retry: fastRetry})
}

func TestDescribe(t *testing.T) {
	d, err := taobao.New().Describe(context.Background())
	if err != nil || d.PlatformID != "taobao" || d.DefaultEndpoint != taobao.DefaultEndpoint || len(d.Capabilities) != 4 ||
		d.Has(sdk.CapMetrics) || d.Has(sdk.CapPublishContent) {
		t.Fatalf("Describe = %+v, %v", d, err)
	}
	// No documented TOP API: unimplemented, without a gateway call.
	srv, p := setup(t, fake.Options{Products: 1, Orders: 1})
	_, err = p.FetchMetrics(ctx(t), sdk.FetchMetricsRequest{Connection: srv.Connection(), From: "2024-01-01", To: "2024-01-01"})
	wantKind(t, err, sdk.KindUnimplemented, "")
	_, err = p.PublishContent(ctx(t), sdk.PublishContentRequest{Connection: srv.Connection(), Title: "x"})
	wantKind(t, err, sdk.KindUnimplemented, "")
	if srv.Calls("") != 0 {
		t.Fatalf("%d gateway calls", srv.Calls(""))
	}
}

func TestListProductsAllSignMethodsPagesEverythingOnce(t *testing.T) {
	for _, method := range []string{"", taobao.SignMD5, taobao.SignHMAC, taobao.SignHMACSHA256} {
		t.Run("sign_method="+method, func(t *testing.T) {
			srv, p := setup(t, fake.Options{Seed: 7, Products: 23})
			conn := srv.Connection()
			if method != "" {
				conn.Credentials["sign_method"] = method
			}
			want := map[string]*fakekit.Product{}
			for _, pr := range srv.Catalog().Products {
				want[strconv.FormatInt(pr.ID, 10)] = pr
			}
			seen := map[string]bool{}
			cursor, pages := "", 0
			for {
				page, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn, Cursor: cursor, PageSize: 5})
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if page.Total != 23 {
					t.Fatalf("total = %d", page.Total)
				}
				for _, pr := range page.Products {
					if seen[pr.ExternalID] {
						t.Fatalf("product %s twice", pr.ExternalID)
					}
					seen[pr.ExternalID] = true
					c := want[pr.ExternalID]
					if c == nil || pr.Title != c.Title || pr.PriceFen != c.PriceFen() || pr.Stock != c.Stock() || len(pr.SKUs) != len(c.SKUs) || pr.Status != "ON_SALE" {
						t.Fatalf("product %+v does not match catalog", pr)
					}
					for i, k := range pr.SKUs {
						if k.ExternalID != strconv.FormatInt(c.SKUs[i].ID, 10) || k.PriceFen != c.SKUs[i].PriceFen || k.Name != c.SKUs[i].PropsName() || k.Barcode == "" {
							t.Fatalf("sku %+v does not match %+v", k, c.SKUs[i])
						}
					}
				}
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			if len(seen) != 23 || pages != 5 {
				t.Fatalf("saw %d products in %d pages", len(seen), pages)
			}
		})
	}
}

// listAll pages ListOrders to the end, failing on a repeated order.
func listAll(t *testing.T, p *taobao.Platform, req sdk.ListOrdersRequest) map[string]sdk.Order {
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

// Every trade created (trades.sold.get, CreatedOnly) or modified
// (trades.sold.increment.get, one-day windows the fake enforces) in the range
// comes back once, of every trade type (the fake hides tmall_i18n and
// o2o_offlinetrade without `type`), with payment counted as paid when pay_time
// is missing on a paid trade.
func TestListOrdersWindowsAllTypes(t *testing.T) {
	for _, createdOnly := range []bool{true, false} {
		t.Run(fmt.Sprintf("createdOnly=%v", createdOnly), func(t *testing.T) {
			srv, p := setup(t, fake.Options{Seed: 3, Orders: 157})
			cat := srv.Catalog()
			since, until := cat.Epoch.Add(-15*24*time.Hour), cat.Epoch
			want := map[string]*fakekit.Order{}
			types := map[string]bool{}
			for _, o := range cat.Orders {
				at := o.Modified
				if createdOnly {
					at = o.Created
				}
				if !at.Before(since) && at.Before(until) {
					want[strconv.FormatInt(o.ID, 10)] = o
					types[fake.TradeType(o)] = true
				}
			}
			if len(types) < 2 {
				t.Fatalf("window holds only trade types %v", types)
			}
			seen := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: since, Until: until, PageSize: 8, CreatedOnly: createdOnly})
			noPayTime := 0
			for id, c := range want {
				o, ok := seen[id]
				if !ok {
					t.Fatalf("missing trade %s of type %s", id, fake.TradeType(c))
				}
				if o.TotalFen != c.TotalFen() || o.PaidFen != c.PaidFen() || len(o.Lines) != len(c.Lines) || !o.CreatedAt.Equal(c.Created) {
					t.Fatalf("order %+v does not match catalog %+v", o, c)
				}
				if o.RawStatus != fake.TradeStatus(c.State) || o.Status != taobao.OrderStatus(o.RawStatus) {
					t.Fatalf("status %s/%s", o.Status, o.RawStatus)
				}
				if !c.Paid.IsZero() && o.PaidAt.IsZero() {
					noPayTime++
				}
			}
			if len(seen) != len(want) || len(want) == 0 || noPayTime == 0 {
				t.Fatalf("saw %d orders, want %d (%d paid without pay_time)", len(seen), len(want), noPayTime)
			}
		})
	}
}

// A trade paid after a first listing comes back from the increment API.
func TestListOrdersPicksUpLaterChange(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 4, Orders: 80})
	var unpaid *fakekit.Order
	for _, o := range srv.Catalog().Orders {
		if o.State == fakekit.StateUnpaid {
			unpaid = o
			break
		}
	}
	if unpaid == nil {
		t.Fatal("no unpaid order")
	}
	id := strconv.FormatInt(unpaid.ID, 10)
	before := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: time.Now().Add(-time.Hour), Until: time.Now()})
	if _, ok := before[id]; ok {
		t.Fatal("unchanged order listed")
	}
	mark := time.Now().Truncate(time.Second)
	srv.ChangeOrder(unpaid.ID, fakekit.StatePaid)
	after := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: mark, Until: time.Now().Add(time.Second)})
	if o, ok := after[id]; !ok || o.Status != sdk.OrderPaid || o.PaidFen != unpaid.TotalFen() {
		t.Fatalf("changed order: %+v", o)
	}
}

// A catalogue larger than page_no × page_size allows is walked by restarting at
// the last item's modified time; every item comes back.
func TestListProductsPastRowCap(t *testing.T) {
	srv := fake.New(fake.Options{Seed: 8, Products: 30, MaxRows: 8})
	t.Cleanup(srv.Close)
	p := taobao.NewWithOptions(taobao.Options{Retry: fastRetry, MaxRows: 8})
	seen, cursor, pages := map[string]bool{}, "", 0
	for {
		page, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: srv.Connection(), Cursor: cursor, PageSize: 4})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, pr := range page.Products {
			seen[pr.ExternalID] = true
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	want := 0
	for _, pr := range srv.Catalog().Products {
		if pr.OnSale {
			want++
			if !seen[strconv.FormatInt(pr.ID, 10)] {
				t.Fatalf("item %d missing", pr.ID)
			}
		}
	}
	if want <= 8 || pages <= 2 {
		t.Fatalf("test too small: %d items, %d pages", want, pages)
	}
}

// The fake refuses what TOP refuses.
func TestFakeRefusesUndocumentedRequests(t *testing.T) {
	srv, _ := setup(t, fake.Options{Products: 3})
	pr := srv.Catalog().Products[0]
	other := srv.Catalog().Products[1].SKUs[0].ID
	now := time.Now().In(platformhttp.Shanghai())
	tests := []struct {
		name    string
		method  string
		biz     map[string]string
		session bool
		sub     string
	}{
		{"order_by num_iid", taobao.MethodItemsOnsale, map[string]string{"order_by": "num_iid:asc"}, true, "isv.invalid-parameter:order_by"},
		{"past 20,000 rows", taobao.MethodItemsOnsale, map[string]string{"page_no": "101", "page_size": "200"}, true, "isv.invalid-parameter:page_no"},
		{"sku of another item", taobao.MethodQuantityUpdate, map[string]string{"num_iid": strconv.FormatInt(pr.ID, 10),
			"sku_id": strconv.FormatInt(other, 10), "quantity": "1", "type": "1"}, true, "isv.sku-not-exist"},
		{"increment over a day", taobao.MethodTradesIncr, map[string]string{"start_modified": now.Add(-25 * time.Hour).Format(taobao.TimestampLayout),
			"end_modified": now.Format(taobao.TimestampLayout)}, true, "isv.invalid-parameter:start_modified"},
		{"session on token.create", taobao.MethodTokenCreate, map[string]string{"code": srv.AuthCode()}, true, "isv.invalid-parameter:session"},
		{"invented metrics method", "taobao.sycm.shop.daily.get", nil, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := rawTOP(t, srv, tc.method, tc.biz, tc.session)
			e, ok := env["error_response"].(map[string]any)
			if !ok {
				t.Fatalf("accepted: %v", env)
			}
			if tc.sub != "" && e["sub_code"] != tc.sub {
				t.Fatalf("sub_code %v, want %s", e["sub_code"], tc.sub)
			}
		})
	}
}

// rawTOP sends one md5-signed TOP request.
func rawTOP(t *testing.T, srv *fake.Server, method string, biz map[string]string, session bool) map[string]any {
	t.Helper()
	params := map[string]string{"method": method, "app_key": srv.AppKey(), "v": "2.0", "sign_method": "md5", "format": "json",
		"timestamp": time.Now().In(platformhttp.Shanghai()).Format(taobao.TimestampLayout)}
	if session {
		params["session"] = srv.AccessToken()
	}
	maps.Copy(params, biz)
	sign, err := taobao.Sign(params, srv.AppSecret(), "md5")
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	form.Set("sign", sign)
	resp, err := http.PostForm(srv.URL+taobao.RouterPath, form)
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

// A JSON answer with neither error_response nor the method's key is an error,
// never an empty success.
func TestAnswerWithoutResponseKeyIsError(t *testing.T) {
	srv, p := setup(t, fake.Options{Orders: 5})
	srv.EmptyAnswerNext(99)
	page, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection(), CreatedOnly: true})
	if err == nil {
		t.Fatalf("empty answer taken as success: %+v", page)
	}
	wantKind(t, err, sdk.KindUnavailable, "")
}

// An item without SKUs is updated without sku_id (the fake refuses one).
func TestUpdateStockItemWithoutSKUs(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 12, Products: 2})
	pr := srv.Catalog().Products[0]
	pr.SKUs = pr.SKUs[:1]
	pr.SKUs[0].Props = nil
	pid := strconv.FormatInt(pr.ID, 10)
	// The host syncs such an item as one SKU carrying the item's id.
	res, err := p.UpdateStock(ctx(t), sdk.UpdateStockRequest{Connection: srv.Connection(), ProductExternalID: pid, SKUExternalID: pid, Quantity: 9})
	if err != nil || res.Quantity != 9 {
		t.Fatalf("UpdateStock = %+v, %v", res, err)
	}
	if u := srv.StockUpdates(); len(u) != 1 || u[0].SKUID != "" {
		t.Fatalf("recorded %+v", u)
	}
}

func TestOrderStatusNormalization(t *testing.T) {
	for raw, want := range map[string]string{
		"WAIT_BUYER_PAY": sdk.OrderPendingPayment, "TRADE_NO_CREATE_PAY": sdk.OrderPendingPayment,
		"WAIT_SELLER_SEND_GOODS": sdk.OrderPaid, "SELLER_CONSIGNED_PART": sdk.OrderPaid,
		"WAIT_BUYER_CONFIRM_GOODS": sdk.OrderShipped, "TRADE_BUYER_SIGNED": sdk.OrderShipped,
		"TRADE_FINISHED": sdk.OrderCompleted, "TRADE_CLOSED": sdk.OrderRefunded, "TRADE_CLOSED_BY_TAOBAO": sdk.OrderCancelled,
	} {
		if got := taobao.OrderStatus(raw); got != want {
			t.Errorf("OrderStatus(%s) = %s, want %s", raw, got, want)
		}
	}
}

func TestUpdateStockRecordedAndReflected(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 11, Products: 3})
	pr := srv.Catalog().Products[0]
	pid, sid := strconv.FormatInt(pr.ID, 10), strconv.FormatInt(pr.SKUs[1].ID, 10)
	res, err := p.UpdateStock(ctx(t), sdk.UpdateStockRequest{Connection: srv.Connection(), ProductExternalID: pid, SKUExternalID: sid, Quantity: 777})
	if err != nil || res.Quantity != 777 {
		t.Fatalf("UpdateStock = %+v, %v", res, err)
	}
	if u := srv.StockUpdates(); len(u) != 1 || u[0] != (fake.StockUpdate{ProductID: pid, SKUID: sid, Quantity: 777}) {
		t.Fatalf("recorded %+v", u)
	}
	page, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: srv.Connection()})
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range page.Products {
		if got.ExternalID == pid && got.SKUs[1].Stock != 777 {
			t.Fatalf("stock not reflected: %+v", got.SKUs[1])
		}
	}
	_, err = p.UpdateStock(ctx(t), sdk.UpdateStockRequest{Connection: srv.Connection(), ProductExternalID: "1", SKUExternalID: sid, Quantity: 1})
	wantKind(t, err, sdk.KindPlatform, "isv.item-not-exist")
}

func TestAuthorizeAndRefresh(t *testing.T) {
	srv, p := setup(t, fake.Options{ShopName: "测试 店铺&1"})
	conn := srv.Connection()
	conn.AccessToken, conn.RefreshToken = "", ""
	tok, err := p.Authorize(ctx(t), sdk.AuthorizeRequest{Connection: conn, Code: srv.AuthCode()})
	if err != nil || tok.AccessToken != srv.AccessToken() || tok.RefreshToken != srv.RefreshToken() || tok.ShopName != "测试 店铺&1" || tok.ExpiresAt.Before(time.Now()) {
		t.Fatalf("Authorize = %+v, %v", tok, err)
	}
	_, err = p.Authorize(ctx(t), sdk.AuthorizeRequest{Connection: conn, Code: "wrong"})
	wantKind(t, err, sdk.KindInvalidRequest, "isv.invalid-parameter:code")
	conn.RefreshToken = tok.RefreshToken
	tok2, err := p.RefreshToken(ctx(t), conn)
	if err != nil || tok2.AccessToken == tok.AccessToken || tok2.AccessToken != srv.AccessToken() {
		t.Fatalf("RefreshToken = %+v, %v", tok2, err)
	}
}

func TestExpiredSessionRefreshesOnceAndReturnsNewToken(t *testing.T) {
	srv, p := setup(t, fake.Options{Products: 4})
	conn := srv.Connection()
	srv.ExpireToken()
	page, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn})
	if err != nil {
		t.Fatal(err)
	}
	if page.NewToken == nil || page.NewToken.AccessToken != srv.AccessToken() || page.NewToken.AccessToken == conn.AccessToken || len(page.Products) != 4 {
		t.Fatalf("NewToken = %+v, products %d", page.NewToken, len(page.Products))
	}
	if n := srv.Calls(taobao.MethodTokenRefresh); n != 1 {
		t.Fatalf("refresh called %d times", n)
	}
	// Without a refresh token the typed error reaches the caller.
	srv.ExpireToken()
	conn = srv.Connection()
	conn.RefreshToken = ""
	_, err = p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: conn})
	wantKind(t, err, sdk.KindAuthExpired, "session-expired")
	if !strings.HasPrefix(err.(*sdk.Error).Message, platformhttp.ReauthorizePrefix) {
		t.Fatalf("message %q does not ask to reconnect", err.(*sdk.Error).Message)
	}
	// A refresh token TOP refuses (isv.refresh-token-invalid) also ends in
	// "reconnect the store", not in a platform error.
	conn = srv.Connection()
	srv.RevokeToken()
	_, err = p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn})
	wantKind(t, err, sdk.KindAuthExpired, "isv.refresh-token-invalid")
}

func TestBadSignatureRefused(t *testing.T) {
	srv, p := setup(t, fake.Options{})
	conn := srv.Connection()
	conn.Credentials["app_secret"] = "not-the-secret"
	_, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn})
	wantKind(t, err, sdk.KindInvalidRequest, "25")
	conn = srv.Connection()
	conn.Credentials["app_key"] = "999"
	_, err = p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn})
	wantKind(t, err, sdk.KindInvalidRequest, "29")
}

func TestTimestampWindow(t *testing.T) {
	for _, tc := range []struct {
		skew time.Duration
		ok   bool
	}{{9 * time.Minute, true}, {-9 * time.Minute, true}, {11 * time.Minute, false}, {-11 * time.Minute, false}} {
		t.Run(tc.skew.String(), func(t *testing.T) {
			srv, p := setup(t, fake.Options{Products: 2})
			srv.SetClockSkew(tc.skew)
			_, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: srv.Connection()})
			if tc.ok && err != nil {
				t.Fatal(err)
			}
			if !tc.ok {
				wantKind(t, err, sdk.KindInvalidRequest, "31")
			}
		})
	}
}

func TestErrorClasses(t *testing.T) {
	ban := fake.InjectedError{Code: 7, Msg: "App Call Limited", SubCode: "accesscontrol.limited-by-app-access-count",
		SubMsg: "This ban will last for 31000 more seconds"}
	freq := fake.InjectedError{Code: 8, Msg: "App Call Exceeds Limited Frequency"}
	user := fake.InjectedError{Code: 5, Msg: "Session Call Limited"}
	isp := fake.InjectedError{Code: 15, Msg: "Remote service error", SubCode: "isp.remote-service-timeout"}
	isv := fake.InjectedError{Code: 15, Msg: "Remote service error", SubCode: "isv.trade-not-exist", SubMsg: "交易不存在"}
	rep := func(e fake.InjectedError, n int) []fake.InjectedError {
		out := make([]fake.InjectedError, n)
		for i := range out {
			out[i] = e
		}
		return out
	}
	tests := []struct {
		name   string
		inject func(*fake.Server)
		kind   sdk.ErrorKind
		calls  int
	}{
		{"frequency twice then ok", func(s *fake.Server) { s.InjectNext(rep(freq, 2)...) }, "", 3},
		{"frequency beyond attempts", func(s *fake.Server) { s.InjectNext(rep(freq, 10)...) }, sdk.KindRateLimited, 4},
		{"session call limit retried", func(s *fake.Server) { s.InjectNext(user) }, "", 2},
		{"ban not retried", func(s *fake.Server) { s.InjectNext(ban) }, sdk.KindRateLimited, 1},
		{"isp retried", func(s *fake.Server) { s.InjectNext(isp, isp) }, "", 3},
		{"isv not retried", func(s *fake.Server) { s.InjectNext(isv) }, sdk.KindPlatform, 1},
		{"503 twice then ok", func(s *fake.Server) { s.FailNext(2) }, "", 3},
		{"503 beyond attempts", func(s *fake.Server) { s.FailNext(10) }, sdk.KindUnavailable, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, p := setup(t, fake.Options{Orders: 5})
			tc.inject(srv)
			_, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection(), CreatedOnly: true,
				Since: time.Now().Add(-24 * time.Hour)}) // one window: one call when all goes well
			if sdk.KindOf(err) != tc.kind {
				t.Fatalf("err = %v, want kind %q", err, tc.kind)
			}
			if got := srv.Calls(""); got != tc.calls {
				t.Fatalf("gateway saw %d requests, want %d", got, tc.calls)
			}
		})
	}
}

// A code-7 ban is honoured across calls: RetryAfter is the ban's remaining time
// and no further call reaches the gateway before it ends.
func TestBanHonouredAcrossCalls(t *testing.T) {
	srv, p := setup(t, fake.Options{Orders: 5})
	srv.InjectNext(fake.InjectedError{Code: 7, Msg: "App Call Limited", SubCode: "accesscontrol.limited-by-app-access-count",
		SubMsg: "This ban will last for 31000 more seconds"})
	_, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection(), CreatedOnly: true})
	wantKind(t, err, sdk.KindRateLimited, "accesscontrol.limited-by-app-access-count")
	if ra := err.(*sdk.Error).RetryAfter; ra != 31000*time.Second {
		t.Fatalf("RetryAfter = %v", ra)
	}
	_, err = p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: srv.Connection()})
	wantKind(t, err, sdk.KindRateLimited, "ban")
	if ra := err.(*sdk.Error).RetryAfter; ra < 30000*time.Second {
		t.Fatalf("RetryAfter = %v", ra)
	}
	if got := srv.Calls(""); got != 1 {
		t.Fatalf("gateway saw %d requests during the ban", got)
	}
}

func TestRateLimitCarriesRetryAfter(t *testing.T) {
	srv := fake.New(fake.Options{RetryAfter: 7})
	defer srv.Close()
	p := taobao.NewWithOptions(taobao.Options{Retry: platformhttp.Policy{MaxAttempts: 1}})
	srv.RateLimitNext(1)
	_, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection()})
	wantKind(t, err, sdk.KindRateLimited, "accesscontrol.limited-by-app-access-count")
	if ra := err.(*sdk.Error).RetryAfter; ra != 7*time.Second {
		t.Fatalf("RetryAfter = %v", ra)
	}
}

func TestDeadlineRespectedWithSlowGateway(t *testing.T) {
	srv, p := setup(t, fake.Options{})
	srv.SetDelay(5 * time.Second)
	c, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := p.ListProducts(c, sdk.ListProductsRequest{Connection: srv.Connection()})
	wantKind(t, err, sdk.KindUnavailable, "")
	if d := time.Since(start); d > time.Second {
		t.Fatalf("call took %v past a 150ms deadline", d)
	}
}

func TestEndpointDefaultsToRouterPath(t *testing.T) {
	srv, p := setup(t, fake.Options{Products: 1})
	conn := srv.Connection()
	conn.Endpoint = srv.URL // no path: /router/rest is appended
	if _, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn}); err != nil {
		t.Fatal(err)
	}
	conn.Endpoint = "ftp://x"
	_, err := p.ListProducts(ctx(t), sdk.ListProductsRequest{Connection: conn})
	wantKind(t, err, sdk.KindInvalidRequest, "")
}

// Trades carry their promotion_details (asked for in fields): each
// promotion_id as the full id and its 优惠活动id, a shopbonus one as coupon
// ids, and the discount_fee sum as the seller's discount.
func TestListOrdersAttribution(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 9, Orders: 90})
	cat := srv.Catalog()
	seen := listAll(t, p, sdk.ListOrdersRequest{Connection: srv.Connection(), Since: cat.Epoch.Add(-31 * 24 * time.Hour),
		Until: cat.Epoch.Add(time.Second), PageSize: 40, CreatedOnly: true})
	var withPromo, withCoupon int
	for _, c := range cat.Orders {
		o, ok := seen[strconv.FormatInt(c.ID, 10)]
		if !ok {
			t.Fatalf("trade %d not listed", c.ID)
		}
		var promos, coupons []string
		for _, pr := range c.Promotions {
			if pr.Coupon {
				coupons = append(coupons, fake.PromotionID(pr), strconv.FormatInt(pr.ID, 10))
			} else {
				promos = append(promos, fake.PromotionID(pr), strconv.FormatInt(pr.ID, 10))
			}
		}
		withPromo += min(len(promos), 1)
		withCoupon += min(len(coupons), 1)
		if o.DiscountFen != c.DiscountFen() || !slices.Equal(o.PromotionIDs, promos) || !slices.Equal(o.CouponIDs, coupons) || o.AuthorID != "" {
			t.Errorf("trade %d: discount %d promotions %v coupons %v author %q; want %d %v %v",
				c.ID, o.DiscountFen, o.PromotionIDs, o.CouponIDs, o.AuthorID, c.DiscountFen(), promos, coupons)
		}
	}
	if withPromo == 0 || withCoupon == 0 {
		t.Fatalf("the fake's trades lack a kind of promotion: %d with promotion, %d with coupon", withPromo, withCoupon)
	}
}

func TestPromotionIDs(t *testing.T) {
	tests := []struct {
		in              string
		promos, coupons []string
	}{
		{"mjs-123024_211143", []string{"mjs-123024_211143", "123024"}, nil},
		{"Tmall$tmallItemPromotion-62198129_531730460", []string{"Tmall$tmallItemPromotion-62198129_531730460", "62198129"}, nil},
		{"shopbonus-849776280_5087068323-131212548389", nil, []string{"shopbonus-849776280_5087068323-131212548389", "849776280"}},
		{"mjs", []string{"mjs"}, nil},
		{"", nil, nil},
	}
	for _, tc := range tests {
		promos, coupons := taobao.PromotionIDs(tc.in)
		if !slices.Equal(promos, tc.promos) || !slices.Equal(coupons, tc.coupons) {
			t.Errorf("PromotionIDs(%q) = %v, %v; want %v, %v", tc.in, promos, coupons, tc.promos, tc.coupons)
		}
	}
}
