package graph

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/opsgraph/opsgraph/alerts/alertsvc"
	"github.com/opsgraph/opsgraph/attribution/attrsvc"
	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/graph/generated"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/host"
	"github.com/opsgraph/opsgraph/report/reportsvc"
	"github.com/opsgraph/opsgraph/webhook/webhooksvc"
)

// Options configure the GraphQL handler.
type Options struct {
	Auth    *auth.Service
	Authz   *authz.Authorizer
	Sync    *platformsync.Service
	Plugins *host.Manager
	Alerts  *alertsvc.Service
	// Webhooks manages webhook endpoints and deliveries.
	Webhooks *webhooksvc.Service
	// WebsocketInit authenticates a subscription connection from its
	// connection_init payload (browsers cannot set headers on WebSockets).
	WebsocketInit transport.WebsocketInitFunc
	Limits        Limits
	Websocket     WebsocketLimits
	MaxBodyBytes  int64 // request body size limit
	Log           *slog.Logger
	// AllowPrivateEndpoints lets connectStore take non-public or http:// endpoints.
	AllowPrivateEndpoints bool
	Now                   func() time.Time // clock of campaign verbs; nil is time.Now

	// WebsocketOrigins are the other origins ("scheme://host" patterns, or
	// "*") whose pages may open a subscription; the server's own host always may.
	WebsocketOrigins []string
	// Extensions are added after the built-in ones (telemetry, rate limits).
	Extensions []graphql.HandlerExtension
	// Reports signs client report download links.
	Reports *reportsvc.Signer
}

// DefaultMaxBodyBytes is the default request body limit: 1 MiB is far more than
// any hand-written operation needs.
const DefaultMaxBodyBytes = 1 << 20

// NewHandler builds the GraphQL HTTP handler from explicit parts: transports,
// the parsed-query LRU cache, automatic persisted queries, operation limits,
// one transaction per mutation, and error presentation.
func NewHandler(client *ent.Client, opts Options) http.Handler {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	opts.Limits = opts.Limits.withDefaults()
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	r := &Resolver{Client: client, Auth: opts.Auth, Authz: opts.Authz, Sync: opts.Sync, Plugins: opts.Plugins, Alerts: opts.Alerts, Log: opts.Log,
		Webhooks:              opts.Webhooks,
		AllowPrivateEndpoints: opts.AllowPrivateEndpoints, Now: opts.Now, Reports: opts.Reports,
		Mall: &mallsvc.Service{Client: client, Now: opts.Now}}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r}))
	ws := &wsGuard{limits: opts.Websocket.withDefaults(), auth: opts.Auth, init: opts.WebsocketInit, conns: map[[32]byte]int{}}
	srv.AddTransport(transport.Websocket{KeepAlivePingInterval: ws.limits.KeepAliveInterval,
		InitFunc: ws.initFunc, InitTimeout: ws.limits.InitTimeout, CloseFunc: ws.closeFunc,
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{
			OriginPatterns:     opts.WebsocketOrigins,
			InsecureSkipVerify: slices.Contains(opts.WebsocketOrigins, "*"),
		}}})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postTransport{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(limitsExtension{opts.Limits})
	srv.Use(txAudit{client: client, log: opts.Log})
	srv.AroundOperations(ws.aroundOperations)
	// Attribution figures are computed once per organization per response
	// (each event of a subscription is a response of its own).
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		return next(attrsvc.WithCache(ctx))
	})
	for _, ext := range opts.Extensions {
		srv.Use(ext)
	}
	srv.AroundFields(r.authorizeRoot)
	srv.SetErrorPresenter(ErrorPresenter(opts.Log))
	srv.SetRecoverFunc(RecoverFunc(opts.Log))
	return guardTransport(http.MaxBytesHandler(withTimeout(srv, opts.Limits.OperationTimeout), opts.MaxBodyBytes), opts.MaxBodyBytes)
}

// withTimeout bounds the operation of one HTTP request; WebSocket connections
// live longer and bound their operations themselves.
func withTimeout(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
