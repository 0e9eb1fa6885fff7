package app

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ratelimit"
	"github.com/opsgraph/opsgraph/report/reportsvc"
)

// ReportCost is what one report download costs from the rate budgets: a
// fifth of the largest operation (--max-complexity 250 000), so the default
// 2 M per token per minute allows 40 downloads a minute. A report runs about
// 45 SQL statements (demo month: 23 KB, ~70 ms).
const ReportCost = 50000

// reports is the download route GET /reports/{format}: a bearer token, or a
// signed link from createReportLink.
func (a *App) reports(l *ratelimit.Limiter, now func() time.Time) http.Handler {
	h := &reportsvc.Handler{Client: a.Client, Authz: a.Authz, Signer: a.reportSigner(), Now: a.cfg.Now, Log: a.cfg.Log,
		Bearer: a.bearer}
	if l != nil {
		h.Limit = func(w http.ResponseWriter, r *http.Request, v *authz.Viewer) error {
			return a.limitReport(w, r, v, l, now())
		}
	}
	return h
}

// reportSigner signs report links with a key derived from the secret key.
func (a *App) reportSigner() *reportsvc.Signer { return reportsvc.NewSigner(a.cfg.SecretKey) }

// bearer authenticates the Authorization header of a download (nil: none).
func (a *App) bearer(r *http.Request) (*authz.Viewer, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return nil, auth.ErrInvalidToken
	}
	v, err := a.Auth.Authenticate(r.Context(), strings.TrimSpace(token))
	if err != nil {
		if _, coded := apperr.CodeOf(err); !coded {
			return nil, errUnavailable
		}
		return nil, auth.ErrInvalidToken
	}
	return v, nil
}

// limitReport spends ReportCost from the caller's address and token buckets,
// as the GraphQL rate limiter does for an operation.
func (a *App) limitReport(w http.ResponseWriter, r *http.Request, v *authz.Viewer, l *ratelimit.Limiter, now time.Time) error {
	rl := rateLimiter{cfg: a.cfg.RateLimits, l: l}
	type check struct {
		key    string
		budget int
	}
	var checks []check
	if addr := auth.RemoteAddr(r, a.cfg.TrustedProxies); addr != "" && a.cfg.RateLimits.PerAddress > 0 {
		checks = append(checks, check{"addr:" + addr, a.cfg.RateLimits.PerAddress})
	}
	if v != nil && !v.System {
		key := fmt.Sprintf("session:%d", v.SessionID)
		if v.TokenID != 0 {
			key = fmt.Sprintf("token:%d", v.TokenID)
		}
		if b := rl.budget(v); b > 0 {
			checks = append(checks, check{key, b})
		}
	}
	for i, c := range checks {
		d := l.Take(c.key, c.budget, ReportCost, now)
		if !d.Allowed {
			for _, done := range checks[:i] {
				l.Refund(done.key, ReportCost)
			}
			secs := int64(math.Ceil(d.RetryAfter.Seconds()))
			if d.RetryAfter == 0 {
				secs = 60
			}
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			return apperr.New(apperr.RateLimited, "rate limit: a report costs %d and %d of %d per minute remain; retry in %d s", ReportCost, d.Remaining, d.Limit, secs)
		}
	}
	return nil
}
