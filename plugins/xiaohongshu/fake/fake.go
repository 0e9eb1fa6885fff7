// Package fake is a local 小红书 ark open platform gateway for tests and demos. It
// serves POST /ark/open_api/v3/common_controller with a JSON body carrying method,
// appId, timestamp (Unix seconds), version, sign and accessToken beside the business
// parameters; checks appId, version, the timestamp window and the MD5 signature;
// answers with ark's {"success","error_code","error_msg","data"} envelope (or the
// Java SDK's {"success","code","msg","data"} with Options.JavaEnvelope); checks
// access tokens; pages a deterministic catalog; records stock syncs; and injects
// faults on demand.
//
// Shapes follow the official Java SDK (GetDetailSkuListResponse) and zsmhub/xhs-sdk,
// limits the third-party summary of the official spec in PLATFORMS.md
// ("Corrections and additions"): each handler cites what it follows, and refuses
// what ark refuses — an order window over 24 h (created) or 30 min (updated),
// pageNo over 100, pageSize over 100.
package fake

import (
	"bytes"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp/fakekit"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Error codes the fake answers with. ark's codes are negative numbers with no
// published table (PLATFORMS.md "Corrections and additions", third-party); the
// plugin must match on success/code and the message, so these values are only
// plausible negatives and the messages carry the meaning.
const (
	CodeSystemBusy   = -1
	CodeInvalidParam = -100
	CodeSignInvalid  = -101
	CodeTimestamp    = -102
	CodeAppInvalid   = -103
	CodeTokenInvalid = -1001
	CodeTokenExpired = -1002
	CodeRateLimited  = -1005
	CodeBusiness     = -9999
)

// Limits of order.getOrderList the fake enforces (PLATFORMS.md "Corrections and
// additions", third-party summary of the official spec).
const (
	CreatedWindow = 24 * time.Hour   // timeType 1
	UpdatedWindow = 30 * time.Minute // timeType 2
	MaxPageNo     = 100
	MaxPageSize   = 100
)

// Product, SKU and Prop describe a catalogue for Options.Catalog.
type (
	Product = fakekit.Product
	SKU     = fakekit.SKU
	Prop    = fakekit.Prop
)

// Options configure a fake gateway. Zero values get the defaults noted.
type Options struct {
	AppID     string // default "fa1c3b5d7e9f4a2b"
	AppSecret string // default "fake-xhs-secret"
	Seed      int64
	Products  int // default 30
	Orders    int // default 200
	// Catalog, when set, is served instead of Products generated products (the
	// fake takes the pointers and updates their stock); the Orders orders are then
	// generated over its SKUs.
	Catalog         []*Product
	Epoch           time.Time     // data "now"; default start of today, Asia/Shanghai
	Addr            string        // default "127.0.0.1:0"
	TimestampWindow time.Duration // default 10 minutes
	AuthCode        string        // default "fake-auth-code"
	SellerID        string        // default "5f1a2b3c4d5e6f7a8b9c0d1e"
	SellerName      string        // default "OpsGraph小红书店"
	JavaEnvelope    bool          // answer with code/msg instead of error_code/error_msg
}

// StockUpdate is one recorded inventory.syncSkuStock.
type StockUpdate struct {
	SKUID    string
	Quantity int64
}

// Server is a running fake ark gateway.
type Server struct {
	URL string // base URL; the endpoint is URL + "/ark/open_api/v3/common_controller"
	*fakekit.Faults
	opts Options

	sess  *fakekit.Session
	calls fakekit.CallLog

	mu    sync.Mutex
	cat   *fakekit.Catalog
	stock []StockUpdate

	httpSrv *http.Server
}

// New starts a fake gateway on loopback; it panics if it cannot listen (see Start).
func New(o Options) *Server {
	s, err := Start(o)
	if err != nil {
		panic(fmt.Sprintf("xiaohongshu fake: %v", err))
	}
	return s
}

// Start starts a fake gateway listening on o.Addr.
func Start(o Options) (*Server, error) {
	s := NewUnstarted(o)
	var err error
	if s.URL, s.httpSrv, err = fakekit.Listen(s.opts.Addr, s.Handler()); err != nil {
		return nil, err
	}
	return s, nil
}

// NewUnstarted builds the fake without listening (mount Handler yourself and set URL).
func NewUnstarted(o Options) *Server {
	if o.AppID == "" {
		o.AppID = "fa1c3b5d7e9f4a2b"
	}
	if o.AppSecret == "" {
		o.AppSecret = "fake-xhs-secret"
	}
	if o.Products == 0 {
		o.Products = 30
	}
	if o.Orders == 0 {
		o.Orders = 200
	}
	if o.Epoch.IsZero() {
		o.Epoch = fakekit.DefaultEpoch(platformhttp.Shanghai())
	}
	if o.TimestampWindow == 0 {
		o.TimestampWindow = 10 * time.Minute
	}
	if o.AuthCode == "" {
		o.AuthCode = "fake-auth-code"
	}
	if o.SellerID == "" {
		o.SellerID = "5f1a2b3c4d5e6f7a8b9c0d1e"
	}
	if o.SellerName == "" {
		o.SellerName = "OpsGraph小红书店"
	}
	s := &Server{opts: o, Faults: &fakekit.Faults{}}
	if o.Catalog != nil {
		s.cat = fakekit.Seeded(o.Seed+2000, o.Catalog, o.Orders, o.Epoch)
	} else {
		s.cat = fakekit.Generate(o.Seed+2000, o.Products, o.Orders, o.Epoch, 0.9)
	}
	s.sess = fakekit.NewSession(func(gen int) (string, string) {
		return fakekit.Token("token-", o.Seed, gen), fakekit.Token("refresh-", o.Seed, gen)
	})
	return s
}

// Close stops the server.
func (s *Server) Close() {
	if s.httpSrv != nil {
		s.httpSrv.Close()
	}
}

// Options returns the effective options.
func (s *Server) Options() Options { return s.opts }

// AppID is the accepted appId.
func (s *Server) AppID() string { return s.opts.AppID }

// AppSecret is the accepted appSecret.
func (s *Server) AppSecret() string { return s.opts.AppSecret }

// AuthCode is the code oauth.getAccessToken accepts.
func (s *Server) AuthCode() string { return s.opts.AuthCode }

// AccessToken is the currently valid access token.
func (s *Server) AccessToken() string { a, _ := s.sess.Tokens(); return a }

// RefreshToken is the currently valid refresh token.
func (s *Server) RefreshToken() string { _, r := s.sess.Tokens(); return r }

// ExpireToken makes the current access token expired until the client refreshes.
func (s *Server) ExpireToken() { s.sess.Expire() }

// Catalog exposes the generated data (read only).
func (s *Server) Catalog() *fakekit.Catalog { return s.cat }

// StockUpdates returns recorded stock syncs in order.
func (s *Server) StockUpdates() []StockUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.stock)
}

// RevokeToken ends the authorization: the access token is expired and the
// refresh token refused (oauth.refreshToken answers "refreshToken无效").
func (s *Server) RevokeToken() { s.sess.Revoke() }

// TokenGeneration counts grants and refreshes.
func (s *Server) TokenGeneration() int { return s.sess.Generation() }

// ChangeOrder moves catalog order id to state st now (its update time becomes
// the fake's now), as a buyer paying or a seller shipping would.
func (s *Server) ChangeOrder(id int64, st fakekit.OrderState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cat.Change(id, st, s.Now()) != nil
}

// Calls counts requests for method that passed the signature checks ("" counts all).
func (s *Server) Calls(method string) int { return s.calls.Count(method) }

// Connection returns a valid store connection to this gateway.
func (s *Server) Connection() sdk.Connection {
	access, refresh := s.sess.Tokens()
	return sdk.Connection{
		Endpoint: s.URL + "/ark/open_api/v3/common_controller", ShopID: s.opts.SellerID,
		Credentials: map[string]string{"app_id": s.opts.AppID, "app_secret": s.opts.AppSecret},
		AccessToken: access, RefreshToken: refresh,
	}
}

// Handler returns the gateway's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/ark/open_api/v3/common_controller", s.serve)
	return mux
}

func (s *Server) write(w http.ResponseWriter, code int, msg string, data any) {
	body := map[string]any{"success": code == 0, "data": data}
	if s.opts.JavaEnvelope {
		body["code"], body["msg"] = code, msg
	} else {
		body["error_code"], body["error_msg"] = code, msg
	}
	fakekit.WriteJSON(w, "application/json;charset=UTF-8", body)
}

func (s *Server) fail(w http.ResponseWriter, code int, msg string) { s.write(w, code, msg, nil) }
func (s *Server) ok(w http.ResponseWriter, data any)               { s.write(w, 0, "成功", data) }

type args = fakekit.Args

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.calls.Add("")
	if !s.Admit(w, r, http.StatusServiceUnavailable, "503 Service Unavailable") {
		return
	}
	if r.Method != http.MethodPost {
		s.fail(w, CodeInvalidParam, "请求方式错误，仅支持POST")
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	var a args
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&a); err != nil {
		s.fail(w, CodeInvalidParam, "请求体不是合法的JSON")
		return
	}
	method, appID, version, sign := a.Str("method"), a.Str("appId"), a.Str("version"), a.Str("sign")
	ts, okTS := a.Num("timestamp", 0)
	switch {
	case method == "" || appID == "" || version == "" || sign == "" || ts == 0:
		s.fail(w, CodeInvalidParam, "缺少公共参数method/appId/timestamp/version/sign")
		return
	case !okTS:
		s.fail(w, CodeTimestamp, "timestamp参数非法")
		return
	case appID != s.opts.AppID:
		s.fail(w, CodeAppInvalid, "appId不存在")
		return
	case version != "2.0":
		s.fail(w, CodeInvalidParam, "version参数非法")
		return
	}
	if s.OutsideWindow(time.Unix(ts, 0), s.opts.TimestampWindow) {
		s.fail(w, CodeTimestamp, "timestamp已过期，与服务器时间相差超过10分钟")
		return
	}
	sum := md5.Sum([]byte(method + "?appId=" + appID + "&timestamp=" + strconv.FormatInt(ts, 10) + "&version=" + version + s.opts.AppSecret))
	if subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(sign)) != 1 {
		s.fail(w, CodeSignInvalid, "签名校验失败")
		return
	}
	if s.TakeRateLimit() {
		s.fail(w, CodeRateLimited, "请求过于频繁，请稍后重试")
		return
	}
	s.calls.Add(method)
	if method == "oauth.getAccessToken" || method == "oauth.refreshToken" {
		s.token(w, method, a)
		return
	}
	if !s.checkToken(w, a.Str("accessToken")) {
		return
	}
	switch method {
	case "product.getDetailSkuList":
		s.skuList(w, a)
	case "order.getOrderList":
		s.orderList(w, a)
	case "order.getOrderDetail":
		s.orderDetail(w, a)
	case "inventory.syncSkuStock":
		s.syncStock(w, a)
	default: // e.g. the invented note.publishNote / data.getShopDailyData
		s.fail(w, CodeInvalidParam, "method不存在")
	}
}

func (s *Server) checkToken(w http.ResponseWriter, t string) bool {
	switch s.sess.Check(t) {
	case fakekit.TokenMissing, fakekit.TokenInvalid:
		s.fail(w, CodeTokenInvalid, "accessToken无效")
	case fakekit.TokenExpired:
		s.fail(w, CodeTokenExpired, "accessToken已过期")
	default:
		return true
	}
	return false
}

func (s *Server) token(w http.ResponseWriter, method string, a args) {
	var access, refresh string
	if method == "oauth.getAccessToken" {
		if a.Str("code") != s.opts.AuthCode {
			s.fail(w, CodeBusiness, "授权码无效")
			return
		}
		access, refresh = s.sess.Grant()
	} else {
		var ok bool
		if access, refresh, ok = s.sess.Refresh(a.Str("refreshToken")); !ok {
			s.fail(w, CodeBusiness, "refreshToken无效")
			return
		}
	}
	now := s.Now()
	s.ok(w, map[string]any{"accessToken": access, "accessTokenExpiresAt": now.Add(7 * 24 * time.Hour).UnixMilli(),
		"refreshToken": refresh, "refreshTokenExpiresAt": now.Add(14 * 24 * time.Hour).UnixMilli(),
		"sellerId": s.opts.SellerID, "sellerName": s.opts.SellerName})
}

func (s *Server) pageArgs(w http.ResponseWriter, a args) (page, size int64, ok bool) {
	page, ok1 := a.Num("pageNo", 1)
	size, ok2 := a.Num("pageSize", 20)
	if !ok1 || !ok2 || page < 1 || page > MaxPageNo || size < 1 || size > MaxPageSize {
		s.fail(w, CodeInvalidParam, "pageNo/pageSize参数非法，pageNo须在1到100之间，pageSize须在1到100之间")
		return 0, 0, false
	}
	return page, size, true
}

// skuList answers product.getDetailSkuList in the official Java SDK's shape
// (GetDetailSkuListResponse): data {data: [{item, sku}], pageNO, pageSize, total},
// one entry per SKU with its item, ordered by item.
func (s *Server) skuList(w http.ResponseWriter, a args) {
	page, size, ok := s.pageArgs(w, a)
	if !ok {
		return
	}
	from, _ := a.Num("updateTimeFrom", 0)
	to, _ := a.Num("updateTimeTo", 0)
	s.mu.Lock()
	defer s.mu.Unlock()
	type row struct {
		p *fakekit.Product
		k *fakekit.SKU
	}
	var rows []row
	for _, p := range s.cat.Products {
		m := p.Modified.UnixMilli()
		if (from > 0 && m < from) || (to > 0 && m > to) {
			continue
		}
		for _, k := range p.SKUs {
			rows = append(rows, row{p, k})
		}
	}
	list := []map[string]any{}
	for i := (page - 1) * size; i < int64(len(rows)) && i < page*size; i++ {
		p, k := rows[i].p, rows[i].k
		var variants []map[string]string
		for _, pp := range k.Props {
			variants = append(variants, map[string]string{"id": strconv.FormatInt(pp.VID, 16), "name": pp.Name, "value": pp.Value})
		}
		item := map[string]any{"id": ItemID(p), "name": p.Title, "updateTime": p.Modified.UnixMilli(),
			"createTime": p.Modified.Add(-240 * time.Hour).UnixMilli()}
		sku := map[string]any{
			"id": SKUID(k), "itemId": ItemID(p), "name": p.Title + " " + k.PropsName(),
			"scSkuCode": k.OuterID, "variants": variants, "price": k.PriceFen, "originalPrice": k.PriceFen * 12 / 10,
			"stock": k.Stock, "barcode": k.Barcode, "buyable": p.OnSale, "updateTime": p.Modified.UnixMilli(),
		}
		list = append(list, map[string]any{"item": item, "sku": sku})
	}
	s.ok(w, map[string]any{"data": list, "pageNO": page, "pageSize": size, "total": len(rows)})
}

// OrderStatus is the ark orderStatus the fake gives each neutral state.
func OrderStatus(st fakekit.OrderState) int {
	switch st {
	case fakekit.StateUnpaid:
		return 1
	case fakekit.StatePaid:
		return 4
	case fakekit.StateShipped:
		return 6
	case fakekit.StateCompleted:
		return 7
	case fakekit.StateCancelled:
		return 9
	default:
		return 8 // closed after payment (refunded)
	}
}

// ItemID is a product's id as the fake spells it: its Ext, or its ID in hex.
func ItemID(p *fakekit.Product) string {
	if p.Ext != "" {
		return p.Ext
	}
	return fmt.Sprintf("%x", p.ID)
}

// SKUID is a SKU's id as the fake spells it: its Ext, or its ID in hex.
func SKUID(k *fakekit.SKU) string {
	if k.Ext != "" {
		return k.Ext
	}
	return fmt.Sprintf("%x", k.ID)
}

// OrderID renders a catalog order id the way ark does ("P" + digits).
func OrderID(o *fakekit.Order) string { return "P" + strconv.FormatInt(o.ID, 10) }

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func summary(o *fakekit.Order) map[string]any {
	return map[string]any{
		"orderId": OrderID(o), "orderType": 1, "orderStatus": OrderStatus(o.State), "orderAfterSalesStatus": 1,
		"cancelStatus": 0, "createdTime": ms(o.Created), "paidTime": ms(o.Paid), "updateTime": ms(o.Modified),
		"userId": o.BuyerRef, "receiverProvinceName": "上海市", "receiverCityName": "上海市",
	}
}

// orderList answers order.getOrderList (zsmhub/xhs-sdk GetOrderList: startTime,
// endTime inclusive Unix seconds, timeType 1 created / 2 updated, orderStatus,
// pageNo, pageSize → total, pageNo, pageSize, maxPageNo, orderList[]). It refuses
// what ark refuses: a window longer than 24 h (timeType 1) or 30 min
// (timeType 2), pageNo over 100, pageSize over 100.
func (s *Server) orderList(w http.ResponseWriter, a args) {
	page, size, ok := s.pageArgs(w, a)
	if !ok {
		return
	}
	from, ok1 := a.Num("startTime", -1)
	to, ok2 := a.Num("endTime", -1)
	if !ok1 || !ok2 || from < 0 || to < from {
		s.fail(w, CodeInvalidParam, "startTime/endTime必填且endTime不能早于startTime")
		return
	}
	tt, _ := a.Num("timeType", 1)
	limit := CreatedWindow
	switch tt {
	case 1:
	case 2:
		limit = UpdatedWindow
	default:
		s.fail(w, CodeInvalidParam, "timeType参数非法")
		return
	}
	if time.Duration(to-from)*time.Second > limit {
		s.fail(w, CodeInvalidParam, fmt.Sprintf("查询时间范围不能超过%s", map[int64]string{1: "24小时", 2: "30分钟"}[tt]))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sel []*fakekit.Order
	for _, o := range s.cat.Orders {
		t := o.Created.Unix()
		if tt == 2 {
			t = o.Modified.Unix()
		}
		if t >= from && t <= to {
			sel = append(sel, o)
		}
	}
	list := []map[string]any{}
	for i := (page - 1) * size; i < int64(len(sel)) && i < page*size; i++ {
		list = append(list, summary(sel[i]))
	}
	s.ok(w, map[string]any{"total": len(sel), "pageNo": page, "pageSize": size,
		"maxPageNo": (int64(len(sel)) + size - 1) / size, "orderList": list})
}

// orderDetail answers order.getOrderDetail (zsmhub/xhs-sdk OrderDetail model:
// orderId, orderStatus, createdTime/paidTime/updateTime in ms, totalPayAmount and
// totalShippingFree in fen, skuList[] with skuDetailList[].pricePerSku).
func (s *Server) orderDetail(w http.ResponseWriter, a args) {
	id := a.Str("orderId")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.cat.Orders {
		if OrderID(o) != id {
			continue
		}
		d := summary(o)
		var skus []map[string]any
		for _, l := range o.Lines {
			sid, iid := l.SKUExt, l.ProductExt
			if sid == "" {
				sid = fmt.Sprintf("%x", l.SKUID)
			}
			if iid == "" {
				iid = fmt.Sprintf("%x", l.ProductID)
			}
			skus = append(skus, map[string]any{
				"skuId": sid, "itemId": iid, "skuName": l.Title, "skuSpec": l.PropsName,
				"skuQuantity": l.Quantity, "totalPaidAmount": l.UnitFen * l.Quantity,
				"skuDetailList": []map[string]any{{"skuId": sid, "quantity": l.Quantity, "pricePerSku": l.UnitFen,
					"paidAmountPerSku": l.UnitFen, "rawPricePerSku": l.UnitFen}},
			})
		}
		d["skuList"] = skus
		d["totalPayAmount"] = o.TotalFen()
		d["totalShippingFree"] = o.PostFen
		d["merchantActualReceiveAmount"] = o.PaidFen()
		// The seller's discount (商家优惠, fen) and ark's own (totalRedDiscount):
		// zsmhub/xhs-sdk RespGetOrderDetailData. Ark's order answers carry no
		// promotion, coupon or creator ids.
		d["totalMerchantDiscount"] = o.DiscountFen()
		d["totalRedDiscount"] = 0
		s.ok(w, d)
		return
	}
	s.fail(w, CodeBusiness, "订单不存在")
}

// syncStock answers inventory.syncSkuStock {skuId, qty}: qty is the SKU's total
// stock, channel reserves included (PLATFORMS.md "Corrections and additions").
func (s *Server) syncStock(w http.ResponseWriter, a args) {
	q, ok := a.Num("qty", -1)
	if !ok || q < 0 || a.Str("skuId") == "" {
		s.fail(w, CodeInvalidParam, "skuId和qty必填且qty不能为负")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.cat.Products {
		for _, k := range p.SKUs {
			if SKUID(k) == a.Str("skuId") {
				k.Stock = q
				p.Modified = s.Now()
				s.stock = append(s.stock, StockUpdate{SKUID: a.Str("skuId"), Quantity: q})
				s.ok(w, map[string]any{"skuId": a.Str("skuId"), "skuStock": map[string]any{"available": q, "total": q}})
				return
			}
		}
	}
	s.fail(w, CodeBusiness, "SKU不存在")
}

// PayOrder is ChangeOrder to the paid state (for tests outside plugins/, which
// cannot name fakekit's states).
func (s *Server) PayOrder(id int64) bool { return s.ChangeOrder(id, fakekit.StatePaid) }

// FirstUnpaidOrder is the id of the first unpaid catalog order, or 0.
func (s *Server) FirstUnpaidOrder() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.cat.Orders {
		if o.State == fakekit.StateUnpaid {
			return o.ID
		}
	}
	return 0
}
