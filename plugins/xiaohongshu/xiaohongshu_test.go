package xiaohongshu_test

import (
	"context"
	"fmt"
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

func TestListOrdersPagesWindowExactlyOnce(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 1, Orders: 45})
	cat := srv.Catalog()
	since, until := cat.Epoch.Add(-25*24*time.Hour), cat.Epoch.Add(-24*time.Hour)
	want := map[string]*fakekit.Order{}
	for _, o := range cat.Orders {
		if !o.Created.Before(since) && o.Created.Before(until) {
			want[fake.OrderID(o)] = o
		}
	}
	seen, cursor := map[string]bool{}, ""
	for {
		page, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection(), Since: since, Until: until, Cursor: cursor, PageSize: 7})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Orders {
			c := want[o.ExternalID]
			if c == nil || seen[o.ExternalID] {
				t.Fatalf("unexpected or repeated %s", o.ExternalID)
			}
			seen[o.ExternalID] = true
			wantStatus := map[fakekit.OrderState]string{fakekit.StateUnpaid: sdk.OrderPendingPayment, fakekit.StatePaid: sdk.OrderPaid,
				fakekit.StateShipped: sdk.OrderShipped, fakekit.StateCompleted: sdk.OrderCompleted,
				fakekit.StateCancelled: sdk.OrderCancelled, fakekit.StateRefunded: sdk.OrderRefunded}[c.State]
			if o.TotalFen != c.TotalFen() || o.PaidFen != c.PaidFen() || o.Status != wantStatus || !o.CreatedAt.Equal(c.Created) ||
				len(o.Lines) != len(c.Lines) || o.Lines[0].UnitPriceFen != c.Lines[0].UnitFen || o.Lines[0].ProductExternalID == "" {
				t.Fatalf("order %+v vs %+v", o, c)
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(seen) != len(want) || len(want) == 0 {
		t.Fatalf("saw %d of %d", len(seen), len(want))
	}
}

func TestUpdateStockAndPublishAndMetrics(t *testing.T) {
	srv, p := setup(t, fake.Options{Products: 2, Orders: 300})
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
	wantKind(t, err, sdk.KindPlatform, "5001")

	req := sdk.PublishContentRequest{Connection: srv.Connection(), Kind: "ARTICLE", Title: "夏日穿搭", Body: "清爽<百搭>",
		MediaURLs: []string{"https://img.example/a.jpg"}, Tags: []string{"穿搭"}, IdempotencyKey: "n-1"}
	a, err := p.PublishContent(ctx(t), req)
	b, _ := p.PublishContent(ctx(t), req)
	if err != nil || a.ExternalPostID == "" || b.ExternalPostID != a.ExternalPostID || len(srv.Notes()) != 1 || srv.Notes()[0].Desc != "清爽<百搭>" {
		t.Fatalf("%+v %v %+v", a, err, srv.Notes())
	}

	day := srv.Catalog().Epoch.AddDate(0, 0, -2).Format("2006-01-02")
	m, err := p.FetchMetrics(ctx(t), sdk.FetchMetricsRequest{Connection: srv.Connection(), From: day, To: day})
	want := srv.Catalog().DailyMetrics(day, platformhttp.Shanghai())
	if err != nil || len(m.Days) != 1 || m.Days[0].GMVFen != want.GMVFen || m.Days[0].TrafficSources["CONTENT"] != want.Sources["CONTENT"] {
		t.Fatalf("%+v %v", m, err)
	}
}

func TestAuthorizeAndRefresh(t *testing.T) {
	srv, p := setup(t, fake.Options{})
	tok, err := p.Authorize(ctx(t), sdk.AuthorizeRequest{Connection: srv.Connection(), Code: srv.AuthCode()})
	if err != nil || tok.AccessToken != srv.AccessToken() || tok.ShopID != srv.Options().SellerID || tok.ExpiresAt.Before(time.Now()) {
		t.Fatalf("%+v %v", tok, err)
	}
	_, err = p.Authorize(ctx(t), sdk.AuthorizeRequest{Connection: srv.Connection(), Code: "bad"})
	wantKind(t, err, sdk.KindPlatform, "5001")
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
		wantKind(t, err, sdk.KindAuthExpired, "3002")
	}
}

func TestBadSignatureAndTimestampRefused(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*fake.Server, *sdk.Connection)
		code string
	}{
		{"wrong secret", func(_ *fake.Server, c *sdk.Connection) { c.Credentials["app_secret"] = "x" }, "2002"},
		{"wrong appId", func(_ *fake.Server, c *sdk.Connection) { c.Credentials["app_id"] = "x" }, "2004"},
		{"clock ahead", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(11 * time.Minute) }, "2003"},
		{"clock behind", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(-11 * time.Minute) }, "2003"},
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
			srv, p := setup(t, fake.Options{})
			tc.inject(srv)
			_, err := p.FetchMetrics(ctx(t), sdk.FetchMetricsRequest{Connection: srv.Connection(), From: "2024-01-01", To: "2024-01-02"})
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
