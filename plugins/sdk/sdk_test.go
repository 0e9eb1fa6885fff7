package sdk_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/opsgraph/opsgraph/plugins/sdk"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// recorder is a Platform that records the last request and returns canned
// results or a canned error.
type recorder struct {
	last any
	err  error
}

var (
	ts    = time.Date(2025, 11, 11, 0, 0, 1, 500, time.UTC)
	conn  = sdk.Connection{Endpoint: "http://127.0.0.1:1/router", ShopID: "s1", Credentials: map[string]string{"app_key": "k", "app_secret": "sec"}, AccessToken: "at", RefreshToken: "rt"}
	token = &sdk.Token{AccessToken: "a", RefreshToken: "r", ExpiresAt: ts, ShopID: "s1", ShopName: "店"}
	desc  = &sdk.Description{PlatformID: "acme", DisplayName: "Acme", PluginVersion: "0.1.0",
		Capabilities:     []sdk.Capability{sdk.CapProducts, sdk.CapOrders},
		CredentialFields: []sdk.CredentialField{{Name: "app_key", Description: "d", Required: true}, {Name: "app_secret", Secret: true}},
		DefaultEndpoint:  "https://gw"}
	products = &sdk.ProductPage{Products: []sdk.Product{{ExternalID: "p1", Title: "T", Status: "ON_SALE", PriceFen: 100, Stock: 3, UpdatedAt: ts,
		SKUs: []sdk.SKU{{ExternalID: "k1", Name: "颜色:红色", PriceFen: 100, Stock: 3, Barcode: "690"}}}}, NextCursor: "c2", Total: 9, NewToken: token}
	orders = &sdk.OrderPage{Orders: []sdk.Order{{ExternalID: "o1", Status: sdk.OrderPaid, RawStatus: "WAIT_SELLER_SEND_GOODS", TotalFen: 500, PaidFen: 450,
		BuyerRef: "b", TrafficSource: "PAID", CreatedAt: ts, PaidAt: ts, UpdatedAt: ts,
		PromotionIDs: []string{"mjs-123024_211143", "123024"}, CouponIDs: []string{"7012"}, AuthorID: "3762517386",
		TrackingCode: "KOL-7", DiscountFen: 50,
		Lines: []sdk.OrderLine{{ExternalID: "l1", ProductExternalID: "p1", SKUExternalID: "k1", Title: "T", Quantity: 5, UnitPriceFen: 100, TotalFen: 500}}}},
		Total: -1}
	metrics = &sdk.MetricsResult{Days: []sdk.DailyMetrics{{Date: "2025-11-11", Visitors: 1, PageViews: 2, AddToCart: 3, Orders: 4, PaidOrders: 5,
		GMVFen: 6, RefundsFen: 7, TrafficSources: map[string]int64{"PAID": 1}}}}
)

func (r *recorder) Describe(context.Context) (*sdk.Description, error) { return desc, r.err }
func (r *recorder) Authorize(_ context.Context, req sdk.AuthorizeRequest) (*sdk.Token, error) {
	r.last = req
	return token, r.err
}
func (r *recorder) RefreshToken(_ context.Context, c sdk.Connection) (*sdk.Token, error) {
	r.last = c
	return token, r.err
}
func (r *recorder) ListProducts(_ context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	r.last = req
	return products, r.err
}
func (r *recorder) ListOrders(_ context.Context, req sdk.ListOrdersRequest) (*sdk.OrderPage, error) {
	r.last = req
	return orders, r.err
}
func (r *recorder) UpdateStock(_ context.Context, req sdk.UpdateStockRequest) (*sdk.UpdateStockResult, error) {
	r.last = req
	return &sdk.UpdateStockResult{Quantity: req.Quantity, NewToken: token}, r.err
}
func (r *recorder) PublishContent(_ context.Context, req sdk.PublishContentRequest) (*sdk.PublishResult, error) {
	r.last = req
	return &sdk.PublishResult{ExternalPostID: "post1", URL: "https://x/post1"}, r.err
}
func (r *recorder) FetchMetrics(_ context.Context, req sdk.FetchMetricsRequest) (*sdk.MetricsResult, error) {
	r.last = req
	return metrics, r.err
}

// connect serves impl in-process with go-plugin's gRPC test harness and returns
// the host-side Platform.
func connect(t *testing.T, impl sdk.Platform) sdk.Platform {
	t.Helper()
	client, _ := plugin.TestPluginGRPCConn(t, false, map[string]plugin.Plugin{sdk.PluginName: &sdk.GRPCPlugin{Impl: impl}})
	// Close also stops the server (go-plugin's controller Shutdown); stopping it
	// here as well would race with that.
	t.Cleanup(func() { client.Close() })
	raw, err := client.Dispense(sdk.PluginName)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(sdk.Platform)
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

func TestContractRoundTrip(t *testing.T) {
	rec := &recorder{}
	p := connect(t, rec)
	ctx := context.Background()

	d, err := p.Describe(ctx)
	must(t, err)
	eq(t, "Describe", d, desc)

	areq := sdk.AuthorizeRequest{Connection: conn, Code: "c", RedirectURI: "https://cb"}
	tok, err := p.Authorize(ctx, areq)
	must(t, err)
	eq(t, "Authorize token", tok, token)
	eq(t, "Authorize request", rec.last, areq)

	tok, err = p.RefreshToken(ctx, conn)
	must(t, err)
	eq(t, "RefreshToken", tok, token)
	eq(t, "RefreshToken request", rec.last, conn)

	preq := sdk.ListProductsRequest{Connection: conn, Since: ts, Cursor: "c1", PageSize: 50}
	pp, err := p.ListProducts(ctx, preq)
	must(t, err)
	eq(t, "ListProducts", pp, products)
	eq(t, "ListProducts request", rec.last, preq)

	oreq := sdk.ListOrdersRequest{Connection: conn, Since: ts, Until: ts.Add(time.Hour), Cursor: "x", PageSize: 10}
	op, err := p.ListOrders(ctx, oreq)
	must(t, err)
	eq(t, "ListOrders", op, orders)
	eq(t, "ListOrders request", rec.last, oreq)

	sreq := sdk.UpdateStockRequest{Connection: conn, ProductExternalID: "p1", SKUExternalID: "k1", Quantity: 7, IdempotencyKey: "idem"}
	sr, err := p.UpdateStock(ctx, sreq)
	must(t, err)
	eq(t, "UpdateStock", sr, &sdk.UpdateStockResult{Quantity: 7, NewToken: token})
	eq(t, "UpdateStock request", rec.last, sreq)

	creq := sdk.PublishContentRequest{Connection: conn, Kind: "ARTICLE", Title: "t", Body: "b", MediaURLs: []string{"u"}, Tags: []string{"x", "y"}, IdempotencyKey: "i"}
	pr, err := p.PublishContent(ctx, creq)
	must(t, err)
	eq(t, "PublishContent", pr, &sdk.PublishResult{ExternalPostID: "post1", URL: "https://x/post1"})
	eq(t, "PublishContent request", rec.last, creq)

	mreq := sdk.FetchMetricsRequest{Connection: conn, From: "2025-11-01", To: "2025-11-11"}
	mr, err := p.FetchMetrics(ctx, mreq)
	must(t, err)
	eq(t, "FetchMetrics", mr, metrics)
	eq(t, "FetchMetrics request", rec.last, mreq)
}

func TestZeroValuesRoundTrip(t *testing.T) {
	rec := &recorder{}
	p := connect(t, rec)
	_, err := p.ListProducts(context.Background(), sdk.ListProductsRequest{})
	must(t, err)
	// Zero times stay zero, nil maps stay nil: the wire form does not invent values.
	eq(t, "empty request", rec.last, sdk.ListProductsRequest{})
}

func TestErrorsRoundTrip(t *testing.T) {
	rec := &recorder{}
	p := connect(t, rec)
	ctx := context.Background()
	for _, want := range []*sdk.Error{
		{Kind: sdk.KindAuthExpired, Message: "token expired", PlatformCode: "27"},
		{Kind: sdk.KindRateLimited, Message: "slow down", PlatformCode: "isv.api-limit", RetryAfter: 1500 * time.Millisecond},
		{Kind: sdk.KindInvalidRequest, Message: "bad sku"},
		{Kind: sdk.KindPlatform, Message: "item missing", PlatformCode: "isv.item-not-exist"},
		{Kind: sdk.KindUnavailable, Message: "503"},
		{Kind: sdk.KindUnimplemented, Message: "no metrics"},
	} {
		rec.err = fmt.Errorf("wrapped: %w", want)
		_, err := p.ListOrders(ctx, sdk.ListOrdersRequest{})
		var got *sdk.Error
		if !errors.As(err, &got) {
			t.Fatalf("%s: got %T %v", want.Kind, err, err)
		}
		eq(t, string(want.Kind), got, want)
		if sdk.KindOf(err) != want.Kind {
			t.Errorf("KindOf = %s, want %s", sdk.KindOf(err), want.Kind)
		}
	}

	rec.err = errors.New("boom")
	_, err := p.ListOrders(ctx, sdk.ListOrdersRequest{})
	if sdk.KindOf(err) != sdk.KindPlatform || !errors.Is(err, sdk.ErrUntyped) || !strings.Contains(err.Error(), "boom") {
		t.Errorf("untyped error: %v", err)
	}
	rec.err = context.DeadlineExceeded
	_, err = p.ListOrders(ctx, sdk.ListOrdersRequest{})
	if sdk.KindOf(err) != sdk.KindUnavailable || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline error: %v", err)
	}
	rec.err = &sdk.Error{Kind: "NEW_KIND_FROM_THE_FUTURE", Message: "m"}
	_, err = p.ListOrders(ctx, sdk.ListOrdersRequest{})
	if sdk.KindOf(err) != sdk.KindPlatform {
		t.Errorf("unknown kind should degrade to PLATFORM_ERROR: %v", err)
	}
}

func TestNilResultIsAnError(t *testing.T) {
	p := connect(t, nilPlatform{})
	_, err := p.Describe(context.Background())
	if sdk.KindOf(err) != sdk.KindPlatform {
		t.Fatalf("nil result: %v", err)
	}
}

type nilPlatform struct{ sdk.Unimplemented }

func (nilPlatform) Describe(context.Context) (*sdk.Description, error) { return nil, nil }

func TestUnimplemented(t *testing.T) {
	p := connect(t, nilPlatform{})
	ctx := context.Background()
	calls := map[string]error{}
	_, calls["Authorize"] = p.Authorize(ctx, sdk.AuthorizeRequest{})
	_, calls["RefreshToken"] = p.RefreshToken(ctx, sdk.Connection{})
	_, calls["ListProducts"] = p.ListProducts(ctx, sdk.ListProductsRequest{})
	_, calls["ListOrders"] = p.ListOrders(ctx, sdk.ListOrdersRequest{})
	_, calls["UpdateStock"] = p.UpdateStock(ctx, sdk.UpdateStockRequest{})
	_, calls["PublishContent"] = p.PublishContent(ctx, sdk.PublishContentRequest{})
	_, calls["FetchMetrics"] = p.FetchMetrics(ctx, sdk.FetchMetricsRequest{})
	for name, err := range calls {
		if sdk.KindOf(err) != sdk.KindUnimplemented {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFromRPCError(t *testing.T) {
	for _, c := range []struct {
		in    error
		kind  sdk.ErrorKind
		cause error
	}{
		{status.Error(codes.Unavailable, "connection refused"), sdk.KindUnavailable, nil},
		{status.Error(codes.DeadlineExceeded, "x"), sdk.KindUnavailable, context.DeadlineExceeded},
		{status.Error(codes.Canceled, "x"), sdk.KindUnavailable, context.Canceled},
		{status.Error(codes.Unimplemented, "unknown method"), sdk.KindUnimplemented, nil},
		{status.Error(codes.Internal, "x"), sdk.KindPlatform, sdk.ErrUntyped},
		{context.DeadlineExceeded, sdk.KindUnavailable, context.DeadlineExceeded},
	} {
		err := sdk.FromRPCError(c.in)
		if sdk.KindOf(err) != c.kind || (c.cause != nil && !errors.Is(err, c.cause)) {
			t.Errorf("FromRPCError(%v) = %v", c.in, err)
		}
	}
	if sdk.FromRPCError(nil) != nil {
		t.Error("nil should stay nil")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestConnectionFormattingRedactsSecrets(t *testing.T) {
	c := sdk.Connection{ShopID: "s1", Credentials: map[string]string{"app_key": "pub-key", "app_secret": "SECRET1"}, AccessToken: "SECRET2", RefreshToken: "SECRET3"}
	tok := sdk.Token{AccessToken: "SECRET4", RefreshToken: "SECRET5", ShopID: "s1"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "conn", c, "token", tok)
	for _, s := range []string{
		fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", &c), fmt.Sprintf("%s", c), //nolint:staticcheck // S1025: the %s verb itself is under test
		fmt.Sprintf("%+v", sdk.AuthorizeRequest{Connection: c, Code: "c"}), fmt.Sprintf("%+v", &sdk.ListOrdersRequest{Connection: c}),
		fmt.Sprint(tok), fmt.Sprintf("%+v", &tok), fmt.Sprintf("%#v", tok), buf.String(),
	} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("secret visible in %q", s)
		}
		if strings.Contains(s, "app_key") && !strings.Contains(s, "pub-key") {
			t.Errorf("public credential hidden in %q", s)
		}
	}
}

func TestLoggerRedacts(t *testing.T) {
	var buf bytes.Buffer
	base := hclog.New(&hclog.LoggerOptions{Output: &buf, JSONFormat: true, Level: hclog.Trace})
	log := sdk.Redacting(base).With("app_secret", "with-secret")
	log.Info("call", "access_token", "tok-1", "conn", conn, "creds", conn.Credentials, "req", sdk.AuthorizeRequest{Connection: conn}, "n", 3)
	log.Named("sub").Debug("again", "password", "pw-1", "connp", &conn)
	out := buf.String()
	for _, secret := range []string{"with-secret", "tok-1", "pw-1", `"sec"`, "app_secret:sec", "AccessToken:at "} {
		if strings.Contains(out, secret) {
			t.Errorf("%q leaked:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, `"n":3`) || !strings.Contains(out, "app_key:k") {
		t.Errorf("non-secret values lost:\n%s", out)
	}
}

func TestIsSecretKey(t *testing.T) {
	for k, want := range map[string]bool{
		"app_secret": true, "AppSecret": true, "access_token": true, "refresh_token": true, "password": true,
		"api_key": true, "private_key": true, "app_key": false, "shop_id": false, "method": false, "endpoint": false,
	} {
		if got := sdk.IsSecretKey(k); got != want {
			t.Errorf("IsSecretKey(%q) = %v", k, got)
		}
	}
}
