package platformhttp

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Gate remembers a platform's rate-limit bans per app across calls: once the
// platform says "banned for N seconds", no call with that app key goes out before
// the ban ends. A call whose deadline ends before the ban lifts fails at once with
// KindRateLimited and the remaining wait, without touching the platform (a call
// during a TOP code-7 ban only prolongs it). Safe for concurrent use.
type Gate struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// Wait blocks until key's ban (if any) has lifted, or fails at once when ctx's
// deadline comes first.
func (g *Gate) Wait(ctx context.Context, key string) error {
	g.mu.Lock()
	until := g.until[key]
	g.mu.Unlock()
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= d {
		e := sdk.Errorf(sdk.KindRateLimited, "the platform limits calls of this app until %s", until.UTC().Format(time.RFC3339))
		e.PlatformCode = "ban"
		e.RetryAfter = d
		return e
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return TransportError(ctx, ctx.Err())
	case <-t.C:
		return nil
	}
}

// Observe records a rate-limit error's RetryAfter as a ban on key.
func (g *Gate) Observe(key string, err error) {
	var se *sdk.Error
	if !errors.As(err, &se) || se.Kind != sdk.KindRateLimited || se.RetryAfter <= 0 {
		return
	}
	until := time.Now().Add(se.RetryAfter)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.until == nil {
		g.until = map[string]time.Time{}
	}
	if until.After(g.until[key]) {
		g.until[key] = until
	}
}

// Budget paces a page that fans out into several platform calls (one detail
// call per order, one SKU call per product) so that the page fits the RPC
// deadline: before each call it checks that the time left covers twice the
// slowest call so far plus a margin for the host to commit the page. When it
// does not, the plugin returns what it has with a cursor at the next item
// instead of losing the whole page to a deadline.
type Budget struct {
	ctx     context.Context
	slowest time.Duration
	start   time.Time
}

// NewBudget starts a budget for one plugin call.
func NewBudget(ctx context.Context) *Budget { return &Budget{ctx: ctx} }

// budgetMargin is kept free at the end of a call for the answer to travel back.
const budgetMargin = 500 * time.Millisecond

// Fits reports whether another call is likely to finish in time. The first call
// always fits (a page must make progress).
func (b *Budget) Fits(done int) bool {
	if done == 0 {
		return true
	}
	dl, ok := b.ctx.Deadline()
	if !ok {
		return true
	}
	return time.Until(dl) > 2*b.slowest+budgetMargin
}

// Begin marks the start of a call; End records its duration.
func (b *Budget) Begin() { b.start = time.Now() }

// End records the duration of the call started by Begin.
func (b *Budget) End() {
	if d := time.Since(b.start); d > b.slowest {
		b.slowest = d
	}
}
