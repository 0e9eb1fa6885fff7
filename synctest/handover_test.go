package synctest

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// runnerApp starts another server (a replica) on w's database with the sync
// runner on; the world's own server runs none (newWorld with noRunner).
func runnerApp(t *testing.T, cfg app.Config) *app.App {
	t.Helper()
	cfg.NoSyncRunner = false
	cfg.ClientOptions = nil
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start replica: %v", err)
	}
	return a
}

// noRunner makes the world's server a replica that runs no jobs and keeps
// its configuration for runnerApp.
func noRunner(cfg *app.Config) testenv.Option {
	return withConfig(func(c *app.Config) {
		c.NoSyncRunner = true
		c.SyncPageSize = 5
		*cfg = *c
	})
}

// TestShutdownHandsJobBack stops the server running a job (as SIGTERM does):
// the job goes back to the queue instead of failing, and another replica
// finishes it from the saved pages (issue 8 §3).
func TestShutdownHandsJobBack(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		g := startTaobao(t, fakeSize{Products: 5, Orders: 40})
		var cfg app.Config
		w := newWorld(t, b, noRunner(&cfg))
		storeID := w.connected(t, g)
		g.SetDelay(100 * time.Millisecond)

		first := runnerApp(t, cfg)
		id := w.startSync(t, w.admin, storeID)
		w.pollUntil(t, w.admin, id, 30*time.Second, func(j job) bool { return j.Status == "RUNNING" && j.phaseDone() > 0 })
		if err := first.Close(); err != nil {
			t.Logf("close: %v", err)
		}
		if j := w.job(t, w.admin, id); j.Status != "QUEUED" || deref(j.Error) != "" {
			t.Fatalf("after a graceful stop the job is %s (%q), want QUEUED without error", j.Status, deref(j.Error))
		}
		g.SetDelay(0)
		second := runnerApp(t, cfg)
		defer second.Close()
		if j := w.wait(t, w.admin, id); j.Status != "SUCCEEDED" || j.Percent != 100 {
			t.Fatalf("handed-back job: %+v, want SUCCEEDED", j)
		}
		if got, _ := w.stored(t, storeID); got != g.want {
			t.Fatalf("after the handover the store holds %+v, the platform %+v", got, g.want)
		}
	})
}

// TestSubscriberSurvivesListenerDrops follows a job from a replica that does
// not run it while that replica's LISTEN connection is cut again and again:
// the subscriber still gets the final state and the subscription completes
// (issue 8 §4). PostgreSQL only.
func TestSubscriberSurvivesListenerDrops(t *testing.T) {
	bs := testenv.Backends()
	if len(bs) < 2 {
		t.Skipf("PostgreSQL only: set %s to run it", testenv.PostgresEnv)
	}
	t.Run(bs[1].Name, func(t *testing.T) {
		b := bs[1]
		g := startTaobao(t, fakeSize{Products: 5, Orders: 40})
		var cfg app.Config
		w := newWorld(t, b, noRunner(&cfg))
		storeID := w.connected(t, g)
		g.SetDelay(50 * time.Millisecond)
		runner := runnerApp(t, cfg)
		defer runner.Close()

		admin, err := sql.Open("pgx", cfg.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		cuts := 0
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(150 * time.Millisecond):
				}
				var n int
				_ = admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
					WHERE datname = current_database() AND application_name = $1`, db.ListenerAppName).Scan(&n)
				cuts += n
			}
		})
		id := w.startSync(t, w.admin, storeID)
		results := subscribe(t, w, map[string]any{"Authorization": "Bearer " + w.admin}, id)
		close(stop)
		wg.Wait()
		if len(results) == 0 {
			t.Fatal("no update at all")
		}
		last := results[len(results)-1]
		if last.Data.SyncJobUpdated == nil || last.Data.SyncJobUpdated.Status != "SUCCEEDED" {
			t.Fatalf("last update %+v, want SUCCEEDED", last)
		}
		if cuts == 0 {
			t.Fatal("no listener connection was cut: the test proved nothing")
		}
		t.Logf("%d updates while %d listener connections were cut", len(results), cuts)
	})
}
