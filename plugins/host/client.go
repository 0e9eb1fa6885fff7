package host

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// client is the sdk.Platform the Manager hands out for one plugin id. Each call
// gets a deadline, goes to the plugin's current process (launching or
// relaunching it if needed) and returns typed errors only.
type client struct{ p *managed }

var _ sdk.Platform = (*client)(nil)

// exitGrace bounds how long a call that lost its connection waits for the
// process-exit notification, to tell "the plugin died" from a transient error.
const exitGrace = 2 * time.Second

func invoke[T any](c *client, ctx context.Context, method string, f func(context.Context, sdk.Platform) (T, error)) (T, error) {
	observe := c.p.m.cfg.Observe
	if observe == nil {
		return call(c, ctx, method, f)
	}
	ctx, done := observe(ctx, c.p.spec.ID, method)
	res, err := call(c, ctx, method, f)
	done(err)
	return res, err
}

func call[T any](c *client, ctx context.Context, method string, f func(context.Context, sdk.Platform) (T, error)) (T, error) {
	var zero T
	p := c.p
	timeout := p.m.cfg.CallTimeout
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	inst, err := p.acquire(ctx)
	if err != nil {
		return zero, err
	}
	// The call ends when its instance is given up (health check), not only
	// at its deadline.
	callCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(inst.ctx, cancel)()
	res, err := f(callCtx, inst.platform)
	if err == nil {
		return res, nil
	}
	return zero, p.callError(ctx, inst, method, err)
}

// callError makes the error of a failed call precise: a dead process, a missed
// deadline and a cancelled call each get their own message; typed plugin errors
// pass through unchanged.
func (p *managed) callError(ctx context.Context, inst *instance, method string, err error) error {
	var e *sdk.Error
	if !errors.As(err, &e) {
		e = &sdk.Error{Kind: sdk.KindUnavailable, Message: err.Error(), Cause: err}
	}
	if e.Kind != sdk.KindUnavailable {
		return e
	}
	givenUp := inst.ctx.Err() != nil && ctx.Err() == nil
	if givenUp {
		p.mu.Lock()
		cause := p.lastErr
		p.mu.Unlock()
		if errors.Is(cause, ErrUnresponsive) {
			return &sdk.Error{Kind: sdk.KindUnavailable, Cause: cause,
				Message: fmt.Sprintf("plugin %q stopped answering during %s; it was killed and is being replaced", p.spec.ID, method)}
		}
	}
	// A call that failed without the plugin saying why may mean a wedged
	// process: have it pinged now rather than at the next interval.
	inst.suspect()
	switch {
	case givenUp:
		// The process exited under the call: reported below.
	case errors.Is(e, context.DeadlineExceeded) || (ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded)):
		return &sdk.Error{Kind: sdk.KindUnavailable, Cause: context.DeadlineExceeded,
			Message: fmt.Sprintf("plugin %q: %s did not answer before its deadline", p.spec.ID, method)}
	case errors.Is(e, context.Canceled) || ctx.Err() != nil:
		return &sdk.Error{Kind: sdk.KindUnavailable, Cause: context.Canceled,
			Message: fmt.Sprintf("plugin %q: %s was cancelled", p.spec.ID, method)}
	}
	if e.Cause == nil || errors.Is(e, sdk.ErrUntyped) {
		return e // the plugin itself said unavailable (e.g. the platform is down)
	}
	// A transport failure: did the process die under us?
	t := time.NewTimer(exitGrace)
	defer t.Stop()
	select {
	case <-inst.runner.exited:
		p.mu.Lock()
		p.crashedLocked(inst)
		p.mu.Unlock()
		return &sdk.Error{Kind: sdk.KindUnavailable, Cause: e,
			Message: fmt.Sprintf("plugin %q: process %d exited during %s; it will be restarted on next use", p.spec.ID, inst.pid, method)}
	case <-t.C:
		return e
	}
}

func (c *client) Describe(ctx context.Context) (*sdk.Description, error) {
	return invoke(c, ctx, "Describe", func(ctx context.Context, p sdk.Platform) (*sdk.Description, error) {
		return p.Describe(ctx)
	})
}

func (c *client) Authorize(ctx context.Context, req sdk.AuthorizeRequest) (*sdk.Token, error) {
	return invoke(c, ctx, "Authorize", func(ctx context.Context, p sdk.Platform) (*sdk.Token, error) {
		return p.Authorize(ctx, req)
	})
}

func (c *client) RefreshToken(ctx context.Context, conn sdk.Connection) (*sdk.Token, error) {
	return invoke(c, ctx, "RefreshToken", func(ctx context.Context, p sdk.Platform) (*sdk.Token, error) {
		return p.RefreshToken(ctx, conn)
	})
}

func (c *client) ListProducts(ctx context.Context, req sdk.ListProductsRequest) (*sdk.ProductPage, error) {
	return invoke(c, ctx, "ListProducts", func(ctx context.Context, p sdk.Platform) (*sdk.ProductPage, error) {
		return p.ListProducts(ctx, req)
	})
}

func (c *client) ListOrders(ctx context.Context, req sdk.ListOrdersRequest) (*sdk.OrderPage, error) {
	return invoke(c, ctx, "ListOrders", func(ctx context.Context, p sdk.Platform) (*sdk.OrderPage, error) {
		return p.ListOrders(ctx, req)
	})
}

func (c *client) UpdateStock(ctx context.Context, req sdk.UpdateStockRequest) (*sdk.UpdateStockResult, error) {
	return invoke(c, ctx, "UpdateStock", func(ctx context.Context, p sdk.Platform) (*sdk.UpdateStockResult, error) {
		return p.UpdateStock(ctx, req)
	})
}

func (c *client) PublishContent(ctx context.Context, req sdk.PublishContentRequest) (*sdk.PublishResult, error) {
	return invoke(c, ctx, "PublishContent", func(ctx context.Context, p sdk.Platform) (*sdk.PublishResult, error) {
		return p.PublishContent(ctx, req)
	})
}

func (c *client) FetchMetrics(ctx context.Context, req sdk.FetchMetricsRequest) (*sdk.MetricsResult, error) {
	return invoke(c, ctx, "FetchMetrics", func(ctx context.Context, p sdk.Platform) (*sdk.MetricsResult, error) {
		return p.FetchMetrics(ctx, req)
	})
}
