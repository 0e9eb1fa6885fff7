// Package conformance checks that a platform plugin honours the OpsGraph plugin
// contract. Plugin authors run it from a test against their own plugin binary:
//
//	func TestConformance(t *testing.T) {
//		bin := filepath.Join(t.TempDir(), "plugin")
//		// go build -o bin . (see plugins/template/conformance_test.go)
//		conformance.RunBinary(t, "example", bin, conformance.Config{
//			Connection: sdk.Connection{Endpoint: fake.URL, Credentials: ...},
//		})
//	}
//
// The binary is launched as the server would launch it (through plugins/host:
// a real process, go-plugin handshake, AutoMTLS, per-call deadlines). Checks:
//
//   - describe: Describe is sane (valid id, name, semver version, known and
//     unique capabilities, unique credential fields) and stable;
//   - capabilities: every call of an undeclared capability fails with
//     KindUnimplemented, and no call of a declared one does (a plugin declares
//     exactly what it implements: METRICS and PUBLISH_CONTENT only with a
//     documented platform API behind them);
//   - products / orders: paging terminates, cursors never repeat, no item is
//     returned twice, listing twice gives the same cursors and items, normalized
//     statuses, an unknown cursor is refused with KindInvalidRequest or
//     KindPlatform; an order's attribution ids are non-empty, unique and at
//     most sdk.MaxAttributionIDLen bytes, its discount within 0..total;
//   - stock: a negative quantity is KindInvalidRequest; writing back a SKU's
//     current stock succeeds and reports it (skipped with Config.SkipWrites);
//   - authorize: an empty code is KindInvalidRequest;
//   - metrics: days are unique, ascending, YYYY-MM-DD and inside the range;
//   - deadlines: a call whose deadline passes returns by then with a typed error
//     that wraps context.DeadlineExceeded;
//   - errors: every error the plugin returned during the run is an *sdk.Error
//     (not an untyped error, which the host sees as sdk.ErrUntyped).
package conformance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/opsgraph/opsgraph/plugins/host"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Config tells the suite how to talk to the plugin.
type Config struct {
	// Connection is passed with every call; point Endpoint at a fake platform.
	Connection sdk.Connection
	// PageSize for the paging checks; small so that paging happens. Default 2.
	PageSize int
	// MaxPages bounds the paging checks. Default 1000.
	MaxPages int
	// OrdersSince/OrdersUntil: the ListOrders window. Default: the last 90 days.
	OrdersSince, OrdersUntil time.Time
	// MetricsFrom/MetricsTo: the FetchMetrics range (YYYY-MM-DD). Default: the last 7 days.
	MetricsFrom, MetricsTo string
	// SkipWrites skips checks that write to the platform (UpdateStock).
	SkipWrites bool
	// CallTimeout bounds each call. Default 30s.
	CallTimeout time.Duration
}

func (c *Config) defaults() {
	if c.PageSize <= 0 {
		c.PageSize = 2
	}
	if c.MaxPages <= 0 {
		c.MaxPages = 1000
	}
	now := time.Now()
	if c.OrdersUntil.IsZero() {
		c.OrdersUntil = now
	}
	if c.OrdersSince.IsZero() {
		c.OrdersSince = c.OrdersUntil.AddDate(0, 0, -90)
	}
	if c.MetricsTo == "" {
		c.MetricsTo = now.Format(time.DateOnly)
	}
	if c.MetricsFrom == "" {
		c.MetricsFrom = now.AddDate(0, 0, -6).Format(time.DateOnly)
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = 30 * time.Second
	}
}

// Launch starts the plugin binary at path (with args) as a real plugin process
// through plugins/host and returns it; the process is stopped when the test ends.
// id must be the PlatformID the plugin describes itself with.
func Launch(t testing.TB, id, path string, args ...string) sdk.Platform {
	t.Helper()
	m, err := host.New(host.Config{
		Builtins: []host.Spec{{ID: id, Path: path, Args: args}},
		Logger:   slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	p, err := m.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("conformance: launching %s: %v", path, err)
	}
	return p
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// RunBinary launches the plugin binary (see Launch) and runs the suite on it.
func RunBinary(t *testing.T, id, path string, cfg Config, args ...string) {
	t.Helper()
	Run(t, Launch(t, id, path, args...), cfg)
}

// Run runs every check against p as subtests of t.
func Run(t *testing.T, p sdk.Platform, cfg Config) {
	t.Helper()
	u := &untypedLog{}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			for _, problem := range runCheck(c, p, cfg, u) {
				t.Error(problem)
			}
		})
	}
}

// Check runs the whole suite outside of a test and returns the problems found,
// keyed by check name (empty when the plugin conforms).
func Check(p sdk.Platform, cfg Config) map[string][]string {
	out := map[string][]string{}
	u := &untypedLog{}
	for _, c := range checks {
		if problems := runCheck(c, p, cfg, u); len(problems) > 0 {
			out[c.name] = problems
		}
	}
	return out
}

// untypedLog collects untyped errors across checks for the final "errors" check.
type untypedLog struct {
	mu   sync.Mutex
	seen []string
}

func (u *untypedLog) add(s string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.seen = append(u.seen, s)
}

func (u *untypedLog) all() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.seen)
}

type check struct {
	name string
	fn   func(*env)
}

var checks = []check{
	{"describe", checkDescribe},
	{"capabilities", checkUndeclared},
	{"declared", checkDeclared},
	{"products", checkProducts},
	{"orders", checkOrders},
	{"stock", checkStock},
	{"authorize", checkAuthorize},
	{"metrics", checkMetrics},
	{"deadlines", checkDeadlines},
	{"errors", nil}, // must stay last: reports the untyped errors of every other check
}

// env is one check's view of the plugin: calls go through typedCheck, which
// records untyped errors.
type env struct {
	p        sdk.Platform
	cfg      Config
	desc     *sdk.Description
	mu       sync.Mutex
	problems []string
	untyped  *untypedLog
}

func (e *env) errorf(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.problems = append(e.problems, fmt.Sprintf(format, args...))
}

func (e *env) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), e.cfg.CallTimeout)
}

func (e *env) has(c sdk.Capability) bool {
	return e.desc != nil && slices.Contains(e.desc.Capabilities, c)
}

// seen records a call's error and reports whether it was typed.
func (e *env) seen(call string, err error) {
	if err == nil {
		return
	}
	var se *sdk.Error
	if !errors.As(err, &se) || errors.Is(err, sdk.ErrUntyped) {
		e.untyped.add(fmt.Sprintf("%s returned an untyped error (wrap it in *sdk.Error): %v", call, err))
	}
}

func runCheck(c check, p sdk.Platform, cfg Config, u *untypedLog) []string {
	cfg.defaults()
	if c.fn == nil {
		return u.all()
	}
	e := &env{p: p, cfg: cfg, untyped: u}
	ctx, cancel := e.ctx()
	d, err := p.Describe(ctx)
	cancel()
	e.seen("Describe", err)
	if err != nil {
		return []string{fmt.Sprintf("Describe failed: %v", err)}
	}
	e.desc = d
	c.fn(e)
	return e.problems
}

var (
	idRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)
	semverRE = regexp.MustCompile(`^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	dateRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

	knownCaps = []sdk.Capability{sdk.CapAuthorize, sdk.CapProducts, sdk.CapOrders, sdk.CapUpdateStock, sdk.CapPublishContent, sdk.CapMetrics}

	productStatuses = []string{"ON_SALE", "OFF_SALE", "DELETED"}
	orderStatuses   = []string{sdk.OrderPendingPayment, sdk.OrderPaid, sdk.OrderShipped, sdk.OrderCompleted, sdk.OrderCancelled, sdk.OrderRefunded}
	trafficSources  = []string{"", "NATURAL_SEARCH", "PAID", "CONTENT", "SOCIAL", "PRIVATE_DOMAIN", "OTHER"}
)

func checkDescribe(e *env) {
	d := e.desc
	if !idRE.MatchString(d.PlatformID) {
		e.errorf("PlatformID %q: want lowercase letters, digits, '-' or '_'", d.PlatformID)
	}
	if strings.TrimSpace(d.DisplayName) == "" {
		e.errorf("DisplayName is empty")
	}
	if !semverRE.MatchString(d.PluginVersion) {
		e.errorf("PluginVersion %q is not a semantic version", d.PluginVersion)
	}
	seen := map[sdk.Capability]bool{}
	for _, c := range d.Capabilities {
		if !slices.Contains(knownCaps, c) {
			e.errorf("unknown capability %q", c)
		}
		if seen[c] {
			e.errorf("capability %q declared twice", c)
		}
		seen[c] = true
	}
	names := map[string]bool{}
	for _, f := range d.CredentialFields {
		if f.Name == "" {
			e.errorf("a credential field has no name")
		}
		if names[f.Name] {
			e.errorf("credential field %q declared twice", f.Name)
		}
		names[f.Name] = true
		if sdk.IsSecretKey(f.Name) && !f.Secret {
			e.errorf("credential field %q looks secret but is not marked Secret", f.Name)
		}
	}
	ctx, cancel := e.ctx()
	defer cancel()
	again, err := e.p.Describe(ctx)
	e.seen("Describe", err)
	if err != nil {
		e.errorf("second Describe failed: %v", err)
	} else if !reflect.DeepEqual(again, d) {
		e.errorf("Describe is not stable: %+v then %+v", d, again)
	}
}

// calls returns, for a capability, the calls it covers.
func (e *env) calls(c sdk.Capability) map[string]func(context.Context) error {
	conn := e.cfg.Connection
	switch c {
	case sdk.CapAuthorize:
		return map[string]func(context.Context) error{
			"Authorize": func(ctx context.Context) error {
				_, err := e.p.Authorize(ctx, sdk.AuthorizeRequest{Connection: conn, Code: "conformance"})
				return err
			},
			"RefreshToken": func(ctx context.Context) error { _, err := e.p.RefreshToken(ctx, conn); return err },
		}
	case sdk.CapProducts:
		return map[string]func(context.Context) error{"ListProducts": func(ctx context.Context) error {
			_, err := e.p.ListProducts(ctx, sdk.ListProductsRequest{Connection: conn, PageSize: 1})
			return err
		}}
	case sdk.CapOrders:
		return map[string]func(context.Context) error{"ListOrders": func(ctx context.Context) error {
			_, err := e.p.ListOrders(ctx, sdk.ListOrdersRequest{Connection: conn, Since: e.cfg.OrdersSince, Until: e.cfg.OrdersUntil, PageSize: 1})
			return err
		}}
	case sdk.CapUpdateStock:
		return map[string]func(context.Context) error{"UpdateStock": func(ctx context.Context) error {
			_, err := e.p.UpdateStock(ctx, sdk.UpdateStockRequest{Connection: conn, ProductExternalID: "conformance", SKUExternalID: "conformance", Quantity: 1, IdempotencyKey: "conformance"})
			return err
		}}
	case sdk.CapPublishContent:
		return map[string]func(context.Context) error{"PublishContent": func(ctx context.Context) error {
			_, err := e.p.PublishContent(ctx, sdk.PublishContentRequest{Connection: conn, Kind: "ARTICLE", Title: "conformance", Body: "conformance", IdempotencyKey: "conformance"})
			return err
		}}
	case sdk.CapMetrics:
		return map[string]func(context.Context) error{"FetchMetrics": func(ctx context.Context) error {
			_, err := e.p.FetchMetrics(ctx, sdk.FetchMetricsRequest{Connection: conn, From: e.cfg.MetricsFrom, To: e.cfg.MetricsTo})
			return err
		}}
	}
	return nil
}

func checkUndeclared(e *env) {
	for _, c := range knownCaps {
		if e.has(c) {
			continue
		}
		for name, call := range e.calls(c) {
			ctx, cancel := e.ctx()
			err := call(ctx)
			cancel()
			e.seen(name, err)
			if k := sdk.KindOf(err); k != sdk.KindUnimplemented {
				e.errorf("%s: capability %s is not declared, so it must fail with %s; got %v", name, c, sdk.KindUnimplemented, errOrNil(err))
			}
		}
	}
}

// checkDeclared: a declared capability is implemented; the host calls it (a
// default sync covers every declared sync capability), so UNIMPLEMENTED there
// would fail every sync of the store.
func checkDeclared(e *env) {
	for _, c := range knownCaps {
		if !e.has(c) {
			continue
		}
		for name, call := range e.calls(c) {
			if name == "RefreshToken" {
				continue // would rotate the connection's tokens under the other checks
			}
			ctx, cancel := e.ctx()
			err := call(ctx)
			cancel()
			e.seen(name, err)
			if sdk.KindOf(err) == sdk.KindUnimplemented {
				e.errorf("%s: capability %s is declared but the call answers %s: declare only what the plugin implements", name, c, sdk.KindUnimplemented)
			}
		}
	}
}

func errOrNil(err error) string {
	if err == nil {
		return "success"
	}
	return err.Error()
}

// pager abstracts ListProducts/ListOrders for the paging checks.
type pager func(ctx context.Context, cursor string) (ids []string, next string, err error)

// walk pages through everything and returns the cursors and ids seen.
func (e *env) walk(name string, page pager) (cursors, ids []string, ok bool) {
	cursor := ""
	seenCursor := map[string]bool{"": true}
	seenID := map[string]bool{}
	for i := 0; ; i++ {
		if i >= e.cfg.MaxPages {
			e.errorf("%s: paging did not end within %d pages", name, e.cfg.MaxPages)
			return cursors, ids, false
		}
		ctx, cancel := e.ctx()
		pageIDs, next, err := page(ctx, cursor)
		cancel()
		e.seen(name, err)
		if err != nil {
			e.errorf("%s: page %d (cursor %q): %v", name, i+1, cursor, err)
			return cursors, ids, false
		}
		if len(pageIDs) > e.cfg.PageSize {
			e.errorf("%s: page %d has %d items, more than PageSize %d", name, i+1, len(pageIDs), e.cfg.PageSize)
		}
		for _, id := range pageIDs {
			if id == "" {
				e.errorf("%s: an item has no ExternalID", name)
			}
			if seenID[id] {
				e.errorf("%s: item %q returned twice", name, id)
			}
			seenID[id] = true
		}
		ids = append(ids, pageIDs...)
		if next == "" {
			return cursors, ids, true
		}
		if seenCursor[next] {
			e.errorf("%s: cursor %q repeats: paging would never end", name, next)
			return cursors, ids, false
		}
		seenCursor[next] = true
		cursors = append(cursors, next)
		cursor = next
	}
}

func (e *env) paging(name string, page pager) {
	c1, ids1, ok := e.walk(name, page)
	if !ok {
		return
	}
	c2, ids2, ok := e.walk(name, page)
	if !ok {
		return
	}
	if !slices.Equal(c1, c2) || !slices.Equal(ids1, ids2) {
		e.errorf("%s: listing twice gave different pages: cursors %q vs %q, items %q vs %q", name, c1, c2, ids1, ids2)
	}
	ctx, cancel := e.ctx()
	defer cancel()
	_, _, err := page(ctx, "conformance-not-a-cursor\x00")
	e.seen(name, err)
	if k := sdk.KindOf(err); k != sdk.KindInvalidRequest && k != sdk.KindPlatform {
		e.errorf("%s: an unknown cursor must fail with %s (or %s); got %v", name, sdk.KindInvalidRequest, sdk.KindPlatform, errOrNil(err))
	}
}

func checkProducts(e *env) {
	if !e.has(sdk.CapProducts) {
		return
	}
	e.paging("ListProducts", func(ctx context.Context, cursor string) ([]string, string, error) {
		p, err := e.p.ListProducts(ctx, sdk.ListProductsRequest{Connection: e.cfg.Connection, Cursor: cursor, PageSize: e.cfg.PageSize})
		if err != nil {
			return nil, "", err
		}
		ids := make([]string, 0, len(p.Products))
		for _, pr := range p.Products {
			ids = append(ids, pr.ExternalID)
			if !slices.Contains(productStatuses, pr.Status) {
				e.errorf("ListProducts: product %q has status %q, want one of %v", pr.ExternalID, pr.Status, productStatuses)
			}
			if pr.PriceFen < 0 || pr.Stock < 0 {
				e.errorf("ListProducts: product %q has a negative price or stock", pr.ExternalID)
			}
			for _, s := range pr.SKUs {
				if s.ExternalID == "" || s.PriceFen < 0 || s.Stock < 0 {
					e.errorf("ListProducts: product %q has a SKU without id or with negative price/stock: %+v", pr.ExternalID, s)
				}
			}
		}
		return ids, p.NextCursor, nil
	})
}

func checkOrders(e *env) {
	if !e.has(sdk.CapOrders) {
		return
	}
	e.paging("ListOrders", func(ctx context.Context, cursor string) ([]string, string, error) {
		p, err := e.p.ListOrders(ctx, sdk.ListOrdersRequest{Connection: e.cfg.Connection, Since: e.cfg.OrdersSince, Until: e.cfg.OrdersUntil, Cursor: cursor, PageSize: e.cfg.PageSize})
		if err != nil {
			return nil, "", err
		}
		ids := make([]string, 0, len(p.Orders))
		for _, o := range p.Orders {
			ids = append(ids, o.ExternalID)
			if !slices.Contains(orderStatuses, o.Status) {
				e.errorf("ListOrders: order %q has status %q, want one of %v", o.ExternalID, o.Status, orderStatuses)
			}
			if !slices.Contains(trafficSources, o.TrafficSource) {
				e.errorf("ListOrders: order %q has traffic source %q, want one of %v", o.ExternalID, o.TrafficSource, trafficSources)
			}
			if o.TotalFen < 0 || o.PaidFen < 0 {
				e.errorf("ListOrders: order %q has negative amounts", o.ExternalID)
			}
			checkAttribution(e, o)
			for _, l := range o.Lines {
				if l.Quantity <= 0 {
					e.errorf("ListOrders: order %q line %q has quantity %d", o.ExternalID, l.ExternalID, l.Quantity)
				}
			}
		}
		return ids, p.NextCursor, nil
	})
}

// checkAttribution checks an order's optional attribution fields: a discount
// within 0..TotalFen, and ids an operator could have typed into a campaign or
// KOL partner (non-empty, unique, valid UTF-8, at most sdk.MaxAttributionIDLen
// bytes, at most sdk.MaxAttributionIDs of each kind).
func checkAttribution(e *env, o sdk.Order) {
	if o.DiscountFen < 0 || (o.DiscountFen > o.TotalFen && o.TotalFen > 0) {
		e.errorf("ListOrders: order %q has discount %d outside 0..total %d", o.ExternalID, o.DiscountFen, o.TotalFen)
	}
	badID := func(id string) bool {
		return len(id) > sdk.MaxAttributionIDLen || !utf8.ValidString(id) || strings.TrimSpace(id) != id
	}
	for _, list := range []struct {
		name string
		ids  []string
	}{{"promotion", o.PromotionIDs}, {"coupon", o.CouponIDs}} {
		if len(list.ids) > sdk.MaxAttributionIDs {
			e.errorf("ListOrders: order %q has %d %s ids, at most %d are kept", o.ExternalID, len(list.ids), list.name, sdk.MaxAttributionIDs)
		}
		seen := map[string]bool{}
		for _, id := range list.ids {
			switch {
			case id == "":
				e.errorf("ListOrders: order %q has an empty %s id", o.ExternalID, list.name)
			case badID(id):
				e.errorf("ListOrders: order %q has %s id %q: ids are at most %d bytes of UTF-8 without surrounding spaces", o.ExternalID, list.name, id, sdk.MaxAttributionIDLen)
			case seen[id]:
				e.errorf("ListOrders: order %q repeats %s id %q", o.ExternalID, list.name, id)
			}
			seen[id] = true
		}
	}
	for name, id := range map[string]string{"author id": o.AuthorID, "tracking code": o.TrackingCode} {
		if badID(id) {
			e.errorf("ListOrders: order %q has %s %q: at most %d bytes of UTF-8 without surrounding spaces", o.ExternalID, name, id, sdk.MaxAttributionIDLen)
		}
	}
}

func checkStock(e *env) {
	if !e.has(sdk.CapUpdateStock) || e.cfg.SkipWrites {
		return
	}
	ctx, cancel := e.ctx()
	defer cancel()
	_, err := e.p.UpdateStock(ctx, sdk.UpdateStockRequest{Connection: e.cfg.Connection, ProductExternalID: "p", SKUExternalID: "s", Quantity: -1, IdempotencyKey: "conformance-negative"})
	e.seen("UpdateStock", err)
	if sdk.KindOf(err) != sdk.KindInvalidRequest {
		e.errorf("UpdateStock with quantity -1 must fail with %s; got %v", sdk.KindInvalidRequest, errOrNil(err))
	}
	if !e.has(sdk.CapProducts) {
		return
	}
	page, err := e.p.ListProducts(ctx, sdk.ListProductsRequest{Connection: e.cfg.Connection, PageSize: e.cfg.PageSize})
	e.seen("ListProducts", err)
	if err != nil || len(page.Products) == 0 || len(page.Products[0].SKUs) == 0 {
		return // nothing to write back to; the paging check reports errors
	}
	pr, sku := page.Products[0], page.Products[0].SKUs[0]
	res, err := e.p.UpdateStock(ctx, sdk.UpdateStockRequest{Connection: e.cfg.Connection, ProductExternalID: pr.ExternalID, SKUExternalID: sku.ExternalID, Quantity: sku.Stock, IdempotencyKey: "conformance-" + sku.ExternalID})
	e.seen("UpdateStock", err)
	if err != nil {
		e.errorf("UpdateStock of %s/%s to its current stock %d: %v", pr.ExternalID, sku.ExternalID, sku.Stock, err)
	} else if res.Quantity != sku.Stock {
		e.errorf("UpdateStock of %s/%s to %d reported %d", pr.ExternalID, sku.ExternalID, sku.Stock, res.Quantity)
	}
}

func checkAuthorize(e *env) {
	if !e.has(sdk.CapAuthorize) {
		return
	}
	ctx, cancel := e.ctx()
	defer cancel()
	_, err := e.p.Authorize(ctx, sdk.AuthorizeRequest{Connection: e.cfg.Connection})
	e.seen("Authorize", err)
	if sdk.KindOf(err) != sdk.KindInvalidRequest {
		e.errorf("Authorize with an empty code must fail with %s; got %v", sdk.KindInvalidRequest, errOrNil(err))
	}
}

func checkMetrics(e *env) {
	if !e.has(sdk.CapMetrics) {
		return
	}
	ctx, cancel := e.ctx()
	defer cancel()
	res, err := e.p.FetchMetrics(ctx, sdk.FetchMetricsRequest{Connection: e.cfg.Connection, From: e.cfg.MetricsFrom, To: e.cfg.MetricsTo})
	e.seen("FetchMetrics", err)
	if err != nil {
		e.errorf("FetchMetrics %s..%s: %v", e.cfg.MetricsFrom, e.cfg.MetricsTo, err)
		return
	}
	prev := ""
	for _, d := range res.Days {
		if !dateRE.MatchString(d.Date) {
			e.errorf("FetchMetrics: day %q is not YYYY-MM-DD", d.Date)
		}
		if d.Date < e.cfg.MetricsFrom || d.Date > e.cfg.MetricsTo {
			e.errorf("FetchMetrics: day %s is outside %s..%s", d.Date, e.cfg.MetricsFrom, e.cfg.MetricsTo)
		}
		if d.Date <= prev {
			e.errorf("FetchMetrics: days must be unique and ascending (%s after %s)", d.Date, prev)
		}
		prev = d.Date
	}
	_, err = e.p.FetchMetrics(ctx, sdk.FetchMetricsRequest{Connection: e.cfg.Connection, From: e.cfg.MetricsTo, To: e.cfg.MetricsFrom + "x"})
	e.seen("FetchMetrics", err)
	if sdk.KindOf(err) != sdk.KindInvalidRequest {
		e.errorf("FetchMetrics with a malformed range must fail with %s; got %v", sdk.KindInvalidRequest, errOrNil(err))
	}
}

func checkDeadlines(e *env) {
	const deadline = 50 * time.Millisecond
	const grace = 2 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	var err error
	switch {
	case e.has(sdk.CapProducts):
		_, err = e.p.ListProducts(ctx, sdk.ListProductsRequest{Connection: e.cfg.Connection, PageSize: e.cfg.PageSize})
	case e.has(sdk.CapOrders):
		_, err = e.p.ListOrders(ctx, sdk.ListOrdersRequest{Connection: e.cfg.Connection, Since: e.cfg.OrdersSince, Until: e.cfg.OrdersUntil, PageSize: e.cfg.PageSize})
	default:
		_, err = e.p.Describe(ctx)
	}
	e.seen("deadline call", err)
	if el := time.Since(start); el > deadline+grace {
		e.errorf("a call with a %s deadline returned after %s", deadline, el.Round(time.Millisecond))
	}
	if err != nil && ctx.Err() != nil && !errors.Is(err, context.DeadlineExceeded) {
		e.errorf("a call that ran out of time must return an error wrapping context.DeadlineExceeded; got %v", err)
	}
	// An already expired deadline must fail, typed, without waiting.
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	_, err = e.p.Describe(expired)
	e.seen("Describe", err)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		e.errorf("Describe with an expired deadline must fail with context.DeadlineExceeded; got %v", errOrNil(err))
	}
}
