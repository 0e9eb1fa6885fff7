package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/alert"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

func attr(s tracetest.SpanStub, key string) string {
	for _, kv := range s.Attributes {
		if string(kv.Key) == key {
			return kv.Value.String()
		}
	}
	return ""
}

// TestMetricsAndTraces scrapes /metrics around real requests and reads the
// spans they recorded: the series exist and move, every SQL statement of a
// request is one span carrying the request id, in the request's trace.
func TestMetricsAndTraces(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		exp := tracetest.NewInMemoryExporter()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
		defer func() { _ = tp.Shutdown(context.Background()) }()
		// No job runner: its polling would be counted among the request's
		// statements (the count is of the whole process).
		env := testenv.New(t, b, testenv.WithTracerProvider(tp), testenv.WithoutSyncRunner())
		org := env.Org(t, "Brand A", 0)
		token := env.User(t, "owner@a.test", testenv.Grant{Org: org, Role: "owner"})

		before := env.Metrics(t)
		for _, name := range []string{
			`go_sql_max_open_connections{db_name="opsgraph"}`, `go_sql_open_connections{db_name="opsgraph"}`,
			`go_sql_in_use_connections{db_name="opsgraph"}`, `go_sql_wait_count_total{db_name="opsgraph"}`,
			`opsgraph_sync_jobs{status="QUEUED"}`, `opsgraph_sync_jobs{status="FAILED"}`,
			`opsgraph_rollup_queue_entries`, `process_resident_memory_bytes`,
		} {
			if _, ok := before[name]; !ok {
				t.Errorf("/metrics lacks %s", name)
			}
		}

		exp.Reset()
		stmts := env.Statements.Load()
		env.MustData(t, testenv.Request{Token: token, Query: `query StoreList { stores(first: 5) { totalCount edges { node { id name } } } }`,
			Header: http.Header{"X-Request-Id": {"req-telemetry-1"}}}, nil)
		stmts = env.Statements.Load() - stmts
		res := env.Do(t, testenv.Request{Query: `query StoreList { stores(first: 5) { totalCount } }`}) // no token
		if len(res.Errors) == 0 || res.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Fatalf("want UNAUTHENTICATED, got %+v", res.Errors)
		}
		res = env.Do(t, testenv.Request{Token: token, Query: `{ nope }`})
		if len(res.Errors) == 0 {
			t.Fatal("invalid query answered without error")
		}
		sys := authz.SystemContext(context.Background())
		if err := env.Client.Alert.Create().SetOrganizationID(org).SetKind(alert.KindSTOCK_LOW).SetMessage("low").Exec(sys); err != nil {
			t.Fatal(err)
		}
		if err := env.Client.PendingRollup.Create().SetOrganizationID(org).SetStoreID(1).SetDelta([]byte{1, 0, 0}).Exec(sys); err != nil {
			t.Fatal(err)
		}

		after := env.Metrics(t)
		for _, c := range []struct {
			series string
			delta  float64
		}{
			{`opsgraph_graphql_requests_total{operation="StoreList",outcome="ok",type="query"}`, 1},
			{`opsgraph_graphql_requests_total{operation="StoreList",outcome="error",type="query"}`, 1},
			{`opsgraph_graphql_request_duration_seconds_count{operation="StoreList",outcome="ok",type="query"}`, 1},
			{`opsgraph_graphql_errors_total{code="UNAUTHENTICATED"}`, 1},
			{`opsgraph_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}`, 1},
			{`opsgraph_alerts_raised{kind="STOCK_LOW"}`, 1},
			{`opsgraph_rollup_queue_entries`, 1},
		} {
			if got := after[c.series] - before[c.series]; got != c.delta {
				t.Errorf("%s moved by %v, want %v", c.series, got, c.delta)
			}
		}
		if after[`opsgraph_sql_statements_total{kind="query"}`] <= before[`opsgraph_sql_statements_total{kind="query"}`] {
			t.Errorf("opsgraph_sql_statements_total did not move")
		}

		var sqlSpans, opSpans int
		traces := map[string]bool{}
		for _, s := range exp.GetSpans() {
			if attr(s, "request_id") != "req-telemetry-1" {
				continue
			}
			traces[s.SpanContext.TraceID().String()] = true
			switch {
			case strings.HasPrefix(s.Name, "sql "):
				sqlSpans++
				if attr(s, "db.statement") == "" {
					t.Errorf("SQL span without db.statement: %+v", s.Attributes)
				}
			case s.Name == "graphql query StoreList":
				opSpans++
			}
		}
		if opSpans != 1 {
			t.Errorf("%d operation spans for the request, want 1", opSpans)
		}
		if sqlSpans == 0 || int64(sqlSpans) != stmts {
			t.Errorf("%d SQL spans with the request id for %d statements sent", sqlSpans, stmts)
		}
		if len(traces) != 1 {
			t.Errorf("the request's spans are in %d traces, want 1", len(traces))
		}
	})
}
