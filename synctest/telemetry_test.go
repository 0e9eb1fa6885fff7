package synctest

import (
	"context"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opsgraph/opsgraph/internal/testenv"
)

// TestPluginCallTelemetry syncs a store through the real taobao plugin
// process: every plugin call is one span and one count in
// opsgraph_plugin_calls_total, and the job's outcome shows in opsgraph_sync_jobs.
func TestPluginCallTelemetry(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	g := startTaobao(t, fakeSize{Products: 3, Orders: 4})
	w := newWorld(t, testenv.SQLite, testenv.WithTracerProvider(tp))
	storeID := w.connected(t, g)

	before := w.Metrics(t)
	exp.Reset()
	w.sync(t, w.admin, storeID)
	after := w.Metrics(t)

	spans := map[string]int{}
	for _, s := range exp.GetSpans() {
		if name, ok := strings.CutPrefix(s.Name, "plugin taobao."); ok {
			spans[name]++
		}
	}
	if len(spans) == 0 {
		t.Fatal("no plugin call spans recorded during a sync")
	}
	for method, n := range spans {
		series := `opsgraph_plugin_calls_total{method="` + method + `",outcome="ok",plugin="taobao"}`
		if got := after[series] - before[series]; got != float64(n) {
			t.Errorf("%s moved by %v, want %d (one per span)", series, got, n)
		}
		hist := `opsgraph_plugin_call_duration_seconds_count{method="` + method + `",plugin="taobao"}`
		if got := after[hist] - before[hist]; got != float64(n) {
			t.Errorf("%s moved by %v, want %d", hist, got, n)
		}
	}
	if got := after[`opsgraph_sync_jobs{status="SUCCEEDED"}`] - before[`opsgraph_sync_jobs{status="SUCCEEDED"}`]; got != 1 {
		t.Errorf("opsgraph_sync_jobs{status=SUCCEEDED} moved by %v, want 1", got)
	}
}
