// Package xiaohongshu is the built-in OpsGraph plugin for 小红书 (Xiaohongshu) shops,
// speaking the ark open platform API: one endpoint
// (POST /ark/open_api/v3/common_controller) taking a JSON body with method, appId,
// timestamp, version, sign, accessToken and the business parameters flattened
// beside them. Package fake holds a local ark gateway for tests and demos.
package xiaohongshu

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Version is the plugin version.
const Version = "1.0.0"

// DefaultEndpoint is ark's production endpoint; ControllerPath is appended to an
// endpoint given without a path.
const (
	DefaultEndpoint = "https://ark.xiaohongshu.com/ark/open_api/v3/common_controller"
	ControllerPath  = "/ark/open_api/v3/common_controller"
	APIVersion      = "2.0"
)

// Credential field names. "app_key" is accepted as an alias of app_id.
const (
	CredAppID     = "app_id"
	CredAppSecret = "app_secret"
)

// ark methods used by the plugin.
const (
	MethodGetAccessToken = "oauth.getAccessToken"
	MethodRefreshToken   = "oauth.refreshToken"
	MethodSKUList        = "product.getDetailSkuList"
	MethodOrderList      = "order.getOrderList"
	MethodOrderDetail    = "order.getOrderDetail"
	// MethodSyncStock sets a SKU's total stock, channel reserves included
	// (PLATFORMS.md "Corrections and additions").
	MethodSyncStock = "inventory.syncSkuStock"
)

// Limits of order.getOrderList (PLATFORMS.md "Corrections and additions",
// a third-party summary of the official spec): a window of at most 24 h by
// created time (timeType 1) or 30 min by update time (timeType 2); pageNo ≤ 100,
// pageSize ≤ 100.
const (
	CreatedWindow = 24 * time.Hour
	UpdatedWindow = 30 * time.Minute
	MaxPageNo     = 100
	MaxPageSize   = 100
)

// ark has no documented API for daily store numbers or for publishing notes
// (notes live on the creator platform): the plugin declares neither METRICS nor
// PUBLISH_CONTENT and answers them with sdk.Unimplemented.

// Options tune a Platform; the zero value is production behaviour.
type Options struct {
	HTTPClient *http.Client
	Retry      platformhttp.Policy
	Now        func() time.Time
}

// Platform implements sdk.Platform for 小红书.
type Platform struct {
	sdk.Unimplemented
	opts Options
	gate platformhttp.Gate
}

// New returns the 小红书 plugin with production defaults.
func New() sdk.Platform { return NewWithOptions(Options{}) }

// NewWithOptions returns the plugin with custom HTTP client, retry policy or clock.
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
		PlatformID:    "xiaohongshu",
		DisplayName:   "小红书 (Xiaohongshu ark)",
		PluginVersion: Version,
		Capabilities:  []sdk.Capability{sdk.CapAuthorize, sdk.CapProducts, sdk.CapOrders, sdk.CapUpdateStock},
		CredentialFields: []sdk.CredentialField{
			{Name: CredAppID, Description: "ark appId", Required: true},
			{Name: CredAppSecret, Description: "ark appSecret", Secret: true, Required: true},
		},
		DefaultEndpoint: DefaultEndpoint,
	}, nil
}

// envelope accepts both documented variants: success + error_code/error_msg
// (zsmhub/xhs-sdk) and success + code/msg (official Java SDK).
type envelope struct {
	Success   *bool                   `json:"success"`
	ErrorCode *platformhttp.FlexInt   `json:"error_code"`
	ErrorMsg  string                  `json:"error_msg"`
	Code      *platformhttp.FlexInt   `json:"code"`
	Msg       string                  `json:"msg"`
	Data      json.RawMessage         `json:"data"`
	RequestID platformhttp.FlexString `json:"requestId"`
}

// classify maps a failed envelope to a typed error. ark's error codes are
// negative numbers with no published table (PLATFORMS.md, third-party), so the
// message decides: token expired/invalid → auth, 频繁/限流 → rate limit,
// 签名/参数/时间戳/appId → invalid request, 系统繁忙/服务异常 → unavailable.
func classify(code int64, msg string) *sdk.Error {
	e := &sdk.Error{Kind: sdk.KindPlatform, PlatformCode: strconv.FormatInt(code, 10), Message: "xiaohongshu: " + msg}
	m := strings.ToLower(msg)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(m, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("频繁", "限流", "rate limit", "too many"):
		e.Kind = sdk.KindRateLimited
	case has("refreshtoken", "refresh token", "refresh_token"):
		e.Kind = sdk.KindPlatform // a refused refresh: CallWithRefresh turns it into "reconnect"
	case has("accesstoken", "access token", "access_token", "授权已过期", "token过期", "token已过期"):
		e.Kind = sdk.KindAuthExpired
	case has("系统繁忙", "服务异常", "服务不可用", "system busy"):
		e.Kind = sdk.KindUnavailable
	case has("签名", "sign", "参数", "时间戳", "timestamp", "appid"):
		e.Kind = sdk.KindInvalidRequest
	}
	return e
}

func endpoint(conn sdk.Connection) (string, error) {
	return platformhttp.Endpoint(conn, "xiaohongshu", DefaultEndpoint, platformhttp.DefaultPath(ControllerPath))
}

func (p *Platform) call(ctx context.Context, conn sdk.Connection, token, method string, params map[string]any, out any) error {
	appID := conn.Credentials[CredAppID]
	if appID == "" {
		appID = conn.Credentials["app_key"]
	}
	secret := conn.Credentials[CredAppSecret]
	if appID == "" || secret == "" {
		return sdk.Errorf(sdk.KindInvalidRequest, "xiaohongshu: credentials %s and %s are required", CredAppID, CredAppSecret)
	}
	ep, err := endpoint(conn)
	if err != nil {
		return err
	}
	ts := p.opts.Now().Unix()
	body := map[string]any{}
	for k, v := range params {
		body[k] = v
	}
	body["method"] = method
	body["appId"] = appID
	body["timestamp"] = ts
	body["version"] = APIVersion
	body["sign"] = Sign(method, appID, secret, APIVersion, ts)
	if token != "" {
		body["accessToken"] = token
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return sdk.Errorf(sdk.KindInvalidRequest, "xiaohongshu: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep, strings.NewReader(string(raw)))
	if err != nil {
		return sdk.Errorf(sdk.KindInvalidRequest, "xiaohongshu: %v", err)
	}
	req.Header.Set("Content-Type", "application/json;charset=utf-8")
	if err := p.gate.Wait(ctx, appID); err != nil {
		return err
	}
	resp, err := platformhttp.Do(ctx, p.opts.HTTPClient, req, func(b []byte) bool {
		var e envelope
		return json.Unmarshal(b, &e) == nil && e.Success != nil
	})
	if err != nil {
		return err
	}
	var env envelope
	if err := json.Unmarshal(resp, &env); err != nil || env.Success == nil {
		return sdk.Errorf(sdk.KindUnavailable, "xiaohongshu: malformed response")
	}
	code, msg := int64(0), env.ErrorMsg
	if env.ErrorCode != nil {
		code = int64(*env.ErrorCode)
	} else if env.Code != nil {
		code = int64(*env.Code)
	}
	if msg == "" {
		msg = env.Msg
	}
	if !*env.Success || code != 0 {
		if code == 0 {
			code = -1
		}
		e := classify(code, msg)
		p.gate.Observe(appID, e)
		return e
	}
	if out != nil && len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return sdk.Errorf(sdk.KindPlatform, "xiaohongshu: unexpected %s data: %v", method, err)
		}
	}
	return nil
}

func (p *Platform) do(ctx context.Context, conn sdk.Connection, method string, params map[string]any, out any) (*sdk.Token, error) {
	return platformhttp.CallWithRefresh(ctx, p.opts.Retry, conn, p.RefreshToken,
		func(ctx context.Context, token string) error { return p.call(ctx, conn, token, method, params, out) })
}

func (p *Platform) token(ctx context.Context, conn sdk.Connection, method string, params map[string]any) (*sdk.Token, error) {
	var d struct {
		AccessToken          string                  `json:"accessToken"`
		AccessTokenExpiresAt platformhttp.FlexInt    `json:"accessTokenExpiresAt"`
		RefreshToken         string                  `json:"refreshToken"`
		SellerID             platformhttp.FlexString `json:"sellerId"`
		SellerName           string                  `json:"sellerName"`
	}
	err := platformhttp.Retry(ctx, p.opts.Retry, func(ctx context.Context) error { return p.call(ctx, conn, "", method, params, &d) })
	if err != nil {
		return nil, err
	}
	if d.AccessToken == "" {
		return nil, sdk.Errorf(sdk.KindPlatform, "xiaohongshu: %s returned no token", method)
	}
	return &sdk.Token{AccessToken: d.AccessToken, RefreshToken: d.RefreshToken,
		ExpiresAt: platformhttp.UnixAuto(int64(d.AccessTokenExpiresAt)), ShopID: string(d.SellerID), ShopName: d.SellerName}, nil
}

// Authorize exchanges an OAuth code (oauth.getAccessToken).
func (p *Platform) Authorize(ctx context.Context, req sdk.AuthorizeRequest) (*sdk.Token, error) {
	if req.Code == "" {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "xiaohongshu: authorization code is required")
	}
	return p.token(ctx, req.Connection, MethodGetAccessToken, map[string]any{"code": req.Code})
}

// RefreshToken renews the access token (oauth.refreshToken).
func (p *Platform) RefreshToken(ctx context.Context, conn sdk.Connection) (*sdk.Token, error) {
	if conn.RefreshToken == "" {
		return nil, sdk.Errorf(sdk.KindAuthExpired, "xiaohongshu: no refresh token; re-authorize the store")
	}
	return p.token(ctx, conn, MethodRefreshToken, map[string]any{"refreshToken": conn.RefreshToken})
}

// detailSku is one entry of product.getDetailSkuList: a SKU with its item
// (official Java SDK GetDetailSkuListResponse → DetailSkuV3{item, sku}).
type detailSku struct {
	Item struct {
		ID         platformhttp.FlexString `json:"id"`
		Name       string                  `json:"name"`
		UpdateTime platformhttp.FlexInt    `json:"updateTime"` // ms
	} `json:"item"`
	SKU struct {
		ID       platformhttp.FlexString `json:"id"`
		ItemID   platformhttp.FlexString `json:"itemId"`
		Name     string                  `json:"name"`
		Variants []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"variants"`
		Price      platformhttp.FlexInt `json:"price"` // fen
		Stock      platformhttp.FlexInt `json:"stock"`
		Barcode    string               `json:"barcode"`
		Buyable    bool                 `json:"buyable"`
		UpdateTime platformhttp.FlexInt `json:"updateTime"` // ms
	} `json:"sku"`
}

func (d detailSku) itemID() string {
	if d.Item.ID != "" {
		return string(d.Item.ID)
	}
	return string(d.SKU.ItemID)
}

// skuPage is product.getDetailSkuList's data: {data: [...], pageNO, pageSize, total}.
type skuPage struct {
	Data     []detailSku          `json:"data"`
	PageNO   platformhttp.FlexInt `json:"pageNO"`
	PageSize platformhttp.FlexInt `json:"pageSize"`
	Total    platformhttp.FlexInt `json:"total"`
}

// product cursor: "p<pageNo>" or "p<pageNo>s<itemId>" (skip SKUs of itemId at the
// start of the page: that item was already returned whole).
func parseProductCursor(c string) (page int, skip string, err error) {
	if c == "" {
		return 1, "", nil
	}
	pc, skip, _ := strings.Cut(c, "s")
	page, err = platformhttp.ParsePageCursor(pc, 1)
	return page, skip, err
}

// ListProducts reads SKUs with their items (product.getDetailSkuList, one entry
// per SKU, ordered by item) and groups them into products. An item whose SKUs run
// past the end of a page is completed from the following page(s), and the next
// cursor skips it there, so each product is returned once, whole. The page size
// counts SKUs.
func (p *Platform) ListProducts(ctx context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	page, skip, err := parseProductCursor(req.Cursor)
	if err != nil {
		return nil, err
	}
	size := req.PageSize
	if size <= 0 || size > MaxPageSize {
		size = 50
	}
	conn := req.Connection
	out := &sdk.ProductPage{Total: -1}
	fetch := func(n int) (*skuPage, error) {
		params := map[string]any{"pageNo": n, "pageSize": size}
		if !req.Since.IsZero() {
			params["updateTimeFrom"] = req.Since.UnixMilli()
			params["updateTimeTo"] = p.opts.Now().UnixMilli()
		}
		var d skuPage
		tok, err := p.do(ctx, conn, MethodSKUList, params, &d)
		if tok != nil {
			out.NewToken = tok
			conn.AccessToken, conn.RefreshToken = tok.AccessToken, tok.RefreshToken
		}
		if err != nil {
			return nil, withToken(err, out.NewToken)
		}
		return &d, nil
	}
	first, err := fetch(page)
	if err != nil {
		return nil, err
	}
	out.Total = int64(first.Total)
	skus := first.Data
	for len(skus) > 0 && skip != "" && skus[0].itemID() == skip {
		skus = skus[1:]
	}
	maxPage := (int(first.Total) + size - 1) / size
	// Complete the trailing item from the following page(s); the next cursor then
	// starts at the last page fetched, skipping that item.
	if n := len(first.Data); n > 0 && page < maxPage {
		tail := first.Data[n-1].itemID()
		out.NextCursor = platformhttp.PageCursor(page + 1)
		for last := page; last < maxPage; {
			nxt, err := fetch(last + 1)
			if err != nil {
				return nil, err
			}
			last++
			i := 0
			for i < len(nxt.Data) && nxt.Data[i].itemID() == tail {
				skus = append(skus, nxt.Data[i])
				i++
			}
			if i < len(nxt.Data) {
				out.NextCursor = fmt.Sprintf("%ss%s", platformhttp.PageCursor(last), tail)
				break
			}
			out.NextCursor = ""
			if len(nxt.Data) == 0 {
				break
			}
		}
	}
	var order []string
	byID := map[string]*sdk.Product{}
	for _, d := range skus {
		id := d.itemID()
		pr := byID[id]
		if pr == nil {
			pr = &sdk.Product{ExternalID: id, Title: d.Item.Name, Status: "OFF_SALE",
				UpdatedAt: platformhttp.UnixAuto(int64(d.Item.UpdateTime))}
			if pr.Title == "" {
				pr.Title = d.SKU.Name
			}
			byID[id] = pr
			order = append(order, id)
		}
		s := d.SKU
		var names []string
		for _, v := range s.Variants {
			names = append(names, v.Name+":"+v.Value)
		}
		name := strings.Join(names, ";")
		if name == "" {
			name = s.Name
		}
		pr.SKUs = append(pr.SKUs, sdk.SKU{ExternalID: string(s.ID), Name: name,
			PriceFen: int64(s.Price), Stock: int64(s.Stock), Barcode: s.Barcode})
		pr.Stock += int64(s.Stock)
		if len(pr.SKUs) == 1 || int64(s.Price) < pr.PriceFen {
			pr.PriceFen = int64(s.Price)
		}
		if s.Buyable {
			pr.Status = "ON_SALE"
		}
		if t := platformhttp.UnixAuto(int64(s.UpdateTime)); t.After(pr.UpdatedAt) {
			pr.UpdatedAt = t
		}
	}
	for _, id := range order {
		out.Products = append(out.Products, *byID[id])
	}
	return out, nil
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

// OrderStatus normalizes ark's orderStatus (1 待付款, 2 已支付处理中, 3 清关中,
// 4 待发货, 5 部分发货, 6 待收货, 7 已完成, 8 已关闭, 9 已取消, 10 换货申请中).
// A closed or cancelled order that had been paid was refunded.
func OrderStatus(status int64, paid bool) string {
	switch status {
	case 1:
		return sdk.OrderPendingPayment
	case 2, 3, 4, 5:
		return sdk.OrderPaid
	case 6, 10:
		return sdk.OrderShipped
	case 7:
		return sdk.OrderCompleted
	case 8, 9:
		if paid {
			return sdk.OrderRefunded
		}
		return sdk.OrderCancelled
	default:
		return sdk.OrderPaid
	}
}

type orderSummary struct {
	OrderID     string               `json:"orderId"`
	OrderStatus platformhttp.FlexInt `json:"orderStatus"`
	CreatedTime platformhttp.FlexInt `json:"createdTime"`
	PaidTime    platformhttp.FlexInt `json:"paidTime"`
	UpdateTime  platformhttp.FlexInt `json:"updateTime"`
	UserID      string               `json:"userId"`
}

type orderDetail struct {
	orderSummary
	TotalPayAmount    platformhttp.FlexInt `json:"totalPayAmount"`
	TotalShippingFree platformhttp.FlexInt `json:"totalShippingFree"`
	// totalMerchantDiscount is the seller-funded discount (商家优惠, fen);
	// totalRedDiscount, ark's own subsidy, is not the seller's spend
	// (zsmhub/xhs-sdk RespGetOrderDetailData). Ark's order detail has no
	// promotion, coupon or creator ids, so none are reported.
	TotalMerchantDiscount platformhttp.FlexInt `json:"totalMerchantDiscount"`
	SkuList               []struct {
		SkuID           platformhttp.FlexString `json:"skuId"`
		ItemID          platformhttp.FlexString `json:"itemId"` // not in every SDK's model; used when present
		SkuName         string                  `json:"skuName"`
		SkuQuantity     platformhttp.FlexInt    `json:"skuQuantity"`
		TotalPaidAmount platformhttp.FlexInt    `json:"totalPaidAmount"`
		SkuDetailList   []struct {
			PricePerSku platformhttp.FlexInt `json:"pricePerSku"`
		} `json:"skuDetailList"`
	} `json:"skuList"`
}

func (d orderDetail) toOrder() sdk.Order {
	paid := d.PaidTime > 0
	o := sdk.Order{ExternalID: d.OrderID, Status: OrderStatus(int64(d.OrderStatus), paid),
		RawStatus: strconv.FormatInt(int64(d.OrderStatus), 10), TotalFen: int64(d.TotalPayAmount),
		BuyerRef: d.UserID, CreatedAt: platformhttp.UnixAuto(int64(d.CreatedTime)),
		PaidAt: platformhttp.UnixAuto(int64(d.PaidTime)), UpdatedAt: platformhttp.UnixAuto(int64(d.UpdateTime))}
	if paid {
		o.PaidFen = int64(d.TotalPayAmount)
	}
	o.DiscountFen = max(int64(d.TotalMerchantDiscount), 0)
	for _, l := range d.SkuList {
		unit := int64(0)
		if len(l.SkuDetailList) > 0 {
			unit = int64(l.SkuDetailList[0].PricePerSku)
		}
		o.Lines = append(o.Lines, sdk.OrderLine{ExternalID: d.OrderID + ":" + string(l.SkuID),
			ProductExternalID: string(l.ItemID), SKUExternalID: string(l.SkuID), Title: l.SkuName,
			Quantity: int64(l.SkuQuantity), UnitPriceFen: unit, TotalFen: int64(l.TotalPaidAmount)})
	}
	return o
}

// maxEmptyWindows bounds how many empty windows one ListOrders call walks
// before it returns an empty page with a cursor (so that a long quiet range
// still makes visible progress inside the RPC deadline).
const maxEmptyWindows = 48

// ListOrders pages orders changed in [Since, Until) with order.getOrderList in
// the windows ark allows: timeType 2 (update time) in 30-minute windows, or, for
// a first sync (CreatedOnly), timeType 1 (created time) in 24-hour windows;
// startTime/endTime are inclusive Unix seconds, pageNo 1..100. A window holding
// more than 100 pages is halved. Each order's lines and amounts come from
// order.getOrderDetail, paced by the RPC deadline: a page that would not fit
// ends early with a cursor at the next order.
func (p *Platform) ListOrders(ctx context.Context, req sdk.ListOrdersRequest) (*sdk.OrderPage, error) {
	size := req.PageSize
	if size <= 0 || size > MaxPageSize {
		size = 50
	}
	until := req.Until
	if until.IsZero() {
		until = p.opts.Now()
	}
	since := req.Since
	if since.IsZero() {
		since = until.AddDate(0, 0, -90)
	}
	width, timeType := UpdatedWindow, 2
	if req.CreatedOnly {
		width, timeType = CreatedWindow, 1
	}
	wins := platformhttp.NewWindows(since, until, until, width)
	cur, ok, err := platformhttp.ParseWindowCursor(req.Cursor)
	if err != nil {
		return nil, err
	}
	if !ok {
		if cur, ok = wins.First(1); !ok {
			return &sdk.OrderPage{Total: 0}, nil
		}
	}
	conn := req.Connection
	out := &sdk.OrderPage{Total: -1}
	useToken := func(tok *sdk.Token) {
		if tok != nil {
			out.NewToken = tok
			conn.AccessToken, conn.RefreshToken = tok.AccessToken, tok.RefreshToken
		}
	}
	var list struct {
		Total     platformhttp.FlexInt `json:"total"`
		MaxPageNo platformhttp.FlexInt `json:"maxPageNo"`
		OrderList []orderSummary       `json:"orderList"`
	}
	for empty := 0; ; {
		list.Total, list.MaxPageNo, list.OrderList = 0, 0, nil
		params := map[string]any{"startTime": cur.Start, "endTime": cur.End - 1,
			"timeType": timeType, "orderStatus": 0, "pageNo": cur.Page, "pageSize": size}
		tok, err := p.do(ctx, conn, MethodOrderList, params, &list)
		useToken(tok)
		if err != nil {
			return nil, withToken(err, out.NewToken)
		}
		if cur.Page == 1 && int64(list.Total) > int64(MaxPageNo*size) {
			if half, ok := cur.Halve(); ok {
				cur = half
				continue
			}
		}
		if len(list.OrderList) > cur.Offset {
			break
		}
		next, ok := wins.Next(cur, 1)
		if !ok {
			return out, nil // the range is done
		}
		cur = next
		if empty++; empty >= maxEmptyWindows {
			out.NextCursor = cur.String()
			return out, nil
		}
	}
	budget := platformhttp.NewBudget(ctx)
	done := cur.Offset
	for i, s := range list.OrderList[cur.Offset:] {
		if !budget.Fits(i) {
			break
		}
		var d orderDetail
		budget.Begin()
		tok, err := p.do(ctx, conn, MethodOrderDetail, map[string]any{"orderId": s.OrderID}, &d)
		budget.End()
		useToken(tok)
		if err != nil {
			return nil, withToken(err, out.NewToken)
		}
		if d.OrderID == "" {
			d.OrderID = s.OrderID
		}
		out.Orders = append(out.Orders, d.toOrder())
		done++
	}
	switch maxPage := int(list.MaxPageNo); {
	case done < len(list.OrderList):
		cur.Offset = done
		out.NextCursor = cur.String()
	case cur.Page < maxPage && cur.Page < MaxPageNo:
		cur.Page, cur.Offset = cur.Page+1, 0
		out.NextCursor = cur.String()
	default:
		if next, ok := wins.Next(cur, 1); ok {
			out.NextCursor = next.String()
		}
	}
	return out, nil
}

// UpdateStock sets a SKU's stock (inventory.syncSkuStock).
func (p *Platform) UpdateStock(ctx context.Context, req sdk.UpdateStockRequest) (*sdk.UpdateStockResult, error) {
	if req.SKUExternalID == "" || req.Quantity < 0 {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "xiaohongshu: sku id and a non-negative quantity are required")
	}
	var d struct {
		SkuStock struct {
			Available platformhttp.FlexInt `json:"available"`
		} `json:"skuStock"`
	}
	newTok, err := p.do(ctx, req.Connection, MethodSyncStock, map[string]any{"skuId": req.SKUExternalID, "qty": req.Quantity}, &d)
	if err != nil {
		return nil, err
	}
	return &sdk.UpdateStockResult{Quantity: int64(d.SkuStock.Available), NewToken: newTok}, nil
}
