// Package testenv starts a real OpsGraph HTTP server on a fresh database for a
// test: SQLite always, and PostgreSQL too when OPSGRAPH_TEST_POSTGRES is set.
package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/graph"
)

// PostgresEnv names the variable holding a PostgreSQL URL for tests.
const PostgresEnv = "OPSGRAPH_TEST_POSTGRES"

// Backend is a database kind a test runs against.
type Backend struct {
	Name string
	dsn  func(t testing.TB) string
}

// Backends lists SQLite, and PostgreSQL when OPSGRAPH_TEST_POSTGRES is set.
func Backends() []Backend {
	bs := []Backend{{Name: "sqlite", dsn: sqliteDSN}}
	if os.Getenv(PostgresEnv) != "" {
		bs = append(bs, Backend{Name: "postgres", dsn: postgresDSN})
	}
	return bs
}

// SQLite is the embedded default backend.
var SQLite = Backends()[0]

// ForEach runs f once per backend as a subtest.
func ForEach(t *testing.T, f func(t *testing.T, b Backend)) {
	if os.Getenv(PostgresEnv) == "" {
		t.Logf("PostgreSQL run skipped: set %s to a postgres:// URL to run it", PostgresEnv)
	}
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
}

func sqliteDSN(t testing.TB) string { return filepath.Join(t.TempDir(), "opsgraph.db") }

// PostgresDSN creates a fresh PostgreSQL database (on OPSGRAPH_TEST_POSTGRES)
// for the test and drops it afterwards, for tests that start servers of their own.
func PostgresDSN(t testing.TB) string { return postgresDSN(t) }

// postgresDSN creates a fresh database for the test and drops it afterwards.
func postgresDSN(t testing.TB) string {
	base := os.Getenv(PostgresEnv)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "opsgraph_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Env is a running server on a fresh database.
type Env struct {
	URL    string
	App    *app.App
	Client *ent.Client
	// Statements counts SQL statements sent to the database.
	Statements atomic.Int64
	Backend    Backend
	// DSN is the server's database (a file path or a postgres:// URL).
	DSN string
}

// Option changes how an Env is built.
type Option func(*app.Config)

// WithLimits sets the operation limits.
func WithLimits(l graph.Limits) Option { return func(c *app.Config) { c.Limits = l } }

// WithWebsocketLimits sets the WebSocket limits (init deadline, caps).
func WithWebsocketLimits(l graph.WebsocketLimits) Option {
	return func(c *app.Config) { c.Websocket = l }
}

// WithoutSyncRunner keeps the sync job runner off, so jobs stay as seeded.
func WithoutSyncRunner() Option { return func(c *app.Config) { c.NoSyncRunner = true } }

// WithoutAuthCache authenticates every request against the database, so that
// statement counts include authentication whatever the order of requests.
func WithoutAuthCache() Option { return func(c *app.Config) { c.AuthCacheTTL = -1 } }

// WithClock sets the server's clock (login throttling, session and token
// expiry), e.g. a *Clock that the test moves.
func WithClock(now func() time.Time) Option { return func(c *app.Config) { c.Now = now } }

// WithTrustProxy is what the old --trust-proxy now means: X-Forwarded-For is
// trusted from loopback (where test clients connect from) and the private
// networks, so a test can choose its client address. WithTrustedProxies
// names the proxies exactly.
func WithTrustProxy() Option { return func(c *app.Config) { c.TrustedProxies = auth.LocalProxies } }

// WithTrustedProxies sets --trusted-proxies: X-Forwarded-For from these
// networks names the client (its rightmost untrusted hop).
func WithTrustedProxies(cidrs ...string) Option {
	p, err := auth.ParseTrustedProxies(strings.Join(cidrs, ","))
	if err != nil {
		panic(err)
	}
	return func(c *app.Config) { c.TrustedProxies = p }
}

// WithPrivateEndpointsRefused runs the server as in production, without
// --allow-private-endpoints: connectStore and the plugins reach public https
// addresses only. By default test servers allow private endpoints, because
// the fake platforms listen on loopback.
func WithPrivateEndpointsRefused() Option {
	return func(c *app.Config) { c.AllowPrivateEndpoints = false }
}

// WithWebhookRootCAs makes the webhook worker trust these CAs only, e.g. the
// certificate of an httptest.NewTLSServer receiver.
func WithWebhookRootCAs(pool *x509.CertPool) Option {
	return func(c *app.Config) { c.WebhookRootCAs = pool }
}

// WithCORS admits browser pages served from other origins.
func WithCORS(c app.CORS) Option { return func(cfg *app.Config) { cfg.CORS = c } }

// WithTracerProvider records the server's spans with tp.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(cfg *app.Config) { cfg.TracerProvider = tp }
}

// Metrics scrapes /metrics and returns each sample's value by its series
// (name{labels} as Prometheus prints it).
func (e *Env) Metrics(t testing.TB) map[string]float64 {
	t.Helper()
	res, err := http.Get(e.URL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", res.StatusCode, raw)
	}
	out := map[string]float64{}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// WithDSN runs the server on an existing database instead of a fresh one.
func WithDSN(dsn string) Option { return func(cfg *app.Config) { cfg.DSN = dsn } }

// EmptyPostgres creates an empty PostgreSQL database for the test, dropped
// afterwards; the test is skipped when OPSGRAPH_TEST_POSTGRES is not set.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	if os.Getenv(PostgresEnv) == "" {
		t.Skipf("set %s to run this PostgreSQL test", PostgresEnv)
	}
	return postgresDSN(t)
}

// Clock is a settable clock for WithClock; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// testKey is the secret key of every test server of this process: a server
// started again on a database (WithDSN) must have the key the database was
// set up with (db.CheckKey). Random per process, so no test relies on it.
var testKey = func() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}()

// New starts a server on a fresh database of backend b.
func New(t testing.TB, b Backend, opts ...Option) *Env {
	t.Helper()
	e := &Env{Backend: b}
	cfg := app.Config{
		DSN:       b.dsn(t),
		SecretKey: testKey,
		Log:       testLogger(),
		// The fake platforms listen on loopback (WithPrivateEndpointsRefused).
		AllowPrivateEndpoints: true,
		ClientOptions: []ent.Option{ent.Debug(), ent.Log(func(...any) {
			e.Statements.Add(1)
		})},
	}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start app: %v", err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	e.URL, e.App, e.Client, e.DSN = srv.URL, a, a.Client, cfg.DSN
	return e
}

// GQLError is one GraphQL error of a response.
type GQLError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is the error's extensions.code.
func (e GQLError) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Response is a GraphQL response.
type Response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []GQLError      `json:"errors"`
}

// Decode unmarshals the data into v.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", r.Data, err)
	}
}

// Codes lists the extensions.code of every error.
func (r *Response) Codes() []string {
	out := make([]string, len(r.Errors))
	for i, e := range r.Errors {
		out[i] = e.Code()
	}
	return out
}

// Request is one GraphQL request.
type Request struct {
	Query     string
	Variables map[string]any
	Token     string
	Header    http.Header
}

// Do sends a GraphQL request over HTTP POST and decodes the response.
func (e *Env) Do(t testing.TB, req Request) *Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": req.Query, "variables": req.Variables})
	hr, _ := http.NewRequest(http.MethodPost, e.URL+"/query", bytes.NewReader(body))
	hr.Header.Set("Content-Type", "application/json")
	for k, v := range req.Header {
		hr.Header[k] = v
	}
	if req.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token)
	}
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatalf("POST /query: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := &Response{Status: res.StatusCode}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decode response (status %d) %q: %v", res.StatusCode, raw, err)
	}
	return out
}

// MustData sends req and fails the test on any GraphQL error.
func (e *Env) MustData(t testing.TB, req Request, v any) {
	t.Helper()
	res := e.Do(t, req)
	if len(res.Errors) > 0 {
		t.Fatalf("unexpected errors for %s: %+v", strings.TrimSpace(req.Query), res.Errors)
	}
	if v != nil {
		res.Decode(t, v)
	}
}

// Password is the password of every user SeedUser creates.
const Password = "test-password-1"

// Org creates an organization (a client of parent when parent is non-zero).
func (e *Env) Org(t testing.TB, name string, parent int) int {
	t.Helper()
	c := e.Client.Organization.Create().SetName(name)
	if parent != 0 {
		c.SetParentID(parent).SetKind(organization.KindBRAND)
	}
	o, err := c.Save(authz.SystemContext(context.Background()))
	if err != nil {
		t.Fatalf("create organization: %v", err)
	}
	return o.ID
}

// Grant is a role in an organization.
type Grant struct {
	Org  int
	Role string
}

// SeedUser creates a user with the given memberships and returns their id.
func (e *Env) SeedUser(t testing.TB, email string, grants ...Grant) int {
	t.Helper()
	ctx := authz.SystemContext(context.Background())
	hash, err := auth.HashPassword(Password)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.Client.User.Create().SetEmail(email).SetDisplayName(email).SetPasswordHash(hash).Save(ctx)
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	for _, g := range grants {
		if err := e.Client.Membership.Create().SetUserID(u.ID).SetOrganizationID(g.Org).SetRole(g.Role).Exec(ctx); err != nil {
			t.Fatalf("create membership: %v", err)
		}
	}
	return u.ID
}

// Login signs in through the API and returns the session token.
func (e *Env) Login(t testing.TB, email string) string {
	t.Helper()
	var out struct{ Login struct{ Token string } }
	e.MustData(t, Request{Query: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		Variables: map[string]any{"e": email, "p": Password}}, &out)
	return out.Login.Token
}

// User seeds a user with grants and signs them in.
func (e *Env) User(t testing.TB, email string, grants ...Grant) string {
	t.Helper()
	e.SeedUser(t, email, grants...)
	return e.Login(t, email)
}

// testLogger discards logs unless OPSGRAPH_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("OPSGRAPH_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
