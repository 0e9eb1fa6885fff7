// Command opsgraph is the OpsGraph server: one GraphQL API over an e-commerce
// operations team's stores, content, campaigns, KOL partners and suppliers.
//
//	go run . --demo          # SQLite file opsgraph.db, demo data, http://localhost:8080
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"entgo.io/ent/dialect"
	"go.opentelemetry.io/otel/trace"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/demo"
	"github.com/opsgraph/opsgraph/graph"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/internal/exetrim"
	"github.com/opsgraph/opsgraph/logging"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/builtin"
	"github.com/opsgraph/opsgraph/secretbox"
	"github.com/opsgraph/opsgraph/telemetry"
)

// config is the server configuration: flags, each with an environment fallback.
type config struct {
	Addr          string
	DSN           string
	Demo          bool
	LogFormat     string
	LogLevel      string
	MaxDepth      int
	MaxComplexity int
	MaxPageSize   int
	MaxBodyBytes  int64
	// Timeouts of one request (issue 7): see newHTTPServer and graph.Limits.
	ReadTimeout      time.Duration
	OperationTimeout time.Duration
	SecretKeyFile    string
	TrustProxy       bool // deprecated: --trusted-proxies
	PluginDir        string

	TrustedProxies        auth.TrustedProxies
	AllowPrivateEndpoints bool
	DBMaxOpen             int
	DBMaxIdle             int
	AutoMigrate           bool
	SyncHeartbeat         time.Duration
	SyncLease             time.Duration
	DemoPorts             string
	SyncPageSize          int
	// WebSocket caps (issue 7): per token and per connection.
	WSMaxConnsPerToken int
	WSMaxSubscriptions int
	// RebuildRollups recomputes the daily sales rollups from the orders and exits.
	RebuildRollups bool

	// Production serving (issue 13).
	CORSOrigins     string
	CORSCredentials bool
	Version         bool
	OTLPEndpoint    string
	RateLimits      app.RateLimits
	AuthCacheTTL    time.Duration
	PprofAddr       string
	TrimExecutable  bool
}

func envDuration(key string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return v
	}
	return def
}

func (c config) cors() app.CORS {
	return app.CORS{Origins: app.ParseOrigins(c.CORSOrigins), Credentials: c.CORSCredentials}
}

// parseRoleBudgets reads "role=budget,role=budget".
func parseRoleBudgets(s string) (map[string]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		role, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || role == "" || err != nil || n < 0 {
			return nil, fmt.Errorf("--rate-limit-roles: %q is not role=budget", part)
		}
		out[strings.TrimSpace(role)] = n
	}
	return out, nil
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return v
	}
	return def
}

func envBool(key string) bool { return envBoolOr(key, false) }

func envBoolOr(key string, def bool) bool {
	v, err := strconv.ParseBool(os.Getenv(key))
	if err != nil {
		return def
	}
	return v
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("opsgraph", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", envOr("OPSGRAPH_ADDR", ""), "listen address; default :8080, or 127.0.0.1:8080 with --demo (OPSGRAPH_ADDR)")
	fs.StringVar(&c.DSN, "db", envOr("OPSGRAPH_DB", "opsgraph.db"), "SQLite file path or postgres:// URL (OPSGRAPH_DB)")
	fs.BoolVar(&c.Demo, "demo", envBool("OPSGRAPH_DEMO"), "load demo data if the database has none yet (OPSGRAPH_DEMO)")
	fs.StringVar(&c.LogFormat, "log-format", envOr("OPSGRAPH_LOG_FORMAT", "auto"), "log format: auto, text or json (OPSGRAPH_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", envOr("OPSGRAPH_LOG_LEVEL", "info"), "log level: debug, info, warn, error (OPSGRAPH_LOG_LEVEL)")
	fs.IntVar(&c.MaxDepth, "max-depth", envInt("OPSGRAPH_MAX_DEPTH", graph.DefaultLimits.MaxDepth), "deepest selection nesting per operation (OPSGRAPH_MAX_DEPTH)")
	fs.IntVar(&c.MaxComplexity, "max-complexity", envInt("OPSGRAPH_MAX_COMPLEXITY", graph.DefaultLimits.MaxComplexity), "largest estimated operation cost (OPSGRAPH_MAX_COMPLEXITY)")
	fs.IntVar(&c.MaxPageSize, "max-page-size", envInt("OPSGRAPH_MAX_PAGE_SIZE", graph.DefaultLimits.MaxPageSize), "largest first/last on a connection (OPSGRAPH_MAX_PAGE_SIZE)")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", int64(envInt("OPSGRAPH_MAX_BODY_BYTES", graph.DefaultMaxBodyBytes)), "request body size limit in bytes (OPSGRAPH_MAX_BODY_BYTES)")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", envDuration("OPSGRAPH_READ_TIMEOUT", 30*time.Second), "longest time to read one request, body included (OPSGRAPH_READ_TIMEOUT)")
	fs.DurationVar(&c.OperationTimeout, "operation-timeout", envDuration("OPSGRAPH_OPERATION_TIMEOUT", graph.DefaultLimits.OperationTimeout), "longest time one HTTP GraphQL operation may run (OPSGRAPH_OPERATION_TIMEOUT)")
	fs.StringVar(&c.SecretKeyFile, "secret-key-file", envOr("OPSGRAPH_SECRET_KEY_FILE", "opsgraph.key"), "file holding the key that encrypts secrets at rest, created if missing; OPSGRAPH_SECRET_KEY (base64) takes precedence")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", envBool("OPSGRAPH_TRUST_PROXY"), "deprecated: same as --trusted-proxies with loopback and the private networks (OPSGRAPH_TRUST_PROXY)")
	trusted := fs.String("trusted-proxies", envOr("OPSGRAPH_TRUSTED_PROXIES", ""), "comma-separated CIDRs of your reverse proxies; the client address is the rightmost X-Forwarded-For hop not in them (OPSGRAPH_TRUSTED_PROXIES)")
	fs.BoolVar(&c.AllowPrivateEndpoints, "allow-private-endpoints", envBool("OPSGRAPH_ALLOW_PRIVATE_ENDPOINTS"), "let connectStore reach loopback, private and link-local addresses and plain http (on with --demo) (OPSGRAPH_ALLOW_PRIVATE_ENDPOINTS)")
	fs.StringVar(&c.PluginDir, "plugin-dir", envOr("OPSGRAPH_PLUGIN_DIR", ""), "directory of third-party plugins and their plugins.json manifest (OPSGRAPH_PLUGIN_DIR)")
	fs.IntVar(&c.DBMaxOpen, "db-max-open", envInt("OPSGRAPH_DB_MAX_OPEN", 0), "database connections this server opens at most; 0 is 10 on PostgreSQL, 32 on SQLite. On PostgreSQL keep replicas × (this + 1) below max_connections (OPSGRAPH_DB_MAX_OPEN)")
	fs.BoolVar(&c.AutoMigrate, "auto-migrate", envBool("OPSGRAPH_AUTO_MIGRATE"), "on PostgreSQL, apply pending schema migrations at start instead of refusing (SQLite always applies them; see opsgraph migrate) (OPSGRAPH_AUTO_MIGRATE)")
	fs.IntVar(&c.DBMaxIdle, "db-max-idle", envInt("OPSGRAPH_DB_MAX_IDLE", 0), "idle database connections kept open; 0 is the same as --db-max-open (OPSGRAPH_DB_MAX_IDLE)")
	fs.DurationVar(&c.AuthCacheTTL, "auth-cache-ttl", envDuration("OPSGRAPH_AUTH_CACHE_TTL", auth.DefaultCacheTTL), "how long an authenticated token is reused without the database; changes on this server (and, on PostgreSQL, on the others) end it at once; negative turns the cache off (OPSGRAPH_AUTH_CACHE_TTL)")
	fs.DurationVar(&c.SyncHeartbeat, "sync-heartbeat", envDuration("OPSGRAPH_SYNC_HEARTBEAT", platformsync.DefaultHeartbeat), "how often a server renews the lease of a sync job it runs (OPSGRAPH_SYNC_HEARTBEAT)")
	fs.DurationVar(&c.SyncLease, "sync-lease", envDuration("OPSGRAPH_SYNC_LEASE", platformsync.DefaultLease), "how long a sync job stays with a server that stopped renewing it before another server takes it over (OPSGRAPH_SYNC_LEASE)")
	fs.IntVar(&c.SyncPageSize, "sync-page-size", envInt("OPSGRAPH_SYNC_PAGE_SIZE", 100), "items per platform page in a sync; each page is saved in one transaction (OPSGRAPH_SYNC_PAGE_SIZE)")
	fs.StringVar(&c.DemoPorts, "demo-ports", envOr("OPSGRAPH_DEMO_PORTS", demo.DefaultFakePorts), "with --demo: loopback ports of the fake taobao,douyin,xiaohongshu gateways, fixed so that connected stores keep syncing after a restart (OPSGRAPH_DEMO_PORTS)")
	fs.IntVar(&c.WSMaxConnsPerToken, "ws-max-conns-per-token", envInt("OPSGRAPH_WS_MAX_CONNS_PER_TOKEN", graph.DefaultWebsocketLimits.MaxConnsPerToken), "open WebSocket connections per token on this server (OPSGRAPH_WS_MAX_CONNS_PER_TOKEN)")
	fs.IntVar(&c.WSMaxSubscriptions, "ws-max-subscriptions", envInt("OPSGRAPH_WS_MAX_SUBSCRIPTIONS", graph.DefaultWebsocketLimits.MaxSubscriptions), "active subscriptions per WebSocket connection (OPSGRAPH_WS_MAX_SUBSCRIPTIONS)")
	fs.BoolVar(&c.RebuildRollups, "rebuild-rollups", false, "recompute the daily sales rollups (insights) from the orders, then exit")
	// Production serving (issue 13).
	fs.StringVar(&c.CORSOrigins, "cors-origins", envOr("OPSGRAPH_CORS_ORIGINS", ""), "comma-separated origins of browser consoles allowed to query and subscribe, e.g. http://localhost:3000, or * (OPSGRAPH_CORS_ORIGINS)")
	fs.BoolVar(&c.CORSCredentials, "cors-credentials", envBool("OPSGRAPH_CORS_CREDENTIALS"), "let cross-origin browsers send cookies/HTTP auth; refused with --cors-origins '*' (OPSGRAPH_CORS_CREDENTIALS)")
	fs.StringVar(&c.OTLPEndpoint, "otlp-endpoint", envOr("OPSGRAPH_OTLP_ENDPOINT", ""), "send OpenTelemetry traces over OTLP/HTTP to this URL, e.g. http://localhost:4318; empty: tracing off (OPSGRAPH_OTLP_ENDPOINT)")
	fs.IntVar(&c.RateLimits.PerToken, "rate-limit-per-token", envInt("OPSGRAPH_RATE_LIMIT_PER_TOKEN", 2_000_000), "operation cost each session or API token may spend per minute (also its burst); 0: unlimited (OPSGRAPH_RATE_LIMIT_PER_TOKEN)")
	fs.IntVar(&c.RateLimits.PerAddress, "rate-limit-per-address", envInt("OPSGRAPH_RATE_LIMIT_PER_ADDRESS", 4_000_000), "operation cost each client address may spend per minute; 0: unlimited (OPSGRAPH_RATE_LIMIT_PER_ADDRESS)")
	roles := fs.String("rate-limit-roles", envOr("OPSGRAPH_RATE_LIMIT_ROLES", ""), "per-role budgets replacing --rate-limit-per-token, e.g. analyst=5000000,viewer=500000 (0: unlimited) (OPSGRAPH_RATE_LIMIT_ROLES)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", envOr("OPSGRAPH_PPROF_ADDR", ""), "serve net/http/pprof on this separate address, e.g. 127.0.0.1:6060; empty: off (OPSGRAPH_PPROF_ADDR)")
	fs.BoolVar(&c.Version, "version", false, "print the version and exit")
	fs.BoolVar(&c.TrimExecutable, "trim-executable", envBoolOr("OPSGRAPH_TRIM_EXECUTABLE", true), "on Linux, give back the executable's pages that start-up touched and serving does not run (decision 0259) (OPSGRAPH_TRIM_EXECUTABLE)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("%w: unexpected argument %q (commands: %s; flags: --help)", errUsage, fs.Arg(0), strings.Join(commandNames(), ", "))
	}
	var err error
	if c.TrustedProxies, err = auth.ParseTrustedProxies(*trusted); err != nil {
		return c, fmt.Errorf("--trusted-proxies: %w", err)
	}
	if c.TrustProxy && len(c.TrustedProxies) == 0 {
		c.TrustedProxies = auth.LocalProxies
	}
	if c.Demo {
		c.AllowPrivateEndpoints = true // the fake platforms listen on loopback
	}
	if c.WSMaxConnsPerToken < 1 || c.WSMaxSubscriptions < 1 {
		return c, errors.New("--ws-max-conns-per-token and --ws-max-subscriptions must be positive")
	}
	if c.SyncPageSize < 1 || c.SyncPageSize > 1000 {
		return c, errors.New("--sync-page-size must be between 1 and 1000")
	}
	if c.DBMaxOpen < 0 || c.DBMaxIdle < 0 {
		return c, errors.New("--db-max-open and --db-max-idle must not be negative")
	}
	if c.SyncHeartbeat <= 0 || c.SyncLease < 2*c.SyncHeartbeat {
		return c, errors.New("--sync-lease must be at least twice --sync-heartbeat, both positive")
	}
	if c.RateLimits.Roles, err = parseRoleBudgets(*roles); err != nil {
		return c, err
	}
	if c.RateLimits.PerToken < 0 || c.RateLimits.PerAddress < 0 {
		return c, errors.New("rate limits must be 0 (unlimited) or positive")
	}
	if c.Addr == "" {
		// The demo's accounts share a published password: keep it on loopback
		// unless an address is given explicitly.
		c.Addr = ":8080"
		if c.Demo {
			c.Addr = "127.0.0.1:8080"
		}
	}
	if err := c.cors().Validate(); err != nil {
		return c, err
	}
	if c.MaxDepth < 1 || c.MaxComplexity < 1 || c.MaxPageSize < 1 || c.MaxBodyBytes < 1024 || c.ReadTimeout <= 0 || c.OperationTimeout <= 0 {
		return c, errors.New("limits must be positive (and the body limit at least 1024 bytes)")
	}
	return c, nil
}

func main() {
	// "opsgraph plugin <id>": this binary re-executed by the plugin host to serve
	// a built-in platform plugin. Nothing may write to stdout before this: it
	// carries go-plugin's handshake.
	if len(os.Args) >= 2 && os.Args[1] == builtin.Arg {
		if err := servePlugin(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "opsgraph plugin:", err)
			os.Exit(2)
		}
		return
	}
	if err := dispatch(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "opsgraph:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg, err := parseFlags(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		if !errors.Is(err, errUsage) {
			err = fmt.Errorf("%w: %w", errUsage, err)
		}
		return err
	}
	if cfg.Version {
		fmt.Println(versionString())
		return nil
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := logging.New(os.Stderr, cfg.LogFormat, level)
	slog.SetDefault(log)
	if !cfg.TrimExecutable {
		// The built-in plugin processes read it from their environment.
		_ = os.Setenv("OPSGRAPH_TRIM_EXECUTABLE", "false")
	}
	if cfg.TrimExecutable {
		// Before start-up's peak: package initialisation has mapped most of
		// the executable already (decision 0259).
		trimExecutable(log)
	}
	log.Info("starting opsgraph", "addr", cfg.Addr, "db", maskDSN(cfg.DSN), "demo", cfg.Demo,
		"max_depth", cfg.MaxDepth, "max_complexity", cfg.MaxComplexity, "max_page_size", cfg.MaxPageSize,
		"max_body_bytes", cfg.MaxBodyBytes, "trusted_proxies", cfg.TrustedProxies,
		"allow_private_endpoints", cfg.AllowPrivateEndpoints, "db_max_open", cfg.DBMaxOpen, "db_max_idle", cfg.DBMaxIdle,
		"sync_heartbeat", cfg.SyncHeartbeat, "sync_lease", cfg.SyncLease, "cors_origins", cfg.CORSOrigins,
		"rate_limit_per_token", cfg.RateLimits.PerToken, "rate_limit_per_address", cfg.RateLimits.PerAddress,
		"rate_limit_roles", cfg.RateLimits.Roles, "trim_executable", cfg.TrimExecutable, "otlp_endpoint", cfg.OTLPEndpoint, "pprof_addr", cfg.PprofAddr)
	if cfg.TrustProxy {
		log.Warn("--trust-proxy is deprecated: use --trusted-proxies with your proxies' CIDRs", "now_trusting", cfg.TrustedProxies)
	}

	key, created, err := secretbox.LoadKey(os.Getenv("OPSGRAPH_SECRET_KEY"), cfg.SecretKeyFile)
	if err != nil {
		return err
	}
	if created {
		log.Warn("generated a new secret key; keep this file safe and identical on every replica", "file", cfg.SecretKeyFile)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if cfg.PprofAddr != "" {
		go servePprof(log, cfg.PprofAddr)
	}
	var tp trace.TracerProvider
	if cfg.OTLPEndpoint != "" {
		sdk, err := telemetry.OTLP(ctx, cfg.OTLPEndpoint, versionString())
		if err != nil {
			return err
		}
		defer func() {
			flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := sdk.Shutdown(flushCtx); err != nil {
				log.Warn("flush traces", "err", err)
			}
		}()
		tp = sdk
		log.Info("tracing", "otlp_endpoint", cfg.OTLPEndpoint)
	}

	builtins, err := builtin.Specs()
	if err != nil {
		return fmt.Errorf("built-in plugins: %w", err)
	}
	a, err := app.New(ctx, app.Config{
		PluginDir: cfg.PluginDir,
		Builtins:  builtins,
		DSN:       cfg.DSN,
		Limits: graph.Limits{MaxDepth: cfg.MaxDepth, MaxComplexity: cfg.MaxComplexity, MaxPageSize: cfg.MaxPageSize,
			OperationTimeout: cfg.OperationTimeout},
		MaxBodyBytes:          cfg.MaxBodyBytes,
		Log:                   log,
		SecretKey:             key,
		TrustedProxies:        cfg.TrustedProxies,
		AllowPrivateEndpoints: cfg.AllowPrivateEndpoints,
		DBPool:                db.Pool{MaxOpen: cfg.DBMaxOpen, MaxIdle: cfg.DBMaxIdle},
		AutoMigrate:           cfg.AutoMigrate,
		SyncHeartbeat:         cfg.SyncHeartbeat,
		SyncLease:             cfg.SyncLease,
		SyncPageSize:          cfg.SyncPageSize,
		Websocket:             graph.WebsocketLimits{MaxConnsPerToken: cfg.WSMaxConnsPerToken, MaxSubscriptions: cfg.WSMaxSubscriptions},
		CORS:                  cfg.cors(),
		RateLimits:            cfg.RateLimits,
		TracerProvider:        tp,
		AuthCacheTTL:          cfg.AuthCacheTTL,
	})
	if err != nil {
		return err
	}
	defer a.Close()

	if cfg.RebuildRollups {
		start := time.Now()
		if err := rollup.Rebuild(authz.SystemContext(ctx), a.Client); err != nil {
			return fmt.Errorf("rebuild rollups: %w", err)
		}
		log.Info("sales rollups rebuilt", "took", time.Since(start).Round(time.Millisecond))
		return nil
	}
	// The period rollup (decision 0220) starts empty on a database that had
	// orders before it: calendar-period figures read 0 until a rebuild.
	if missing, err := rollup.PeriodsMissing(authz.SystemContext(ctx), a.Client); err == nil && missing {
		log.Warn("the period rollup is empty while orders are rolled up: run once with -rebuild-rollups")
	}

	if cfg.Demo {
		var loaded bool
		err := db.WithLock(ctx, a.DB, dialectOf(cfg.DSN), db.LockDemo, func() (err error) {
			loaded, err = demo.Load(ctx, a.Client)
			return err
		})
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if loaded {
			log.Info("demo data loaded into the empty database")
		} else {
			log.Info("database already has data: demo data not loaded again")
		}
		fakes, err := demo.StartFakePlatformsOn(ctx, a.Client, cfg.DemoPorts)
		switch {
		case errors.Is(err, syscall.EADDRINUSE):
			// Another --demo replica on this host serves them already.
			log.Warn("fake platform gateways not started: their ports are taken (another --demo server on this host?); set --demo-ports to move them", "ports", cfg.DemoPorts, "err", err)
		case err != nil:
			return fmt.Errorf("start fake platforms: %w", err)
		}
		defer func() {
			for _, f := range fakes {
				f.Close()
			}
		}()
		if len(fakes) > 0 {
			printFakes(fakes)
		}
		// Demo mode only: the accounts and their shared password.
		fmt.Fprintf(os.Stderr, "\nDemo users (password %q):\n", demo.Password)
		for _, u := range demo.Users {
			fmt.Fprintf(os.Stderr, "  %-24s %-16s in %s\n", u.Email, u.Role, u.Org)
		}
		fmt.Fprintln(os.Stderr)
	}

	srv := newHTTPServer(cfg.Addr, a.Handler(), cfg.ReadTimeout)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	if cfg.TrimExecutable {
		// Once more: start-up (migrations, demo data) ran code serving does not.
		trimExecutable(log)
	}
	log.Info("listening", "graphql", "http://"+displayAddr(cfg.Addr)+"/query", "graphiql", "http://"+displayAddr(cfg.Addr)+"/")

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func dialectOf(dsn string) string {
	if db.IsPostgres(dsn) {
		return dialect.Postgres
	}
	return dialect.SQLite
}

func displayAddr(addr string) string {
	if len(addr) > 0 && addr[0] == ':' {
		return "localhost" + addr
	}
	return addr
}

// printFakes tells how to connect a demo store to each fake platform.
func printFakes(fakes []demo.FakePlatform) {
	fmt.Fprintln(os.Stderr, "\nDemo mode started fake platform gateways on loopback (they check signatures like the real ones).")
	fmt.Fprintln(os.Stderr, "Connect a store to one (as owner@agency.demo or integrator@agency.demo), then syncStore it:")
	for _, f := range fakes {
		var creds []string
		for _, k := range []string{"app_key", "app_id", "app_secret"} {
			if v, ok := f.Connection.Credentials[k]; ok {
				creds = append(creds, fmt.Sprintf(`{name: %q, value: %q}`, k, v))
			}
		}
		store := "<id>"
		if f.StoreName != "" {
			fmt.Fprintf(os.Stderr, "  %s serves the catalogue of %s (store %d):\n", f.PluginID, f.StoreName, f.StoreID)
			store = strconv.Itoa(f.StoreID)
		}
		fmt.Fprintf(os.Stderr, "  %-12s connectStore(storeID: %q, platform: %q, endpoint: %q, authorizationCode: %q, credentials: [%s]) { id }\n",
			f.PluginID, store, f.PluginID, f.Connection.Endpoint, f.AuthCode, strings.Join(creds, ", "))
	}
}

// newHTTPServer bounds how long a client may hold a connection without
// sending: headers within 10 s, the whole request within readTimeout (a slow
// body is cut off), idle keep-alive connections for 2 minutes. WebSocket
// connections clear these deadlines once upgraded and bound themselves.
func newHTTPServer(addr string, h http.Handler, readTimeout time.Duration) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: min(10*time.Second, readTimeout),
		ReadTimeout:       readTimeout,
		IdleTimeout:       2 * time.Minute,
	}
}

// trimExecutable gives back the executable's pages serving does not run
// (package exetrim); a failure costs memory only, so it is logged.
func trimExecutable(log *slog.Logger) {
	if n, err := exetrim.Trim(); err != nil {
		log.Warn("trim executable", "err", err)
	} else {
		log.Debug("trimmed executable", "mapped_bytes", n)
	}
}
