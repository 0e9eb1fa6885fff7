// Package taobao is the built-in OpsGraph plugin for Taobao and Tmall, speaking the
// Taobao Open Platform (TOP) router API: form POSTs to /router/rest with signed
// system parameters (md5, hmac or hmac-sha256), JSON responses with
// <method>_response / error_response envelopes. Package fake holds a local TOP
// gateway for tests and demos.
package taobao

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Version is the plugin version.
const Version = "1.0.0"

// TOP methods used by the plugin.
const (
	MethodTokenCreate    = "taobao.top.auth.token.create"
	MethodTokenRefresh   = "taobao.top.auth.token.refresh"
	MethodItemsOnsale    = "taobao.items.onsale.get"
	MethodItemsList      = "taobao.items.seller.list.get" // batch item detail with SKUs, ≤20 num_iids
	MethodTradesSold     = "taobao.trades.sold.get"
	MethodQuantityUpdate = "taobao.item.quantity.update"
	// MethodContentPublish and MethodShopDaily have no public TOP counterpart that
	// PLATFORMS.md or the public SDKs name (Taobao content — 逛逛/微淘 — and 生意参谋
	// store numbers are not in the open router API). These names are OpsGraph's own,
	// in TOP style, and the fake gateway implements exactly them; point them at a
	// real ISV service if one is granted.
	MethodContentPublish = "taobao.content.post.publish"
	MethodShopDaily      = "taobao.sycm.shop.daily.get"
)

// Platform implements sdk.Platform for Taobao/Tmall.
type Platform struct{ opts Options }

// New returns the Taobao plugin with production defaults.
func New() sdk.Platform { return NewWithOptions(Options{}) }

// NewWithOptions returns the Taobao plugin with custom HTTP client, retry policy or clock.
func NewWithOptions(o Options) *Platform { return &Platform{opts: o.withDefaults()} }

var _ sdk.Platform = (*Platform)(nil)

// Describe implements sdk.Platform.
func (p *Platform) Describe(context.Context) (*sdk.Description, error) {
	return &sdk.Description{
		PlatformID:    "taobao",
		DisplayName:   "淘宝 / 天猫 (Taobao & Tmall, TOP)",
		PluginVersion: Version,
		Capabilities: []sdk.Capability{sdk.CapAuthorize, sdk.CapProducts, sdk.CapOrders,
			sdk.CapUpdateStock, sdk.CapPublishContent, sdk.CapMetrics},
		CredentialFields: []sdk.CredentialField{
			{Name: CredAppKey, Description: "TOP App Key", Required: true},
			{Name: CredAppSecret, Description: "TOP App Secret", Secret: true, Required: true},
			{Name: CredSignMethod, Description: "Sign method: md5, hmac or hmac-sha256 (default hmac-sha256)"},
		},
		DefaultEndpoint: DefaultEndpoint,
	}, nil
}

// tokenResult is the JSON inside top_auth_token_*_response.token_result.
type tokenResult struct {
	AccessToken  string                  `json:"access_token"`
	RefreshToken string                  `json:"refresh_token"`
	ExpiresIn    platformhttp.FlexInt    `json:"expires_in"`  // seconds
	ExpireTime   platformhttp.FlexInt    `json:"expire_time"` // ms since epoch
	UserID       platformhttp.FlexString `json:"taobao_user_id"`
	UserNick     string                  `json:"taobao_user_nick"` // URL-encoded
}

func (p *Platform) token(ctx context.Context, conn sdk.Connection, method string, biz map[string]string) (*sdk.Token, error) {
	var resp struct {
		TokenResult string `json:"token_result"`
	}
	if err := p.doNoAuth(ctx, conn, method, biz, &resp); err != nil {
		return nil, err
	}
	var tr tokenResult
	if err := json.Unmarshal([]byte(resp.TokenResult), &tr); err != nil || tr.AccessToken == "" {
		return nil, sdk.Errorf(sdk.KindPlatform, "taobao: %s returned no token", method)
	}
	t := &sdk.Token{AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken, ShopID: string(tr.UserID)}
	if nick, err := url.QueryUnescape(tr.UserNick); err == nil {
		t.ShopName = nick
	} else {
		t.ShopName = tr.UserNick
	}
	switch {
	case tr.ExpireTime > 0:
		t.ExpiresAt = time.UnixMilli(int64(tr.ExpireTime))
	case tr.ExpiresIn > 0:
		t.ExpiresAt = p.opts.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	return t, nil
}

// Authorize exchanges an OAuth code (taobao.top.auth.token.create).
func (p *Platform) Authorize(ctx context.Context, req sdk.AuthorizeRequest) (*sdk.Token, error) {
	if req.Code == "" {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "taobao: authorization code is required")
	}
	return p.token(ctx, req.Connection, MethodTokenCreate, map[string]string{"code": req.Code})
}

// RefreshToken renews the access token (taobao.top.auth.token.refresh).
func (p *Platform) RefreshToken(ctx context.Context, conn sdk.Connection) (*sdk.Token, error) {
	if conn.RefreshToken == "" {
		return nil, sdk.Errorf(sdk.KindAuthExpired, "taobao: no refresh token; re-authorize the store")
	}
	return p.token(ctx, conn, MethodTokenRefresh, map[string]string{"refresh_token": conn.RefreshToken})
}

type topSKU struct {
	SKUID          platformhttp.FlexString `json:"sku_id"`
	Properties     string                  `json:"properties"`
	PropertiesName string                  `json:"properties_name"`
	Price          string                  `json:"price"`
	Quantity       platformhttp.FlexInt    `json:"quantity"`
	OuterID        string                  `json:"outer_id"`
	Barcode        string                  `json:"barcode"`
}

type topItem struct {
	NumIID        platformhttp.FlexString `json:"num_iid"`
	Title         string                  `json:"title"`
	Price         string                  `json:"price"`
	Num           platformhttp.FlexInt    `json:"num"`
	ApproveStatus string                  `json:"approve_status"`
	Modified      string                  `json:"modified"`
	Skus          struct {
		Sku []topSKU `json:"sku"`
	} `json:"skus"`
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(TimestampLayout, s, platformhttp.Shanghai())
	if err != nil {
		return time.Time{}
	}
	return t
}

func formatTime(t time.Time) string {
	return t.In(platformhttp.Shanghai()).Format(TimestampLayout)
}

// skuName turns TOP properties_name "pid:vid:颜色分类:红色;pid:vid:尺码:M" into
// "颜色分类:红色;尺码:M".
func skuName(propertiesName string) string {
	var parts []string
	for _, seg := range strings.Split(propertiesName, ";") {
		f := strings.SplitN(seg, ":", 4)
		switch len(f) {
		case 4:
			parts = append(parts, f[2]+":"+f[3])
		case 0:
		default:
			if seg != "" {
				parts = append(parts, seg)
			}
		}
	}
	return strings.Join(parts, ";")
}

func productStatus(approve string) string {
	switch approve {
	case "onsale":
		return "ON_SALE"
	case "instock":
		return "OFF_SALE"
	default:
		return strings.ToUpper(approve)
	}
}

func (it topItem) toProduct() (sdk.Product, error) {
	price, err := platformhttp.ParseYuan(it.Price)
	if err != nil {
		return sdk.Product{}, sdk.Errorf(sdk.KindPlatform, "taobao: item %s: %v", it.NumIID, err)
	}
	pr := sdk.Product{
		ExternalID: string(it.NumIID), Title: it.Title, Status: productStatus(it.ApproveStatus),
		PriceFen: price, Stock: int64(it.Num), UpdatedAt: parseTime(it.Modified),
	}
	for _, s := range it.Skus.Sku {
		sp, err := platformhttp.ParseYuan(s.Price)
		if err != nil {
			return sdk.Product{}, sdk.Errorf(sdk.KindPlatform, "taobao: sku %s: %v", s.SKUID, err)
		}
		pr.SKUs = append(pr.SKUs, sdk.SKU{
			ExternalID: string(s.SKUID), Name: skuName(s.PropertiesName), PriceFen: sp,
			Stock: int64(s.Quantity), Barcode: s.Barcode,
		})
	}
	return pr, nil
}

// ListProducts pages on-sale items (taobao.items.onsale.get, ordered by num_iid)
// and fetches their SKUs in batches of 20 (taobao.items.seller.list.get). The
// cursor is the next page_no.
func (p *Platform) ListProducts(ctx context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	page, err := platformhttp.ParsePageCursor(req.Cursor, 1)
	if err != nil {
		return nil, err
	}
	size := req.PageSize
	if size <= 0 || size > 200 {
		size = 100
	}
	biz := map[string]string{
		"fields":    "num_iid,title,price,num,approve_status,modified,outer_id",
		"page_no":   strconv.Itoa(page),
		"page_size": strconv.Itoa(size),
		"order_by":  "num_iid:asc",
	}
	if !req.Since.IsZero() {
		biz["start_modified"] = formatTime(req.Since)
		biz["end_modified"] = formatTime(p.opts.Now())
	}
	var list struct {
		Items struct {
			Item []topItem `json:"item"`
		} `json:"items"`
		TotalResults platformhttp.FlexInt `json:"total_results"`
	}
	conn := req.Connection
	newTok, err := p.do(ctx, conn, MethodItemsOnsale, biz, &list)
	if err != nil {
		return nil, err
	}
	if newTok != nil {
		conn.AccessToken, conn.RefreshToken = newTok.AccessToken, newTok.RefreshToken
	}
	out := &sdk.ProductPage{Total: int64(list.TotalResults), NewToken: newTok}
	items := list.Items.Item
	for start := 0; start < len(items); start += 20 {
		end := min(start+20, len(items))
		ids := make([]string, 0, end-start)
		for _, it := range items[start:end] {
			ids = append(ids, string(it.NumIID))
		}
		var detail struct {
			Items struct {
				Item []topItem `json:"item"`
			} `json:"items"`
		}
		tok, err := p.do(ctx, conn, MethodItemsList, map[string]string{
			"num_iids": strings.Join(ids, ","),
			"fields":   "num_iid,title,price,num,approve_status,modified,outer_id,sku",
		}, &detail)
		if err != nil {
			return nil, err
		}
		if tok != nil {
			out.NewToken = tok
			conn.AccessToken, conn.RefreshToken = tok.AccessToken, tok.RefreshToken
		}
		byID := map[string]topItem{}
		for _, d := range detail.Items.Item {
			byID[string(d.NumIID)] = d
		}
		for _, it := range items[start:end] {
			if d, ok := byID[string(it.NumIID)]; ok {
				it = d
			}
			pr, err := it.toProduct()
			if err != nil {
				return nil, err
			}
			out.Products = append(out.Products, pr)
		}
	}
	if int64(page*size) < int64(list.TotalResults) && len(items) > 0 {
		out.NextCursor = platformhttp.PageCursor(page + 1)
	}
	return out, nil
}

type topOrder struct {
	OID               platformhttp.FlexString `json:"oid"`
	NumIID            platformhttp.FlexString `json:"num_iid"`
	SKUID             platformhttp.FlexString `json:"sku_id"`
	Title             string                  `json:"title"`
	Num               platformhttp.FlexInt    `json:"num"`
	Price             string                  `json:"price"`
	TotalFee          string                  `json:"total_fee"`
	SkuPropertiesName string                  `json:"sku_properties_name"`
}

type topTrade struct {
	TID          platformhttp.FlexString `json:"tid"`
	Status       string                  `json:"status"`
	Payment      string                  `json:"payment"`
	TotalFee     string                  `json:"total_fee"`
	PostFee      string                  `json:"post_fee"`
	Created      string                  `json:"created"`
	PayTime      string                  `json:"pay_time"`
	Modified     string                  `json:"modified"`
	BuyerOpenUID string                  `json:"buyer_open_uid"`
	Orders       struct {
		Order []topOrder `json:"order"`
	} `json:"orders"`
}

// OrderStatus normalizes a TOP trade status.
func OrderStatus(s string) string {
	switch s {
	case "TRADE_NO_CREATE_PAY", "WAIT_BUYER_PAY", "PAY_PENDING", "WAIT_PRE_AUTH_CONFIRM":
		return sdk.OrderPendingPayment
	case "WAIT_SELLER_SEND_GOODS", "SELLER_CONSIGNED_PART", "PAID_FORBID_CONSIGN":
		return sdk.OrderPaid
	case "WAIT_BUYER_CONFIRM_GOODS", "TRADE_BUYER_SIGNED":
		return sdk.OrderShipped
	case "TRADE_FINISHED":
		return sdk.OrderCompleted
	case "TRADE_CLOSED": // closed after payment: refunded in full
		return sdk.OrderRefunded
	case "TRADE_CLOSED_BY_TAOBAO": // closed before payment
		return sdk.OrderCancelled
	default:
		return sdk.OrderPaid
	}
}

func money(field, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := platformhttp.ParseYuan(s)
	if err != nil {
		return 0, sdk.Errorf(sdk.KindPlatform, "taobao: %s: %v", field, err)
	}
	return v, nil
}

func (t topTrade) toOrder() (sdk.Order, error) {
	total, err := money("total_fee", t.TotalFee)
	if err != nil {
		return sdk.Order{}, err
	}
	post, err := money("post_fee", t.PostFee)
	if err != nil {
		return sdk.Order{}, err
	}
	paid, err := money("payment", t.Payment)
	if err != nil {
		return sdk.Order{}, err
	}
	o := sdk.Order{
		ExternalID: string(t.TID), Status: OrderStatus(t.Status), RawStatus: t.Status,
		TotalFen: total + post, PaidFen: paid, BuyerRef: t.BuyerOpenUID,
		CreatedAt: parseTime(t.Created), PaidAt: parseTime(t.PayTime), UpdatedAt: parseTime(t.Modified),
	}
	if o.PaidAt.IsZero() {
		o.PaidFen = 0
	}
	for _, l := range t.Orders.Order {
		unit, err := money("price", l.Price)
		if err != nil {
			return sdk.Order{}, err
		}
		lt, err := money("order total_fee", l.TotalFee)
		if err != nil {
			return sdk.Order{}, err
		}
		o.Lines = append(o.Lines, sdk.OrderLine{
			ExternalID: string(l.OID), ProductExternalID: string(l.NumIID), SKUExternalID: string(l.SKUID),
			Title: l.Title, Quantity: int64(l.Num), UnitPriceFen: unit, TotalFen: lt,
		})
	}
	return o, nil
}

// ListOrders pages trades created in [Since, Until) (taobao.trades.sold.get;
// start_created/end_created are inclusive second-precision times in GMT+8).
func (p *Platform) ListOrders(ctx context.Context, req sdk.ListOrdersRequest) (*sdk.OrderPage, error) {
	page, err := platformhttp.ParsePageCursor(req.Cursor, 1)
	if err != nil {
		return nil, err
	}
	size := req.PageSize
	if size <= 0 || size > 100 {
		size = 100
	}
	biz := map[string]string{
		"fields":    "tid,status,payment,total_fee,post_fee,created,pay_time,modified,buyer_open_uid,orders",
		"page_no":   strconv.Itoa(page),
		"page_size": strconv.Itoa(size),
	}
	if !req.Since.IsZero() {
		biz["start_created"] = formatTime(req.Since)
	}
	if !req.Until.IsZero() {
		biz["end_created"] = formatTime(req.Until.Add(-time.Second))
	}
	var resp struct {
		Trades struct {
			Trade []topTrade `json:"trade"`
		} `json:"trades"`
		TotalResults platformhttp.FlexInt `json:"total_results"`
		HasNext      *bool                `json:"has_next"`
	}
	newTok, err := p.do(ctx, req.Connection, MethodTradesSold, biz, &resp)
	if err != nil {
		return nil, err
	}
	out := &sdk.OrderPage{Total: int64(resp.TotalResults), NewToken: newTok}
	for _, t := range resp.Trades.Trade {
		o, err := t.toOrder()
		if err != nil {
			return nil, err
		}
		out.Orders = append(out.Orders, o)
	}
	more := int64(page*size) < int64(resp.TotalResults)
	if resp.HasNext != nil {
		more = *resp.HasNext
		if resp.TotalResults == 0 {
			out.Total = -1
		}
	}
	if more && len(resp.Trades.Trade) > 0 {
		out.NextCursor = platformhttp.PageCursor(page + 1)
	}
	return out, nil
}

// UpdateStock sets a SKU's full quantity (taobao.item.quantity.update, type=1).
func (p *Platform) UpdateStock(ctx context.Context, req sdk.UpdateStockRequest) (*sdk.UpdateStockResult, error) {
	if req.ProductExternalID == "" || req.Quantity < 0 {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "taobao: product id and a non-negative quantity are required")
	}
	biz := map[string]string{
		"num_iid":  req.ProductExternalID,
		"quantity": strconv.FormatInt(req.Quantity, 10),
		"type":     "1",
	}
	if req.SKUExternalID != "" {
		biz["sku_id"] = req.SKUExternalID
	}
	var resp struct {
		Item struct {
			NumIID platformhttp.FlexString `json:"num_iid"`
			Num    platformhttp.FlexInt    `json:"num"`
			Skus   struct {
				Sku []topSKU `json:"sku"`
			} `json:"skus"`
		} `json:"item"`
	}
	newTok, err := p.do(ctx, req.Connection, MethodQuantityUpdate, biz, &resp)
	if err != nil {
		return nil, err
	}
	q := int64(resp.Item.Num)
	for _, s := range resp.Item.Skus.Sku {
		if string(s.SKUID) == req.SKUExternalID {
			q = int64(s.Quantity)
		}
	}
	return &sdk.UpdateStockResult{Quantity: q, NewToken: newTok}, nil
}

// PublishContent posts content (MethodContentPublish, see its comment).
func (p *Platform) PublishContent(ctx context.Context, req sdk.PublishContentRequest) (*sdk.PublishResult, error) {
	if req.Title == "" && req.Body == "" {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "taobao: content needs a title or a body")
	}
	biz := map[string]string{
		"content_type": req.Kind,
		"title":        req.Title,
		"content":      req.Body,
		"media_urls":   strings.Join(req.MediaURLs, ","),
		"tags":         strings.Join(req.Tags, ","),
		"outer_id":     req.IdempotencyKey,
	}
	var resp struct {
		PostID platformhttp.FlexString `json:"post_id"`
		URL    string                  `json:"url"`
	}
	newTok, err := p.do(ctx, req.Connection, MethodContentPublish, biz, &resp)
	if err != nil {
		return nil, err
	}
	return &sdk.PublishResult{ExternalPostID: string(resp.PostID), URL: resp.URL, NewToken: newTok}, nil
}

type topDaily struct {
	Date      string `json:"stat_date"`
	UV        int64  `json:"uv"`
	PV        int64  `json:"pv"`
	CartCnt   int64  `json:"add_cart_cnt"`
	OrderCnt  int64  `json:"order_cnt"`
	PayCnt    int64  `json:"pay_order_cnt"`
	PayAmt    string `json:"pay_amt"`    // yuan
	RefundAmt string `json:"refund_amt"` // yuan
	Sources   struct {
		Source []struct {
			Name string `json:"source"`
			UV   int64  `json:"uv"`
		} `json:"traffic_source"`
	} `json:"traffic_sources"`
}

// TrafficSources maps 生意参谋-style source names to OpsGraph traffic sources.
var TrafficSources = map[string]string{
	"手淘搜索": "NATURAL_SEARCH", "淘内免费": "NATURAL_SEARCH",
	"付费流量": "PAID", "直通车": "PAID", "引力魔方": "PAID",
	"逛逛": "CONTENT", "淘宝直播": "CONTENT",
	"站外分享": "SOCIAL",
	"自主访问": "PRIVATE_DOMAIN", "会员": "PRIVATE_DOMAIN",
	"其它来源": "OTHER",
}

// TrafficSource normalizes one source name (unknown ones are OTHER).
func TrafficSource(name string) string {
	if s, ok := TrafficSources[name]; ok {
		return s
	}
	return "OTHER"
}

// FetchMetrics reads daily store numbers (MethodShopDaily, see its comment).
func (p *Platform) FetchMetrics(ctx context.Context, req sdk.FetchMetricsRequest) (*sdk.MetricsResult, error) {
	if _, err := platformhttp.DayRange(req.From, req.To, 366); err != nil {
		return nil, err
	}
	var resp struct {
		Days struct {
			Day []topDaily `json:"shop_daily"`
		} `json:"days"`
	}
	newTok, err := p.do(ctx, req.Connection, MethodShopDaily, map[string]string{"start_date": req.From, "end_date": req.To}, &resp)
	if err != nil {
		return nil, err
	}
	out := &sdk.MetricsResult{NewToken: newTok}
	for _, d := range resp.Days.Day {
		gmv, err := money("pay_amt", d.PayAmt)
		if err != nil {
			return nil, err
		}
		ref, err := money("refund_amt", d.RefundAmt)
		if err != nil {
			return nil, err
		}
		m := sdk.DailyMetrics{Date: d.Date, Visitors: d.UV, PageViews: d.PV, AddToCart: d.CartCnt,
			Orders: d.OrderCnt, PaidOrders: d.PayCnt, GMVFen: gmv, RefundsFen: ref, TrafficSources: map[string]int64{}}
		for _, s := range d.Sources.Source {
			m.TrafficSources[TrafficSource(s.Name)] += s.UV
		}
		out.Days = append(out.Days, m)
	}
	return out, nil
}
