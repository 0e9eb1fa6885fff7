package douyin_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
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
	if err != nil || d.PlatformID != "douyin" || d.DefaultEndpoint != douyin.DefaultEndpoint || len(d.CredentialFields) != 3 {
		t.Fatalf("Describe = %+v, %v", d, err)
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

func TestListOrdersPagesWindowExactlyOnce(t *testing.T) {
	srv, p := setup(t, fake.Options{Seed: 4, Orders: 61})
	cat := srv.Catalog()
	since, until := cat.Epoch.Add(-20*24*time.Hour), cat.Epoch.Add(-2*24*time.Hour)
	want := map[string]*fakekit.Order{}
	for _, o := range cat.Orders {
		if !o.Created.Before(since) && o.Created.Before(until) {
			want[strconv.FormatInt(o.ID, 10)] = o
		}
	}
	seen, cursor := map[string]bool{}, ""
	for {
		page, err := p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: srv.Connection(), Since: since, Until: until, Cursor: cursor, PageSize: 9})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Orders {
			c := want[o.ExternalID]
			if c == nil || seen[o.ExternalID] {
				t.Fatalf("unexpected or repeated order %s", o.ExternalID)
			}
			seen[o.ExternalID] = true
			wantStatus := map[fakekit.OrderState]string{fakekit.StateUnpaid: sdk.OrderPendingPayment, fakekit.StatePaid: sdk.OrderPaid,
				fakekit.StateShipped: sdk.OrderShipped, fakekit.StateCompleted: sdk.OrderCompleted,
				fakekit.StateCancelled: sdk.OrderCancelled, fakekit.StateRefunded: sdk.OrderRefunded}[c.State]
			if o.TotalFen != c.TotalFen() || o.PaidFen != c.PaidFen() || o.Status != wantStatus || !o.CreatedAt.Equal(c.Created) || len(o.Lines) != len(c.Lines) {
				t.Fatalf("order %+v vs %+v", o, c)
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(seen) != len(want) || len(want) == 0 {
		t.Fatalf("saw %d of %d orders", len(seen), len(want))
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

func TestPublishContent(t *testing.T) {
	srv, p := setup(t, fake.Options{})
	req := sdk.PublishContentRequest{Connection: srv.Connection(), Kind: "SHORT_VIDEO", Title: "开箱<测评>", Body: "限时&优惠",
		MediaURLs: []string{"https://v.example/1.mp4"}, Tags: []string{"好物"}, IdempotencyKey: "c-1"}
	a, err := p.PublishContent(ctx(t), req)
	if err != nil || a.ExternalPostID == "" {
		t.Fatalf("%+v %v", a, err)
	}
	b, _ := p.PublishContent(ctx(t), req)
	if posts := srv.Posts(); len(posts) != 1 || b.ExternalPostID != a.ExternalPostID || posts[0].Title != "开箱<测评>" || posts[0].Text != "限时&优惠" {
		t.Fatalf("posts %+v", posts)
	}
}

func TestFetchMetrics(t *testing.T) {
	srv, p := setup(t, fake.Options{Orders: 300})
	cat := srv.Catalog()
	day := cat.Epoch.AddDate(0, 0, -3).Format("2006-01-02")
	res, err := p.FetchMetrics(ctx(t), sdk.FetchMetricsRequest{Connection: srv.Connection(), From: day, To: day})
	if err != nil || len(res.Days) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	m := cat.DailyMetrics(day, platformhttp.Shanghai())
	d := res.Days[0]
	if d.GMVFen != m.GMVFen || d.PaidOrders != m.PaidOrders || d.TrafficSources["PAID"] != m.Sources["PAID"] || d.TrafficSources["OTHER"] != m.Sources["OTHER"] {
		t.Fatalf("%+v vs %+v", d, m)
	}
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
	// The old token is now invalid and its refresh token spent: typed auth error.
	_, err = p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: conn})
	wantKind(t, err, sdk.KindInvalidRequest, "isv.parameter-invalid:refresh_token")
	conn.RefreshToken = ""
	_, err = p.ListOrders(ctx(t), sdk.ListOrdersRequest{Connection: conn})
	wantKind(t, err, sdk.KindAuthExpired, "isv.access-token-no-exist")
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
		{"clock 11 min ahead", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(11 * time.Minute) }, sdk.KindInvalidRequest, "isv.timestamp-invalid"},
		{"clock 11 min behind", func(s *fake.Server, _ *sdk.Connection) { s.SetClockSkew(-11 * time.Minute) }, sdk.KindInvalidRequest, "isv.timestamp-invalid"},
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
