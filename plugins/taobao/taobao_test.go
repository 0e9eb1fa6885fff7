package taobao_test

import (
	"context"
	"strconv"
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
	if err != nil || d.PlatformID != "taobao" || d.DefaultEndpoint != taobao.DefaultEndpoint || len(d.Capabilities) != 6 {
		t.Fatalf("Describe = %+v, %v", d, err)
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

func TestListOrdersPagesWindowExactlyOnce(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 3, Orders: 57})
	cat := srv.Catalog()
	since, until := cat.Epoch.Add(-15*24*time.Hour), cat.Epoch
	want := map[string]*fakekit.Order{}
	for _, o := range cat.Orders {
		if !o.Created.Before(since) && o.Created.Before(until) {
			want[strconv.FormatInt(o.ID, 10)] = o
		}
	}
	seen := map[string]bool{}
	cursor := ""
	for {
		page, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection(), Since: since, Until: until, Cursor: cursor, PageSize: 8})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Orders {
			c := want[o.ExternalID]
			if c == nil || seen[o.ExternalID] {
				t.Fatalf("unexpected or repeated order %s", o.ExternalID)
			}
			seen[o.ExternalID] = true
			if o.TotalFen != c.TotalFen() || o.PaidFen != c.PaidFen() || len(o.Lines) != len(c.Lines) || !o.CreatedAt.Equal(c.Created) {
				t.Fatalf("order %+v does not match catalog %+v", o, c)
			}
			if o.RawStatus != fake.TradeStatus(c.State) || o.Status != taobao.OrderStatus(o.RawStatus) {
				t.Fatalf("status %s/%s", o.Status, o.RawStatus)
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(seen) != len(want) || len(want) == 0 {
		t.Fatalf("saw %d orders, want %d", len(seen), len(want))
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

func TestPublishContentRecordedIdempotent(t *testing.T) {
	srv, p := setup(t, fake.Options{})
	req := sdk.PublishContentRequest{Connection: srv.Connection(), Kind: "ARTICLE", Title: "春季上新", Body: "<p>新品&折扣</p>",
		MediaURLs: []string{"https://img.example/1.jpg"}, Tags: []string{"上新", "春装"}, IdempotencyKey: "content-42"}
	a, err := p.PublishContent(ctx(t), req)
	if err != nil || a.ExternalPostID == "" || a.URL == "" {
		t.Fatalf("PublishContent = %+v, %v", a, err)
	}
	b, err := p.PublishContent(ctx(t), req)
	if err != nil || b.ExternalPostID != a.ExternalPostID {
		t.Fatalf("second publish = %+v, %v", b, err)
	}
	posts := srv.Posts()
	if len(posts) != 1 || posts[0].Body != req.Body || posts[0].Tags[1] != "春装" || posts[0].OuterID != "content-42" {
		t.Fatalf("posts = %+v", posts)
	}
}

func TestFetchMetrics(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 5, Orders: 400})
	cat := srv.Catalog()
	to := cat.Epoch.AddDate(0, 0, -1).Format("2006-01-02")
	from := cat.Epoch.AddDate(0, 0, -7).Format("2006-01-02")
	res, err := p.FetchMetrics(ctx(t), sdk.FetchMetricsRequest{Connection: srv.Connection(), From: from, To: to})
	if err != nil || len(res.Days) != 7 || res.Days[0].Date != from || res.Days[6].Date != to {
		t.Fatalf("FetchMetrics = %+v, %v", res, err)
	}
	for _, d := range res.Days {
		m := cat.DailyMetrics(d.Date, platformhttp.Shanghai())
		var sum int64
		for _, v := range d.TrafficSources {
			sum += v
		}
		if d.GMVFen != m.GMVFen || d.Orders != m.Orders || d.Visitors != m.Visitors || sum != d.Visitors || d.TrafficSources["NATURAL_SEARCH"] == 0 {
			t.Fatalf("day %+v vs %+v", d, m)
		}
	}
	_, err = p.FetchMetrics(ctx(t), sdk.FetchMetricsRequest{Connection: srv.Connection(), From: to, To: from})
	wantKind(t, err, sdk.KindInvalidRequest, "")
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

func TestRetries(t *testing.T) {
	tests := []struct {
		name   string
		inject func(*fake.Server)
		kind   sdk.ErrorKind
	}{
		{"rate limited twice then ok", func(s *fake.Server) { s.RateLimitNext(2) }, ""},
		{"503 twice then ok", func(s *fake.Server) { s.FailNext(2) }, ""},
		{"rate limited beyond attempts", func(s *fake.Server) { s.RateLimitNext(10) }, sdk.KindRateLimited},
		{"503 beyond attempts", func(s *fake.Server) { s.FailNext(10) }, sdk.KindUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, p := setup(t, fake.Options{Orders: 5})
			tc.inject(srv)
			_, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection()})
			if sdk.KindOf(err) != tc.kind {
				t.Fatalf("err = %v, want kind %q", err, tc.kind)
			}
			if got := srv.Calls(""); tc.kind == "" && got != 3 || tc.kind != "" && got != 4 {
				t.Fatalf("gateway saw %d requests", got)
			}
		})
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
