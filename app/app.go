// Package app assembles the OpsGraph server from its parts (database, GraphQL,
// GraphiQL, health checks) so that server.go and the tests build the very same
// HTTP handler.
package app

import (
	"cmp"
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"go.opentelemetry.io/otel/trace"

	"github.com/opsgraph/opsgraph/alerts/alertsvc"
	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/content"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/graph"
	"github.com/opsgraph/opsgraph/graphiql"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/logging"
	"github.com/opsgraph/opsgraph/netguard"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/host"
	"github.com/opsgraph/opsgraph/ratelimit"
	"github.com/opsgraph/opsgraph/secretbox"
	"github.com/opsgraph/opsgraph/telemetry"
	"github.com/opsgraph/opsgraph/webhook/webhooksvc"
)

// Config is everything the server needs to start.
type Config struct {
	DSN          string // SQLite file path or postgres:// URL
	Limits       graph.Limits
	Websocket    graph.WebsocketLimits // zero: graph.DefaultWebsocketLimits
	MaxBodyBytes int64
	Log          *slog.Logger
	// ClientOptions are extra ent options (tests use them to count statements).
	ClientOptions []ent.Option
	// SecretKey encrypts secrets at rest (32 bytes).
	SecretKey []byte
	// TrustedProxies may give the client address in X-Forwarded-For
	// (--trusted-proxies); the rightmost untrusted hop is the client.
	TrustedProxies auth.TrustedProxies
	// AllowPrivateEndpoints lets connectStore reach non-public addresses
	// (--allow-private-endpoints; on in demo mode).
	AllowPrivateEndpoints bool
	// Now is the clock of login throttling; nil is time.Now.
	Now func() time.Time
	// PluginDir holds third-party plugins and their manifest (OPSGRAPH_PLUGIN_DIR).
	PluginDir string
	// Builtins are the built-in plugins (builtin.Specs()); tests pass their own.
	Builtins []host.Spec
	// PluginCallTimeout bounds each plugin call; 0 is the host default (30 s).
	PluginCallTimeout time.Duration
	// PluginHealthInterval and PluginHealthTimeout: how often running plugins
	// are pinged and how long a ping may take; 0 is the host default (10 s, 3 s).
	PluginHealthInterval, PluginHealthTimeout time.Duration
	// SyncPageSize is the page size of platform syncs; 0 is 100.
	SyncPageSize int
	// NoSyncRunner leaves sync jobs queued (tests that run jobs by hand).
	NoSyncRunner bool
	// DBPool sizes the database connection pool (--db-max-open, --db-max-idle);
	// zero fields take db.DefaultPool.
	DBPool db.Pool
	// AutoMigrate applies pending migrations at start on PostgreSQL too
	// (--auto-migrate); see db.StartPolicy.
	AutoMigrate bool
	// SyncPoll, SyncHeartbeat and SyncLease time the sync job runner; zero
	// takes platformsync's defaults (2 s, 5 s, 20 s).
	SyncPoll, SyncHeartbeat, SyncLease time.Duration
	// Instance names this replica on the jobs it runs; "" is host/pid.
	Instance string
	// CORS admits browser consoles on other origins (--cors-origins).
	CORS CORS
	// RateLimits are cost budgets per token, address and role; zero: none.
	RateLimits RateLimits
	// AuthCacheTTL is how long an authenticated token's viewer is reused
	// (--auth-cache-ttl): 0 is auth.DefaultCacheTTL, negative turns the cache
	// off. Local changes empty the cache at once, other replicas' through
	// PostgreSQL NOTIFY; the TTL bounds the rest.
	AuthCacheTTL time.Duration
	// WebhookRootCAs, when set, are the only CAs trusted for webhook
	// receivers (tests with httptest.NewTLSServer).
	WebhookRootCAs *x509.CertPool
	// WebhookPoll is how often the webhook worker looks for due deliveries;
	// 0 is webhooksvc.DefaultPoll.
	WebhookPoll time.Duration
	// RollupDrainEvery is how often the periodic task applies rollup
	// deltas that no running sync drains; 0 is a minute.
	RollupDrainEvery time.Duration
	// TracerProvider records spans (operation, SQL statement, plugin call);
	// nil records none and leaves the SQL and plugin paths unwrapped.
	TracerProvider trace.TracerProvider
}

// alertEvery is how often the alert rules are evaluated besides after each
// sync (idempotent; run under a task lease by one replica at a time).
const alertEvery = 10 * time.Minute

// rollupDrainEvery is how often the rollup deltas left queued by a sync that
// stopped are applied (a running sync drains its own), unless
// Config.RollupDrainEvery says otherwise.
const rollupDrainEvery = time.Minute

// App is a running OpsGraph instance without its listener.
type App struct {
	Client  *ent.Client
	DB      *sql.DB
	Authz   *authz.Authorizer
	Auth    *auth.Service
	Box     *secretbox.Box
	Plugins *host.Manager
	Sync    *platformsync.Service
	Content *content.Service // content scheduling (Tick)
	Alerts  *alertsvc.Service
	// Webhooks holds webhook endpoints and runs the delivery worker.
	Webhooks *webhooksvc.Service
	// Telemetry holds the /metrics registry and the tracer.
	Telemetry *telemetry.Telemetry
	cfg       Config
	stop      context.CancelFunc
	done      chan struct{}
}

// New opens and migrates the database.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if err := cfg.CORS.Validate(); err != nil {
		return nil, err
	}
	box, err := secretbox.New(cfg.SecretKey)
	if err != nil {
		return nil, err
	}
	tel := telemetry.New(cfg.TracerProvider)
	client, sqlDB, err := db.OpenClientStart(ctx, cfg.DSN, cfg.DBPool, cfg.AutoMigrate, tel.WrapDriver, cfg.ClientOptions...)
	if err != nil {
		return nil, err
	}
	pg := db.IsPostgres(cfg.DSN)
	if err := db.CheckKey(ctx, sqlDB, pg, cfg.SecretKey); err != nil {
		client.Close()
		return nil, err
	}
	az, err := authz.New(ctx, client)
	if err != nil {
		client.Close()
		return nil, err
	}
	svc := &auth.Service{Client: client, Authz: az, Box: box, Log: cfg.Log, Now: cfg.Now}
	if cfg.AuthCacheTTL >= 0 {
		svc.Cache = auth.NewCache(client, cfg.AuthCacheTTL)
	}
	plugins, err := host.New(host.Config{PluginDir: cfg.PluginDir, Builtins: cfg.Builtins,
		CallTimeout: cfg.PluginCallTimeout, Logger: cfg.Log, Observe: tel.PluginCall,
		HealthInterval: cfg.PluginHealthInterval, HealthTimeout: cfg.PluginHealthTimeout,
		Env: []string{netguard.EnvAllowPrivate + "=" + strconv.FormatBool(cfg.AllowPrivateEndpoints)}})
	if err != nil {
		az.Close()
		client.Close()
		return nil, fmt.Errorf("plugins: %w", err)
	}
	instance := cfg.Instance
	if instance == "" {
		hostname, _ := os.Hostname()
		instance = fmt.Sprintf("%s/%d", hostname, os.Getpid())
	}
	syncer := &platformsync.Service{Client: client, Plugins: plugins, Box: box, Log: cfg.Log,
		Broker: platformsync.NewBroker(), Instance: instance,
		PageSize: cfg.SyncPageSize, Postgres: pg, DB: sqlDB,
		Poll: cfg.SyncPoll, Heartbeat: cfg.SyncHeartbeat, Lease: cfg.SyncLease}
	syncer.Init()
	contents := &content.Service{Client: client, Poster: syncer, Log: cfg.Log, Now: cfg.Now}
	// Posting due content, DUE/overdue/hot-topic alerts: idempotent (claims
	// by compare-and-swap), run under a task lease by one replica at a time.
	syncer.Every("content.schedule", contentTick, contents.Periodic)
	// Mall: unpaid 秒杀 reservations return their units, coupons expire;
	// 拼团 teams form or fail and 砍价 sessions expire at their time.
	syncer.Every("mall.expire", mallExpireEvery, mallExpire(client, cfg.Now, cfg.Log))
	// Rollup deltas a sync queued and did not drain (it crashed, or its
	// server stopped): applied within a minute (decision 0263).
	syncer.Every("rollups.drain", cmp.Or(cfg.RollupDrainEvery, rollupDrainEvery), func(ctx context.Context, _ time.Time) error {
		return rollup.DrainAll(ctx, client)
	})
	// Alert rules: evaluated after every sync and periodically (one alert
	// per episode, guarded by a unique open key).
	alertSvc := &alertsvc.Service{Client: client, Broker: &alertsvc.Broker{}, Log: cfg.Log}
	// Campaign phases and budgets: conditional transitions, exactly once;
	// budget alerts reach alertRaised after their transaction commits.
	syncer.Every("campaign.clock", campaignTickEvery, campaignClock(client, alertSvc.Broker, cfg.Now, cfg.Log))
	syncer.AfterJob = alertSvc.AfterSync
	syncer.Every("alerts.evaluate", alertEvery, alertSvc.Evaluate)
	// Webhooks: the event writes above fill the outbox through ent hooks;
	// every replica runs the worker (claims are conditional updates).
	hooks := &webhooksvc.Service{Client: client, Box: box, Log: cfg.Log, Now: cfg.Now,
		AllowPrivate: cfg.AllowPrivateEndpoints, RootCAs: cfg.WebhookRootCAs, Instance: instance,
		Poll: cfg.WebhookPoll, Registerer: tel.Registry}
	hooks.Init()
	hooks.Install(client)
	a := &App{Client: client, DB: sqlDB, Authz: az, Auth: svc, Box: box, Plugins: plugins, Sync: syncer,
		Content: contents, Alerts: alertSvc, Webhooks: hooks, Telemetry: tel, cfg: cfg, done: make(chan struct{})}
	tel.WatchRows(a.countRows)
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stop = stop
	var listener *db.Listener
	if pg {
		listener = a.listener(cfg.DSN, cfg.Log)
	}
	var wg sync.WaitGroup
	if listener != nil {
		wg.Go(func() { listener.Run(runCtx) })
	}
	if !cfg.NoSyncRunner {
		wg.Go(func() { syncer.Run(runCtx) })
		wg.Go(func() { hooks.Run(runCtx) })
	}
	go func() {
		wg.Wait()
		close(a.done)
	}()
	return a, nil
}

// policyChannel carries policy edits: every replica reloads its policies.
const policyChannel = "opsgraph_policy"

// authChannel carries changes to sessions, tokens, users, memberships and
// organizations: every replica empties its authentication cache.
const authChannel = "opsgraph_auth"

// contentTick is how often due content is posted or marked DUE: content is
// scheduled to the minute, so it goes out within about 15 s of its time.
const contentTick = 15 * time.Second

// listener wires PostgreSQL notifications to their receivers: sync job
// updates to subscribers, queued jobs to the runner, policy edits to the
// authorizer. After a reconnect each catches up: subscribers get their jobs'
// current state, the runner looks for jobs, the policies are reloaded.
func (a *App) listener(dsn string, log *slog.Logger) *db.Listener {
	l := &db.Listener{DSN: dsn, Log: log}
	l.Handle(platformsync.JobsChannel, a.Sync.OnJobNotification)
	l.Handle(platformsync.QueueChannel, func(context.Context, string) { a.Sync.Wake() })
	l.Handle(policyChannel, func(ctx context.Context, from string) {
		if from == a.Sync.Instance {
			return
		}
		if err := a.Authz.Reload(); err != nil {
			log.WarnContext(ctx, "reload policies", "err", err)
		}
	})
	if cache := a.Auth.Cache; cache != nil {
		l.Handle(authChannel, func(_ context.Context, from string) {
			if from != a.Sync.Instance {
				cache.Invalidate()
			}
		})
		// Notifications missed while disconnected: start over.
		l.OnConnect(func(context.Context) { cache.Invalidate() })
		cache.Changed = func() {
			if _, err := a.DB.ExecContext(context.Background(), "SELECT pg_notify($1, $2)", authChannel, a.Sync.Instance); err != nil {
				log.Warn("notify authentication change", "err", err)
			}
		}
	}
	l.OnConnect(a.Sync.CatchUp)
	// Alerts raised here reach alertRaised subscribers on every replica.
	relay := &alertsvc.Relay{Service: a.Alerts, Instance: a.Sync.Instance,
		Exec: func(ctx context.Context, q string, args ...any) error {
			_, err := a.DB.ExecContext(ctx, q, args...)
			return err
		}}
	relay.Wire()
	l.Handle(alertsvc.Channel, relay.OnNotification)
	l.OnConnect(relay.CatchUp)
	l.OnConnect(func(ctx context.Context) { _ = a.Authz.Reload() })
	a.Authz.Changed = func() {
		if _, err := a.DB.ExecContext(context.Background(), "SELECT pg_notify($1, $2)", policyChannel, a.Sync.Instance); err != nil {
			log.Warn("notify policy change", "err", err)
		}
	}
	return l
}

// Handler is the whole HTTP surface: /query, GraphiQL at /, /healthz, /readyz, /metrics.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	exts := []graphql.HandlerExtension{a.Telemetry.Extension()}
	var limitHTTP = func(h http.Handler) http.Handler { return h }
	now := a.cfg.Now
	if now == nil {
		now = time.Now
	}
	var limiter *ratelimit.Limiter
	if a.cfg.RateLimits.enabled() {
		limiter = ratelimit.New()
		exts = append(exts, rateLimiter{cfg: a.cfg.RateLimits, l: limiter, now: now})
		limitHTTP = rateLimitHTTP
	}
	mux.Handle("/query", a.cfg.CORS.wrap(a.Telemetry.HTTP(limitHTTP(a.authenticate(graph.NewHandler(a.Client, graph.Options{
		Auth: a.Auth, Authz: a.Authz, Sync: a.Sync, Plugins: a.Plugins, Alerts: a.Alerts,
		Webhooks: a.Webhooks, Limits: a.cfg.Limits, MaxBodyBytes: a.cfg.MaxBodyBytes, Log: a.cfg.Log, Websocket: a.cfg.Websocket,
		WebsocketInit: a.websocketInit, WebsocketOrigins: a.cfg.CORS.websocketOrigins(),
		AllowPrivateEndpoints: a.cfg.AllowPrivateEndpoints, Now: a.cfg.Now,
		Extensions: exts, Reports: a.reportSigner(),
	}))))))
	// Client report downloads (XLSX, HTML): bearer token or signed link.
	mux.Handle("GET /reports/{format}", a.Telemetry.HTTP(a.reports(limiter, now)))
	mux.Handle("GET /metrics", a.Telemetry.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("/", graphiql.Handler())
	return logging.Middleware(a.cfg.Log, mux)
}

// ready reports whether the database answers.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.ping(ctx); err != nil {
		a.cfg.Log.WarnContext(ctx, "not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (a *App) ping(ctx context.Context) error {
	rows, err := a.Client.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return rows.Close()
}

// Close stops the sync runner, the plugin processes and the database.
func (a *App) Close() error {
	a.stop()
	<-a.done
	if err := a.Plugins.Close(); err != nil {
		a.cfg.Log.Warn("stop plugins", "err", err)
	}
	a.Authz.Close()
	return a.Client.Close()
}

// websocketInit authenticates a subscription connection with the token in its
// connection_init payload ({"Authorization": "Bearer <token>"}).
func (a *App) websocketInit(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	token, ok := strings.CutPrefix(p.Authorization(), "Bearer ")
	if !ok || token == "" {
		return ctx, nil, nil // fields then answer UNAUTHENTICATED
	}
	v, err := a.Auth.Authenticate(ctx, strings.TrimSpace(token))
	if err != nil {
		if _, coded := apperr.CodeOf(err); !coded {
			a.cfg.Log.ErrorContext(ctx, "authenticate websocket", "err", err)
			return ctx, nil, errUnavailable
		}
		return graph.WithAuthError(ctx, auth.ErrInvalidToken), nil, nil
	}
	return authz.WithViewer(ctx, v), nil, nil
}

// authenticate puts the client address and, for a valid bearer token, the
// viewer into the request context. A bad token is remembered, not rejected
// here: public fields (login) still work and data fields say what is wrong.
func (a *App) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := auth.WithClientAddr(r.Context(), auth.RemoteAddr(r, a.cfg.TrustedProxies))
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				ctx = graph.WithAuthError(ctx, auth.ErrInvalidToken)
			} else if v, err := a.Auth.Authenticate(ctx, strings.TrimSpace(token)); err != nil {
				if _, coded := apperr.CodeOf(err); !coded {
					// The token could not be checked (database down): say so
					// rather than "token invalid", which would sign clients out.
					a.cfg.Log.ErrorContext(ctx, "authenticate", "err", err)
					writeUnavailable(w)
					return
				}
				ctx = graph.WithAuthError(ctx, auth.ErrInvalidToken)
			} else {
				ctx = authz.WithViewer(ctx, v)
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

var errUnavailable = apperr.New(apperr.Unavailable, "the server cannot check credentials right now; retry shortly")

// writeUnavailable answers a request that cannot be authenticated because a
// dependency failed: HTTP 503 with a GraphQL error coded UNAVAILABLE.
func writeUnavailable(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "5")
	writeJSON(w, apperr.HTTPStatus(apperr.Unavailable), map[string]any{
		"errors": []map[string]any{{"message": errUnavailable.Message,
			"extensions": map[string]any{"code": string(apperr.Unavailable)}}},
		"data": nil,
	})
}

// countRows runs a "SELECT label, COUNT(*) … GROUP BY label" statement for
// the metrics (raw SQL: operator totals across tenants, no row leaves).
func (a *App) countRows(ctx context.Context, query string) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rows, err := a.Client.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var label string
		var n float64
		if err := rows.Scan(&label, &n); err != nil {
			return nil, err
		}
		out[label] = n
	}
	return out, rows.Err()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
