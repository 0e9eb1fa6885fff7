// Package fake is a local Taobao Open Platform (TOP) gateway for tests and demos.
// It serves POST /router/rest (form or query parameters), checks the app key, the
// ±10 minute timestamp window and the signature (md5, hmac, hmac-sha256) the way TOP
// does, answers with TOP's error_response envelope, checks sessions, pages a
// deterministic catalog, records stock updates, and injects faults on demand (rate
// limits and bans, 5xx, slow responses, expired sessions, clock skew, any TOP error
// envelope, an answer without the method's response key).
//
// Shapes and limits follow TOP's documentation as summarized in PLATFORMS.md
// ("Corrections and additions") and the SDKs it names (bububa/opentaobao,
// nilorg/go-opentaobao, the official Java SDK): each handler cites what it
// follows, and refuses what TOP refuses — an undocumented order_by, more than
// 20,000 rows of one items.onsale.get query, an increment window over a day, a
// sku_id that is not the item's, a session on the token calls.
package fake

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"net/url"
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

// Product, SKU and Prop describe a catalogue for Options.Catalog.
type (
	Product = fakekit.Product
	SKU     = fakekit.SKU
	Prop    = fakekit.Prop
)

// Options configure a fake gateway. Zero values get the defaults noted.
type Options struct {
	AppKey    string // default "12345678"
	AppSecret string // default "fake-taobao-secret"
	Seed      int64  // data seed (0 is a valid seed)
	Products  int    // default 45
	Orders    int    // default 240
	// Catalog, when set, is served instead of Products generated products (the
	// fake takes the pointers and updates their stock); the Orders orders are then
	// generated over its SKUs.
	Catalog []*Product
	Epoch   time.Time
	// Epoch is the data set's "now": orders lie in the 30 days before it. Default:
	// the start of today in Asia/Shanghai.
	Addr            string        // listen address for New; default "127.0.0.1:0"
	TimestampWindow time.Duration // default 10 minutes, as TOP
	AuthCode        string        // OAuth code accepted by token.create; default "fake-auth-code"
	ShopName        string        // seller nick; default "OpsGraph演示旗舰店"
	RetryAfter      int           // seconds announced in the rate-limit sub_msg; default 1
	MaxRows         int           // page_no × page_size cap of items.onsale.get; default MaxRows (tests lower it)
}

// StockUpdate is one recorded taobao.item.quantity.update.
type StockUpdate struct {
	ProductID, SKUID string
	Quantity         int64
}

// InjectedError is a TOP error envelope the fake answers the next calls with.
type InjectedError struct {
	Code            int
	Msg             string
	SubCode, SubMsg string
}

// Documented values the fake checks (PLATFORMS.md "Corrections and additions"
// and the TOP API pages it summarizes).
var (
	// OrderBy is what taobao.items.onsale.get's order_by takes.
	OrderBy = []string{"list_time", "delist_time", "num", "modified", "sold_quantity"}
	// DefaultTradeTypes is what trades.sold(.increment).get return without `type`
	// (TOP API page of taobao.trades.sold.get: 默认同时查询guarantee_trade,
	// auto_delivery, ec, cod, step 的交易类型).
	DefaultTradeTypes = []string{"guarantee_trade", "auto_delivery", "ec", "cod", "step"}
)

// MaxRows is the page_no × page_size cap of taobao.items.onsale.get.
const MaxRows = 20000

// TradeType is the TOP trade type the fake gives a catalog order: most are
// guarantee_trade (一口价), some tmall_i18n (天猫国际) and o2o_offlinetrade, which
// a query without `type` does not return.
func TradeType(o *fakekit.Order) string {
	switch {
	case o.ID%5 == 0:
		return "tmall_i18n"
	case o.ID%11 == 0:
		return "o2o_offlinetrade"
	}
	return "guarantee_trade"
}

// Server is a running fake TOP gateway.
type Server struct {
	// URL is the base URL (http://127.0.0.1:port); the gateway is URL+"/router/rest".
	URL string
	*fakekit.Faults
	opts Options

	sess  *fakekit.Session
	calls fakekit.CallLog

	mu    sync.Mutex
	cat   *fakekit.Catalog
	stock []StockUpdate
	fault []InjectedError
	empty int

	httpSrv *http.Server
}

// New starts a fake gateway on a loopback port (like httptest.NewServer it panics
// if it cannot listen; use Start to get the error).
func New(o Options) *Server {
	s, err := Start(o)
	if err != nil {
		panic(fmt.Sprintf("taobao fake: %v", err))
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

// NewUnstarted builds the fake without listening: mount Handler() yourself (e.g.
// with httptest.NewServer) and set URL if you use Connection.
func NewUnstarted(o Options) *Server {
	if o.AppKey == "" {
		o.AppKey = "12345678"
	}
	if o.AppSecret == "" {
		o.AppSecret = "fake-taobao-secret"
	}
	if o.Products == 0 {
		o.Products = 45
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
	if o.MaxRows <= 0 {
		o.MaxRows = MaxRows
	}
	if o.ShopName == "" {
		o.ShopName = "OpsGraph演示旗舰店"
	}
	if o.RetryAfter == 0 {
		o.RetryAfter = 1
	}
	s := &Server{opts: o, Faults: &fakekit.Faults{}}
	if o.Catalog != nil {
		s.cat = fakekit.Seeded(o.Seed, o.Catalog, o.Orders, o.Epoch)
	} else {
		s.cat = fakekit.Generate(o.Seed, o.Products, o.Orders, o.Epoch, 1.0)
	}
	s.sess = fakekit.NewSession(func(gen int) (string, string) {
		return fakekit.Token("6200", o.Seed, gen), fakekit.Token("6201", o.Seed, gen)
	})
	return s
}

// Close stops the server.
func (s *Server) Close() {
	if s.httpSrv != nil {
		s.httpSrv.Close()
	}
}

// Options returns the effective options (credentials included).
func (s *Server) Options() Options { return s.opts }

// AppKey and AppSecret are the credentials the gateway accepts.
func (s *Server) AppKey() string    { return s.opts.AppKey }
func (s *Server) AppSecret() string { return s.opts.AppSecret }

// AuthCode is the OAuth code taobao.top.auth.token.create accepts.
func (s *Server) AuthCode() string { return s.opts.AuthCode }

// AccessToken and RefreshToken are the currently valid session and refresh token.
func (s *Server) AccessToken() string { a, _ := s.sess.Tokens(); return a }

// RefreshToken returns the currently valid refresh token.
func (s *Server) RefreshToken() string { _, r := s.sess.Tokens(); return r }

// ExpireToken makes the current session expired: calls with it get TOP's
// "Invalid session: session-expired" until the client refreshes.
func (s *Server) ExpireToken() { s.sess.Expire() }

// Connection returns a store connection pointing at this gateway with valid
// credentials and tokens (sign method hmac-sha256 unless overridden).
func (s *Server) Connection() sdk.Connection {
	access, refresh := s.sess.Tokens()
	return sdk.Connection{
		Endpoint:     s.URL + "/router/rest",
		ShopID:       strconv.FormatInt(2200000000+s.opts.Seed, 10),
		Credentials:  map[string]string{"app_key": s.opts.AppKey, "app_secret": s.opts.AppSecret},
		AccessToken:  access,
		RefreshToken: refresh,
	}
}

// Catalog exposes the generated data (tests compare against it; do not mutate).
func (s *Server) Catalog() *fakekit.Catalog { return s.cat }

// StockUpdates returns the recorded stock updates in order.
func (s *Server) StockUpdates() []StockUpdate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.stock)
}

// InjectNext makes the next calls (after signature checks) answer the given
// error envelopes in order, e.g. code 7 with "This ban will last for 31000 more
// seconds", code 8, or an isp.* sub code.
func (s *Server) InjectNext(errs ...InjectedError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = append(s.fault, errs...)
}

// EmptyAnswerNext makes the next n API calls answer HTTP 200 with a JSON body
// holding neither error_response nor the method's response key.
func (s *Server) EmptyAnswerNext(n int) { s.mu.Lock(); s.empty = n; s.mu.Unlock() }

// RevokeToken ends the authorization: the session is expired and the refresh
// token refused (isv.refresh-token-invalid).
func (s *Server) RevokeToken() { s.sess.Revoke() }

// TokenGeneration counts grants and refreshes.
func (s *Server) TokenGeneration() int { return s.sess.Generation() }

// ChangeOrder moves catalog order id to state st now (modified becomes the
// fake's now), as a buyer paying or a seller shipping would.
func (s *Server) ChangeOrder(id int64, st fakekit.OrderState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cat.Change(id, st, s.Now()) != nil
}

// Calls returns how many requests for method reached the API (after signature
// and fault checks; "" counts every request received).
func (s *Server) Calls(method string) int { return s.calls.Count(method) }

// Handler returns the gateway's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/router/rest", s.serve)
	mux.HandleFunc("/router/rest/", s.serve)
	mux.HandleFunc("/", s.serve) // TOP also answers at the host root for older SDKs
	return mux
}

type apiErr struct {
	Code    int
	Msg     string
	SubCode string
	SubMsg  string
}

func writeJSON(w http.ResponseWriter, v any) {
	fakekit.WriteJSON(w, "application/json;charset=UTF-8", v)
}

func (s *Server) fail(w http.ResponseWriter, e apiErr) {
	body := map[string]any{"code": e.Code, "msg": e.Msg, "request_id": s.requestID()}
	if e.SubCode != "" {
		body["sub_code"] = e.SubCode
	}
	if e.SubMsg != "" {
		body["sub_msg"] = e.SubMsg
	}
	writeJSON(w, map[string]any{"error_response": body})
}

func (s *Server) requestID() string {
	return strconv.FormatInt(time.Now().UnixNano()%1e12, 36)
}

// verifySign is the fake's own implementation of TOP's check (kept independent of
// the plugin's signer on purpose).
func verifySign(form url.Values, secret string) (ok bool, known bool) {
	method := form.Get("sign_method")
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "sign" && k != "" && form.Get(k) != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var buf []byte
	for _, k := range keys {
		buf = append(buf, k...)
		buf = append(buf, form.Get(k)...)
	}
	var h hash.Hash
	switch method {
	case "md5", "":
		h = md5.New()
		h.Write([]byte(secret))
		h.Write(buf)
		h.Write([]byte(secret))
	case "hmac":
		h = hmac.New(md5.New, []byte(secret))
		h.Write(buf)
	case "hmac-sha256":
		h = hmac.New(sha256.New, []byte(secret))
		h.Write(buf)
	default:
		return false, false
	}
	want := strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
	return hmac.Equal([]byte(want), []byte(form.Get("sign"))), true
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.calls.Add("")
	if !s.Admit(w, r, http.StatusServiceUnavailable, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>") {
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		s.fail(w, apiErr{Code: 9, Msg: "Http Action Not Allowed"})
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubMsg: "unreadable form body"})
		return
	}
	f := r.Form
	switch {
	case f.Get("app_key") == "":
		s.fail(w, apiErr{Code: 28, Msg: "Missing App Key"})
		return
	case f.Get("app_key") != s.opts.AppKey:
		s.fail(w, apiErr{Code: 29, Msg: "Invalid App Key"})
		return
	case f.Get("method") == "":
		s.fail(w, apiErr{Code: 21, Msg: "Missing Method"})
		return
	case f.Get("timestamp") == "":
		s.fail(w, apiErr{Code: 30, Msg: "Missing Timestamp"})
		return
	case f.Get("v") == "":
		s.fail(w, apiErr{Code: 32, Msg: "Missing Version"})
		return
	case f.Get("v") != "2.0":
		s.fail(w, apiErr{Code: 34, Msg: "Unsupported Version"})
		return
	case f.Get("sign") == "":
		s.fail(w, apiErr{Code: 24, Msg: "Missing Signature"})
		return
	}
	ts, err := time.ParseInLocation("2006-01-02 15:04:05", f.Get("timestamp"), platformhttp.Shanghai())
	if err != nil {
		s.fail(w, apiErr{Code: 31, Msg: "Invalid Timestamp", SubMsg: "timestamp must be yyyy-MM-dd HH:mm:ss in GMT+8"})
		return
	}
	if s.OutsideWindow(ts, s.opts.TimestampWindow) {
		s.fail(w, apiErr{Code: 31, Msg: "Invalid Timestamp", SubMsg: "非法的时间戳参数: 时间戳与服务器时间相差超过10分钟"})
		return
	}
	ok, known := verifySign(f, s.opts.AppSecret)
	if !known {
		s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:sign_method", SubMsg: "sign_method must be md5, hmac or hmac-sha256"})
		return
	}
	if !ok {
		s.fail(w, apiErr{Code: 25, Msg: "Invalid signature"})
		return
	}
	if s.TakeRateLimit() {
		s.fail(w, apiErr{Code: 7, Msg: "App Call Limited", SubCode: "accesscontrol.limited-by-app-access-count",
			SubMsg: fmt.Sprintf("This ban will last for %d more seconds", s.opts.RetryAfter)})
		return
	}
	method := f.Get("method")
	s.calls.Add(method)
	s.mu.Lock()
	var inj *InjectedError
	if len(s.fault) > 0 {
		inj, s.fault = &s.fault[0], s.fault[1:]
	}
	empty := s.empty > 0
	if empty {
		s.empty--
	}
	s.mu.Unlock()
	if inj != nil {
		s.fail(w, apiErr{Code: inj.Code, Msg: inj.Msg, SubCode: inj.SubCode, SubMsg: inj.SubMsg})
		return
	}
	if empty {
		writeJSON(w, map[string]any{"request_id": s.requestID()})
		return
	}
	switch method {
	case "taobao.top.auth.token.create", "taobao.top.auth.token.refresh":
		// Called without session (PLATFORMS.md "Corrections and additions").
		if f.Get("session") != "" {
			s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:session", SubMsg: method + "不需要session参数"})
			return
		}
		s.token(w, method, f)
		return
	}
	if !s.checkSession(w, f.Get("session")) {
		return
	}
	switch method {
	case "taobao.items.onsale.get":
		s.itemsOnsale(w, f)
	case "taobao.items.seller.list.get":
		s.itemsList(w, f)
	case "taobao.trades.sold.get":
		s.tradesSold(w, f, false)
	case "taobao.trades.sold.increment.get":
		s.tradesSold(w, f, true)
	case "taobao.item.quantity.update":
		s.quantityUpdate(w, f)
	default: // including the invented taobao.sycm.shop.daily.get and taobao.content.post.publish
		s.fail(w, apiErr{Code: 22, Msg: "Invalid Method"})
	}
}

func (s *Server) checkSession(w http.ResponseWriter, session string) bool {
	switch s.sess.Check(session) {
	case fakekit.TokenMissing:
		s.fail(w, apiErr{Code: 26, Msg: "Missing Session"})
	case fakekit.TokenInvalid:
		s.fail(w, apiErr{Code: 27, Msg: "Invalid session", SubCode: "invalid-sessionkey", SubMsg: "SessionKey非法"})
	case fakekit.TokenExpired:
		s.fail(w, apiErr{Code: 27, Msg: "Invalid session:session-expired", SubCode: "session-expired", SubMsg: "SessionKey已过期"})
	default:
		return true
	}
	return false
}

func (s *Server) token(w http.ResponseWriter, method string, f url.Values) {
	var access, refresh string
	switch method {
	case "taobao.top.auth.token.create":
		if f.Get("code") != s.opts.AuthCode {
			s.fail(w, apiErr{Code: 15, Msg: "Remote service error", SubCode: "isv.invalid-parameter:code", SubMsg: "授权码无效或已过期"})
			return
		}
		access, refresh = s.sess.Grant()
	default:
		var ok bool
		if access, refresh, ok = s.sess.Refresh(f.Get("refresh_token")); !ok {
			s.fail(w, apiErr{Code: 15, Msg: "Remote service error", SubCode: "isv.refresh-token-invalid", SubMsg: "refresh_token无效"})
			return
		}
	}
	now := s.Now()
	tr, _ := json.Marshal(map[string]any{
		"access_token":     access,
		"refresh_token":    refresh,
		"token_type":       "Bearer",
		"expires_in":       86400,
		"expire_time":      now.Add(24 * time.Hour).UnixMilli(),
		"re_expires_in":    2592000,
		"taobao_user_id":   strconv.FormatInt(2200000000+s.opts.Seed, 10),
		"taobao_user_nick": url.QueryEscape(s.opts.ShopName),
	})
	writeJSON(w, map[string]any{
		strings.ReplaceAll(strings.TrimPrefix(method, "taobao."), ".", "_") + "_response": map[string]any{
			"token_result": string(tr), "request_id": s.requestID(),
		},
	})
}

func pageParams(f url.Values, maxSize, defSize int) (page, size int, e *apiErr) {
	page, size = 1, defSize
	if v := f.Get("page_no"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, &apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:page_no", SubMsg: "page_no非法"}
		}
		page = n
	}
	if v := f.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSize {
			return 0, 0, &apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:page_size", SubMsg: fmt.Sprintf("page_size须在1到%d之间", maxSize)}
		}
		size = n
	}
	return page, size, nil
}

func yuan(fen int64) string { return platformhttp.FormatYuan(fen) }

func tbTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(platformhttp.Shanghai()).Format("2006-01-02 15:04:05")
}

func parseTB(v string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", v, platformhttp.Shanghai())
	return t, err == nil
}

func itemJSON(p *fakekit.Product, withSKU bool) map[string]any {
	m := map[string]any{
		"num_iid":        p.ID,
		"title":          p.Title,
		"price":          yuan(p.PriceFen()),
		"num":            p.Stock(),
		"approve_status": map[bool]string{true: "onsale", false: "instock"}[p.OnSale],
		"modified":       tbTime(p.Modified),
		"outer_id":       p.OuterID,
	}
	if withSKU && HasSKUs(p) {
		var skus []map[string]any
		for _, k := range p.SKUs {
			var props, names []string
			for _, pr := range k.Props {
				props = append(props, fmt.Sprintf("%d:%d", pr.PID, pr.VID))
				names = append(names, fmt.Sprintf("%d:%d:%s:%s", pr.PID, pr.VID, pr.Name, pr.Value))
			}
			skus = append(skus, map[string]any{
				"sku_id": k.ID, "num_iid": p.ID, "properties": strings.Join(props, ";"),
				"properties_name": strings.Join(names, ";"), "price": yuan(k.PriceFen),
				"quantity": k.Stock, "outer_id": k.OuterID, "barcode": k.Barcode,
			})
		}
		m["skus"] = map[string]any{"sku": skus}
	}
	return m
}

// itemsOnsale answers taobao.items.onsale.get (fields, page_no, page_size ≤ 200,
// start_modified, end_modified, order_by ∈ OrderBy with :asc/:desc → items,
// total_results), refusing an undocumented order_by and page_no × page_size over
// 20,000 rows (PLATFORMS.md "Corrections and additions").
func (s *Server) itemsOnsale(w http.ResponseWriter, f url.Values) {
	page, size, e := pageParams(f, 200, 40)
	if e != nil {
		s.fail(w, *e)
		return
	}
	orderKey, desc := "list_time", true
	if v := f.Get("order_by"); v != "" {
		k, dir, _ := strings.Cut(v, ":")
		if !slices.Contains(OrderBy, k) || (dir != "asc" && dir != "desc") {
			s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:order_by", SubMsg: "order_by非法: " + v})
			return
		}
		orderKey, desc = k, dir == "desc"
	}
	if page*size > s.opts.MaxRows {
		s.fail(w, apiErr{Code: 15, Msg: "Remote service error", SubCode: "isv.invalid-parameter:page_no",
			SubMsg: fmt.Sprintf("page_no*page_size不能超过%d，请按修改时间分段查询", s.opts.MaxRows)})
		return
	}
	var from, to time.Time
	if v := f.Get("start_modified"); v != "" {
		t, ok := parseTB(v)
		if !ok {
			s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:start_modified"})
			return
		}
		from = t
	}
	if v := f.Get("end_modified"); v != "" {
		t, ok := parseTB(v)
		if !ok {
			s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:end_modified"})
			return
		}
		to = t
	}
	s.mu.Lock()
	var sel []*fakekit.Product
	for _, p := range s.cat.Products {
		if !p.OnSale || (!from.IsZero() && p.Modified.Before(from)) || (!to.IsZero() && p.Modified.After(to)) {
			continue
		}
		sel = append(sel, p)
	}
	key := func(p *fakekit.Product) int64 {
		if orderKey == "modified" {
			return p.Modified.Unix()
		}
		return p.Created.Unix() // list_time and the others: by listing time
	}
	sort.SliceStable(sel, func(i, j int) bool {
		a, b := key(sel[i]), key(sel[j])
		if a == b {
			return sel[i].ID < sel[j].ID
		}
		return (a < b) != desc
	})
	var items []map[string]any
	for i := (page - 1) * size; i < len(sel) && i < page*size; i++ {
		items = append(items, itemJSON(sel[i], false))
	}
	s.mu.Unlock()
	resp := map[string]any{"total_results": len(sel), "request_id": s.requestID()}
	if len(items) > 0 {
		resp["items"] = map[string]any{"item": items}
	}
	writeJSON(w, map[string]any{"items_onsale_get_response": resp})
}

func (s *Server) itemsList(w http.ResponseWriter, f url.Values) {
	ids := strings.Split(f.Get("num_iids"), ",")
	if f.Get("num_iids") == "" || len(ids) > 20 {
		s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:num_iids", SubMsg: "num_iids须为1到20个商品ID"})
		return
	}
	withSKU := slices.Contains(strings.Split(f.Get("fields"), ","), "sku")
	s.mu.Lock()
	var items []map[string]any
	for _, id := range ids {
		for _, p := range s.cat.Products {
			if strconv.FormatInt(p.ID, 10) == id {
				items = append(items, itemJSON(p, withSKU))
			}
		}
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"items_seller_list_get_response": map[string]any{
		"items": map[string]any{"item": items}, "request_id": s.requestID()}})
}

// TradeStatus is the TOP status the fake gives each neutral state.
func TradeStatus(st fakekit.OrderState) string {
	switch st {
	case fakekit.StateUnpaid:
		return "WAIT_BUYER_PAY"
	case fakekit.StatePaid:
		return "WAIT_SELLER_SEND_GOODS"
	case fakekit.StateShipped:
		return "WAIT_BUYER_CONFIRM_GOODS"
	case fakekit.StateCompleted:
		return "TRADE_FINISHED"
	case fakekit.StateCancelled:
		return "TRADE_CLOSED_BY_TAOBAO"
	default:
		return "TRADE_CLOSED"
	}
}

// tradesSold answers taobao.trades.sold.get (by created time, start_created /
// end_created within 3 months) and, with incremental, taobao.trades.sold.increment.get
// (by modified time, start_modified/end_modified required, at most one day apart).
// Both take `type` (without it only DefaultTradeTypes come back), page_size ≤ 100,
// and answer has_next only when use_has_next=true, else total_results
// (PLATFORMS.md "Corrections and additions").
func (s *Server) tradesSold(w http.ResponseWriter, f url.Values, incremental bool) {
	page, size, e := pageParams(f, 100, 40)
	if e != nil {
		s.fail(w, *e)
		return
	}
	startKey, endKey, rootKey := "start_created", "end_created", "trades_sold_get_response"
	if incremental {
		startKey, endKey, rootKey = "start_modified", "end_modified", "trades_sold_increment_get_response"
	}
	from := s.Now().AddDate(0, -3, 0)
	to := s.Now()
	for _, k := range []string{startKey, endKey} {
		v := f.Get(k)
		if v == "" {
			if incremental {
				s.fail(w, apiErr{Code: 40, Msg: "Missing Required Arguments", SubCode: "isv.missing-parameter:" + k})
				return
			}
			continue
		}
		t, ok := parseTB(v)
		if !ok {
			s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:" + k})
			return
		}
		if k == startKey {
			from = t
		} else {
			to = t
		}
	}
	switch {
	case to.Before(from):
		s.fail(w, apiErr{Code: 15, Msg: "Remote service error", SubCode: "isv.invalid-parameter", SubMsg: "结束时间不能早于开始时间"})
		return
	case incremental && to.Sub(from) > 24*time.Hour:
		s.fail(w, apiErr{Code: 15, Msg: "Remote service error", SubCode: "isv.invalid-parameter:start_modified", SubMsg: "修改时间跨度不能大于一天"})
		return
	case !incremental && from.Before(s.Now().AddDate(0, -3, 0).Add(-time.Hour)):
		s.fail(w, apiErr{Code: 15, Msg: "Remote service error", SubCode: "isv.invalid-parameter:start_created", SubMsg: "只能查询三个月内的订单"})
		return
	}
	types := DefaultTradeTypes
	if v := f.Get("type"); v != "" {
		types = strings.Split(v, ",")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sel []*fakekit.Order
	for _, o := range s.cat.Orders { // inclusive bounds as TOP
		at := o.Created
		if incremental {
			at = o.Modified
		}
		if !at.Before(from) && !at.After(to) && slices.Contains(types, TradeType(o)) {
			sel = append(sel, o)
		}
	}
	if incremental {
		sort.SliceStable(sel, func(i, j int) bool { return sel[i].Modified.Before(sel[j].Modified) })
	}
	// Only the fields asked for come back (TOP returns the listed fields).
	wantPromotions := slices.Contains(strings.Split(f.Get("fields"), ","), "promotion_details")
	var trades []map[string]any
	for i := (page - 1) * size; i < len(sel) && i < page*size; i++ {
		o := sel[i]
		var lines []map[string]any
		for _, l := range o.Lines {
			lines = append(lines, map[string]any{
				"oid": l.ID, "num_iid": l.ProductID, "sku_id": strconv.FormatInt(l.SKUID, 10), "title": l.Title,
				"sku_properties_name": l.PropsName, "num": l.Quantity, "price": yuan(l.UnitFen),
				"total_fee": yuan(l.UnitFen * l.Quantity), "status": TradeStatus(o.State),
			})
		}
		t := map[string]any{
			"tid": o.ID, "type": TradeType(o), "status": TradeStatus(o.State), "total_fee": yuan(o.TotalFen() - o.PostFen),
			"post_fee": yuan(o.PostFen), "payment": yuan(o.TotalFen()), "created": tbTime(o.Created),
			"modified": tbTime(o.Modified), "buyer_open_uid": o.BuyerRef, "orders": map[string]any{"order": lines},
		}
		if wantPromotions && len(o.Promotions) > 0 {
			t["promotion_details"] = map[string]any{"promotion_detail": PromotionDetails(o)}
		}
		// pay_time is absent until paid, and on every 13th paid trade (as on
		// some real trades): payment then still holds what was paid.
		if !o.Paid.IsZero() && o.ID%13 != 0 {
			t["pay_time"] = tbTime(o.Paid)
		}
		trades = append(trades, t)
	}
	resp := map[string]any{"total_results": len(sel), "request_id": s.requestID()}
	if f.Get("use_has_next") == "true" {
		resp = map[string]any{"has_next": page*size < len(sel), "request_id": s.requestID()}
	}
	if len(trades) > 0 {
		resp["trades"] = map[string]any{"trade": trades}
	}
	writeJSON(w, map[string]any{rootKey: resp})
}

// PromotionID is the promotion_id TOP gives a promotion on a trade:
// "营销工具id-优惠活动id_优惠详情id" (bububa/opentaobao model/trade
// PromotionDetail), e.g. "mjs-123024_211143"; a store coupon is the
// shopbonus tool with the coupon instance after a further "-"
// ("shopbonus-849776280_5087068323-131212548389" in a real
// trade.fullinfo.get answer).
func PromotionID(p fakekit.Promotion) string {
	switch {
	case p.Coupon:
		return fmt.Sprintf("shopbonus-%d_%d-%d", p.ID, p.DetailID, p.DetailID*7+3)
	case p.ID == fakekit.Activities[0].ID:
		return fmt.Sprintf("mjs-%d_%d", p.ID, p.DetailID)
	default:
		return fmt.Sprintf("Tmall$tmallItemPromotion-%d_%d", p.ID, p.DetailID)
	}
}

// PromotionDetails renders an order's promotions as TOP's
// promotion_details.promotion_detail[]: id (the trade or order id),
// promotion_id, promotion_name, promotion_desc and discount_fee in yuan.
func PromotionDetails(o *fakekit.Order) []map[string]any {
	var out []map[string]any
	for _, p := range o.Promotions {
		out = append(out, map[string]any{
			"id": o.ID, "promotion_id": PromotionID(p), "promotion_name": p.Name,
			"promotion_desc": fmt.Sprintf("%s:省%s元", p.Name, yuan(p.DiscountFen)), "discount_fee": yuan(p.DiscountFen),
		})
	}
	return out
}

func (s *Server) quantityUpdate(w http.ResponseWriter, f url.Values) {
	q, err := strconv.ParseInt(f.Get("quantity"), 10, 64)
	if err != nil || q < 0 {
		s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:quantity", SubMsg: "quantity非法"})
		return
	}
	if typ := f.Get("type"); typ != "" && typ != "1" && typ != "2" {
		s.fail(w, apiErr{Code: 41, Msg: "Invalid Arguments", SubCode: "isv.invalid-parameter:type"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var prod *fakekit.Product
	for _, p := range s.cat.Products {
		if strconv.FormatInt(p.ID, 10) == f.Get("num_iid") {
			prod = p
		}
	}
	if prod == nil {
		s.failLocked(w, apiErr{Code: 15, Msg: "Remote service error", SubCode: "isv.item-not-exist", SubMsg: "商品不存在"})
		return
	}
	// sku_id: only a real SKU of the item; an item without SKUs takes none
	// (PLATFORMS.md "Corrections and additions").
	var sku *fakekit.SKU
	switch {
	case !HasSKUs(prod) && f.Get("sku_id") != "":
		s.failLocked(w, apiErr{Code: 15, Msg: "Remote service error", SubCode: "isv.sku-not-exist", SubMsg: "该商品没有SKU，不能指定sku_id"})
		return
	case !HasSKUs(prod):
		sku = prod.SKUs[0]
	default:
		for _, k := range prod.SKUs {
			if strconv.FormatInt(k.ID, 10) == f.Get("sku_id") {
				sku = k
			}
		}
	}
	if sku == nil {
		s.failLocked(w, apiErr{Code: 15, Msg: "Remote service error", SubCode: "isv.sku-not-exist", SubMsg: "SKU不存在或不属于该商品"})
		return
	}
	if f.Get("type") == "2" {
		q += sku.Stock
	}
	sku.Stock = q
	prod.Modified = s.Now()
	s.stock = append(s.stock, StockUpdate{ProductID: f.Get("num_iid"), SKUID: f.Get("sku_id"), Quantity: q})
	writeJSON(w, map[string]any{"item_quantity_update_response": map[string]any{
		"item": map[string]any{
			"num_iid": prod.ID, "num": prod.Stock(), "modified": tbTime(prod.Modified),
			"skus": map[string]any{"sku": []map[string]any{{"sku_id": sku.ID, "quantity": sku.Stock, "modified": tbTime(prod.Modified)}}},
		},
		"request_id": s.requestID(),
	}})
}

// failLocked is fail for callers holding s.mu (fail itself takes no lock).
func (s *Server) failLocked(w http.ResponseWriter, e apiErr) { s.fail(w, e) }

// HasSKUs reports whether a catalog product is a TOP item with SKUs: a product
// whose only SKU has no sale properties is an item without SKUs.
func HasSKUs(p *fakekit.Product) bool {
	return len(p.SKUs) > 1 || (len(p.SKUs) == 1 && len(p.SKUs[0].Props) > 0)
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
