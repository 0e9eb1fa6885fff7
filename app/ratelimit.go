package app

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/graph"
	"github.com/opsgraph/opsgraph/ratelimit"
)

// RateLimits are cost budgets per minute (the estimated operation cost of
// the limits extension); 0 is unlimited. Each budget is also the burst.
type RateLimits struct {
	// PerToken applies to each session or API token.
	PerToken int
	// PerAddress applies to each client address, signed in or not.
	PerAddress int
	// Roles replace PerToken for viewers holding these roles (the most
	// generous of a viewer's roles applies).
	Roles map[string]int
}

func (r RateLimits) enabled() bool { return r.PerToken > 0 || r.PerAddress > 0 || len(r.Roles) > 0 }

// rateLimitRejected is set in the request context by rateLimitHTTP and
// filled in when the operation is refused, so the HTTP status becomes 429.
type rateLimitKey struct{}

type rejected struct{ retryAfter atomic.Int64 } // seconds; 0: not rejected

// rateLimitHTTP answers a refused operation with 429 and Retry-After.
// WebSocket upgrades pass untouched (the error is in the message).
func rateLimitHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		rj := &rejected{}
		next.ServeHTTP(&statusWriter{ResponseWriter: w, rj: rj}, r.WithContext(context.WithValue(r.Context(), rateLimitKey{}, rj)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	rj    *rejected
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if s := w.rj.retryAfter.Load(); s > 0 {
			w.Header().Set("Retry-After", strconv.FormatInt(s, 10))
			code = http.StatusTooManyRequests
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// rateLimiter spends each operation's cost from the caller's token bucket and
// address bucket, and reports the remaining budget in extensions.rateLimit.
type rateLimiter struct {
	cfg RateLimits
	l   *ratelimit.Limiter
	now func() time.Time
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = rateLimiter{}

const rateLimitStat = "opsgraph.rateLimit"

func (rateLimiter) ExtensionName() string                   { return "RateLimit" }
func (rateLimiter) Validate(graphql.ExecutableSchema) error { return nil }

// budget is the per-minute budget of a signed-in viewer: the most generous
// of their roles, PerToken for roles without their own budget.
func (r rateLimiter) budget(v *authz.Viewer) int {
	best, found := 0, false
	for _, org := range v.Orgs() {
		for _, g := range v.Grants(org) {
			b, ok := r.cfg.Roles[g.Role]
			if !ok {
				b = r.cfg.PerToken
			}
			if b <= 0 { // an unlimited role
				return 0
			}
			best, found = max(best, b), true
		}
	}
	if !found {
		return r.cfg.PerToken
	}
	return best
}

func (r rateLimiter) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	cost, ok := graph.OperationCost(oc)
	if !ok {
		return nil
	}
	now := r.now()
	var checks []struct {
		key    string
		budget int
	}
	if addr := auth.ClientAddr(ctx); addr != "" && r.cfg.PerAddress > 0 {
		checks = append(checks, struct {
			key    string
			budget int
		}{"addr:" + addr, r.cfg.PerAddress})
	}
	if v := authz.FromContext(ctx); v != nil && !v.System {
		key := fmt.Sprintf("session:%d", v.SessionID)
		if v.TokenID != 0 {
			key = fmt.Sprintf("token:%d", v.TokenID)
		}
		if b := r.budget(v); b > 0 {
			checks = append(checks, struct {
				key    string
				budget int
			}{key, b})
		}
	}
	var tightest *ratelimit.Decision
	for i, c := range checks {
		d := r.l.Take(c.key, c.budget, cost, now)
		if !d.Allowed {
			for _, done := range checks[:i] { // give back what the earlier buckets took
				r.l.Refund(done.key, cost)
			}
			return r.refuse(ctx, cost, d)
		}
		if tightest == nil || d.Remaining < tightest.Remaining {
			tightest = &d
		}
	}
	if tightest != nil {
		oc.Stats.SetExtension(rateLimitStat, map[string]any{"cost": cost, "remaining": tightest.Remaining, "limit": tightest.Limit})
	}
	return nil
}

func (r rateLimiter) refuse(ctx context.Context, cost int, d ratelimit.Decision) *gqlerror.Error {
	secs := int64(math.Ceil(d.RetryAfter.Seconds()))
	msg := fmt.Sprintf("rate limit: this operation costs %d and %d of %d per minute remain; retry in %d s", cost, d.Remaining, d.Limit, secs)
	if d.RetryAfter == 0 {
		secs = 60
		msg = fmt.Sprintf("rate limit: this operation costs %d, more than the budget of %d per minute; ask for fewer rows or fields", cost, d.Limit)
	}
	if rj, ok := ctx.Value(rateLimitKey{}).(*rejected); ok {
		rj.retryAfter.Store(secs)
	}
	e := gqlerror.Errorf("%s", msg)
	e.Extensions = map[string]any{"code": "RATE_LIMITED", "retryAfter": secs, "cost": cost, "remaining": d.Remaining, "limit": d.Limit}
	return e
}

func (r rateLimiter) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	if v := graphql.GetOperationContext(ctx).Stats.GetExtension(rateLimitStat); v != nil {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["rateLimit"] = v
	}
	return resp
}
