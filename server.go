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

	"go.opentelemetry.io/otel/trace"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/demo"
	"github.com/opsgraph/opsgraph/graph"
	"github.com/opsgraph/opsgraph/logging"
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
	SecretKeyFile string
	TrustProxy    bool
	PluginDir     string

	// Production serving (issue 13).
	CORSOrigins     string
	CORSCredentials bool
	Version         bool
	OTLPEndpoint    string
	RateLimits      app.RateLimits
	PprofAddr       string
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

func envBool(key string) bool {
	v, _ := strconv.ParseBool(os.Getenv(key))
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
	fs.StringVar(&c.SecretKeyFile, "secret-key-file", envOr("OPSGRAPH_SECRET_KEY_FILE", "opsgraph.key"), "file holding the key that encrypts secrets at rest, created if missing; OPSGRAPH_SECRET_KEY (base64) takes precedence")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", envBool("OPSGRAPH_TRUST_PROXY"), "take the client address from X-Forwarded-For (only behind a proxy you run) (OPSGRAPH_TRUST_PROXY)")
	fs.StringVar(&c.PluginDir, "plugin-dir", envOr("OPSGRAPH_PLUGIN_DIR", ""), "directory of third-party plugins and their plugins.json manifest (OPSGRAPH_PLUGIN_DIR)")
	// Production serving (issue 13).
	fs.StringVar(&c.CORSOrigins, "cors-origins", envOr("OPSGRAPH_CORS_ORIGINS", ""), "comma-separated origins of browser consoles allowed to query and subscribe, e.g. http://localhost:3000, or * (OPSGRAPH_CORS_ORIGINS)")
	fs.BoolVar(&c.CORSCredentials, "cors-credentials", envBool("OPSGRAPH_CORS_CREDENTIALS"), "let cross-origin browsers send cookies/HTTP auth; refused with --cors-origins '*' (OPSGRAPH_CORS_CREDENTIALS)")
	fs.StringVar(&c.OTLPEndpoint, "otlp-endpoint", envOr("OPSGRAPH_OTLP_ENDPOINT", ""), "send OpenTelemetry traces over OTLP/HTTP to this URL, e.g. http://localhost:4318; empty: tracing off (OPSGRAPH_OTLP_ENDPOINT)")
	fs.IntVar(&c.RateLimits.PerToken, "rate-limit-per-token", envInt("OPSGRAPH_RATE_LIMIT_PER_TOKEN", 2_000_000), "operation cost each session or API token may spend per minute (also its burst); 0: unlimited (OPSGRAPH_RATE_LIMIT_PER_TOKEN)")
	fs.IntVar(&c.RateLimits.PerAddress, "rate-limit-per-address", envInt("OPSGRAPH_RATE_LIMIT_PER_ADDRESS", 4_000_000), "operation cost each client address may spend per minute; 0: unlimited (OPSGRAPH_RATE_LIMIT_PER_ADDRESS)")
	roles := fs.String("rate-limit-roles", envOr("OPSGRAPH_RATE_LIMIT_ROLES", ""), "per-role budgets replacing --rate-limit-per-token, e.g. analyst=5000000,viewer=500000 (0: unlimited) (OPSGRAPH_RATE_LIMIT_ROLES)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", envOr("OPSGRAPH_PPROF_ADDR", ""), "serve net/http/pprof on this separate address, e.g. 127.0.0.1:6060; empty: off (OPSGRAPH_PPROF_ADDR)")
	fs.BoolVar(&c.Version, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("%w: unexpected argument %q (commands: %s; flags: --help)", errUsage, fs.Arg(0), strings.Join(commandNames(), ", "))
	}
	var err error
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
	if c.MaxDepth < 1 || c.MaxComplexity < 1 || c.MaxPageSize < 1 || c.MaxBodyBytes < 1024 {
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
	log.Info("starting opsgraph", "addr", cfg.Addr, "db", maskDSN(cfg.DSN), "demo", cfg.Demo,
		"max_depth", cfg.MaxDepth, "max_complexity", cfg.MaxComplexity, "max_page_size", cfg.MaxPageSize,
		"max_body_bytes", cfg.MaxBodyBytes, "cors_origins", cfg.CORSOrigins,
		"rate_limit_per_token", cfg.RateLimits.PerToken, "rate_limit_per_address", cfg.RateLimits.PerAddress,
		"rate_limit_roles", cfg.RateLimits.Roles, "otlp_endpoint", cfg.OTLPEndpoint, "pprof_addr", cfg.PprofAddr)

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
		PluginDir:    cfg.PluginDir,
		Builtins:     builtins,
		DSN:          cfg.DSN,
		Limits:       graph.Limits{MaxDepth: cfg.MaxDepth, MaxComplexity: cfg.MaxComplexity, MaxPageSize: cfg.MaxPageSize},
		MaxBodyBytes: cfg.MaxBodyBytes,
		Log:          log,
		SecretKey:    key,
		TrustProxy:   cfg.TrustProxy,
		CORS:         cfg.cors(),
		RateLimits:   cfg.RateLimits,

		TracerProvider: tp,
	})
	if err != nil {
		return err
	}
	defer a.Close()

	if cfg.Demo {
		loaded, err := demo.Load(ctx, a.Client)
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if loaded {
			log.Info("demo data loaded into the empty database")
		} else {
			log.Info("database already has data: demo data not loaded again")
		}
		fakes, err := demo.StartFakePlatforms()
		if err != nil {
			return fmt.Errorf("start fake platforms: %w", err)
		}
		defer func() {
			for _, f := range fakes {
				f.Close()
			}
		}()
		printFakes(fakes)
		// Demo mode only: the accounts and their shared password.
		fmt.Fprintf(os.Stderr, "\nDemo users (password %q):\n", demo.Password)
		for _, u := range demo.Users {
			fmt.Fprintf(os.Stderr, "  %-24s %-16s in %s\n", u.Email, u.Role, u.Org)
		}
		fmt.Fprintln(os.Stderr)
	}

	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
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
		fmt.Fprintf(os.Stderr, "  %-12s connectStore(storeId: \"<id>\", platform: %q, endpoint: %q, authorizationCode: %q, credentials: [%s]) { id }\n",
			f.PluginID, f.PluginID, f.Connection.Endpoint, f.AuthCode, strings.Join(creds, ", "))
	}
}
