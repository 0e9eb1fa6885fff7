// Package taobao is the built-in OpsGraph plugin for Taobao and Tmall, speaking the
// Taobao Open Platform (TOP) router API: form POSTs to /router/rest with signed
// system parameters (md5, hmac or hmac-sha256), JSON responses with
// <method>_response / error_response envelopes. Package fake holds a local TOP
// gateway for tests and demos.
package taobao

import (
	"context"
	"encoding/json"
	"errors"
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

// TOP methods used by the plugin.
const (
	MethodTokenCreate    = "taobao.top.auth.token.create"
	MethodTokenRefresh   = "taobao.top.auth.token.refresh"
	MethodItemsOnsale    = "taobao.items.onsale.get"
	MethodItemsList      = "taobao.items.seller.list.get"     // batch item detail with SKUs, ≤20 num_iids
	MethodTradesSold     = "taobao.trades.sold.get"           // by creation time (first sync)
	MethodTradesIncr     = "taobao.trades.sold.increment.get" // by modification time, ≤ 1 day windows
	MethodQuantityUpdate = "taobao.item.quantity.update"
)

// TOP has no open router API for 生意参谋 store numbers or for publishing
// content (逛逛/微淘): the plugin declares neither METRICS nor PUBLISH_CONTENT and
// answers them with sdk.Unimplemented.

// Paging limits (PLATFORMS.md "Corrections and additions").
const (
	MaxItemsPageSize = 200   // taobao.items.onsale.get page_size
	MaxRows          = 20000 // page_no × page_size cap of taobao.items.onsale.get
	MaxTradePageSize = 100   // taobao.trades.sold(.increment).get page_size
	MaxDetailBatch   = 20    // num_iids per taobao.items.seller.list.get
	IncrementWindow  = 24 * time.Hour
	// CreatedWindow splits a first sync's creation-time range well inside the
	// 3 months trades.sold.get allows.
	CreatedWindow = 30 * 24 * time.Hour
)

// TradeTypes are all trade types of trades.sold.get's `type` (without it TOP
// returns only the default ones).
const TradeTypes = "fixed,auction,guarantee_trade,step,independent_simple_trade,independent_shop_trade,auto_delivery," +
	"ec,cod,game_equipment,shopex_trade,netcn_trade,external_trade,instant_trade,b2c_cod,hotel_trade,super_market_trade," +
	"super_market_cod_trade,taohua,waimai,o2o_offlinetrade,nopaid,eticket,tmall_i18n,insurance_plus,finance,pre_auth_type"

// Platform implements sdk.Platform for Taobao/Tmall.
type Platform struct {
	sdk.Unimplemented
	opts Options
	gate platformhttp.Gate
}

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
		Capabilities:  []sdk.Capability{sdk.CapAuthorize, sdk.CapProducts, sdk.CapOrders, sdk.CapUpdateStock},
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

// ListProducts pages on-sale items (taobao.items.onsale.get ordered by
// modified:asc, one of the documented order_by values) and fetches their SKUs in
// batches of 20 (taobao.items.seller.list.get). TOP serves at most 20,000 rows
// (page_no × page_size) of one query, so when the next page would pass that cap
// the cursor restarts the query at start_modified = the last item's modified
// time, page 1 (items of that second come again; upserts are idempotent). The
// window's end is fixed at the first page. Detail batches are paced by the RPC
// deadline: a page that would not fit ends early with a cursor at the next item.
func (p *Platform) ListProducts(ctx context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	size := req.PageSize
	if size <= 0 || size > MaxItemsPageSize {
		size = 100
	}
	cur, ok, err := platformhttp.ParseWindowCursor(req.Cursor)
	if err != nil {
		return nil, err
	}
	if !ok {
		cur = platformhttp.WindowCursor{End: p.opts.Now().Unix() + 1, Page: 1}
		if !req.Since.IsZero() {
			cur.Start = req.Since.Unix()
		}
	}
	biz := map[string]string{
		"fields":       "num_iid,title,price,num,approve_status,modified,outer_id",
		"page_no":      strconv.Itoa(cur.Page),
		"page_size":    strconv.Itoa(size),
		"order_by":     "modified:asc",
		"end_modified": formatTime(time.Unix(cur.End, 0)),
	}
	if cur.Start > 0 {
		biz["start_modified"] = formatTime(time.Unix(cur.Start, 0))
	}
	var list struct {
		Items struct {
			Item []topItem `json:"item"`
		} `json:"items"`
		TotalResults platformhttp.FlexInt `json:"total_results"`
	}
	conn := req.Connection
	out := &sdk.ProductPage{Total: -1}
	useToken := func(tok *sdk.Token) {
		if tok != nil {
			out.NewToken = tok
			conn.AccessToken, conn.RefreshToken = tok.AccessToken, tok.RefreshToken
		}
	}
	tok, err := p.do(ctx, conn, MethodItemsOnsale, biz, &list)
	useToken(tok)
	if err != nil {
		return nil, err
	}
	out.Total = int64(list.TotalResults)
	items := list.Items.Item
	budget := platformhttp.NewBudget(ctx)
	done := cur.Offset
	for start := cur.Offset; start < len(items); start += MaxDetailBatch {
		if !budget.Fits(start - cur.Offset) {
			break
		}
		end := min(start+MaxDetailBatch, len(items))
		ids := make([]string, 0, end-start)
		for _, it := range items[start:end] {
			ids = append(ids, string(it.NumIID))
		}
		var detail struct {
			Items struct {
				Item []topItem `json:"item"`
			} `json:"items"`
		}
		budget.Begin()
		tok, err := p.do(ctx, conn, MethodItemsList, map[string]string{
			"num_iids": strings.Join(ids, ","),
			"fields":   "num_iid,title,price,num,approve_status,modified,outer_id,sku",
		}, &detail)
		budget.End()
		useToken(tok)
		if err != nil {
			return nil, withToken(err, out.NewToken)
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
				return nil, withToken(err, out.NewToken)
			}
			out.Products = append(out.Products, pr)
		}
		done = end
	}
	switch {
	case done < len(items):
		cur.Offset = done
		out.NextCursor = cur.String()
	case len(items) == 0 || int64(cur.Page*size) >= int64(list.TotalResults):
		// last page
	case (cur.Page+1)*size > p.opts.MaxRows:
		last := parseTime(items[len(items)-1].Modified)
		if last.IsZero() || last.Unix() <= cur.Start {
			return nil, withToken(sdk.Errorf(sdk.KindPlatform,
				"taobao: more than %d items share one modified second; cannot page further", p.opts.MaxRows), out.NewToken)
		}
		out.NextCursor = platformhttp.WindowCursor{Start: last.Unix(), End: cur.End, Page: 1}.String()
	default:
		out.NextCursor = platformhttp.WindowCursor{Start: cur.Start, End: cur.End, Page: cur.Page + 1}.String()
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
	PromotionDetails struct {
		PromotionDetail []topPromotion `json:"promotion_detail"`
	} `json:"promotion_details"`
}

// topPromotion is one promotion_details entry (bububa/opentaobao model/trade
// PromotionDetail): promotion_id is "营销工具id-优惠活动id_优惠详情id", e.g.
// "mjs-123024_211143"; discount_fee is in yuan and empty for free shipping and
// time-limited discounts.
type topPromotion struct {
	PromotionID   string `json:"promotion_id"`
	PromotionName string `json:"promotion_name"`
	DiscountFee   string `json:"discount_fee"`
}

// CouponTool is the 营销工具 id of store coupons (店铺优惠券) in a promotion_id.
const CouponTool = "shopbonus"

// PromotionIDs splits a TOP promotion_id ("tool-activity_detail[-instance]")
// into the ids a campaign may carry: the full promotion_id and the activity
// id (优惠活动id, what the seller's promotion tools show), as coupon ids for
// the shopbonus tool and as promotion ids otherwise. An id without that shape
// is kept whole as a promotion id.
func PromotionIDs(promotionID string) (promotions, coupons []string) {
	if promotionID == "" {
		return nil, nil
	}
	tool, rest, ok := strings.Cut(promotionID, "-")
	activity, _, _ := strings.Cut(rest, "_")
	ids := []string{promotionID}
	if ok && activity != "" && activity != promotionID {
		ids = append(ids, activity)
	}
	if ok && tool == CouponTool {
		return nil, ids
	}
	return ids, nil
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
	// pay_time is absent on some paid trades (and always before payment): the
	// status decides whether `payment` was paid.
	if o.PaidAt.IsZero() && (o.Status == sdk.OrderPendingPayment || t.Status == "TRADE_CLOSED_BY_TAOBAO") {
		o.PaidFen = 0
	}
	// Promotions: ids for attribution, discount_fee summed as the
	// seller-funded discount (promotion_details lists the shop's own
	// promotions and coupons; platform subsidies are not among them).
	for _, pd := range t.PromotionDetails.PromotionDetail {
		promos, coupons := PromotionIDs(pd.PromotionID)
		o.PromotionIDs = appendNew(o.PromotionIDs, promos...)
		o.CouponIDs = appendNew(o.CouponIDs, coupons...)
		d, err := money("promotion discount_fee", pd.DiscountFee)
		if err != nil {
			return sdk.Order{}, err
		}
		o.DiscountFen += d
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

// appendNew appends the ids not in list yet.
func appendNew(list []string, ids ...string) []string {
	for _, id := range ids {
		if !slices.Contains(list, id) {
			list = append(list, id)
		}
	}
	return list
}

// maxEmptyWindows bounds how many empty windows one ListOrders call walks.
const maxEmptyWindows = 31

// ListOrders pages trades changed in [Since, Until): by modification time with
// taobao.trades.sold.increment.get in windows of at most one day, or, for a first
// sync (CreatedOnly), by creation time with taobao.trades.sold.get. Both get
// every trade type (`type`) and use_has_next=true; start/end are inclusive
// second-precision times in GMT+8, so a window [a, b) asks for a .. b-1s.
func (p *Platform) ListOrders(ctx context.Context, req sdk.ListOrdersRequest) (*sdk.OrderPage, error) {
	size := req.PageSize
	if size <= 0 || size > MaxTradePageSize {
		size = MaxTradePageSize
	}
	until := req.Until
	if until.IsZero() {
		until = p.opts.Now()
	}
	since := req.Since
	if since.IsZero() {
		since = until.AddDate(0, 0, -90)
	}
	method, width, startKey, endKey := MethodTradesIncr, IncrementWindow, "start_modified", "end_modified"
	if req.CreatedOnly {
		method, width, startKey, endKey = MethodTradesSold, CreatedWindow, "start_created", "end_created"
		// trades.sold.get reaches back three months (89–92 days by the
		// calendar); older trades cannot be listed by creation time at all.
		if floor := p.opts.Now().AddDate(0, -3, 0).Add(time.Hour); since.Before(floor) {
			since = floor
		}
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
	for empty := 0; ; {
		biz := map[string]string{
			"fields":       "tid,type,status,payment,total_fee,post_fee,created,pay_time,modified,buyer_open_uid,orders,promotion_details",
			"type":         TradeTypes,
			"page_no":      strconv.Itoa(cur.Page),
			"page_size":    strconv.Itoa(size),
			"use_has_next": "true",
			startKey:       formatTime(time.Unix(cur.Start, 0)),
			endKey:         formatTime(time.Unix(cur.End-1, 0)),
		}
		var resp struct {
			Trades struct {
				Trade []topTrade `json:"trade"`
			} `json:"trades"`
			HasNext bool `json:"has_next"`
		}
		tok, err := p.do(ctx, conn, method, biz, &resp)
		if tok != nil {
			out.NewToken = tok
			conn.AccessToken, conn.RefreshToken = tok.AccessToken, tok.RefreshToken
		}
		if err != nil {
			return nil, withToken(err, out.NewToken)
		}
		for _, t := range resp.Trades.Trade {
			o, err := t.toOrder()
			if err != nil {
				return nil, withToken(err, out.NewToken)
			}
			out.Orders = append(out.Orders, o)
		}
		if resp.HasNext && len(resp.Trades.Trade) > 0 {
			cur.Page++
			out.NextCursor = cur.String()
			return out, nil
		}
		next, ok := wins.Next(cur, 1)
		if !ok {
			return out, nil
		}
		cur = next
		if len(out.Orders) > 0 {
			out.NextCursor = cur.String()
			return out, nil
		}
		if empty++; empty >= maxEmptyWindows {
			out.NextCursor = cur.String()
			return out, nil
		}
	}
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
	// An item without SKUs is synced as one SKU carrying the item's id: TOP
	// takes no sku_id then (only a real SKU of the item is accepted).
	if req.SKUExternalID != "" && req.SKUExternalID != req.ProductExternalID {
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
