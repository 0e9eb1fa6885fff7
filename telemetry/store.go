package telemetry

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
)

// rowCounts exports counts read from the database at scrape time: sync jobs by
// status (QUEUED is the queue depth; SUCCEEDED and FAILED the outcomes) and
// alerts raised by kind. Read from the shared database, they are the same on
// every replica and survive restarts, unlike per-process counters.
type rowCounts struct {
	query func(ctx context.Context, q string) (map[string]float64, error)
	jobs  *prometheus.Desc
	alert *prometheus.Desc
	queue *prometheus.Desc
}

// WatchRows exports sync-job and alert counts and the rollup queue's length
// with query, which runs a "SELECT label, COUNT(*) … GROUP BY label" statement.
func (t *Telemetry) WatchRows(query func(ctx context.Context, q string) (map[string]float64, error)) {
	t.Registry.MustRegister(&rowCounts{query: query,
		jobs:  prometheus.NewDesc("opsgraph_sync_jobs", "Sync jobs in the database by status (QUEUED = queue depth; SUCCEEDED, FAILED = outcomes).", []string{"status"}, nil),
		alert: prometheus.NewDesc("opsgraph_alerts_raised", "Alerts raised (rows in the database) by kind.", []string{"kind"}, nil),
		queue: prometheus.NewDesc("opsgraph_rollup_queue_entries", "Sync pages whose rollup difference is queued, not yet applied (decision 0263): near 0 between syncs; growing means a store's drain fails.", nil, nil),
	})
}

func (c *rowCounts) Describe(ch chan<- *prometheus.Desc) { ch <- c.jobs; ch <- c.alert; ch <- c.queue }

func (c *rowCounts) Collect(ch chan<- prometheus.Metric) {
	ctx := context.Background()
	for _, m := range []struct {
		desc   *prometheus.Desc
		query  string
		labels []string
	}{
		{c.jobs, "SELECT status, COUNT(*) FROM sync_jobs GROUP BY status", []string{"QUEUED", "RUNNING", "SUCCEEDED", "FAILED"}},
		{c.alert, "SELECT kind, COUNT(*) FROM alerts GROUP BY kind", nil},
		{c.queue, "SELECT '', COUNT(*) FROM pending_rollups", nil},
	} {
		counts, err := c.query(ctx, m.query)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(m.desc, err)
			continue
		}
		for _, l := range m.labels {
			if _, ok := counts[l]; !ok {
				counts[l] = 0
			}
		}
		for l, n := range counts {
			if m.desc == c.queue { // no label
				ch <- prometheus.MustNewConstMetric(m.desc, prometheus.GaugeValue, n)
				continue
			}
			ch <- prometheus.MustNewConstMetric(m.desc, prometheus.GaugeValue, n, l)
		}
	}
}
