// Package telemetry is what operators see of a running server: Prometheus
// metrics (/metrics) and OpenTelemetry traces. It wraps the three paths a
// request takes — the GraphQL operation, each SQL statement, each plugin
// call — and tags every span with the request id that the logs carry too.
package telemetry

import (
	"context"
	"database/sql"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/opsgraph/opsgraph/logging"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Telemetry holds one server's metrics registry and tracer.
type Telemetry struct {
	Registry *prometheus.Registry
	tracer   trace.Tracer
	tracing  bool

	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	errors       *prometheus.CounterVec
	pluginCalls  *prometheus.CounterVec
	pluginTime   *prometheus.HistogramVec
	sqlStatement *prometheus.CounterVec

	mu    sync.Mutex
	names map[string]bool // operation names seen (label cardinality cap)
}

// maxOperationNames caps the distinct operation-name label values: names come
// from clients, and an unbounded label would grow the registry without end.
const maxOperationNames = 500

// New returns telemetry with a fresh registry. tp nil means no tracing: the
// SQL and plugin paths are then not wrapped at all.
func New(tp trace.TracerProvider) *Telemetry {
	t := &Telemetry{Registry: prometheus.NewRegistry(), names: map[string]bool{}}
	if tp == nil {
		tp = noop.NewTracerProvider()
	} else {
		t.tracing = true
	}
	t.tracer = tp.Tracer("github.com/opsgraph/opsgraph")
	latency := []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	t.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "opsgraph_graphql_requests_total",
		Help: "GraphQL operations by operation name, type and outcome (ok, error, rejected)."}, []string{"operation", "type", "outcome"})
	t.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "opsgraph_graphql_request_duration_seconds",
		Help: "GraphQL operation latency by operation name, type and outcome.", Buckets: latency}, []string{"operation", "type", "outcome"})
	t.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "opsgraph_graphql_errors_total",
		Help: "GraphQL errors returned, by extensions.code."}, []string{"code"})
	t.pluginCalls = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "opsgraph_plugin_calls_total",
		Help: "Plugin calls by plugin, method and outcome (ok or the error kind)."}, []string{"plugin", "method", "outcome"})
	t.pluginTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "opsgraph_plugin_call_duration_seconds",
		Help: "Plugin call latency by plugin and method.", Buckets: latency}, []string{"plugin", "method"})
	t.sqlStatement = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "opsgraph_sql_statements_total",
		Help: "SQL statements sent while tracing is on, by kind (query, exec)."}, []string{"kind"})
	t.Registry.MustRegister(t.requests, t.duration, t.errors, t.pluginCalls, t.pluginTime, t.sqlStatement,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return t
}

// Handler serves the registry in the Prometheus text format.
func (t *Telemetry) Handler() http.Handler {
	return promhttp.HandlerFor(t.Registry, promhttp.HandlerOpts{Registry: t.Registry})
}

// Tracing reports whether spans are recorded (a tracer provider was given).
func (t *Telemetry) Tracing() bool { return t.tracing }

// WatchDB exports the pool statistics of db (open, in use, idle, waits).
func (t *Telemetry) WatchDB(db *sql.DB) {
	t.Registry.MustRegister(collectors.NewDBStatsCollector(db, "opsgraph"))
}

var operationName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// label turns a client-given operation name into a bounded label value.
func (t *Telemetry) label(name string) string {
	switch {
	case name == "":
		return "anonymous"
	case !operationName.MatchString(name):
		return "invalid"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.names[name] {
		if len(t.names) >= maxOperationNames {
			return "other"
		}
		t.names[name] = true
	}
	return name
}

// start opens a span tagged with the request id of ctx.
func (t *Telemetry) start(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	if id := logging.RequestID(ctx); id != "" {
		attrs = append(attrs, attribute.String("request_id", id))
	}
	return t.tracer.Start(ctx, name, trace.WithAttributes(attrs...))
}

func endSpan(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// PluginCall is the plugin host's observer (host.Config.Observe): a span and
// the call metrics for one call of method on plugin.
func (t *Telemetry) PluginCall(ctx context.Context, plugin, method string) (context.Context, func(error)) {
	start := time.Now()
	var span trace.Span
	if t.tracing {
		ctx, span = t.start(ctx, "plugin "+plugin+"."+method,
			attribute.String("plugin.id", plugin), attribute.String("plugin.method", method))
	}
	return ctx, func(err error) {
		outcome := "ok"
		if err != nil {
			outcome = string(sdk.KindOf(err))
			if outcome == "" {
				outcome = "error"
			}
		}
		t.pluginCalls.WithLabelValues(plugin, method, outcome).Inc()
		t.pluginTime.WithLabelValues(plugin, method).Observe(time.Since(start).Seconds())
		if span != nil {
			endSpan(span, err)
		}
	}
}

// HTTP wraps the GraphQL endpoint in a span per HTTP request, so that the
// statements that authenticate a request belong to its trace. WebSocket
// connections get none: each of their operations gets its own span.
func (t *Telemetry) HTTP(next http.Handler) http.Handler {
	if !t.tracing {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		ctx, span := t.start(r.Context(), "HTTP "+r.Method+" "+r.URL.Path,
			attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path))
		defer span.End()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
