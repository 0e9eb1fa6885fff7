package synctest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// trySync calls syncStore from any goroutine: it reports errors with
// t.Errorf instead of stopping the test.
func (w *world) trySync(t testing.TB, storeID string) job {
	res := w.gql(t, w.admin, `mutation($s: ID!) { syncStore(storeID: $s) { `+jobFields+` } }`, map[string]any{"s": storeID})
	if len(res.Errors) > 0 {
		t.Errorf("syncStore(%s): %+v", storeID, res.Errors)
		return job{}
	}
	var out struct{ SyncStore job }
	res.Decode(t, &out)
	return out.SyncStore
}

// TestManyQueuedJobs queues 20 syncs at once (issue 8 §1: the claim failed
// as soon as two jobs were queued), each requested twice concurrently (§2:
// one active job per store and items): every store gets one job, every job
// runs exactly once and succeeds, every page is fetched once, no row is
// duplicated, and progress is drawable (§9).
func TestManyQueuedJobs(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		const n = 20
		size := fakeSize{Products: 8, Orders: 25}
		w := newWorld(t, b, withConfig(func(c *app.Config) { c.SyncPageSize = 10 }))

		// One store synced alone gives the platform calls of one full sync.
		base := startTaobao(t, size)
		w.sync(t, w.admin, w.connected(t, base))
		perSync := base.calls(base.ordersMethod)

		gs := make([]*gateway, n)
		stores := make([]string, n)
		for i := range n {
			gs[i] = startTaobao(t, size)
			stores[i] = w.connected(t, gs[i])
		}
		// The platforms hold every call until all requests are in, so that
		// every store's job is still active when its second syncStore arrives.
		for _, g := range gs {
			g.SetDelay(time.Second)
		}
		got := make([][2]job, n)
		var wg sync.WaitGroup
		for i := range n {
			for k := range 2 {
				wg.Go(func() { got[i][k] = w.trySync(t, stores[i]) })
			}
		}
		wg.Wait()
		for _, g := range gs {
			g.SetDelay(0)
		}
		if t.Failed() {
			t.FailNow()
		}
		seen := map[string]bool{}
		for i, pair := range got {
			if pair[0].ID != pair[1].ID {
				t.Errorf("store %d: two concurrent syncStore calls made two jobs %s and %s", i, pair[0].ID, pair[1].ID)
			}
			if seen[pair[0].ID] {
				t.Errorf("job %s returned for two stores", pair[0].ID)
			}
			seen[pair[0].ID] = true
		}
		deadline := time.Now().Add(2 * time.Minute)
		for i, pair := range got {
			j := w.waitUntil(t, pair[0].ID, deadline)
			if j.Status != "SUCCEEDED" || deref(j.Error) != "" || j.Percent != 100 {
				t.Errorf("store %d: job ended %+v, want SUCCEEDED at 100 %% without error", i, j)
			}
			if c, _ := w.stored(t, stores[i]); c != gs[i].want {
				t.Errorf("store %d holds %+v, the platform has %+v", i, c, gs[i].want)
			}
			if calls := gs[i].calls(gs[i].ordersMethod); calls != perSync {
				t.Errorf("store %d: %d order pages fetched, one sync fetches %d", i, calls, perSync)
			}
			if runs := strings.Count(w.log.String(), `msg="sync finished" job_id=`+pair[0].ID+" "); runs != 1 {
				t.Errorf("job %s finished %d times, want exactly once", pair[0].ID, runs)
			}
		}
	})
}

// waitUntil polls a job until it ends or the deadline passes.
func (w *world) waitUntil(t testing.TB, id string, deadline time.Time) job {
	t.Helper()
	for {
		j := w.job(t, w.admin, id)
		if j.finished() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s did not end in time (last: %+v)", id, j)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestCancelAndRetry cancels a running job and retries it, retries a failed
// one, and checks the codes of both mutations on jobs in the wrong state.
func TestCancelAndRetry(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		g := startTaobao(t, fakeSize{Products: 5, Orders: 40})
		w := newWorld(t, b, withConfig(func(c *app.Config) { c.SyncPageSize = 5 }))
		storeID := w.connected(t, g)
		mutate := func(name, id string) *testenv.Response {
			return w.gql(t, w.admin, fmt.Sprintf(`mutation($id: ID!) { %s(id: $id) { %s } }`, name, jobFields), map[string]any{"id": id})
		}
		decode := func(res *testenv.Response, name string) job {
			t.Helper()
			if len(res.Errors) > 0 {
				t.Fatalf("%s: %+v", name, res.Errors)
			}
			var out map[string]job
			res.Decode(t, &out)
			return out[name]
		}

		// Cancel while the platform is slow: the job ends CANCELED at once.
		g.SetDelay(200 * time.Millisecond)
		id := w.startSync(t, w.admin, storeID)
		w.pollUntil(t, w.admin, id, 30*time.Second, func(j job) bool { return j.Status == "RUNNING" })
		if j := decode(mutate("cancelSyncJob", id), "cancelSyncJob"); j.Status != "CANCELED" {
			t.Fatalf("cancelSyncJob → %s, want CANCELED", j.Status)
		}
		if codes := mutate("cancelSyncJob", id).Codes(); len(codes) != 1 || codes[0] != "CONFLICT" {
			t.Errorf("canceling a canceled job: codes %v, want CONFLICT", codes)
		}
		// A new sync of the store is a new job (the canceled one is not active).
		g.SetDelay(0)
		other := w.startSync(t, w.admin, storeID)
		if other == id {
			t.Fatalf("syncStore after cancel returned the canceled job")
		}
		if j := w.wait(t, w.admin, other); j.Status != "SUCCEEDED" {
			t.Fatalf("sync after cancel: %+v", j)
		}
		if j := w.job(t, w.admin, id); j.Status != "CANCELED" {
			t.Fatalf("the canceled job's runner wrote after the cancel: %+v", j)
		}
		if codes := mutate("retrySyncJob", other).Codes(); len(codes) != 1 || codes[0] != "CONFLICT" {
			t.Errorf("retrying a succeeded job: codes %v, want CONFLICT", codes)
		}

		// A failed job, retried, succeeds with its error cleared.
		g.FailNext(1000)
		failed := w.wait(t, w.admin, w.startSync(t, w.admin, storeID))
		if failed.Status != "FAILED" || failed.Error == nil {
			t.Fatalf("sync against a failing platform: %+v, want FAILED with an error", failed)
		}
		g.FailNext(0)
		if j := decode(mutate("retrySyncJob", failed.ID), "retrySyncJob"); j.ID != failed.ID || (j.Status != "QUEUED" && j.Status != "RUNNING" && j.Status != "SUCCEEDED") {
			t.Fatalf("retrySyncJob → %+v", j)
		}
		if j := w.wait(t, w.admin, failed.ID); j.Status != "SUCCEEDED" || deref(j.Error) != "" {
			t.Fatalf("retried job: %+v (error %q), want SUCCEEDED with the error cleared", j, deref(j.Error))
		}
		// The canceled job can be retried too: it resumes and succeeds.
		if j := decode(mutate("retrySyncJob", id), "retrySyncJob"); j.ID != id {
			t.Fatalf("retrying the canceled job returned %s", j.ID)
		}
		if j := w.wait(t, w.admin, id); j.Status != "SUCCEEDED" {
			t.Fatalf("retried canceled job: %+v", j)
		}
	})
}
