package graph

import (
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
)

// WebsocketLimits bound WebSocket connections. Zero fields take the default.
type WebsocketLimits struct {
	InitTimeout       time.Duration // connection_init must arrive (and authenticate) within this
	MaxSubscriptions  int           // active subscriptions per connection
	MaxConnsPerToken  int           // open connections per token
	KeepAliveInterval time.Duration
}

// DefaultWebsocketLimits: 10 s to authenticate, 20 subscriptions per
// connection, 10 connections per token (a few browser tabs and scripts).
var DefaultWebsocketLimits = WebsocketLimits{InitTimeout: 10 * time.Second, MaxSubscriptions: 20,
	MaxConnsPerToken: 10, KeepAliveInterval: 10 * time.Second}

func (l WebsocketLimits) withDefaults() WebsocketLimits {
	d := DefaultWebsocketLimits
	if l.InitTimeout <= 0 {
		l.InitTimeout = d.InitTimeout
	}
	if l.MaxSubscriptions <= 0 {
		l.MaxSubscriptions = d.MaxSubscriptions
	}
	if l.MaxConnsPerToken <= 0 {
		l.MaxConnsPerToken = d.MaxConnsPerToken
	}
	if l.KeepAliveInterval <= 0 {
		l.KeepAliveInterval = d.KeepAliveInterval
	}
	return l
}

// wsGuard authenticates WebSocket connections at connection_init and again
// for every operation on them: a socket never keeps rights its token lost
// (logout, revocation, removal, demotion take effect on the next operation).
// It caps connections per token and subscriptions per connection.
type wsGuard struct {
	limits WebsocketLimits
	auth   *auth.Service
	init   transport.WebsocketInitFunc

	mu    sync.Mutex
	conns map[[32]byte]int // open connections per token hash
}

type wsConnKey struct{}

// wsConn is one authenticated connection.
type wsConn struct {
	token string
	key   [32]byte
	subs  atomic.Int32
}

func bearerOf(p transport.InitPayload) string {
	tok, _ := strings.CutPrefix(p.Authorization(), "Bearer ")
	return strings.TrimSpace(tok)
}

// initFunc accepts a connection only with a token that authenticates.
func (g *wsGuard) initFunc(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	tok := bearerOf(p)
	if tok == "" {
		return refuseInit(ctx, 4401, "UNAUTHENTICATED: send {\"Authorization\": \"Bearer <token>\"} in connection_init")
	}
	var ack *transport.InitPayload
	if g.init != nil {
		var err error
		if ctx, ack, err = g.init(ctx, p); err != nil {
			return ctx, nil, err
		}
	}
	if authz.FromContext(ctx) == nil {
		code := apperr.Unauthenticated
		if err, ok := ctx.Value(authErrKey{}).(error); ok {
			if c, coded := apperr.CodeOf(err); coded {
				code = c
			}
		}
		return refuseInit(ctx, 4401, string(code)+": the token in connection_init is not valid")
	}
	c := &wsConn{token: tok, key: sha256.Sum256([]byte(tok))}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.conns[c.key] >= g.limits.MaxConnsPerToken {
		return refuseInit(ctx, 4429, "RATE_LIMITED: too many open connections for this token")
	}
	g.conns[c.key]++
	return context.WithValue(ctx, wsConnKey{}, c), ack, nil
}

// refuseInit closes the socket with a graphql-transport-ws close code (4401
// unauthorized, 4429 too many) and the error code first in the reason.
func refuseInit(ctx context.Context, closeCode int, msg string) (context.Context, *transport.InitPayload, error) {
	ctx = transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, closeCode), msg)
	return ctx, nil, errors.New(msg)
}

// closeFunc releases the connection's slot.
func (g *wsGuard) closeFunc(ctx context.Context, _ int) {
	c, ok := ctx.Value(wsConnKey{}).(*wsConn)
	if !ok {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.conns[c.key]--; g.conns[c.key] <= 0 {
		delete(g.conns, c.key)
	}
}

// aroundOperations re-authenticates the connection's token for each
// operation, replacing the viewer of connection_init, and counts subscriptions.
func (g *wsGuard) aroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	c, ok := ctx.Value(wsConnKey{}).(*wsConn)
	if !ok {
		return next(ctx)
	}
	if v, err := g.auth.Authenticate(ctx, c.token); err != nil {
		if _, coded := apperr.CodeOf(err); !coded {
			err = auth.ErrInvalidToken
		}
		ctx = WithAuthError(authz.WithViewer(ctx, nil), err)
	} else {
		ctx = authz.WithViewer(ctx, v)
	}
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		if int(c.subs.Add(1)) > g.limits.MaxSubscriptions {
			c.subs.Add(-1)
			return graphql.OneShot(errorResponse(ctx, apperr.RateLimited, "too many subscriptions on this connection; stop one first"))
		}
		context.AfterFunc(ctx, func() { c.subs.Add(-1) })
	}
	return next(ctx)
}
