package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// PlatformID is this plugin's id: it must match the "id" of its entry in the
// plugin manifest (plugins.json).
const PlatformID = "example"

// Version is this plugin build's semantic version.
const Version = "0.1.0"

// Platform implements sdk.Platform for the "Example" platform. This template
// serves a small in-memory shop so that it runs anywhere; a real plugin replaces
// the shop with HTTP calls to the platform's open API at conn.Endpoint (default
// DefaultEndpoint), signing each request with the connection's credentials.
//
// Embedding sdk.Unimplemented answers the calls of capabilities the plugin does
// not declare (here AUTHORIZE and PUBLISH_CONTENT) with KindUnimplemented.
type Platform struct {
	sdk.Unimplemented
	log hclog.Logger

	mu   sync.Mutex
	shop *shop
}

// New returns the plugin implementation.
func New(log hclog.Logger) *Platform {
	return &Platform{log: log, shop: newShop()}
}

// Describe tells the host who we are and what we can do.
func (p *Platform) Describe(context.Context) (*sdk.Description, error) {
	return &sdk.Description{
		PlatformID:    PlatformID,
		DisplayName:   "Example Platform",
		PluginVersion: Version,
		Capabilities:  []sdk.Capability{sdk.CapProducts, sdk.CapOrders, sdk.CapUpdateStock, sdk.CapMetrics},
		CredentialFields: []sdk.CredentialField{
			{Name: "app_key", Description: "Application key from the platform's developer console", Required: true},
			{Name: "app_secret", Description: "Application secret used to sign requests", Secret: true, Required: true},
		},
		DefaultEndpoint: "https://api.example.com/router",
	}, nil
}

// check validates the connection the way a real plugin would before calling out.
func check(ctx context.Context, conn sdk.Connection) error {
	if err := ctx.Err(); err != nil {
		return err // the host's deadline already passed
	}
	for _, k := range []string{"app_key", "app_secret"} {
		if conn.Credentials[k] == "" {
			return sdk.Errorf(sdk.KindInvalidRequest, "missing credential %q", k)
		}
	}
	if conn.AccessToken == "expired" {
		return &sdk.Error{Kind: sdk.KindAuthExpired, Message: "access token expired", PlatformCode: "27"}
	}
	return nil
}

// Cursors are opaque to the host; this plugin encodes the next offset.
func encodeCursor(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("off:" + strconv.Itoa(off)))
}

func decodeCursor(c string, limit int) (int, error) {
	if c == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	s, ok := strings.CutPrefix(string(raw), "off:")
	if err != nil || !ok {
		return 0, sdk.Errorf(sdk.KindInvalidRequest, "unknown cursor")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > limit {
		return 0, sdk.Errorf(sdk.KindInvalidRequest, "unknown cursor")
	}
	return n, nil
}

func pageSize(n int) int {
	switch {
	case n <= 0:
		return 20
	case n > 100:
		return 100
	}
	return n
}

// ListProducts returns one page of products changed since req.Since.
func (p *Platform) ListProducts(ctx context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	if err := check(ctx, req.Connection); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var all []sdk.Product
	for _, pr := range p.shop.products {
		if req.Since.IsZero() || !pr.UpdatedAt.Before(req.Since) {
			all = append(all, pr)
		}
	}
	off, err := decodeCursor(req.Cursor, len(all))
	if err != nil {
		return nil, err
	}
	end := min(off+pageSize(req.PageSize), len(all))
	page := &sdk.ProductPage{Total: int64(len(all))}
	for _, pr := range all[off:end] {
		pr.SKUs = append([]sdk.SKU(nil), pr.SKUs...) // callers get copies
		page.Products = append(page.Products, pr)
	}
	if end < len(all) {
		page.NextCursor = encodeCursor(end)
	}
	p.log.Debug("listed products", "shop_id", req.Connection.ShopID, "count", len(page.Products))
	return page, nil
}

// ListOrders returns one page of orders updated in [req.Since, req.Until).
func (p *Platform) ListOrders(ctx context.Context, req sdk.ListOrdersRequest) (*sdk.OrderPage, error) {
	if err := check(ctx, req.Connection); err != nil {
		return nil, err
	}
	if !req.Until.IsZero() && req.Until.Before(req.Since) {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "until %s is before since %s", req.Until, req.Since)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var all []sdk.Order
	for _, o := range p.shop.orders {
		if !o.UpdatedAt.Before(req.Since) && (req.Until.IsZero() || o.UpdatedAt.Before(req.Until)) {
			all = append(all, o)
		}
	}
	off, err := decodeCursor(req.Cursor, len(all))
	if err != nil {
		return nil, err
	}
	end := min(off+pageSize(req.PageSize), len(all))
	page := &sdk.OrderPage{Orders: append([]sdk.Order(nil), all[off:end]...), Total: int64(len(all))}
	if end < len(all) {
		page.NextCursor = encodeCursor(end)
	}
	return page, nil
}

// UpdateStock sets the stock of one SKU.
func (p *Platform) UpdateStock(ctx context.Context, req sdk.UpdateStockRequest) (*sdk.UpdateStockResult, error) {
	if err := check(ctx, req.Connection); err != nil {
		return nil, err
	}
	if req.Quantity < 0 {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "quantity must not be negative, got %d", req.Quantity)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.shop.products {
		pr := &p.shop.products[i]
		if pr.ExternalID != req.ProductExternalID {
			continue
		}
		for j := range pr.SKUs {
			if pr.SKUs[j].ExternalID == req.SKUExternalID {
				pr.SKUs[j].Stock = req.Quantity
				var total int64
				for _, s := range pr.SKUs {
					total += s.Stock
				}
				pr.Stock = total
				return &sdk.UpdateStockResult{Quantity: req.Quantity}, nil
			}
		}
	}
	return nil, &sdk.Error{Kind: sdk.KindPlatform, PlatformCode: "sku-not-found",
		Message: fmt.Sprintf("no SKU %q in product %q", req.SKUExternalID, req.ProductExternalID)}
}

// FetchMetrics returns daily store metrics for req.From..req.To inclusive.
func (p *Platform) FetchMetrics(ctx context.Context, req sdk.FetchMetricsRequest) (*sdk.MetricsResult, error) {
	if err := check(ctx, req.Connection); err != nil {
		return nil, err
	}
	from, err1 := time.Parse(time.DateOnly, req.From)
	to, err2 := time.Parse(time.DateOnly, req.To)
	if err1 != nil || err2 != nil || to.Before(from) || to.Sub(from) > 92*24*time.Hour {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "bad date range %q..%q (want YYYY-MM-DD, from <= to, at most 93 days)", req.From, req.To)
	}
	res := &sdk.MetricsResult{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		n := int64(d.YearDay())
		res.Days = append(res.Days, sdk.DailyMetrics{
			Date: d.Format(time.DateOnly), Visitors: 100 + n, PageViews: 300 + 3*n, AddToCart: 20 + n%7,
			Orders: 5 + n%3, PaidOrders: 4 + n%3, GMVFen: 10000 * (4 + n%3), RefundsFen: 0,
			TrafficSources: map[string]int64{"NATURAL_SEARCH": 60 + n, "PAID": 40},
		})
	}
	return res, nil
}

// shop is the template's stand-in for the remote platform.
type shop struct {
	products []sdk.Product
	orders   []sdk.Order
}

func newShop() *shop {
	base := time.Date(2025, 10, 1, 2, 0, 0, 0, time.UTC)
	s := &shop{}
	for i := range 7 {
		id := fmt.Sprintf("item-%03d", i+1)
		skus := []sdk.SKU{
			{ExternalID: id + "-r", Name: "颜色:红色", PriceFen: int64(1990 + 100*i), Stock: int64(10 + i)},
			{ExternalID: id + "-b", Name: "颜色:蓝色", PriceFen: int64(1990 + 100*i), Stock: int64(5 + i)},
		}
		s.products = append(s.products, sdk.Product{
			ExternalID: id, Title: fmt.Sprintf("示例商品 %d", i+1), Status: "ON_SALE",
			PriceFen: int64(1990 + 100*i), Stock: skus[0].Stock + skus[1].Stock, SKUs: skus,
			UpdatedAt: base.Add(time.Duration(i) * time.Hour),
		})
	}
	statuses := []string{sdk.OrderPaid, sdk.OrderShipped, sdk.OrderCompleted, sdk.OrderPendingPayment, sdk.OrderRefunded}
	for i := range 5 {
		created := base.Add(time.Duration(24*i) * time.Hour)
		o := sdk.Order{
			ExternalID: fmt.Sprintf("order-%03d", i+1), Status: statuses[i], RawStatus: strings.ToLower(statuses[i]),
			TotalFen: 3980, BuyerRef: fmt.Sprintf("buyer-%d", i%3), TrafficSource: "NATURAL_SEARCH",
			CreatedAt: created, UpdatedAt: created.Add(time.Hour),
			Lines: []sdk.OrderLine{{ExternalID: fmt.Sprintf("line-%03d", i+1), ProductExternalID: "item-001",
				SKUExternalID: "item-001-r", Title: "示例商品 1", Quantity: 2, UnitPriceFen: 1990, TotalFen: 3980}},
		}
		if o.Status != sdk.OrderPendingPayment {
			o.PaidFen, o.PaidAt = o.TotalFen, created.Add(time.Minute)
		}
		// Attribution: fill these from your platform's order API when it has
		// them (promotion and coupon batch ids, the creator who sold the order,
		// a tracking code, the seller-funded discount); leave them empty when
		// it does not. The host links orders to campaigns and KOLs with them.
		if i%2 == 0 {
			o.PromotionIDs, o.DiscountFen = []string{"promo-618"}, 500
			o.PaidFen = max(o.PaidFen-o.DiscountFen, 0)
		}
		if i == 1 {
			o.CouponIDs, o.AuthorID = []string{"coupon-batch-10"}, "creator-42"
		}
		s.orders = append(s.orders, o)
	}
	return s
}
