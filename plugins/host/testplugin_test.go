package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// The test binary doubles as a plugin: run with `opsgraph-test-plugin <mode>:<id>`
// it serves testPlatform instead of running tests (see TestMain). Modes:
//
//	echo  a normal protocol-1 plugin
//	v2    the same implementation offered only as protocol version 2
const testPluginArg = "opsgraph-test-plugin"

func testPluginSpec(mode, id string) Spec {
	return Spec{ID: id, Path: os.Args[0], Args: []string{testPluginArg, mode + ":" + id}}
}

func serveTestPlugin(arg string) {
	mode, id, _ := strings.Cut(arg, ":")
	log := sdk.NewLogger(id)
	impl := &testPlatform{id: id, log: log}
	switch mode {
	case "echo":
		sdk.Serve(impl, sdk.WithLogger(log))
	case "v2":
		goplugin.Serve(&goplugin.ServeConfig{
			HandshakeConfig: sdk.Handshake,
			VersionedPlugins: map[int]goplugin.PluginSet{
				2: {sdk.PluginName: &sdk.GRPCPlugin{Impl: impl}},
			},
			GRPCServer: goplugin.DefaultGRPCServer,
			Logger:     log,
		})
	default:
		fmt.Fprintf(os.Stderr, "unknown test plugin mode %q\n", mode)
		os.Exit(2)
	}
}

// Messages the test plugin logs so tests can wait for a call to be in flight.
const (
	msgBlocked = "test-plugin: blocked until the call's context ends"
	msgHanging = "test-plugin: hanging, ignoring the call's context"
)

// testPlatform is a small deterministic platform: 5 products paged by a cursor
// that is the next offset, plus magic cursors and SKUs that trigger behaviours.
type testPlatform struct {
	sdk.Unimplemented
	id  string
	log hclog.Logger
}

func (p *testPlatform) Describe(context.Context) (*sdk.Description, error) {
	return &sdk.Description{
		PlatformID:    p.id,
		DisplayName:   "Test " + p.id,
		PluginVersion: "1.2.3",
		Capabilities:  []sdk.Capability{sdk.CapAuthorize, sdk.CapProducts, sdk.CapUpdateStock},
		CredentialFields: []sdk.CredentialField{
			{Name: "app_key", Required: true},
			{Name: "app_secret", Secret: true, Required: true},
		},
		DefaultEndpoint: "https://gw.example.invalid/router",
	}, nil
}

func (p *testPlatform) Authorize(_ context.Context, req sdk.AuthorizeRequest) (*sdk.Token, error) {
	// Deliberately careless logging: the SDK logger must redact it.
	p.log.Info("authorizing", "conn", req.Connection, "app_secret", req.Connection.Credentials["app_secret"], "access_token", "at-"+req.Code)
	if req.Code == "" {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "empty authorization code")
	}
	return &sdk.Token{AccessToken: "at-" + req.Code, RefreshToken: "rt-" + req.Code,
		ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), ShopID: "shop-1", ShopName: "测试店铺"}, nil
}

func (p *testPlatform) RefreshToken(_ context.Context, conn sdk.Connection) (*sdk.Token, error) {
	if conn.RefreshToken == "" {
		return nil, &sdk.Error{Kind: sdk.KindAuthExpired, Message: "refresh token expired", PlatformCode: "27"}
	}
	return &sdk.Token{AccessToken: "new", RefreshToken: conn.RefreshToken}, nil
}

const testProducts = 5

func (p *testPlatform) ListProducts(ctx context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	switch req.Cursor {
	case "block":
		p.log.Info(msgBlocked)
		<-ctx.Done()
		return nil, ctx.Err()
	case "hang":
		p.log.Info(msgHanging)
		select {} // a broken plugin that ignores deadlines
	case "panic":
		panic("test plugin panic")
	case "untyped":
		return nil, errors.New("something broke")
	}
	off := 0
	if req.Cursor != "" {
		n, err := strconv.Atoi(req.Cursor)
		if err != nil || n < 0 || n > testProducts {
			return nil, sdk.Errorf(sdk.KindInvalidRequest, "bad cursor %q", req.Cursor)
		}
		off = n
	}
	size := req.PageSize
	if size <= 0 {
		size = 2
	}
	page := &sdk.ProductPage{Total: testProducts}
	for i := off; i < min(off+size, testProducts); i++ {
		page.Products = append(page.Products, sdk.Product{
			ExternalID: fmt.Sprintf("item-%d", i), Title: fmt.Sprintf("商品 %d", i), Status: "ON_SALE",
			PriceFen: int64(1000 + i), Stock: int64(i),
			SKUs:      []sdk.SKU{{ExternalID: fmt.Sprintf("sku-%d", i), Name: "颜色:红色", PriceFen: int64(1000 + i), Stock: int64(i)}},
			UpdatedAt: time.Date(2025, 11, 1, 8, 0, i, 0, time.UTC),
		})
	}
	if off+size < testProducts {
		page.NextCursor = strconv.Itoa(off + size)
	}
	return page, nil
}

func (p *testPlatform) UpdateStock(_ context.Context, req sdk.UpdateStockRequest) (*sdk.UpdateStockResult, error) {
	switch {
	case req.Quantity < 0:
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "negative quantity %d", req.Quantity)
	case req.SKUExternalID == "limited":
		return nil, &sdk.Error{Kind: sdk.KindRateLimited, Message: "too many calls", PlatformCode: "isv.rate-limit", RetryAfter: 7 * time.Second}
	case req.SKUExternalID == "down":
		return nil, sdk.Errorf(sdk.KindUnavailable, "platform answered 503")
	}
	return &sdk.UpdateStockResult{Quantity: req.Quantity}, nil
}
