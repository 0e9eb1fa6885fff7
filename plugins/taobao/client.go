package taobao

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/plugins/internal/platformhttp"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// DefaultEndpoint is the TOP production gateway.
const DefaultEndpoint = "https://eco.taobao.com/router/rest"

// RouterPath is the gateway path; an endpoint given without a path gets it appended.
const RouterPath = "/router/rest"

// TimestampLayout is TOP's timestamp format, always in GMT+8.
const TimestampLayout = "2006-01-02 15:04:05"

// Credential field names.
const (
	CredAppKey     = "app_key"
	CredAppSecret  = "app_secret"
	CredSignMethod = "sign_method" // optional: md5 | hmac | hmac-sha256 (default)
)

// Options tune a Platform; the zero value is production behaviour.
type Options struct {
	HTTPClient *http.Client        // default: a client with sane timeouts
	Retry      platformhttp.Policy // default: platformhttp.DefaultPolicy
	Now        func() time.Time    // default: time.Now
	MaxRows    int                 // rows one items.onsale.get query pages through; default MaxRows (tests lower it)
}

func (o Options) withDefaults() Options {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if o.Retry.MaxAttempts == 0 {
		o.Retry = platformhttp.DefaultPolicy
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxRows <= 0 {
		o.MaxRows = MaxRows
	}
	return o
}

// topError is TOP's error envelope body.
type topError struct {
	Code      json.Number `json:"code"`
	Msg       string      `json:"msg"`
	SubCode   string      `json:"sub_code"`
	SubMsg    string      `json:"sub_msg"`
	RequestID string      `json:"request_id"`
}

// ResponseKey is the root key of a non-simplified TOP success response:
// "taobao.items.onsale.get" → "items_onsale_get_response".
func ResponseKey(method string) string {
	return strings.ReplaceAll(strings.TrimPrefix(method, "taobao."), ".", "_") + "_response"
}

var banSeconds = regexp.MustCompile(`(\d+)\s*(?:more\s+)?seconds?|(\d+)\s*秒`)

// classify maps a TOP error envelope to a typed error (PLATFORMS.md "Corrections
// and additions" and TOP's public error code table):
//   - 7 app call limit: a ban whose remaining seconds are in sub_msg ("This ban
//     will last for N more seconds"); RetryAfter is that, and no call goes out
//     before it ends (Platform.gate);
//   - 8 app call frequency, 4/5/6 user/session/partner call limits: rate limited;
//   - 26/27 session missing/invalid: the access token must be refreshed;
//   - 10 and isp.* sub codes: the platform's transient failures (retry);
//   - 21–34, 40/41 and isv.* sub codes: the caller's mistakes (no retry).
func classify(e topError) *sdk.Error {
	code := e.Code.String()
	msg := e.SubMsg
	if msg == "" {
		msg = e.Msg
	}
	pcode := e.SubCode
	if pcode == "" {
		pcode = code
	}
	out := &sdk.Error{Kind: sdk.KindPlatform, PlatformCode: pcode, Message: "taobao: " + msg}
	sub := strings.ToLower(e.SubCode)
	switch {
	case code == "7" || code == "4" || code == "5" || code == "6" || strings.HasPrefix(sub, "accesscontrol.limited"):
		out.Kind = sdk.KindRateLimited
		if m := banSeconds.FindStringSubmatch(e.SubMsg + " " + e.Msg); m != nil {
			n, _ := strconv.Atoi(m[1] + m[2])
			out.RetryAfter = time.Duration(n) * time.Second
		}
	case code == "8": // says nothing about when: the retry backoff paces it
		out.Kind = sdk.KindRateLimited
	case code == "27" || code == "26" || strings.Contains(sub, "session") || strings.Contains(sub, "invalid-token") || strings.Contains(sub, "token-expired"):
		out.Kind = sdk.KindAuthExpired
	case code == "10" || strings.HasPrefix(sub, "isp."):
		out.Kind = sdk.KindUnavailable
	case code == "21" || code == "22" || code == "23" || code == "24" || code == "25" || code == "28" || code == "29" ||
		code == "30" || code == "31" || code == "32" || code == "33" || code == "34" || code == "40" || code == "41" ||
		strings.HasPrefix(sub, "isv.missing-parameter") || strings.HasPrefix(sub, "isv.invalid-parameter") || strings.HasPrefix(sub, "isv.parameters-mismatch"):
		out.Kind = sdk.KindInvalidRequest
	}
	return out
}

// endpoint resolves the gateway URL of a connection.
func endpoint(conn sdk.Connection) (string, error) {
	return platformhttp.Endpoint(conn, "taobao", DefaultEndpoint, platformhttp.DefaultPath(RouterPath))
}

type creds struct{ appKey, secret, signMethod string }

func credentials(conn sdk.Connection) (creds, error) {
	c := creds{appKey: conn.Credentials[CredAppKey], secret: conn.Credentials[CredAppSecret], signMethod: conn.Credentials[CredSignMethod]}
	if c.appKey == "" || c.secret == "" {
		return c, sdk.Errorf(sdk.KindInvalidRequest, "taobao: credentials %s and %s are required", CredAppKey, CredAppSecret)
	}
	if c.signMethod == "" {
		c.signMethod = SignHMACSHA256
	}
	switch c.signMethod {
	case SignMD5, SignHMAC, SignHMACSHA256:
	default:
		return c, sdk.Errorf(sdk.KindInvalidRequest, "taobao: sign_method %q is not md5, hmac or hmac-sha256", c.signMethod)
	}
	return c, nil
}

// call performs one signed TOP request (no retries) and decodes the success
// response's body (the object under ResponseKey(method)) into out.
func (p *Platform) call(ctx context.Context, conn sdk.Connection, session, method string, biz map[string]string, out any) error {
	cr, err := credentials(conn)
	if err != nil {
		return err
	}
	ep, err := endpoint(conn)
	if err != nil {
		return err
	}
	params := map[string]string{
		"method":      method,
		"app_key":     cr.appKey,
		"timestamp":   p.opts.Now().In(platformhttp.Shanghai()).Format(TimestampLayout),
		"v":           "2.0",
		"sign_method": cr.signMethod,
		"format":      "json",
	}
	if session != "" {
		params["session"] = session
	}
	for k, v := range biz {
		params[k] = v
	}
	sign, err := Sign(params, cr.secret, cr.signMethod)
	if err != nil {
		return sdk.Errorf(sdk.KindInvalidRequest, "%v", err)
	}
	form := url.Values{}
	for k, v := range params {
		if v != "" {
			form.Set(k, v)
		}
	}
	form.Set("sign", sign)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep, strings.NewReader(form.Encode()))
	if err != nil {
		return sdk.Errorf(sdk.KindInvalidRequest, "taobao: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
	req.Header.Set("Accept", "application/json")
	if err := p.gate.Wait(ctx, cr.appKey); err != nil {
		return err
	}
	body, err := platformhttp.Do(ctx, p.opts.HTTPClient, req, func(b []byte) bool { return strings.Contains(string(b), `"error_response"`) })
	if err != nil {
		return err
	}
	var env map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&env); err != nil {
		return sdk.Errorf(sdk.KindUnavailable, "taobao: malformed response: %v", err)
	}
	if raw, ok := env["error_response"]; ok {
		var te topError
		if err := json.Unmarshal(raw, &te); err != nil {
			return sdk.Errorf(sdk.KindPlatform, "taobao: malformed error response")
		}
		e := classify(te)
		p.gate.Observe(cr.appKey, e)
		return e
	}
	raw, ok := env[ResponseKey(method)]
	if !ok {
		// Neither error_response nor the method's response key (the plugin
		// never sends simplify=true): an error, never an empty success, or the
		// cursor would move past rows that were never fetched.
		return sdk.Errorf(sdk.KindUnavailable, "taobao: %s answered without %s or error_response", method, ResponseKey(method))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return sdk.Errorf(sdk.KindPlatform, "taobao: unexpected %s response: %v", method, err)
	}
	return nil
}

// do runs an authorized call with retries and the one-shot token refresh.
func (p *Platform) do(ctx context.Context, conn sdk.Connection, method string, biz map[string]string, out any) (*sdk.Token, error) {
	return platformhttp.CallWithRefresh(ctx, p.opts.Retry, conn, p.RefreshToken,
		func(ctx context.Context, token string) error { return p.call(ctx, conn, token, method, biz, out) })
}

// doNoAuth runs an unauthorized call (token exchange) with retries.
func (p *Platform) doNoAuth(ctx context.Context, conn sdk.Connection, method string, biz map[string]string, out any) error {
	return platformhttp.Retry(ctx, p.opts.Retry, func(ctx context.Context) error { return p.call(ctx, conn, "", method, biz, out) })
}
