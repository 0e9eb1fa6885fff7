// Package douyin is the built-in OpsGraph plugin for 抖店 (Douyin shop), speaking
// the 抖店开放平台 API: POST https://openapi-fxg.jinritemai.com/<method path> with
// app_key, method, timestamp, v=2, sign, sign_method and access_token in the query
// string and the canonical param_json as the body. Package fake holds a local
// gateway for tests and demos.
package douyin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Version is the plugin version.
const Version = "1.0.0"

// DefaultEndpoint is the 抖店 production gateway.
const DefaultEndpoint = "https://openapi-fxg.jinritemai.com"

// Credential field names.
const (
	CredAppKey     = "app_key"
	CredAppSecret  = "app_secret"
	CredSignMethod = "sign_method" // optional: hmac-sha256 (default) | md5
)

// 抖店 methods used by the plugin.
const (
	MethodTokenCreate  = "token.create"
	MethodTokenRefresh = "token.refresh"
	MethodProductList  = "product.listV2"
	MethodSKUList      = "sku.list"
	MethodOrderSearch  = "order.searchList"
	MethodSKUSyncStock = "sku.syncStock"
	// MethodShopDaily and MethodContentPublish: PLATFORMS.md and the public SDKs name
	// no 抖店 open API for daily store numbers (罗盘 data is not in the open API) or
	// for publishing content (短视频 go through open.douyin.com, not 抖店). These are
	// OpsGraph's own names in 抖店 style; the fake gateway implements exactly them.
	MethodShopDaily      = "data.shopDailyOverview"
	MethodContentPublish = "content.publish"
)

// Success and the public error code ranges of the 抖店 envelope.
const (
	CodeSuccess = 10000
)

// Options tune a Platform; the zero value is production behaviour.
type Options struct {
	HTTPClient *http.Client
	Retry      platformhttp.Policy
	Now        func() time.Time
}

// Platform implements sdk.Platform for 抖店.
type Platform struct{ opts Options }

// New returns the 抖店 plugin with production defaults.
func New() sdk.Platform { return NewWithOptions(Options{}) }

// NewWithOptions returns the 抖店 plugin with custom HTTP client, retry policy or clock.
func NewWithOptions(o Options) *Platform {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if o.Retry.MaxAttempts == 0 {
		o.Retry = platformhttp.DefaultPolicy
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Platform{opts: o}
}

var _ sdk.Platform = (*Platform)(nil)

// Describe implements sdk.Platform.
func (p *Platform) Describe(context.Context) (*sdk.Description, error) {
	return &sdk.Description{
		PlatformID:    "douyin",
		DisplayName:   "抖店 (Douyin shop)",
		PluginVersion: Version,
		Capabilities: []sdk.Capability{sdk.CapAuthorize, sdk.CapProducts, sdk.CapOrders,
			sdk.CapUpdateStock, sdk.CapPublishContent, sdk.CapMetrics},
		CredentialFields: []sdk.CredentialField{
			{Name: CredAppKey, Description: "抖店 app_key", Required: true},
			{Name: CredAppSecret, Description: "抖店 app_secret", Secret: true, Required: true},
			{Name: CredSignMethod, Description: "Sign method: hmac-sha256 (default) or md5"},
		},
		DefaultEndpoint: DefaultEndpoint,
	}, nil
}

// envelope covers both response generations: code/msg/sub_code (current) and
// err_no/message (older).
type envelope struct {
	Code    *json.Number    `json:"code"`
	Msg     string          `json:"msg"`
	SubCode string          `json:"sub_code"`
	SubMsg  string          `json:"sub_msg"`
	LogID   string          `json:"log_id"`
	ErrNo   *json.Number    `json:"err_no"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// classify maps a non-success envelope to a typed error. 抖店's public error codes
// come in ranges: 2xxxx service unavailable (isp.*), 3xxxx authorization
// (access_token missing/expired/revoked: isv.access-token-*), 4xxxx bad
// parameters, signature or timestamp (isv.parameter-*, isv.sign-*), 5xxxx business
// failures, 9xxxx flow control ("请求太频繁"). The sub_code refines it.
func classify(code int64, msg, subCode, subMsg string) *sdk.Error {
	text := subMsg
	if text == "" {
		text = msg
	}
	pc := subCode
	if pc == "" {
		pc = strconv.FormatInt(code, 10)
	}
	e := &sdk.Error{Kind: sdk.KindPlatform, PlatformCode: pc, Message: "douyin: " + text}
	sub := strings.ToLower(subCode)
	switch {
	case code >= 90000 && code < 100000, strings.Contains(sub, "limit"), strings.Contains(sub, "frequency"):
		e.Kind = sdk.KindRateLimited
	case strings.Contains(sub, "access-token"), strings.Contains(sub, "access_token"), code >= 30000 && code < 40000:
		e.Kind = sdk.KindAuthExpired
	case code >= 20000 && code < 30000, strings.HasPrefix(sub, "isp."):
		e.Kind = sdk.KindUnavailable
	case code >= 40000 && code < 50000:
		e.Kind = sdk.KindInvalidRequest
	}
	return e
}

// MethodPath is the URL path of a method: "product.listV2" → "/product/listV2".
func MethodPath(method string) string { return "/" + strings.ReplaceAll(method, ".", "/") }

func endpoint(conn sdk.Connection) (string, error) {
	return platformhttp.Endpoint(conn, "douyin", DefaultEndpoint, func(u *url.URL) string { return strings.TrimSuffix(u.String(), "/") })
}

// call performs one signed request (no retries) and decodes data into out.
func (p *Platform) call(ctx context.Context, conn sdk.Connection, token, method string, params any, out any) error {
	key, secret := conn.Credentials[CredAppKey], conn.Credentials[CredAppSecret]
	if key == "" || secret == "" {
		return sdk.Errorf(sdk.KindInvalidRequest, "douyin: credentials %s and %s are required", CredAppKey, CredAppSecret)
	}
	signMethod := conn.Credentials[CredSignMethod]
	if signMethod == "" {
		signMethod = SignHMACSHA256
	}
	ep, err := endpoint(conn)
	if err != nil {
		return err
	}
	pj, err := ParamJSON(params)
	if err != nil {
		return sdk.Errorf(sdk.KindInvalidRequest, "douyin: %v", err)
	}
	ts := strconv.FormatInt(p.opts.Now().Unix(), 10)
	sign, err := Sign(key, secret, method, pj, ts, signMethod)
	if err != nil {
		return sdk.Errorf(sdk.KindInvalidRequest, "%v", err)
	}
	q := url.Values{}
	q.Set("app_key", key)
	q.Set("method", method)
	q.Set("timestamp", ts)
	q.Set("v", "2")
	q.Set("sign", sign)
	q.Set("sign_method", signMethod)
	if token != "" {
		q.Set("access_token", token)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep+MethodPath(method)+"?"+q.Encode(), strings.NewReader(pj))
	if err != nil {
		return sdk.Errorf(sdk.KindInvalidRequest, "douyin: %v", err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	body, err := platformhttp.Do(ctx, p.opts.HTTPClient, req, func(b []byte) bool {
		var e envelope
		return json.Unmarshal(b, &e) == nil && (e.Code != nil || e.ErrNo != nil)
	})
	if err != nil {
		return err
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return sdk.Errorf(sdk.KindUnavailable, "douyin: malformed response: %v", err)
	}
	switch {
	case env.Code != nil:
		c, _ := env.Code.Int64()
		if c != CodeSuccess {
			return classify(c, env.Msg, env.SubCode, env.SubMsg)
		}
	case env.ErrNo != nil:
		c, _ := env.ErrNo.Int64()
		if c != 0 {
			return classify(c, env.Message, "", "")
		}
	default:
		return sdk.Errorf(sdk.KindPlatform, "douyin: response without code")
	}
	if out != nil && len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return sdk.Errorf(sdk.KindPlatform, "douyin: unexpected %s data: %v", method, err)
		}
	}
	return nil
}

func (p *Platform) do(ctx context.Context, conn sdk.Connection, method string, params, out any) (*sdk.Token, error) {
	return platformhttp.CallWithRefresh(ctx, p.opts.Retry, conn, p.RefreshToken,
		func(ctx context.Context, token string) error { return p.call(ctx, conn, token, method, params, out) })
}

type tokenData struct {
	AccessToken  string                  `json:"access_token"`
	ExpiresIn    platformhttp.FlexInt    `json:"expires_in"`
	RefreshToken string                  `json:"refresh_token"`
	ShopID       platformhttp.FlexString `json:"shop_id"`
	ShopName     string                  `json:"shop_name"`
}

func (p *Platform) token(ctx context.Context, conn sdk.Connection, method string, params map[string]any) (*sdk.Token, error) {
	var d tokenData
	err := platformhttp.Retry(ctx, p.opts.Retry, func(ctx context.Context) error { return p.call(ctx, conn, "", method, params, &d) })
	if err != nil {
		return nil, err
	}
	if d.AccessToken == "" {
		return nil, sdk.Errorf(sdk.KindPlatform, "douyin: %s returned no token", method)
	}
	t := &sdk.Token{AccessToken: d.AccessToken, RefreshToken: d.RefreshToken, ShopID: string(d.ShopID), ShopName: d.ShopName}
	if d.ExpiresIn > 0 {
		t.ExpiresAt = p.opts.Now().Add(time.Duration(d.ExpiresIn) * time.Second)
	}
	return t, nil
}

// Authorize exchanges an OAuth code (token.create, grant_type authorization_code),
// or, with no code and a ShopID on the connection, gets a self-use app's token
// (grant_type authorization_self).
func (p *Platform) Authorize(ctx context.Context, req sdk.AuthorizeRequest) (*sdk.Token, error) {
	switch {
	case req.Code != "":
		return p.token(ctx, req.Connection, MethodTokenCreate, map[string]any{"code": req.Code, "grant_type": "authorization_code"})
	case req.Connection.ShopID != "":
		return p.token(ctx, req.Connection, MethodTokenCreate, map[string]any{"code": "", "grant_type": "authorization_self", "shop_id": req.Connection.ShopID})
	default:
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "douyin: an authorization code or a shop id is required")
	}
}

// RefreshToken renews the access token (token.refresh).
func (p *Platform) RefreshToken(ctx context.Context, conn sdk.Connection) (*sdk.Token, error) {
	if conn.RefreshToken == "" {
		return nil, sdk.Errorf(sdk.KindAuthExpired, "douyin: no refresh token; re-authorize the store")
	}
	return p.token(ctx, conn, MethodTokenRefresh, map[string]any{"refresh_token": conn.RefreshToken, "grant_type": "refresh_token"})
}

type dyProduct struct {
	ProductID     platformhttp.FlexString `json:"product_id"`
	Name          string                  `json:"name"`
	Status        platformhttp.FlexInt    `json:"status"` // 0 上架, 1 下架, 2 删除
	DiscountPrice platformhttp.FlexInt    `json:"discount_price"`
	UpdateTime    platformhttp.FlexInt    `json:"update_time"`
}

type dySKU struct {
	ID       platformhttp.FlexString `json:"id"`
	Spec1    string                  `json:"spec_detail_name1"`
	Spec2    string                  `json:"spec_detail_name2"`
	Spec3    string                  `json:"spec_detail_name3"`
	Price    platformhttp.FlexInt    `json:"price"` // fen
	StockNum platformhttp.FlexInt    `json:"stock_num"`
	Code     string                  `json:"code"`
	OutSKUID platformhttp.FlexString `json:"out_sku_id"`
}

// ProductStatus normalizes listV2's status.
func ProductStatus(s int64) string {
	switch s {
	case 0:
		return "ON_SALE"
	case 1:
		return "OFF_SALE"
	default:
		return "DELETED"
	}
}

// ListProducts pages products (product.listV2, page from 1) and reads each one's
// SKUs (sku.list). The cursor is the next page number.
func (p *Platform) ListProducts(ctx context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	page, err := platformhttp.ParsePageCursor(req.Cursor, 1)
	if err != nil {
		return nil, err
	}
	size := req.PageSize
	if size <= 0 || size > 100 {
		size = 50
	}
	params := map[string]any{"page": page, "size": size}
	if !req.Since.IsZero() {
		params["update_start_time"] = req.Since.Unix()
		params["update_end_time"] = p.opts.Now().Unix()
	}
	var data struct {
		Data  []dyProduct          `json:"data"`
		Total platformhttp.FlexInt `json:"total"`
	}
	conn := req.Connection
	newTok, err := p.do(ctx, conn, MethodProductList, params, &data)
	if err != nil {
		return nil, err
	}
	out := &sdk.ProductPage{Total: int64(data.Total), NewToken: newTok}
	for _, d := range data.Data {
		if out.NewToken != nil {
			conn.AccessToken, conn.RefreshToken = out.NewToken.AccessToken, out.NewToken.RefreshToken
		}
		var skus []dySKU
		tok, err := p.do(ctx, conn, MethodSKUList, map[string]any{"product_id": string(d.ProductID)}, &skus)
		if err != nil {
			return nil, err
		}
		if tok != nil {
			out.NewToken = tok
		}
		pr := sdk.Product{ExternalID: string(d.ProductID), Title: d.Name, Status: ProductStatus(int64(d.Status)),
			PriceFen: int64(d.DiscountPrice), UpdatedAt: platformhttp.UnixAuto(int64(d.UpdateTime))}
		for _, s := range skus {
			var names []string
			for _, n := range []string{s.Spec1, s.Spec2, s.Spec3} {
				if n != "" {
					names = append(names, n)
				}
			}
			pr.SKUs = append(pr.SKUs, sdk.SKU{ExternalID: string(s.ID), Name: strings.Join(names, ";"),
				PriceFen: int64(s.Price), Stock: int64(s.StockNum), Barcode: s.Code})
			pr.Stock += int64(s.StockNum)
		}
		out.Products = append(out.Products, pr)
	}
	if int64(page*size) < int64(data.Total) && len(data.Data) > 0 {
		out.NextCursor = platformhttp.PageCursor(page + 1)
	}
	return out, nil
}

type dySKUOrder struct {
	OrderID     platformhttp.FlexString `json:"order_id"`
	ProductID   platformhttp.FlexString `json:"product_id"`
	SKUID       platformhttp.FlexString `json:"sku_id"`
	ProductName string                  `json:"product_name"`
	ItemNum     platformhttp.FlexInt    `json:"item_num"`
	GoodsPrice  platformhttp.FlexInt    `json:"goods_price"`  // unit price, fen
	OrderAmount platformhttp.FlexInt    `json:"order_amount"` // line total, fen
}

type dyOrder struct {
	OrderID       platformhttp.FlexString `json:"order_id"`
	OrderStatus   platformhttp.FlexInt    `json:"order_status"`
	OrderAmount   platformhttp.FlexInt    `json:"order_amount"` // fen, incl. post
	PayAmount     platformhttp.FlexInt    `json:"pay_amount"`
	CreateTime    platformhttp.FlexInt    `json:"create_time"`
	PayTime       platformhttp.FlexInt    `json:"pay_time"`
	UpdateTime    platformhttp.FlexInt    `json:"update_time"`
	DoudianOpenID string                  `json:"doudian_open_id"`
	SKUOrderList  []dySKUOrder            `json:"sku_order_list"`
}

// OrderStatus normalizes 抖店's order_status (1 待支付, 105 已支付, 2 备货中,
// 101 部分发货, 3 已发货, 4 已取消, 5 已完成). A cancelled order that had been paid
// was refunded.
func OrderStatus(status int64, paid bool) string {
	switch status {
	case 1:
		return sdk.OrderPendingPayment
	case 105, 2, 101:
		return sdk.OrderPaid
	case 3:
		return sdk.OrderShipped
	case 5:
		return sdk.OrderCompleted
	case 4:
		if paid {
			return sdk.OrderRefunded
		}
		return sdk.OrderCancelled
	default:
		return sdk.OrderPaid
	}
}

// ListOrders pages orders created in [Since, Until) (order.searchList, page from 0,
// create_time_start/create_time_end inclusive Unix seconds, ascending by create_time).
func (p *Platform) ListOrders(ctx context.Context, req sdk.ListOrdersRequest) (*sdk.OrderPage, error) {
	page, err := platformhttp.ParsePageCursor(req.Cursor, 0)
	if err != nil {
		return nil, err
	}
	size := req.PageSize
	if size <= 0 || size > 100 {
		size = 100
	}
	params := map[string]any{"page": page, "size": size, "order_by": "create_time", "order_asc": true}
	if !req.Since.IsZero() {
		params["create_time_start"] = req.Since.Unix()
	}
	if !req.Until.IsZero() {
		params["create_time_end"] = req.Until.Add(-time.Second).Unix()
	}
	var data struct {
		List  []dyOrder            `json:"shop_order_list"`
		Total platformhttp.FlexInt `json:"total"`
	}
	newTok, err := p.do(ctx, req.Connection, MethodOrderSearch, params, &data)
	if err != nil {
		return nil, err
	}
	out := &sdk.OrderPage{Total: int64(data.Total), NewToken: newTok}
	for _, d := range data.List {
		paid := d.PayTime > 0
		o := sdk.Order{
			ExternalID: string(d.OrderID), Status: OrderStatus(int64(d.OrderStatus), paid),
			RawStatus: strconv.FormatInt(int64(d.OrderStatus), 10), TotalFen: int64(d.OrderAmount),
			BuyerRef: d.DoudianOpenID, CreatedAt: platformhttp.UnixAuto(int64(d.CreateTime)),
			PaidAt: platformhttp.UnixAuto(int64(d.PayTime)), UpdatedAt: platformhttp.UnixAuto(int64(d.UpdateTime)),
		}
		if paid {
			o.PaidFen = int64(d.PayAmount)
		}
		for _, l := range d.SKUOrderList {
			o.Lines = append(o.Lines, sdk.OrderLine{ExternalID: string(l.OrderID), ProductExternalID: string(l.ProductID),
				SKUExternalID: string(l.SKUID), Title: l.ProductName, Quantity: int64(l.ItemNum),
				UnitPriceFen: int64(l.GoodsPrice), TotalFen: int64(l.OrderAmount)})
		}
		out.Orders = append(out.Orders, o)
	}
	if int64((page+1)*size) < int64(data.Total) && len(data.List) > 0 {
		out.NextCursor = platformhttp.PageCursor(page + 1)
	}
	return out, nil
}

// UpdateStock sets a SKU's stock (sku.syncStock, incremental=false, with the
// idempotency key as idempotent_id). 抖店 echoes no quantity; the set value is returned.
func (p *Platform) UpdateStock(ctx context.Context, req sdk.UpdateStockRequest) (*sdk.UpdateStockResult, error) {
	if req.SKUExternalID == "" || req.Quantity < 0 {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "douyin: sku id and a non-negative quantity are required")
	}
	params := map[string]any{"sku_id": req.SKUExternalID, "stock_num": req.Quantity, "incremental": false}
	if req.ProductExternalID != "" {
		params["product_id"] = req.ProductExternalID
	}
	if req.IdempotencyKey != "" {
		params["idempotent_id"] = req.IdempotencyKey
	}
	newTok, err := p.do(ctx, req.Connection, MethodSKUSyncStock, params, nil)
	if err != nil {
		return nil, err
	}
	return &sdk.UpdateStockResult{Quantity: req.Quantity, NewToken: newTok}, nil
}

// PublishContent publishes content (MethodContentPublish, see its comment).
func (p *Platform) PublishContent(ctx context.Context, req sdk.PublishContentRequest) (*sdk.PublishResult, error) {
	if req.Title == "" && req.Body == "" {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "douyin: content needs a title or a body")
	}
	params := map[string]any{"content_type": req.Kind, "title": req.Title, "text": req.Body,
		"media_urls": req.MediaURLs, "topics": req.Tags, "out_id": req.IdempotencyKey}
	var data struct {
		ItemID   platformhttp.FlexString `json:"item_id"`
		ShareURL string                  `json:"share_url"`
	}
	newTok, err := p.do(ctx, req.Connection, MethodContentPublish, params, &data)
	if err != nil {
		return nil, err
	}
	return &sdk.PublishResult{ExternalPostID: string(data.ItemID), URL: data.ShareURL, NewToken: newTok}, nil
}

// TrafficSources maps 抖店 flow source names to OpsGraph traffic sources.
var TrafficSources = map[string]string{
	"搜索": "NATURAL_SEARCH", "商城推荐": "NATURAL_SEARCH",
	"千川投放": "PAID", "广告": "PAID",
	"短视频": "CONTENT", "直播": "CONTENT",
	"分享":   "SOCIAL",
	"粉丝私域": "PRIVATE_DOMAIN", "店铺页": "PRIVATE_DOMAIN",
	"其他": "OTHER",
}

// FetchMetrics reads daily store numbers (MethodShopDaily, see its comment).
func (p *Platform) FetchMetrics(ctx context.Context, req sdk.FetchMetricsRequest) (*sdk.MetricsResult, error) {
	if _, err := platformhttp.DayRange(req.From, req.To, 366); err != nil {
		return nil, err
	}
	var data struct {
		List []struct {
			Date       string `json:"date"`
			UV         int64  `json:"uv"`
			PV         int64  `json:"pv"`
			CartUV     int64  `json:"cart_uv"`
			OrderCnt   int64  `json:"order_cnt"`
			PayCnt     int64  `json:"pay_order_cnt"`
			PayAmount  int64  `json:"pay_amount"`    // fen
			Refund     int64  `json:"refund_amount"` // fen
			FlowSource []struct {
				Name string `json:"source_name"`
				UV   int64  `json:"uv"`
			} `json:"flow_source"`
		} `json:"list"`
	}
	newTok, err := p.do(ctx, req.Connection, MethodShopDaily, map[string]any{"start_date": req.From, "end_date": req.To}, &data)
	if err != nil {
		return nil, err
	}
	out := &sdk.MetricsResult{NewToken: newTok}
	for _, d := range data.List {
		m := sdk.DailyMetrics{Date: d.Date, Visitors: d.UV, PageViews: d.PV, AddToCart: d.CartUV, Orders: d.OrderCnt,
			PaidOrders: d.PayCnt, GMVFen: d.PayAmount, RefundsFen: d.Refund, TrafficSources: map[string]int64{}}
		for _, s := range d.FlowSource {
			src, ok := TrafficSources[s.Name]
			if !ok {
				src = "OTHER"
			}
			m.TrafficSources[src] += s.UV
		}
		out.Days = append(out.Days, m)
	}
	return out, nil
}
