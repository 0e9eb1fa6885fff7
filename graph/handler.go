package graph

import (
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/graph/generated"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/host"
)

// Options configure the GraphQL handler.
type Options struct {
	Auth    *auth.Service
	Authz   *authz.Authorizer
	Sync    *platformsync.Service
	Plugins *host.Manager
	// WebsocketInit authenticates a subscription connection from its
	// connection_init payload (browsers cannot set headers on WebSockets).
	WebsocketInit transport.WebsocketInitFunc
	Limits        Limits
	MaxBodyBytes  int64 // request body size limit
	Log           *slog.Logger

	// WebsocketOrigins are the other origins ("scheme://host" patterns, or
	// "*") whose pages may open a subscription; the server's own host always may.
	WebsocketOrigins []string
	// Extensions are added after the built-in ones (telemetry, rate limits).
	Extensions []graphql.HandlerExtension
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
	if opts.Limits == (Limits{}) {
		opts.Limits = DefaultLimits
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	r := &Resolver{Client: client, Auth: opts.Auth, Authz: opts.Authz, Sync: opts.Sync, Plugins: opts.Plugins, Log: opts.Log}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r}))
	srv.AddTransport(transport.Websocket{KeepAlivePingInterval: 10 * time.Second, InitFunc: opts.WebsocketInit,
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{
			OriginPatterns:     opts.WebsocketOrigins,
			InsecureSkipVerify: slices.Contains(opts.WebsocketOrigins, "*"),
		}}})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(limitsExtension{opts.Limits})
	srv.Use(txAudit{client: client, log: opts.Log})
	for _, ext := range opts.Extensions {
		srv.Use(ext)
	}
	srv.AroundFields(r.authorizeRoot)
	srv.SetErrorPresenter(ErrorPresenter(opts.Log))
	srv.SetRecoverFunc(RecoverFunc(opts.Log))
	return http.MaxBytesHandler(srv, opts.MaxBodyBytes)
}
