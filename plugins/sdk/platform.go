// Package sdk is what a platform integrator imports to write an OpsGraph plugin.
//
// A plugin implements Platform and calls Serve from its main function. The host
// (package plugins/host) launches the plugin as a separate process and talks to it
// over gRPC (protocol opsgraph.platform.v1) through hashicorp/go-plugin. Plugins never
// touch the OpsGraph database: they return data and the host upserts it.
package sdk

import (
	"context"
	"time"
)

// ProtocolVersion is the plugin protocol version this SDK speaks. A host refuses a
// plugin that offers only versions it does not know.
const ProtocolVersion = 1

// Capability names a call a plugin implements beyond Describe.
type Capability string

// Capabilities a plugin may declare in Describe. A plugin declares only what it
// implements against a documented platform API; the host never calls an
// undeclared capability (it answers NOT_SUPPORTED instead), and a plugin answers
// KindUnimplemented when one is called anyway. PUBLISH_CONTENT and METRICS are
// optional: none of the built-in platforms documents an API for them.
const (
	CapAuthorize      Capability = "AUTHORIZE"
	CapProducts       Capability = "PRODUCTS"
	CapOrders         Capability = "ORDERS"
	CapUpdateStock    Capability = "UPDATE_STOCK"
	CapPublishContent Capability = "PUBLISH_CONTENT"
	CapMetrics        Capability = "METRICS"
)

// Platform is the contract every platform plugin implements. Every call gets a
// context carrying the host's deadline; implementations must honour it.
type Platform interface {
	Describe(ctx context.Context) (*Description, error)
	Authorize(ctx context.Context, req AuthorizeRequest) (*Token, error)
	RefreshToken(ctx context.Context, conn Connection) (*Token, error)
	ListProducts(ctx context.Context, req ListProductsRequest) (*ProductPage, error)
	ListOrders(ctx context.Context, req ListOrdersRequest) (*OrderPage, error)
	UpdateStock(ctx context.Context, req UpdateStockRequest) (*UpdateStockResult, error)
	PublishContent(ctx context.Context, req PublishContentRequest) (*PublishResult, error)
	FetchMetrics(ctx context.Context, req FetchMetricsRequest) (*MetricsResult, error)
}

// Has reports whether d declares capability c.
func (d *Description) Has(c Capability) bool {
	if d == nil {
		return false
	}
	for _, x := range d.Capabilities {
		if x == c {
			return true
		}
	}
	return false
}

// Description is what a plugin says about itself.
type Description struct {
	PlatformID       string // "taobao", "douyin", "xiaohongshu", or a third party's id
	DisplayName      string
	PluginVersion    string // semver of the plugin build
	Capabilities     []Capability
	CredentialFields []CredentialField
	DefaultEndpoint  string // the real gateway; a Connection.Endpoint overrides it
}

// CredentialField describes one credential the plugin needs from the store connection.
type CredentialField struct {
	Name        string // e.g. "app_key", "app_secret"
	Description string
	Secret      bool // never shown back to users
	Required    bool
}

// Connection is a store's link to the platform as the host hands it to the plugin.
type Connection struct {
	Endpoint     string            // empty: DefaultEndpoint
	ShopID       string            // the platform's external shop id
	Credentials  map[string]string // app_key, app_secret, ...
	AccessToken  string
	RefreshToken string
}

// Token is the result of Authorize or RefreshToken.
type Token struct {
	AccessToken  string
	RefreshToken string
	ExpiresAt    time.Time
	ShopID       string
	ShopName     string
}

// AuthorizeRequest exchanges an OAuth code for tokens.
type AuthorizeRequest struct {
	Connection  Connection
	Code        string
	RedirectURI string
}

// Page results carry NewToken when the plugin had to refresh the access token
// while serving the call; the host must persist it.

// ListProductsRequest asks for one page of products changed since Since (zero: all).
type ListProductsRequest struct {
	Connection Connection
	Since      time.Time
	Cursor     string // opaque, from the previous page's NextCursor; empty for the first page
	PageSize   int
}

// ProductPage is one page of products.
type ProductPage struct {
	Products   []Product
	NextCursor string // empty when this was the last page
	Total      int64  // total across pages if the platform says, else -1
	NewToken   *Token
}

// Product is a platform product (item / 商品) with its SKUs. Money is in fen (分).
type Product struct {
	ExternalID string
	Title      string
	Status     string // normalized: ON_SALE, OFF_SALE, DELETED
	PriceFen   int64
	Stock      int64
	SKUs       []SKU
	UpdatedAt  time.Time
}

// SKU is one sellable variant of a product.
type SKU struct {
	ExternalID string
	Name       string // human readable properties, e.g. "颜色:红色;尺码:M"
	PriceFen   int64
	Stock      int64
	Barcode    string
}

// ListOrdersRequest asks for one page of orders created or updated in [Since, Until).
//
// Plugins select by the platform's modification time so that an order paid,
// shipped or refunded after an earlier sync comes back, in the windows the
// platform allows; the cursor carries the window. CreatedOnly says the host
// holds nothing older than Since (a first sync), so orders created in the range
// are enough and the plugin may use the platform's creation-time listing.
type ListOrdersRequest struct {
	Connection  Connection
	Since       time.Time
	Until       time.Time
	Cursor      string
	PageSize    int
	CreatedOnly bool
}

// OrderPage is one page of orders.
type OrderPage struct {
	Orders     []Order
	NextCursor string
	Total      int64
	NewToken   *Token
}

// Order statuses, normalized across platforms.
const (
	OrderPendingPayment = "PENDING_PAYMENT"
	OrderPaid           = "PAID"
	OrderShipped        = "SHIPPED"
	OrderCompleted      = "COMPLETED"
	OrderCancelled      = "CANCELLED"
	OrderRefunded       = "REFUNDED"
)

// Order is a platform order (trade / 订单).
type Order struct {
	ExternalID    string
	Status        string // one of the Order* constants
	RawStatus     string // the platform's own status string
	TotalFen      int64
	PaidFen       int64
	BuyerRef      string // a pseudonymous buyer reference, never personal data
	TrafficSource string // NATURAL_SEARCH, PAID, CONTENT, SOCIAL, PRIVATE_DOMAIN, OTHER, or ""
	CreatedAt     time.Time
	PaidAt        time.Time // zero if unpaid
	UpdatedAt     time.Time
	Lines         []OrderLine

	// Attribution (optional fields added to protocol version 1): what the platform says
	// about why the order was placed. The host links orders to campaigns and
	// KOL collaborations with them. Leave a field empty when the platform's
	// order API does not carry it; never invent values.

	// PromotionIDs are the platform's promotion (activity) ids applied to the
	// order (Taobao promotion_details[].promotion_id, 抖店 campaign_id). A
	// plugin may send an id in more than one documented form (e.g. Taobao's
	// full "tool-activity_detail" id and its activity id).
	PromotionIDs []string
	// CouponIDs are the platform's coupon batch ids redeemed on the order
	// (抖店 coupon_meta_id, the activity id of a Taobao shopbonus promotion).
	CouponIDs []string
	// AuthorID is the platform's id of the creator (达人) who sold the order:
	// 抖店 sku_order_list[].author_id of a live-room or video order.
	AuthorID string
	// TrackingCode is a KOL tracking code the order carries, when the platform
	// has such a field (none of the built-in platforms does).
	TrackingCode string
	// DiscountFen is the seller-funded discount on the order (商家承担), in fen;
	// platform and creator subsidies are excluded. Counted as campaign spend.
	DiscountFen int64
}

// OrderLine is one line of an order.
type OrderLine struct {
	ExternalID        string
	ProductExternalID string
	SKUExternalID     string
	Title             string
	Quantity          int64
	UnitPriceFen      int64
	TotalFen          int64
}

// Limits on an order's attribution ids. The host drops an id longer than
// MaxAttributionIDLen bytes (cutting it would match someone else's) and keeps
// the first MaxAttributionIDs promotion and coupon ids; the conformance suite
// fails a plugin that sends such ids, an empty or repeated one, or a discount
// outside 0..TotalFen.
const (
	MaxAttributionIDLen = 64
	MaxAttributionIDs   = 32
)

// UpdateStockRequest sets the stock of one SKU (full quantity, not a delta).
type UpdateStockRequest struct {
	Connection        Connection
	ProductExternalID string
	SKUExternalID     string
	Quantity          int64
	IdempotencyKey    string
}

// UpdateStockResult is the stock as the platform reports it after the update.
type UpdateStockResult struct {
	Quantity int64
	NewToken *Token
}

// PublishContentRequest pushes an approved piece of content to the platform.
type PublishContentRequest struct {
	Connection     Connection
	Kind           string // ARTICLE, SHORT_VIDEO, LIVE, TOPIC
	Title          string
	Body           string
	MediaURLs      []string
	Tags           []string
	IdempotencyKey string
}

// PublishResult carries the platform's id for the published post.
type PublishResult struct {
	ExternalPostID string
	URL            string
	NewToken       *Token
}

// FetchMetricsRequest asks for daily store metrics for business days From..To inclusive
// (dates as YYYY-MM-DD in Asia/Shanghai).
type FetchMetricsRequest struct {
	Connection Connection
	From       string
	To         string
}

// MetricsResult is the daily store metrics.
type MetricsResult struct {
	Days     []DailyMetrics
	NewToken *Token
}

// DailyMetrics is one business day of store numbers.
type DailyMetrics struct {
	Date           string // YYYY-MM-DD
	Visitors       int64
	PageViews      int64
	AddToCart      int64
	Orders         int64
	PaidOrders     int64
	GMVFen         int64
	RefundsFen     int64
	TrafficSources map[string]int64 // source -> visitors
}
