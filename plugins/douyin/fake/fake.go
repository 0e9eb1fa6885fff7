// Package fake is a local 抖店 open API gateway for tests and demos. It serves
// POST /<method path> (e.g. /product/listV2) with the system parameters in the
// query string and param_json as the body; checks app_key, v=2, method/path
// agreement, the timestamp window (Unix seconds or "yyyy-MM-dd HH:mm:ss" GMT+8) and
// the signature (hmac-sha256 or md5) over the canonical param_json; answers with the
// {"code","msg","sub_code","sub_msg","log_id","data"} envelope; checks access
// tokens; pages a deterministic catalog; records stock syncs; and injects faults
// on demand (rate limits, 502s, slow responses, any error envelope).
//
// Codes follow 抖店's official error table and the shapes the official Go SDK
// (zsmhub/doudian-sdk) types (PLATFORMS.md "Corrections and additions"): each
// handler cites what it follows, and refuses what the gateway refuses — a quoted
// (string) product_id or sku_id, size over 100, an unknown order_by.
package fake

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp/fakekit"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Error codes the fake answers with: 抖店's official error table (PLATFORMS.md
// "Corrections and additions"; zsmhub/doudian-sdk and the 开放平台 公共错误码 page).
// The sub_code refines each.
const (
	CodeSuccess      = 10000 // success
	CodeUnavailable  = 20000 // 服务不可用 (isp.*)
	CodeNoPermission = 30001 // 无权限 / 授权已关闭 (the seller must authorize again)
	CodeIPNotAllowed = 30002 // 调用IP不在应用白名单内 (not a token problem)
	CodeMissingParam = 40001 // 缺少参数
	CodeInvalidParam = 40002 // 参数错误 (also timestamp, app_key)
	CodeTokenExpired = 40003 // with isv.access-token-expired / -no-existed: refresh
	CodeSignInvalid  = 40004 // 签名错误
	CodeBusiness     = 50002 // 业务处理失败
	CodeRateLimited  = 60000 // 限流: retry after a pause
	CodeOther        = 90000 // 其他错误
)

// Limits of order.searchList (PLATFORMS.md "Corrections and additions").
const MaxPageSize = 100

// InjectedError is a 抖店 error envelope the fake answers the next calls with.
type InjectedError struct {
	Code            int
	SubCode, SubMsg string
}

// Product, SKU and Prop describe a catalogue for Options.Catalog.
type (
	Product = fakekit.Product
	SKU     = fakekit.SKU
	Prop    = fakekit.Prop
)

// Options configure a fake gateway. Zero values get the defaults noted.
type Options struct {
	AppKey    string // default "7012345678901234567"
	AppSecret string // default "fake-douyin-secret"
	Seed      int64
	Products  int // default 40
	Orders    int // default 240
	// Catalog, when set, is served instead of Products generated products (the
	// fake takes the pointers and updates their stock); the Orders orders are then
	// generated over its SKUs.
	Catalog         []*Product
	Epoch           time.Time     // data "now"; default start of today, Asia/Shanghai
	Addr            string        // default "127.0.0.1:0"
	TimestampWindow time.Duration // default 10 minutes
	AuthCode        string        // default "fake-auth-code"
	ShopID          string        // default "4463798"
	ShopName        string        // default "OpsGraph抖音小店"
}

// StockUpdate is one recorded sku.syncStock.
type StockUpdate struct {
	ProductID, SKUID string
	Quantity         int64
	IdempotentID     string
}

// Server is a running fake 抖店 gateway.
type Server struct {
	URL string // base URL, e.g. http://127.0.0.1:port
	*fakekit.Faults
	opts Options

	sess  *fakekit.Session
	calls fakekit.CallLog

	mu    sync.Mutex
	cat   *fakekit.Catalog
	stock []StockUpdate
	fault []InjectedError

	httpSrv *http.Server
}

// New starts a fake gateway on loopback; it panics if it cannot listen (see Start).
func New(o Options) *Server {
	s, err := Start(o)
	if err != nil {
		panic(fmt.Sprintf("douyin fake: %v", err))
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
	if o.AppKey == "" {
		o.AppKey = "7012345678901234567"
	}
	if o.AppSecret == "" {
		o.AppSecret = "fake-douyin-secret"
	}
	if o.Products == 0 {
		o.Products = 40
	}
	if o.Orders == 0 {
		o.Orders = 240
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
	if o.ShopID == "" {
		o.ShopID = "4463798"
	}
	if o.ShopName == "" {
		o.ShopName = "OpsGraph抖音小店"
	}
	s := &Server{opts: o, Faults: &fakekit.Faults{}}
	if o.Catalog != nil {
		s.cat = fakekit.Seeded(o.Seed+1000, o.Catalog, o.Orders, o.Epoch)
	} else {
		s.cat = fakekit.Generate(o.Seed+1000, o.Products, o.Orders, o.Epoch, 0.85)
	}
	s.sess = fakekit.NewSession(func(gen int) (string, string) { return tok("act", o.Seed, gen), tok("rft", o.Seed, gen) })
	return s
}

func tok(kind string, seed int64, gen int) string {
	// 抖店 tokens look like UUIDs.
	h := fakekit.Token(kind, seed, gen) + fakekit.Token(kind+"2", seed, gen)
	h = h[3:19] + h[len(h)-16:]
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// Close stops the server.
func (s *Server) Close() {
	if s.httpSrv != nil {
		s.httpSrv.Close()
	}
}

// Options returns the effective options.
func (s *Server) Options() Options { return s.opts }

// AppKey is the accepted app key.
func (s *Server) AppKey() string { return s.opts.AppKey }

// AppSecret is the accepted app secret.
func (s *Server) AppSecret() string { return s.opts.AppSecret }

// AuthCode is the OAuth code token.create accepts.
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

// InjectNext makes the next calls (after signature checks) answer the given
// error envelopes in order.
func (s *Server) InjectNext(errs ...InjectedError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = append(s.fault, errs...)
}

// RevokeToken ends the authorization: the access token is expired and the
// refresh token refused.
func (s *Server) RevokeToken() { s.sess.Revoke() }

// TokenGeneration counts grants and refreshes.
func (s *Server) TokenGeneration() int { return s.sess.Generation() }

// ChangeOrder moves catalog order id to state st now (its update_time becomes
// the fake's now).
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
		Endpoint: s.URL, ShopID: s.opts.ShopID,
		Credentials: map[string]string{"app_key": s.opts.AppKey, "app_secret": s.opts.AppSecret},
		AccessToken: access, RefreshToken: refresh,
	}
}

// Handler returns the gateway's HTTP handler.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

func (s *Server) logID() string {
	return time.Now().In(platformhttp.Shanghai()).Format("20060102150405") + strconv.FormatInt(time.Now().UnixNano()%1e9, 16)
}

func (s *Server) write(w http.ResponseWriter, code int, msg, subCode, subMsg string, data any) {
	body := map[string]any{"code": code, "msg": msg, "sub_code": subCode, "sub_msg": subMsg, "log_id": s.logID(), "data": data}
	if data == nil {
		body["data"] = map[string]any{}
	}
	fakekit.WriteJSON(w, "application/json; charset=utf-8", body)
}

func (s *Server) fail(w http.ResponseWriter, code int, subCode, subMsg string) {
	msg := map[int]string{
		CodeUnavailable: "服务不可用", CodeNoPermission: "无权限", CodeIPNotAllowed: "IP不在白名单内",
		CodeMissingParam: "缺少必选参数", CodeInvalidParam: "非法的参数", CodeTokenExpired: "access_token已过期或不存在",
		CodeSignInvalid: "签名校验失败", CodeBusiness: "业务处理失败", CodeRateLimited: "请求太频繁，请稍后再试",
		CodeOther: "其他错误",
	}[code]
	s.write(w, code, msg, subCode, subMsg, nil)
}

func (s *Server) ok(w http.ResponseWriter, data any) {
	s.write(w, CodeSuccess, "success", "", "", data)
}

// canonical re-serializes a param_json body the way the gateway does before
// checking the signature: keys sorted at every level, compact, HTML unescaped.
func canonical(body []byte) (string, bool) {
	if len(bytes.TrimSpace(body)) == 0 {
		return "{}", true
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimRight(buf.String(), "\n"), true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.calls.Add("")
	if !s.Admit(w, r, http.StatusBadGateway, "502 Bad Gateway") {
		return
	}
	q := r.URL.Query()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	method := q.Get("method")
	switch {
	case r.Method != http.MethodPost:
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:http-method", "仅支持POST")
		return
	case q.Get("app_key") == "" || method == "" || q.Get("timestamp") == "" || q.Get("sign") == "" || q.Get("v") == "":
		s.fail(w, CodeMissingParam, "isv.parameter-missing", "缺少公共参数app_key/method/timestamp/v/sign")
		return
	case q.Get("app_key") != s.opts.AppKey:
		s.fail(w, CodeInvalidParam, "isv.app-key-invalid", "app_key不存在")
		return
	case q.Get("v") != "2":
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:v", "v必须为2")
		return
	case "/"+strings.ReplaceAll(method, ".", "/") != r.URL.Path:
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:method", "method与请求路径不一致")
		return
	}
	tsRaw := q.Get("timestamp")
	var ts time.Time
	if n, err := strconv.ParseInt(tsRaw, 10, 64); err == nil {
		ts = time.Unix(n, 0)
	} else if t, err := time.ParseInLocation("2006-01-02 15:04:05", tsRaw, platformhttp.Shanghai()); err == nil {
		ts = t
	} else {
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:timestamp", "timestamp格式错误")
		return
	}
	if s.OutsideWindow(ts, s.opts.TimestampWindow) {
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:timestamp", "timestamp与服务器时间相差超过10分钟")
		return
	}
	pj, okJSON := canonical(body)
	if !okJSON {
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:param_json", "param_json不是合法的JSON对象")
		return
	}
	str := s.opts.AppSecret + "app_key" + q.Get("app_key") + "method" + method + "param_json" + pj +
		"timestamp" + tsRaw + "v" + q.Get("v") + s.opts.AppSecret
	var want string
	switch q.Get("sign_method") {
	case "hmac-sha256":
		m := hmac.New(sha256.New, []byte(s.opts.AppSecret))
		m.Write([]byte(str))
		want = hex.EncodeToString(m.Sum(nil))
	case "md5", "":
		sum := md5.Sum([]byte(str))
		want = hex.EncodeToString(sum[:])
	default:
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:sign_method", "sign_method仅支持md5和hmac-sha256")
		return
	}
	if !hmac.Equal([]byte(want), []byte(q.Get("sign"))) {
		s.fail(w, CodeSignInvalid, "isv.sign-invalid", "签名校验失败，请检查app_secret和签名参数")
		return
	}
	if s.TakeRateLimit() {
		s.fail(w, CodeRateLimited, "isv.frequency-limit", "调用频率超过限制")
		return
	}
	s.calls.Add(method)
	s.mu.Lock()
	var inj *InjectedError
	if len(s.fault) > 0 {
		inj, s.fault = &s.fault[0], s.fault[1:]
	}
	s.mu.Unlock()
	if inj != nil {
		s.fail(w, inj.Code, inj.SubCode, inj.SubMsg)
		return
	}
	var params fakekit.Args
	if err := json.Unmarshal([]byte(pj), &params); err != nil {
		params = fakekit.Args{}
	}
	if method == "token.create" || method == "token.refresh" {
		s.token(w, method, params)
		return
	}
	if !s.checkToken(w, q.Get("access_token")) {
		return
	}
	switch method {
	case "product.listV2":
		s.productList(w, params)
	case "sku.list":
		s.skuList(w, params)
	case "order.searchList":
		s.orderSearch(w, params)
	case "order.orderDetail":
		s.orderDetail(w, params)
	case "sku.syncStock":
		s.syncStock(w, params)
	default: // including the invented data.shopDailyOverview and content.publish
		s.fail(w, CodeInvalidParam, "isv.method-invalid", "不存在的方法名")
	}
}

func (s *Server) checkToken(w http.ResponseWriter, t string) bool {
	switch s.sess.Check(t) {
	case fakekit.TokenMissing:
		s.fail(w, CodeMissingParam, "isv.access-token-missing", "缺少access_token")
	case fakekit.TokenInvalid:
		s.fail(w, CodeTokenExpired, "isv.access-token-no-existed", "access_token不存在，请使用最新的access_token访问")
	case fakekit.TokenExpired:
		s.fail(w, CodeTokenExpired, "isv.access-token-expired", "access_token已过期，请刷新")
	default:
		return true
	}
	return false
}

func (s *Server) token(w http.ResponseWriter, method string, p fakekit.Args) {
	var access, refresh string
	if method == "token.create" {
		switch p.Str("grant_type") {
		case "authorization_code":
			if p.Str("code") != s.opts.AuthCode {
				s.fail(w, CodeInvalidParam, "isv.parameter-invalid:code", "授权码无效或已使用")
				return
			}
		case "authorization_self":
			if p.Str("shop_id") != s.opts.ShopID {
				s.fail(w, CodeInvalidParam, "isv.parameter-invalid:shop_id", "店铺未授权该应用")
				return
			}
		default:
			s.fail(w, CodeInvalidParam, "isv.parameter-invalid:grant_type", "grant_type非法")
			return
		}
		access, refresh = s.sess.Grant()
	} else {
		ok := false
		if p.Str("grant_type") == "refresh_token" {
			access, refresh, ok = s.sess.Refresh(p.Str("refresh_token"))
		}
		if !ok {
			s.fail(w, CodeInvalidParam, "isv.parameter-invalid:refresh_token", "refresh_token无效或已过期")
			return
		}
	}
	shopID, _ := strconv.ParseInt(s.opts.ShopID, 10, 64)
	s.ok(w, map[string]any{"access_token": access, "expires_in": 604800, "refresh_token": refresh,
		"scope": "SCOPE", "shop_id": shopID, "shop_name": s.opts.ShopName, "authority_id": "", "auth_subject_type": "MiniApp"})
}

func pageArgs(w http.ResponseWriter, s *Server, p fakekit.Args, first int64) (page, size int64, ok bool) {
	page, ok1 := p.Num("page", first)
	size, ok2 := p.Num("size", 20)
	if !ok1 || !ok2 || page < first || size < 1 || size > MaxPageSize {
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:page", "page/size非法，size须在1到100之间")
		return 0, 0, false
	}
	return page, size, true
}

func (s *Server) productList(w http.ResponseWriter, p fakekit.Args) {
	page, size, ok := pageArgs(w, s, p, 1)
	if !ok {
		return
	}
	from, _ := p.Num("update_start_time", 0)
	to, _ := p.Num("update_end_time", 0)
	s.mu.Lock()
	defer s.mu.Unlock()
	var sel []*fakekit.Product
	for _, pr := range s.cat.Products { // ascending product id
		if (from > 0 && pr.Modified.Unix() < from) || (to > 0 && pr.Modified.Unix() > to) {
			continue
		}
		sel = append(sel, pr)
	}
	list := []map[string]any{}
	for i := (page - 1) * size; i < int64(len(sel)) && i < page*size; i++ {
		pr := sel[i]
		status := 0
		if !pr.OnSale {
			status = 1
		}
		list = append(list, map[string]any{
			"product_id": pr.ID, "product_id_str": strconv.FormatInt(pr.ID, 10), "name": pr.Title, "status": status,
			// discount_price is deprecated (PLATFORMS.md): the fake keeps it stale
			// at 0 so that a plugin reading it shows. The price is the SKUs'.
			"check_status": 3, "discount_price": 0, "market_price": pr.PriceFen() * 13 / 10 / 100 * 100,
			"create_time": pr.Created.Unix(), "update_time": pr.Modified.Unix(), "out_product_id": pr.OuterID,
			"img": fmt.Sprintf("https://p3-aio.ecombdimg.com/obj/ecom-shop-material/%d.jpg", pr.ID),
		})
	}
	s.ok(w, map[string]any{"data": list, "page": page, "size": size, "total": len(sel)})
}

func (s *Server) findProduct(id string) *fakekit.Product {
	for _, pr := range s.cat.Products {
		if strconv.FormatInt(pr.ID, 10) == id {
			return pr
		}
	}
	return nil
}

// skuList answers sku.list {product_id (int64)} with the product's SKUs.
func (s *Server) skuList(w http.ResponseWriter, p fakekit.Args) {
	id, ok := p.Int64("product_id")
	if !ok {
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:product_id", "product_id须为整数")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pr := s.findProduct(strconv.FormatInt(id, 10))
	if pr == nil {
		s.fail(w, CodeBusiness, "isv.business-failed:product-not-exist", "商品不存在")
		return
	}
	list := []map[string]any{}
	for _, k := range pr.SKUs {
		m := map[string]any{"id": k.ID, "product_id": pr.ID, "price": k.PriceFen, "stock_num": k.Stock,
			"code": k.Barcode, "out_sku_id": 0, "sku_type": 0, "spec_detail_name1": "", "spec_detail_name2": "", "spec_detail_name3": ""}
		for i, pp := range k.Props {
			m[fmt.Sprintf("spec_detail_name%d", i+1)] = pp.Value
			m[fmt.Sprintf("spec_detail_id%d", i+1)] = pp.VID
		}
		list = append(list, m)
	}
	s.ok(w, list)
}

// OrderStatus is the 抖店 order_status the fake gives each neutral state.
func OrderStatus(st fakekit.OrderState) int {
	switch st {
	case fakekit.StateUnpaid:
		return 1
	case fakekit.StatePaid:
		return 2
	case fakekit.StateShipped:
		return 3
	case fakekit.StateCompleted:
		return 5
	default: // cancelled, refunded (paid and then cancelled)
		return 4
	}
}

var statusDesc = map[int]string{1: "待支付", 2: "备货中", 3: "已发货", 4: "已取消", 5: "已完成", 105: "已支付", 101: "部分发货"}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// orderSearch answers order.searchList (zsmhub/doudian-sdk OrderSearchListParam:
// page from 0, size ≤ 100, create_time_start/end or update_time_start/end in
// Unix seconds, order_by create_time | update_time, order_asc). Lines carry
// origin_amount and sum_amount in fen; there is no goods_price.
func (s *Server) orderSearch(w http.ResponseWriter, p fakekit.Args) {
	page, size, ok := pageArgs(w, s, p, 0)
	if !ok {
		return
	}
	field := "create_time"
	if _, upd := p["update_time_start"]; upd {
		field = "update_time"
	}
	from, ok1 := p.Num(field+"_start", 0)
	to, ok2 := p.Num(field+"_end", 0)
	if !ok1 || !ok2 || (to > 0 && to < from) {
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:"+field, "时间范围非法")
		return
	}
	if ob := p.Str("order_by"); ob != "" && ob != "create_time" && ob != "update_time" {
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:order_by", "order_by仅支持create_time和update_time")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	at := func(o *fakekit.Order) int64 {
		if field == "update_time" {
			return o.Modified.Unix()
		}
		return o.Created.Unix()
	}
	var sel []*fakekit.Order
	for _, o := range s.cat.Orders {
		c := at(o)
		if (from > 0 && c < from) || (to > 0 && c > to) {
			continue
		}
		sel = append(sel, o)
	}
	sort.SliceStable(sel, func(i, j int) bool { return at(sel[i]) < at(sel[j]) })
	list := []map[string]any{}
	for i := page * size; i < int64(len(sel)) && i < (page+1)*size; i++ {
		list = append(list, shopOrder(sel[i]))
	}
	s.ok(w, map[string]any{"shop_order_list": list, "page": page, "size": size, "total": len(sel)})
}

// shopOrder renders an order as order.searchList's ShopOrderListItem
// (zsmhub/doudian-sdk order_searchList_response.go). A 达人 order carries the
// creator's author_id (int64) and author_name on every sku_order_list entry;
// the seller-funded discount is promotion_shop_amount / shop_cost_amount and
// is part of promotion_amount (fen). The promotion and coupon ids are not in
// this answer: only order.orderDetail has them.
func shopOrder(o *fakekit.Order) map[string]any {
	st := OrderStatus(o.State)
	var lines []map[string]any
	for _, l := range o.Lines {
		line := map[string]any{
			"order_id": strconv.FormatInt(l.ID, 10), "parent_order_id": strconv.FormatInt(o.ID, 10),
			"product_id": l.ProductID, "product_id_str": strconv.FormatInt(l.ProductID, 10), "sku_id": l.SKUID,
			"product_name": l.Title, "item_num": l.Quantity, "origin_amount": l.UnitFen * l.Quantity,
			"sum_amount": l.UnitFen * l.Quantity, "order_amount": l.UnitFen * l.Quantity, "pay_amount": l.UnitFen * l.Quantity,
			"order_status": st, "spec": specOf(l.PropsName), "author_id": o.AuthorID, "author_name": o.AuthorName,
			"c_biz": 8, "c_biz_desc": "小店自卖",
		}
		if o.AuthorID != 0 {
			line["c_biz"], line["c_biz_desc"], line["theme_type"], line["theme_type_desc"] = 2, "精选联盟", "1", "直播间"
		}
		lines = append(lines, line)
	}
	d := o.DiscountFen()
	return map[string]any{
		"order_id": strconv.FormatInt(o.ID, 10), "order_status": st, "order_status_desc": statusDesc[st],
		"order_amount": o.TotalFen(), "pay_amount": o.PaidFen(), "post_amount": o.PostFen,
		"promotion_amount": d, "promotion_shop_amount": d, "shop_cost_amount": d, "promotion_platform_amount": 0,
		"platform_cost_amount": 0, "promotion_talent_amount": 0, "author_cost_amount": 0,
		"create_time": o.Created.Unix(), "pay_time": unixOrZero(o.Paid), "update_time": o.Modified.Unix(),
		"doudian_open_id": "1@#" + o.BuyerRef, "sku_order_list": lines, "b_type": 2, "biz": 2,
	}
}

// orderDetail answers order.orderDetail {shop_order_id} with
// {"shop_order_detail": ShopOrderDetail} (zsmhub/doudian-sdk
// order_orderDetail_response.go): the list fields plus promotion_detail, whose
// shop_discount_detail has coupon_info[] (coupon_id, coupon_meta_id = the
// batch id as a string, coupon_type, coupon_name, coupon_amount) and
// full_discount_info[] (campaign_id int64, campaign_type 100 = 店铺满减,
// campaign_name, campaign_amount, campaign_sub_type 0 = 店铺活动).
func (s *Server) orderDetail(w http.ResponseWriter, p fakekit.Args) {
	id := p.Str("shop_order_id")
	if id == "" {
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:shop_order_id", "shop_order_id不能为空")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var o *fakekit.Order
	for _, x := range s.cat.Orders {
		if strconv.FormatInt(x.ID, 10) == id {
			o = x
		}
	}
	if o == nil {
		s.fail(w, CodeInvalidParam, "isv.business-failed:订单不存在", "订单不存在")
		return
	}
	d := shopOrder(o)
	coupons, fulls := []map[string]any{}, []map[string]any{}
	var couponAmount, fullAmount int64
	for _, pr := range o.Promotions {
		cost := map[string]any{"shop_cost": pr.DiscountFen, "platform_cost": 0, "author_cost": 0}
		if pr.Coupon {
			couponAmount += pr.DiscountFen
			coupons = append(coupons, map[string]any{"coupon_id": pr.DetailID, "coupon_type": 23,
				"coupon_meta_id": strconv.FormatInt(pr.ID, 10), "coupon_amount": pr.DiscountFen, "coupon_name": pr.Name,
				"share_discount_cost": cost})
			continue
		}
		fullAmount += pr.DiscountFen
		fulls = append(fulls, map[string]any{"campaign_id": pr.ID, "campaign_type": 100, "campaign_name": pr.Name,
			"campaign_amount": pr.DiscountFen, "campaign_sub_type": 0, "share_discount_cost": cost})
	}
	d["promotion_detail"] = map[string]any{
		"shop_discount_detail": map[string]any{"total_amount": couponAmount + fullAmount, "coupon_amount": couponAmount,
			"full_discount_amount": fullAmount, "coupon_info": coupons, "full_discount_info": fulls},
		"platform_discount_detail": map[string]any{"total_amount": 0, "coupon_info": []any{}, "full_discount_info": []any{}},
		"kol_discount_detail":      map[string]any{"total_amount": 0, "coupon_info": []any{}, "full_discount_info": []any{}},
	}
	s.ok(w, map[string]any{"shop_order_detail": d})
}

func specOf(propsName string) []map[string]string {
	var out []map[string]string
	for _, kv := range strings.Split(propsName, ";") {
		if k, v, ok := strings.Cut(kv, ":"); ok {
			out = append(out, map[string]string{"name": k, "value": v})
		}
	}
	return out
}

// syncStock answers sku.syncStock {sku_id, product_id (int64), stock_num,
// incremental, idempotent_id}.
func (s *Server) syncStock(w http.ResponseWriter, p fakekit.Args) {
	n, ok := p.Num("stock_num", -1)
	_, okSKU := p.Int64("sku_id")
	_, okProduct := p.Int64("product_id")
	if _, given := p["product_id"]; given && !okProduct {
		okSKU = false
	}
	if !ok || n < 0 || !okSKU {
		s.fail(w, CodeInvalidParam, "isv.parameter-invalid:stock_num", "sku_id和stock_num必填且stock_num不能为负")
		return
	}
	var incremental bool
	if raw, ok := p["incremental"]; ok {
		json.Unmarshal(raw, &incremental)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idem := p.Str("idempotent_id")
	if idem != "" {
		for _, u := range s.stock {
			if u.IdempotentID == idem {
				s.ok(w, map[string]any{})
				return
			}
		}
	}
	var pr *fakekit.Product
	var sku *fakekit.SKU
	for _, c := range s.cat.Products {
		for _, k := range c.SKUs {
			if strconv.FormatInt(k.ID, 10) == p.Str("sku_id") {
				pr, sku = c, k
			}
		}
	}
	if sku == nil || (p.Str("product_id") != "" && p.Str("product_id") != strconv.FormatInt(pr.ID, 10)) {
		s.fail(w, CodeBusiness, "isv.business-failed:sku-not-exist", "SKU不存在")
		return
	}
	if incremental {
		n += sku.Stock
	}
	sku.Stock = n
	pr.Modified = s.Now()
	s.stock = append(s.stock, StockUpdate{ProductID: strconv.FormatInt(pr.ID, 10), SKUID: p.Str("sku_id"), Quantity: n, IdempotentID: idem})
	s.ok(w, map[string]any{})
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
