// Package douyin is the built-in OpsGraph plugin for 抖店 (Douyin shop), speaking
// the 抖店开放平台 API: POST https://openapi-fxg.jinritemai.com/<method path> with
// app_key, method, timestamp, v=2, sign, sign_method and access_token in the query
// string and the canonical param_json as the body. Package fake holds a local
// gateway for tests and demos.
package douyin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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
	MethodOrderDetail  = "order.orderDetail"
	MethodSKUSyncStock = "sku.syncStock"
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

// 抖店 has no documented API for daily shop metrics or content publishing: the
// plugin declares neither METRICS nor PUBLISH_CONTENT and answers them with
// sdk.Unimplemented.

// Platform implements sdk.Platform for 抖店.
type Platform struct {
	sdk.Unimplemented
	opts Options
	gate platformhttp.Gate
}

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
		Capabilities:  []sdk.Capability{sdk.CapAuthorize, sdk.CapProducts, sdk.CapOrders, sdk.CapUpdateStock},
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

// classify maps a non-success envelope to a typed error by 抖店's official error
// table (PLATFORMS.md "Corrections and additions"): 20000 / isp.* service
// unavailable (retry); 30001 no permission or authorization closed (the seller
// must authorize again); 30002 caller IP not in the app's whitelist (a setup
// problem, not a token one); 40003 with isv.access-token-* the access token
// expired or is unknown (refresh); other 4xxxx bad parameters or signature;
// 60000 rate limit (retry after a pause); 50002 and 90000 business / other.
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
	case code == 60000:
		e.Kind = sdk.KindRateLimited
	case code == 30001:
		return platformhttp.Reauthorize(e, "the shop closed the app's authorization or the app lacks the permission")
	case code == 30002:
		e.Kind = sdk.KindInvalidRequest
		e.Message = "douyin: this server's IP address is not in the app's whitelist (" + text + ")"
	case code == 40003 && strings.Contains(sub, "access-token"):
		e.Kind = sdk.KindAuthExpired
	case code == 20000, strings.HasPrefix(sub, "isp."):
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
	if err := p.gate.Wait(ctx, key); err != nil {
		return err
	}
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
			e := classify(c, env.Msg, env.SubCode, env.SubMsg)
			p.gate.Observe(key, e)
			return e
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
	ProductID  platformhttp.FlexString `json:"product_id"`
	Name       string                  `json:"name"`
	Status     platformhttp.FlexInt    `json:"status"` // 0 上架, 1 下架, 2 删除
	UpdateTime platformhttp.FlexInt    `json:"update_time"`
	// discount_price is deprecated (PLATFORMS.md): the price is the lowest SKU price.
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

// pageCursor is "p<page>" or "p<page>o<offset>" (offset items of that page
// already returned: a page cut short to fit the RPC deadline).
func parsePageOffset(c string, first int) (page, offset int, err error) {
	pc, off, hasOff := strings.Cut(c, "o")
	page, err = platformhttp.ParsePageCursor(pc, first)
	if err != nil || !hasOff {
		return page, 0, err
	}
	offset, err = strconv.Atoi(off)
	if err != nil || offset < 0 {
		return 0, 0, sdk.Errorf(sdk.KindInvalidRequest, "invalid cursor %q", c)
	}
	return page, offset, nil
}

// withToken puts a token refreshed earlier in the same plugin call on err, so
// that the host stores it although the call failed.
func withToken(err error, tok *sdk.Token) error {
	if tok == nil {
		return err
	}
	var se *sdk.Error
	if !errors.As(err, &se) {
		return &sdk.Error{Kind: sdk.KindPlatform, Message: err.Error(), Cause: err, NewToken: tok}
	}
	if se.NewToken == nil {
		se.NewToken = tok
	}
	return err
}

// ListProducts pages products (product.listV2, page from 1) and reads each one's
// SKUs (sku.list, product_id as int64), paced by the RPC deadline: a page whose
// SKU calls would not fit ends early with a cursor at the next product. A
// product's price is its lowest SKU price.
func (p *Platform) ListProducts(ctx context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	page, offset, err := parsePageOffset(req.Cursor, 1)
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
	out := &sdk.ProductPage{}
	useToken := func(tok *sdk.Token) {
		if tok != nil {
			out.NewToken = tok
			conn.AccessToken, conn.RefreshToken = tok.AccessToken, tok.RefreshToken
		}
	}
	tok, err := p.do(ctx, conn, MethodProductList, params, &data)
	useToken(tok)
	if err != nil {
		return nil, err
	}
	out.Total = int64(data.Total)
	budget := platformhttp.NewBudget(ctx)
	done := offset
	for i := offset; i < len(data.Data); i++ {
		if !budget.Fits(i - offset) {
			break
		}
		d := data.Data[i]
		id, err := strconv.ParseInt(string(d.ProductID), 10, 64)
		if err != nil {
			return nil, withToken(sdk.Errorf(sdk.KindPlatform, "douyin: product_id %q is not an integer", d.ProductID), out.NewToken)
		}
		var skus []dySKU
		budget.Begin()
		tok, err := p.do(ctx, conn, MethodSKUList, map[string]any{"product_id": id}, &skus)
		budget.End()
		useToken(tok)
		if err != nil {
			return nil, withToken(err, out.NewToken)
		}
		pr := sdk.Product{ExternalID: string(d.ProductID), Title: d.Name, Status: ProductStatus(int64(d.Status)),
			UpdatedAt: platformhttp.UnixAuto(int64(d.UpdateTime))}
		for j, s := range skus {
			var names []string
			for _, n := range []string{s.Spec1, s.Spec2, s.Spec3} {
				if n != "" {
					names = append(names, n)
				}
			}
			pr.SKUs = append(pr.SKUs, sdk.SKU{ExternalID: string(s.ID), Name: strings.Join(names, ";"),
				PriceFen: int64(s.Price), Stock: int64(s.StockNum), Barcode: s.Code})
			pr.Stock += int64(s.StockNum)
			if j == 0 || int64(s.Price) < pr.PriceFen {
				pr.PriceFen = int64(s.Price)
			}
		}
		out.Products = append(out.Products, pr)
		done = i + 1
	}
	switch {
	case done < len(data.Data):
		out.NextCursor = fmt.Sprintf("%so%d", platformhttp.PageCursor(page), done)
	case int64(page*size) < int64(data.Total) && len(data.Data) > 0:
		out.NextCursor = platformhttp.PageCursor(page + 1)
	}
	return out, nil
}

// dySKUOrder is one sku_order_list entry: money is origin_amount / sum_amount
// in fen (zsmhub/doudian-sdk SkuOrderListItem); there is no goods_price.
type dySKUOrder struct {
	OrderID      platformhttp.FlexString `json:"order_id"`
	ProductID    platformhttp.FlexString `json:"product_id"`
	SKUID        platformhttp.FlexString `json:"sku_id"`
	ProductName  string                  `json:"product_name"`
	ItemNum      platformhttp.FlexInt    `json:"item_num"`
	OriginAmount platformhttp.FlexInt    `json:"origin_amount"` // unit price × quantity
	SumAmount    platformhttp.FlexInt    `json:"sum_amount"`    // line amount
	// author_id (int64, 0 for none) is the 达人 whose live room or video sold
	// the line (SkuOrderListItem "直播主播id（达人）").
	AuthorID platformhttp.FlexString `json:"author_id"`
	// campaign_info[] is in order.orderDetail only: the line's item
	// campaigns (限时特卖, 达人专属价 …), their amount already in the price.
	CampaignInfo []dyCampaign `json:"campaign_info"`
}

// dyCampaign is a campaign_info / full_discount_info entry (campaign_id int64).
type dyCampaign struct {
	CampaignID platformhttp.FlexString `json:"campaign_id"`
}

// dyCoupon is a coupon_info entry: coupon_id is the buyer's coupon,
// coupon_meta_id (a string) its batch (券批次ID), which a seller's campaign knows.
type dyCoupon struct {
	CouponID     platformhttp.FlexString `json:"coupon_id"`
	CouponMetaID platformhttp.FlexString `json:"coupon_meta_id"`
}

// dyDiscounts is one of promotion_detail's shop_discount_detail,
// platform_discount_detail and kol_discount_detail.
type dyDiscounts struct {
	CouponInfo       []dyCoupon   `json:"coupon_info"`
	FullDiscountInfo []dyCampaign `json:"full_discount_info"`
}

// dyOrderDetail is order.orderDetail's shop_order_detail, as far as the plugin
// reads it (zsmhub/doudian-sdk order_orderDetail_response.go ShopOrderDetail,
// PromotionDetail).
type dyOrderDetail struct {
	OrderID         platformhttp.FlexString `json:"order_id"`
	PromotionDetail struct {
		Shop     dyDiscounts `json:"shop_discount_detail"`
		Platform dyDiscounts `json:"platform_discount_detail"`
		KOL      dyDiscounts `json:"kol_discount_detail"`
	} `json:"promotion_detail"`
	SKUOrderList []dySKUOrder `json:"sku_order_list"`
}

// ids are the detail's campaign ids (shop, platform and 达人 full discounts,
// the lines' item campaigns) and coupon batch ids, each once, in that order.
func (d dyOrderDetail) ids() (promotions, coupons []string) {
	add := func(list []string, id platformhttp.FlexString) []string {
		if id == "" || id == "0" || slices.Contains(list, string(id)) {
			return list
		}
		return append(list, string(id))
	}
	for _, g := range []dyDiscounts{d.PromotionDetail.Shop, d.PromotionDetail.Platform, d.PromotionDetail.KOL} {
		for _, c := range g.FullDiscountInfo {
			promotions = add(promotions, c.CampaignID)
		}
		for _, c := range g.CouponInfo {
			coupons = add(coupons, c.CouponMetaID)
		}
	}
	for _, l := range d.SKUOrderList {
		for _, c := range l.CampaignInfo {
			promotions = add(promotions, c.CampaignID)
		}
	}
	return promotions, coupons
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
	// promotion_amount = shop + platform + 达人 discounts; shop_cost_amount is
	// the part the seller bears (商家承担金额), fen.
	PromotionAmount platformhttp.FlexInt `json:"promotion_amount"`
	ShopCostAmount  platformhttp.FlexInt `json:"shop_cost_amount"`
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

func (d dyOrder) toOrder() sdk.Order {
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
	o.DiscountFen = max(int64(d.ShopCostAmount), 0)
	for _, l := range d.SKUOrderList {
		if o.AuthorID == "" && l.AuthorID != "" && l.AuthorID != "0" {
			o.AuthorID = string(l.AuthorID)
		}
		total := int64(l.SumAmount)
		if total == 0 {
			total = int64(l.OriginAmount)
		}
		unit := int64(0)
		if l.ItemNum > 0 {
			unit = int64(l.OriginAmount) / int64(l.ItemNum)
		}
		o.Lines = append(o.Lines, sdk.OrderLine{ExternalID: string(l.OrderID), ProductExternalID: string(l.ProductID),
			SKUExternalID: string(l.SKUID), Title: l.ProductName, Quantity: int64(l.ItemNum),
			UnitPriceFen: unit, TotalFen: total})
	}
	return o
}

// ListOrders pages orders changed in [Since, Until) with order.searchList (page
// from 0, size ≤ 100): by update_time_start/update_time_end, ascending by
// update_time, or, for a first sync (CreatedOnly), by create time. Times are
// inclusive Unix seconds, so [a, b) asks for a .. b-1.
//
// order.searchList carries the 达人's author_id and the seller-funded
// discount but no promotion or coupon ids: an order with a promotion_amount
// gets one order.orderDetail call for them, paced by the RPC deadline like
// ListProducts' SKU calls (a page that would not fit ends early with a cursor
// at the next order); unpaid orders are not fetched (nothing attributes them
// before payment, and payment brings them back by update time). Item campaigns whose amount is in the price (限时特卖)
// leave promotion_amount at 0 and are not fetched: the host attributes such
// orders by the campaign's products and window.
func (p *Platform) ListOrders(ctx context.Context, req sdk.ListOrdersRequest) (*sdk.OrderPage, error) {
	page, offset, err := parsePageOffset(req.Cursor, 0)
	if err != nil {
		return nil, err
	}
	size := req.PageSize
	if size <= 0 || size > 100 {
		size = 100
	}
	field := "update_time"
	if req.CreatedOnly {
		field = "create_time"
	}
	params := map[string]any{"page": page, "size": size, "order_by": field, "order_asc": true}
	if !req.Since.IsZero() {
		params[field+"_start"] = req.Since.Unix()
	}
	until := req.Until
	if until.IsZero() {
		until = p.opts.Now()
	}
	params[field+"_end"] = until.Add(-time.Second).Unix()
	var data struct {
		List  []dyOrder            `json:"shop_order_list"`
		Total platformhttp.FlexInt `json:"total"`
	}
	conn := req.Connection
	out := &sdk.OrderPage{}
	useToken := func(tok *sdk.Token) {
		if tok != nil {
			out.NewToken = tok
			conn.AccessToken, conn.RefreshToken = tok.AccessToken, tok.RefreshToken
		}
	}
	tok, err := p.do(ctx, conn, MethodOrderSearch, params, &data)
	useToken(tok)
	if err != nil {
		return nil, err
	}
	out.Total = int64(data.Total)
	budget := platformhttp.NewBudget(ctx)
	done, details := offset, 0
	for i := offset; i < len(data.List); i++ {
		d := data.List[i]
		o := d.toOrder()
		// Only a paid order can be attributed: an unpaid one comes back by
		// update time once paid, and its ids are fetched then.
		if d.PromotionAmount > 0 && d.PayTime > 0 {
			if !budget.Fits(details) {
				break
			}
			var detail struct {
				Order dyOrderDetail `json:"shop_order_detail"`
			}
			budget.Begin()
			tok, err := p.do(ctx, conn, MethodOrderDetail, map[string]any{"shop_order_id": string(d.OrderID)}, &detail)
			budget.End()
			useToken(tok)
			if err != nil {
				return nil, withToken(err, out.NewToken)
			}
			details++
			o.PromotionIDs, o.CouponIDs = detail.Order.ids()
		}
		out.Orders = append(out.Orders, o)
		done = i + 1
	}
	switch {
	case done < len(data.List):
		out.NextCursor = fmt.Sprintf("%so%d", platformhttp.PageCursor(page), done)
	case int64((page+1)*size) < int64(data.Total) && len(data.List) > 0:
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
	skuID, err := strconv.ParseInt(req.SKUExternalID, 10, 64)
	if err != nil {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "douyin: sku id %q is not a 抖店 sku_id", req.SKUExternalID)
	}
	// sku_id and product_id are int64 in the official SDK (SkuSyncStockParam).
	params := map[string]any{"sku_id": skuID, "stock_num": req.Quantity, "incremental": false}
	if req.ProductExternalID != "" {
		pid, err := strconv.ParseInt(req.ProductExternalID, 10, 64)
		if err != nil {
			return nil, sdk.Errorf(sdk.KindInvalidRequest, "douyin: product id %q is not a 抖店 product_id", req.ProductExternalID)
		}
		params["product_id"] = pid
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
