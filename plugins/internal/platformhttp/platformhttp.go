// Package platformhttp holds what the built-in platform plugins (taobao, douyin,
// xiaohongshu) share: retry with exponential backoff and jitter inside the call's
// deadline, the one-shot token refresh around a call, mapping of transport and HTTP
// status failures to typed *sdk.Error, the Asia/Shanghai zone, and exact yuan→fen
// money parsing.
package platformhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opsgraph/opsgraph/plugins/sdk"
)

var (
	shanghaiOnce sync.Once
	shanghai     *time.Location
)

// Shanghai returns the Asia/Shanghai zone, the zone every Chinese platform uses for
// its timestamps and business days. If the host has no tzdata it falls back to a
// fixed UTC+8 zone, which is exact: China has not observed DST since 1991.
func Shanghai() *time.Location {
	shanghaiOnce.Do(func() {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			loc = time.FixedZone("CST", 8*3600)
		}
		shanghai = loc
	})
	return shanghai
}

// Policy bounds the retries of one platform call.
type Policy struct {
	MaxAttempts int           // total attempts including the first; <=0 means 1
	BaseDelay   time.Duration // backoff before the 2nd attempt; doubles each time
	MaxDelay    time.Duration // cap on one wait; a longer platform retry-after is returned, not waited
	// AttemptTimeout bounds one HTTP attempt (0: only the call's deadline), so
	// that one stuck request leaves time for a retry inside the RPC deadline.
	AttemptTimeout time.Duration
}

// DefaultPolicy is what the plugins use against real gateways.
var DefaultPolicy = Policy{MaxAttempts: 4, BaseDelay: 250 * time.Millisecond, MaxDelay: 8 * time.Second, AttemptTimeout: 15 * time.Second}

// Backoff is the wait before attempt n+1 (n >= 1): exponential with "equal jitter",
// i.e. half the exponential delay fixed plus up to half random.
func (p Policy) Backoff(n int) time.Duration {
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(half+1)
}

// Retryable reports whether an error is worth another attempt.
func Retryable(err error) bool {
	k := sdk.KindOf(err)
	return k == sdk.KindRateLimited || k == sdk.KindUnavailable
}

// Retry runs call until it succeeds, fails with a non-retryable error, runs out of
// attempts, or the next wait would not end before ctx's deadline. A platform's
// retry-after longer than MaxDelay (a ban, e.g. TOP code 7 for hours) is not
// waited out here: the error goes back at once with its RetryAfter, so the host
// can decide whether its job can wait that long. Each attempt is bounded by
// AttemptTimeout and by what is left of ctx's deadline. It returns the last error
// as is (typed), never a bare context error.
func Retry(ctx context.Context, p Policy, call func(ctx context.Context) error) error {
	attempts := max(p.MaxAttempts, 1)
	for n := 1; ; n++ {
		err := attempt(ctx, p, call)
		if err == nil || !Retryable(err) || n >= attempts || ctx.Err() != nil {
			return err
		}
		wait := p.Backoff(n)
		var se *sdk.Error
		if errors.As(err, &se) && se.RetryAfter > wait {
			if p.MaxDelay > 0 && se.RetryAfter > p.MaxDelay {
				return err // a ban: the caller decides whether to wait
			}
			wait = se.RetryAfter
		}
		if p.MaxDelay > 0 && wait > p.MaxDelay {
			wait = p.MaxDelay
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
			return err // waiting would only end in a deadline error
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// attempt runs one call under the per-attempt bound.
func attempt(ctx context.Context, p Policy, call func(ctx context.Context) error) error {
	if p.AttemptTimeout <= 0 {
		return call(ctx)
	}
	actx, cancel := context.WithTimeout(ctx, p.AttemptTimeout)
	defer cancel()
	err := call(actx)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		// Our own per-attempt bound fired, not the caller's deadline: say so,
		// and let Retry try again.
		e := sdk.Errorf(sdk.KindUnavailable, "platform call took longer than %s", p.AttemptTimeout)
		e.Cause = context.DeadlineExceeded
		return e
	}
	return err
}

// CallWithRefresh runs call with retries using conn's access token. If the platform
// says the token expired and conn carries a refresh token, it refreshes once, runs
// call again with the new access token, and returns the new token. When that later
// call fails, the token rides on the error (sdk.Error.NewToken) so that the host
// stores it anyway: the platform may have spent the old refresh token.
//
// A refresh the platform refuses (refresh token invalid or expired, app
// unauthorized) cannot be fixed by retrying: it comes back as KindAuthExpired
// whose message tells the user to reconnect the store; the host marks the
// connection REAUTHORIZE_NEEDED. A transient refresh failure keeps its kind.
func CallWithRefresh(ctx context.Context, p Policy, conn sdk.Connection,
	refresh func(ctx context.Context, conn sdk.Connection) (*sdk.Token, error),
	call func(ctx context.Context, accessToken string) error,
) (newToken *sdk.Token, err error) {
	err = Retry(ctx, p, func(ctx context.Context) error { return call(ctx, conn.AccessToken) })
	if sdk.KindOf(err) != sdk.KindAuthExpired || NeedsReauthorization(err) {
		return nil, err
	}
	if conn.RefreshToken == "" {
		return nil, Reauthorize(err, "the access token expired and there is no refresh token")
	}
	tok, rerr := refresh(ctx, conn)
	if rerr != nil {
		switch sdk.KindOf(rerr) {
		case sdk.KindUnavailable, sdk.KindRateLimited:
			return nil, rerr
		}
		return nil, Reauthorize(rerr, "the platform refused to refresh the access token")
	}
	err = Retry(ctx, p, func(ctx context.Context) error { return call(ctx, tok.AccessToken) })
	if err == nil {
		return tok, nil
	}
	var se *sdk.Error
	if !errors.As(err, &se) {
		se = &sdk.Error{Kind: sdk.KindPlatform, Message: err.Error(), Cause: err}
	}
	se.NewToken = tok
	if se.Kind == sdk.KindAuthExpired {
		return tok, Reauthorize(se, "the platform refused a freshly refreshed access token")
	}
	return tok, se
}

// ReauthorizePrefix starts the message of an authorization the plugin could not
// renew; the rest names why.
const ReauthorizePrefix = "reconnect the store: "

// NeedsReauthorization reports whether err is an authorization only the seller
// can renew (made by Reauthorize).
func NeedsReauthorization(err error) bool {
	var se *sdk.Error
	return errors.As(err, &se) && se.Kind == sdk.KindAuthExpired && strings.HasPrefix(se.Message, ReauthorizePrefix)
}

// Reauthorize is the KindAuthExpired error of an authorization that cannot be
// renewed without the seller: it keeps the platform's code and any new token.
func Reauthorize(cause error, why string) *sdk.Error {
	out := &sdk.Error{Kind: sdk.KindAuthExpired, Message: ReauthorizePrefix + why, Cause: cause}
	var se *sdk.Error
	if errors.As(cause, &se) {
		out.PlatformCode, out.NewToken = se.PlatformCode, se.NewToken
		if se.Message != "" {
			out.Message += " (" + se.Message + ")"
		}
	}
	return out
}

// TransportError maps a failed HTTP round trip to a typed error. The message never
// carries the request URL (a query string may hold an access token or signature).
func TransportError(ctx context.Context, err error) *sdk.Error {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return sdk.Errorf(sdk.KindUnavailable, "platform did not answer in time (the call deadline passed)")
	}
	if errors.Is(err, context.Canceled) {
		return sdk.Errorf(sdk.KindUnavailable, "platform call cancelled")
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return sdk.Errorf(sdk.KindUnavailable, "platform unreachable: %v", err)
}

// StatusError maps a non-2xx HTTP status that carried no platform envelope:
// 429 → rate limited (honouring Retry-After), 5xx → unavailable, others → platform error.
func StatusError(resp *http.Response) *sdk.Error {
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e := sdk.Errorf(sdk.KindRateLimited, "platform rate limit (HTTP 429)")
		e.PlatformCode = "429"
		e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"))
		return e
	case resp.StatusCode >= 500:
		e := sdk.Errorf(sdk.KindUnavailable, "the platform gateway answered HTTP %d", resp.StatusCode)
		e.PlatformCode = strconv.Itoa(resp.StatusCode)
		return e
	default:
		e := sdk.Errorf(sdk.KindPlatform, "platform answered HTTP %d", resp.StatusCode)
		e.PlatformCode = strconv.Itoa(resp.StatusCode)
		return e
	}
}

// ParseRetryAfter reads a Retry-After header (seconds or HTTP date); 0 if absent.
func ParseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// MaxBody bounds how much of a platform response is read. A larger body is an
// error, never silently cut.
const MaxBody = 16 << 20

// Do sends req with client and returns the body of a 2xx-or-enveloped response.
// Platforms put their error envelopes in 200 responses (and sometimes in 4xx/5xx
// ones): when the status is not 2xx, Do hands the body to hasEnvelope and returns it
// if it holds a platform envelope, else a StatusError. A body over MaxBody is a
// KindPlatform error (code response-too-large) naming the limit.
func Do(ctx context.Context, client *http.Client, req *http.Request, hasEnvelope func([]byte) bool) ([]byte, error) {
	return DoLimit(ctx, client, req, MaxBody, hasEnvelope)
}

// DoLimit is Do with a body limit of limit bytes.
func DoLimit(ctx context.Context, client *http.Client, req *http.Request, limit int64, hasEnvelope func([]byte) bool) ([]byte, error) {
	if err := guardRequest(req); err != nil {
		return nil, err
	}
	client, err := guardClient(client)
	if err != nil {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "%v", err)
	}
	resp, err := client.Do(req.WithContext(ctx))
	if refused(err) {
		return nil, errEndpointRefused()
	}
	if err != nil {
		return nil, TransportError(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, TransportError(ctx, err)
	}
	if int64(len(body)) > limit {
		e := sdk.Errorf(sdk.KindPlatform, "platform response larger than %d bytes; ask for smaller pages", limit)
		e.PlatformCode = "response-too-large"
		return nil, e
	}
	if resp.StatusCode/100 != 2 {
		if resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests && hasEnvelope != nil && hasEnvelope(body) {
			return body, nil
		}
		return nil, StatusError(resp)
	}
	return body, nil
}

// ParseYuan converts a decimal yuan string such as "129.00", "0.5" or "-3.20" to
// integer fen, exactly (no floating point). It accepts at most two significant
// decimals (more digits are allowed only if they are zeros) and refuses anything
// else: empty strings, exponents, thousands separators, overflow.
func ParseYuan(s string) (int64, error) {
	orig := s
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || (hasDot && frac == "") {
		return 0, fmt.Errorf("invalid yuan amount %q", orig)
	}
	for _, r := range intPart + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("invalid yuan amount %q", orig)
		}
	}
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, fmt.Errorf("yuan amount %q has more than 2 decimals", orig)
		}
		frac = frac[:2]
	}
	for len(frac) < 2 {
		frac += "0"
	}
	yuan, err := strconv.ParseInt(intPart, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	if err != nil || yuan > (math.MaxInt64-f)/100 {
		return 0, fmt.Errorf("yuan amount %q out of range", orig)
	}
	fen := yuan*100 + f
	if neg {
		fen = -fen
	}
	return fen, nil
}

// FormatYuan renders fen as a yuan string with two decimals, e.g. 12900 → "129.00".
func FormatYuan(fen int64) string {
	sign := ""
	u := uint64(fen)
	if fen < 0 {
		sign = "-"
		u = uint64(-(fen + 1)) + 1
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// ParseDay parses a YYYY-MM-DD business day in Asia/Shanghai.
func ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, Shanghai())
	if err != nil {
		return time.Time{}, sdk.Errorf(sdk.KindInvalidRequest, "invalid date %q: want YYYY-MM-DD", s)
	}
	return t, nil
}

// DayRange validates From..To (inclusive, YYYY-MM-DD, Asia/Shanghai) and returns
// the days in order. At most maxDays days.
func DayRange(from, to string, maxDays int) ([]string, error) {
	f, err := ParseDay(from)
	if err != nil {
		return nil, err
	}
	t, err := ParseDay(to)
	if err != nil {
		return nil, err
	}
	if t.Before(f) {
		return nil, sdk.Errorf(sdk.KindInvalidRequest, "date range %s..%s is reversed", from, to)
	}
	var days []string
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		if len(days) == maxDays {
			return nil, sdk.Errorf(sdk.KindInvalidRequest, "date range %s..%s longer than %d days", from, to, maxDays)
		}
		days = append(days, d.Format("2006-01-02"))
	}
	return days, nil
}

// PageCursor encodes a page number as an opaque cursor ("" for the first page).
func PageCursor(page int) string { return "p" + strconv.Itoa(page) }

// ParsePageCursor decodes a cursor made by PageCursor; "" yields first.
func ParsePageCursor(c string, first int) (int, error) {
	if c == "" {
		return first, nil
	}
	n, err := strconv.Atoi(strings.TrimPrefix(c, "p"))
	if err != nil || !strings.HasPrefix(c, "p") || n < first {
		return 0, sdk.Errorf(sdk.KindInvalidRequest, "invalid cursor %q", c)
	}
	return n, nil
}

// FlexString decodes a JSON string or number (platforms send ids either way) into
// its decimal text.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*f = ""
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			return err
		}
		*f = FlexString(u)
		return nil
	}
	*f = FlexString(s)
	return nil
}

// FlexInt decodes a JSON integer or a string holding one ("" and null are 0).
type FlexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %s", b)
	}
	*f = FlexInt(n)
	return nil
}

// UnixAuto converts a Unix timestamp in seconds or milliseconds (told apart by
// magnitude) to a time; 0 is the zero time.
func UnixAuto(v int64) time.Time {
	switch {
	case v == 0:
		return time.Time{}
	case v > 1e11:
		return time.UnixMilli(v)
	default:
		return time.Unix(v, 0)
	}
}

// Endpoint resolves a connection's gateway URL: def when conn.Endpoint is blank;
// otherwise the endpoint, which must be an absolute http(s) URL (else an
// invalid-request error prefixed with platform), as render writes it.
func Endpoint(conn sdk.Connection, platform, def string, render func(*url.URL) string) (string, error) {
	ep := strings.TrimSpace(conn.Endpoint)
	if ep == "" {
		return def, nil
	}
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", sdk.Errorf(sdk.KindInvalidRequest, "%s: invalid endpoint %q", platform, ep)
	}
	return render(u), nil
}

// DefaultPath is an Endpoint render that puts path on a URL given without one.
func DefaultPath(path string) func(*url.URL) string {
	return func(u *url.URL) string {
		if u.Path == "" || u.Path == "/" {
			u.Path = path
		}
		return u.String()
	}
}
