package scaleout

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/internal/testenv"
	taobaofake "github.com/opsgraph/opsgraph/plugins/taobao/fake"
)

// BenchmarkDrain measures how fast a cluster drains a burst of syncs: 30
// stores, each with 20 products and 200 orders on its own fake gateway
// (no added latency), all syncStore'd at once (spread over the replicas),
// timed until the last job ended. Reported: jobs/s and orders/s. Run with
// -benchtime 1x; each iteration reconnects the stores, so every sync is a
// full one.
//
//	go test ./scaleout/ -run - -bench Drain -benchtime 1x
func BenchmarkDrain(b *testing.B) {
	cases := []struct {
		name     string
		postgres bool
		replicas int
	}{
		{"sqlite-1", false, 1},
		{"postgres-1", true, 1},
		{"postgres-3", true, 3},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.postgres && os.Getenv(testenv.PostgresEnv) == "" {
				b.Skipf("set %s to run the PostgreSQL cases", testenv.PostgresEnv)
			}
			drain(b, c.postgres, c.replicas)
		})
	}
}

func drain(b *testing.B, postgres bool, n int) {
	const (
		nStores  = 30
		products = 20
		orders   = 200
	)
	dsn := filepath.Join(b.TempDir(), "opsgraph.db")
	if postgres {
		dsn = testenv.PostgresDSN(b)
	}
	cfg := clusterConfig{dsn: dsn, key: newKey(), heartbeat: "5s", lease: "20s", pageSize: 100, maxOpen: 10, demo: true}
	reps := make([]*replica, n)
	for i := range reps {
		reps[i] = start(b, fmt.Sprintf("replica-%d", i), cfg)
		reps[i].ready(b) // one after the other: the first loads the demo data
	}
	token, org := login(b, reps[0])
	gws := make([]*taobaofake.Server, nStores)
	stores := make([]string, nStores)
	for i := range nStores {
		gws[i] = fakeGateway(b, int64(i), products, orders)
		stores[i] = connectStore(b, reps[i%n], token, org, i, gws[i])
	}
	var elapsed time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if i > 0 {
			for k, s := range stores {
				reconnect(b, reps[k%n], token, s, gws[k])
			}
		}
		b.StartTimer()
		began := time.Now()
		var wg sync.WaitGroup
		for k := range nStores {
			wg.Go(func() {
				if _, err := syncStore(reps[k%n], token, stores[k]); err != nil {
					b.Errorf("syncStore: %v", err)
				}
			})
		}
		wg.Wait()
		waitFor(b, "all jobs ended", 5*time.Minute, func() bool {
			var out struct{ SyncJobs struct{ TotalCount int } }
			errs, err := reps[0].gql(token, `{ syncJobs(where: {statusIn: [QUEUED, RUNNING]}) { totalCount } }`, nil, &out)
			return err == nil && len(errs) == 0 && out.SyncJobs.TotalCount == 0
		})
		elapsed += time.Since(began)
	}
	b.StopTimer()
	secs := elapsed.Seconds()
	b.ReportMetric(float64(nStores*b.N)/secs, "jobs/s")
	b.ReportMetric(float64(nStores*orders*b.N)/secs, "orders/s")
}
