package platformhttp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/plugins/sdk"
)

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"129.00", 12900, true},
		{"129", 12900, true},
		{"129.5", 12950, true},
		{"0.01", 1, true},
		{"0.10", 10, true},
		{"0", 0, true},
		{" 3.20 ", 320, true},
		{"-3.20", -320, true},
		{"1.230", 123, true}, // trailing zeros beyond 2 decimals are exact
		{"0.1 ", 10, true},   // 0.1 is exactly 10 fen (a float would not be)
		{"92233720368547758.07", 9223372036854775807, true},
		{"92233720368547758.08", 0, false}, // overflow
		{"1.234", 0, false},                // sub-fen precision
		{"", 0, false},
		{".5", 0, false},
		{"5.", 0, false},
		{"1,299.00", 0, false},
		{"1e3", 0, false},
		{"+1.00", 0, false},
		{"--1", 0, false},
		{"１２.００", 0, false}, // full-width digits
		{"NaN", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseYuan(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	for _, fen := range []int64{0, 1, 99, 100, 12900, -320, -1, 9223372036854775807, -9223372036854775808} {
		s := FormatYuan(fen)
		if fen == -9223372036854775808 {
			if s != "-92233720368547758.08" {
				t.Errorf("FormatYuan(min) = %s", s)
			}
			continue
		}
		if back, err := ParseYuan(s); err != nil || back != fen {
			t.Errorf("round trip %d → %q → %d, %v", fen, s, back, err)
		}
	}
}

func TestShanghaiAndDays(t *testing.T) {
	ts := time.Date(2024, 3, 1, 16, 30, 0, 0, time.UTC) // 00:30 next day in Shanghai
	if d := ts.In(Shanghai()).Format("2006-01-02 15:04"); d != "2024-03-02 00:30" {
		t.Fatalf("Shanghai time %s", d)
	}
	days, err := DayRange("2024-02-28", "2024-03-01", 10)
	if err != nil || len(days) != 3 || days[1] != "2024-02-29" {
		t.Fatalf("DayRange = %v, %v", days, err)
	}
	for _, r := range [][2]string{{"2024-03-02", "2024-03-01"}, {"2024/03/01", "2024-03-02"}, {"2024-01-01", "2024-12-31"}} {
		if _, err := DayRange(r[0], r[1], 31); sdk.KindOf(err) != sdk.KindInvalidRequest {
			t.Errorf("DayRange(%v) err = %v", r, err)
		}
	}
}

func TestBackoffBounded(t *testing.T) {
	p := Policy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n := 1; n < 10; n++ {
		exp := min(p.BaseDelay<<(n-1), p.MaxDelay)
		for range 50 {
			d := p.Backoff(n)
			if d < exp/2 || d > exp {
				t.Fatalf("Backoff(%d) = %v, want in [%v, %v]", n, d, exp/2, exp)
			}
		}
	}
}

func TestRetry(t *testing.T) {
	fast := Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
	tests := []struct {
		name      string
		errs      []error
		wantCalls int
		wantKind  sdk.ErrorKind
	}{
		{"success", []error{nil}, 1, ""},
		{"rate limited then ok", []error{&sdk.Error{Kind: sdk.KindRateLimited, RetryAfter: time.Millisecond}, nil}, 2, ""},
		{"ban longer than MaxDelay returned at once", []error{&sdk.Error{Kind: sdk.KindRateLimited, RetryAfter: time.Hour}, nil}, 1, sdk.KindRateLimited},
		{"unavailable exhausts attempts", []error{sdk.Errorf(sdk.KindUnavailable, "x"), sdk.Errorf(sdk.KindUnavailable, "x"), sdk.Errorf(sdk.KindUnavailable, "x")}, 3, sdk.KindUnavailable},
		{"invalid request not retried", []error{sdk.Errorf(sdk.KindInvalidRequest, "x"), nil}, 1, sdk.KindInvalidRequest},
		{"auth expired not retried", []error{sdk.Errorf(sdk.KindAuthExpired, "x"), nil}, 1, sdk.KindAuthExpired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := Retry(context.Background(), fast, func(context.Context) error {
				calls++
				return tc.errs[calls-1]
			})
			if calls != tc.wantCalls || sdk.KindOf(err) != tc.wantKind {
				t.Fatalf("calls=%d err=%v", calls, err)
			}
		})
	}
	// A wait that would overrun the deadline returns the typed error at once.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	calls := 0
	err := Retry(ctx, Policy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: time.Second}, func(context.Context) error {
		calls++
		return sdk.Errorf(sdk.KindUnavailable, "down")
	})
	if calls != 1 || sdk.KindOf(err) != sdk.KindUnavailable || time.Since(start) > 40*time.Millisecond {
		t.Fatalf("calls=%d err=%v after %v", calls, err, time.Since(start))
	}
}

func TestCallWithRefresh(t *testing.T) {
	fast := Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	conn := sdk.Connection{AccessToken: "old", RefreshToken: "r1"}
	refreshes := 0
	refresh := func(_ context.Context, c sdk.Connection) (*sdk.Token, error) {
		refreshes++
		if c.RefreshToken != "r1" {
			return nil, sdk.Errorf(sdk.KindAuthExpired, "bad refresh token")
		}
		return &sdk.Token{AccessToken: "new", RefreshToken: "r2"}, nil
	}
	var used []string
	tok, err := CallWithRefresh(context.Background(), fast, conn, refresh, func(_ context.Context, at string) error {
		used = append(used, at)
		if at == "old" {
			return sdk.Errorf(sdk.KindAuthExpired, "expired")
		}
		return nil
	})
	if err != nil || tok == nil || tok.AccessToken != "new" || refreshes != 1 || len(used) != 2 {
		t.Fatalf("tok=%+v err=%v refreshes=%d used=%v", tok, err, refreshes, used)
	}
	// Still expired after refresh: no second refresh, typed error out.
	refreshes = 0
	_, err = CallWithRefresh(context.Background(), fast, conn, refresh, func(context.Context, string) error {
		return sdk.Errorf(sdk.KindAuthExpired, "expired")
	})
	if sdk.KindOf(err) != sdk.KindAuthExpired || refreshes != 1 {
		t.Fatalf("err=%v refreshes=%d", err, refreshes)
	}
}

func TestStatusErrorAndRetryAfter(t *testing.T) {
	h := http.Header{}
	h.Set("Retry-After", "3")
	e := StatusError(&http.Response{StatusCode: 429, Header: h})
	if e.Kind != sdk.KindRateLimited || e.RetryAfter != 3*time.Second {
		t.Fatalf("%+v", e)
	}
	if e := StatusError(&http.Response{StatusCode: 502, Header: http.Header{}}); e.Kind != sdk.KindUnavailable || e.PlatformCode != "502" {
		t.Fatalf("%+v", e)
	}
	if e := StatusError(&http.Response{StatusCode: 404, Header: http.Header{}}); e.Kind != sdk.KindPlatform {
		t.Fatalf("%+v", e)
	}
}

// A body over the limit is a clear error, never a silently cut page; a body
// at the limit is read whole.
func TestBodyLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		_, _ = w.Write([]byte(strings.Repeat("x", n)))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		n    int
		fail bool
	}{{1024, false}, {1025, true}, {10, false}} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"?n="+strconv.Itoa(tc.n), nil)
		body, err := DoLimit(context.Background(), srv.Client(), req, 1024, nil)
		switch {
		case tc.fail && (sdk.KindOf(err) != sdk.KindPlatform || err.(*sdk.Error).PlatformCode != "response-too-large"):
			t.Fatalf("n=%d: err %v, want response-too-large", tc.n, err)
		case !tc.fail && (err != nil || len(body) != tc.n):
			t.Fatalf("n=%d: %d bytes, %v", tc.n, len(body), err)
		}
	}
}

// A token refreshed before a later failure rides on the error; a refused
// refresh asks to reconnect the store; an authorization marked for
// reconnection is not refreshed at all.
func TestRefreshOutcomes(t *testing.T) {
	fast := Policy{MaxAttempts: 1}
	conn := sdk.Connection{AccessToken: "old", RefreshToken: "r1"}
	expired := sdk.Errorf(sdk.KindAuthExpired, "expired")
	okRefresh := func(context.Context, sdk.Connection) (*sdk.Token, error) {
		return &sdk.Token{AccessToken: "new", RefreshToken: "r2"}, nil
	}
	_, err := CallWithRefresh(context.Background(), fast, conn, okRefresh, func(_ context.Context, at string) error {
		if at == "old" {
			return expired
		}
		return sdk.Errorf(sdk.KindUnavailable, "gateway 502")
	})
	if tok := sdk.TokenOf(err); sdk.KindOf(err) != sdk.KindUnavailable || tok == nil || tok.RefreshToken != "r2" {
		t.Fatalf("err %v, token %+v", err, tok)
	}
	refused := func(context.Context, sdk.Connection) (*sdk.Token, error) {
		return nil, sdk.Errorf(sdk.KindPlatform, "refresh_token无效")
	}
	_, err = CallWithRefresh(context.Background(), fast, conn, refused, func(context.Context, string) error { return expired })
	if !NeedsReauthorization(err) {
		t.Fatalf("refused refresh: %v", err)
	}
	calls := 0
	_, err = CallWithRefresh(context.Background(), fast, conn, func(context.Context, sdk.Connection) (*sdk.Token, error) {
		calls++
		return okRefresh(context.Background(), conn)
	}, func(context.Context, string) error { return Reauthorize(expired, "authorization closed") })
	if !NeedsReauthorization(err) || calls != 0 {
		t.Fatalf("err %v after %d refreshes", err, calls)
	}
}
