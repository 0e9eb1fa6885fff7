package conformance

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/go-plugin"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// good is a tiny conforming plugin; the broken variants below each violate one rule.
type good struct {
	sdk.Unimplemented
	caps          []sdk.Capability
	version       string
	loopCursor    bool   // NextCursor never ends
	unstable      bool   // cursors differ between listings
	untypedCursor bool   // an unknown cursor fails with a plain error
	undeclared    bool   // UpdateStock works although not declared
	badOrder      bool   // ListOrders returns an order with a bad discount and ids
	calls         *int64 // counts ListProducts calls
}

func (g *good) Describe(context.Context) (*sdk.Description, error) {
	v := g.version
	if v == "" {
		v = "1.0.0"
	}
	caps := g.caps
	if caps == nil {
		caps = []sdk.Capability{sdk.CapProducts}
	}
	return &sdk.Description{PlatformID: "good", DisplayName: "Good", PluginVersion: v, Capabilities: caps,
		CredentialFields: []sdk.CredentialField{{Name: "app_secret", Secret: true}}}, nil
}

func (g *good) ListProducts(_ context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	if g.calls != nil {
		*g.calls++
	}
	off := 0
	if req.Cursor != "" {
		num, _, _ := strings.Cut(strings.TrimPrefix(req.Cursor, "c"), "-")
		n, err := strconv.Atoi(num)
		if err != nil {
			if g.untypedCursor {
				return nil, errors.New("bad cursor")
			}
			return nil, sdk.Errorf(sdk.KindInvalidRequest, "bad cursor")
		}
		off = n
	}
	page := &sdk.ProductPage{}
	for i := off; i < min(off+req.PageSize, 5); i++ {
		page.Products = append(page.Products, sdk.Product{ExternalID: "p" + strconv.Itoa(i), Status: "ON_SALE"})
	}
	switch {
	case g.loopCursor:
		page.NextCursor = "c0"
	case off+req.PageSize < 5:
		page.NextCursor = "c" + strconv.Itoa(off+req.PageSize)
		if g.unstable && g.calls != nil {
			page.NextCursor += "-" + strconv.FormatInt(*g.calls, 10) // a different cursor every time
		}
	}
	return page, nil
}

func (g *good) ListOrders(ctx context.Context, req sdk.ListOrdersRequest) (*sdk.OrderPage, error) {
	if !slices.Contains(g.caps, sdk.CapOrders) {
		return g.Unimplemented.ListOrders(ctx, req)
	}
	if req.Cursor != "" {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "bad cursor")
	}
	o := sdk.Order{ExternalID: "o1", Status: sdk.OrderPaid, TotalFen: 1000, PaidFen: 900, DiscountFen: 100,
		PromotionIDs: []string{"mjs-123024_211143", "123024"}, CouponIDs: []string{"849776280"}, AuthorID: "3762517386"}
	if g.badOrder {
		o.DiscountFen, o.PromotionIDs, o.AuthorID = 2000, []string{"123024", "123024", ""}, strings.Repeat("9", 65)
	}
	return &sdk.OrderPage{Orders: []sdk.Order{o}}, nil
}

func (g *good) UpdateStock(_ context.Context, req sdk.UpdateStockRequest) (*sdk.UpdateStockResult, error) {
	if g.undeclared {
		return &sdk.UpdateStockResult{Quantity: req.Quantity}, nil
	}
	return g.Unimplemented.UpdateStock(context.Background(), req)
}

// viaGRPC serves impl in-process over the real gRPC adapters.
func viaGRPC(t *testing.T, impl sdk.Platform) sdk.Platform {
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

func TestGoodPluginPasses(t *testing.T) {
	Run(t, viaGRPC(t, &good{}), Config{})
	Run(t, viaGRPC(t, &good{caps: []sdk.Capability{sdk.CapProducts, sdk.CapOrders}}), Config{})
}

func TestBrokenPluginsAreCaught(t *testing.T) {
	var n int64
	ordersCaps := []sdk.Capability{sdk.CapProducts, sdk.CapOrders}
	cases := []struct {
		name      string
		impl      sdk.Platform
		check     string
		complaint string
	}{
		{"bad version", &good{version: "latest"}, "describe", "not a semantic version"},
		{"unknown capability", &good{caps: []sdk.Capability{sdk.CapProducts, "TELEPORT"}}, "describe", `unknown capability "TELEPORT"`},
		{"endless paging", &good{loopCursor: true}, "products", "repeats"},
		{"unstable cursors", &good{unstable: true, calls: &n}, "products", "different pages"},
		{"untyped error", &good{untypedCursor: true}, "errors", "untyped error"},
		{"undeclared capability works", &good{undeclared: true}, "capabilities", "must fail with UNIMPLEMENTED"},
		{"discount above total", &good{caps: ordersCaps, badOrder: true}, "orders", "discount 2000 outside 0..total 1000"},
		{"repeated promotion id", &good{caps: ordersCaps, badOrder: true}, "orders", `repeats promotion id "123024"`},
		{"empty promotion id", &good{caps: ordersCaps, badOrder: true}, "orders", "empty promotion id"},
		{"over-long author id", &good{caps: ordersCaps, badOrder: true}, "orders", "has author id"},
		{"declared capability missing", &good{caps: []sdk.Capability{sdk.CapProducts, sdk.CapMetrics}}, "declared", "capability METRICS is declared"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			problems := Check(viaGRPC(t, c.impl), Config{})
			got := strings.Join(problems[c.check], "\n")
			if !strings.Contains(got, c.complaint) {
				t.Fatalf("check %q should complain about %q; problems: %v", c.check, c.complaint, problems)
			}
		})
	}
}
