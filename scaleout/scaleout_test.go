package scaleout

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/opsgraph/opsgraph/internal/testenv"
	taobaofake "github.com/opsgraph/opsgraph/plugins/taobao/fake"
)

// Short lease for the test; production defaults are 5 s and 20 s.
const (
	testHeartbeat = 500 * time.Millisecond
	testLease     = 3 * time.Second
	maxOpen       = 8
)

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// watch subscribes to a job on r and returns the last status it received
// before the subscription completed (or why it did not).
func watch(ctx context.Context, r *replica, token, jobID string) (string, error) {
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(r.url, "http")+"/query",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return "", err
	}
	defer c.CloseNow()
	p, _ := json.Marshal(map[string]any{"Authorization": "Bearer " + token})
	if err := wsjson.Write(ctx, c, wsMessage{Type: "connection_init", Payload: p}); err != nil {
		return "", err
	}
	sub, _ := json.Marshal(map[string]any{"query": `subscription($id: ID!) { syncJobUpdated(id: $id) { id status } }`,
		"variables": map[string]any{"id": jobID}})
	if err := wsjson.Write(ctx, c, wsMessage{ID: "1", Type: "subscribe", Payload: sub}); err != nil {
		return "", err
	}
	last := ""
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, c, &m); err != nil {
			return last, fmt.Errorf("after %q: %w", last, err)
		}
		switch m.Type {
		case "ping":
			_ = wsjson.Write(ctx, c, wsMessage{Type: "pong"})
		case "next":
			var res struct {
				Data struct{ SyncJobUpdated struct{ Status string } }
			}
			_ = json.Unmarshal(m.Payload, &res)
			last = res.Data.SyncJobUpdated.Status
		case "error":
			return last, fmt.Errorf("subscription error %s", m.Payload)
		case "complete":
			return last, nil
		}
	}
}

// TestScaleOut runs 3 server processes on one PostgreSQL database, all
// started at once with --demo on the empty database (issue 8 §7), requests
// 30 syncs concurrently across them, kills one replica with SIGKILL in the
// middle of a job and freezes another with SIGSTOP past its lease (§3), and
// checks: every job SUCCEEDED exactly once, each platform page was fetched
// once (plus at most the page in flight at the kill and at the freeze), no
// duplicate rows, subscribers on the surviving replicas saw every final state
// (§4), policy edits reached the other replica through NOTIFY (§5), the
// connections stayed within the configured pool (§6), and a replica with
// another secret key refuses to start (§8).
func TestScaleOut(t *testing.T) {
	if os.Getenv(testenv.PostgresEnv) == "" {
		t.Skipf("scale-out test skipped: set %s to a postgres:// URL to run it", testenv.PostgresEnv)
	}
	const (
		nJobs    = 30
		products = 10
		orders   = 60
		pageSize = 10
	)
	dsn := testenv.PostgresDSN(t)
	cfg := clusterConfig{dsn: dsn, key: newKey(), heartbeat: testHeartbeat.String(), lease: testLease.String(),
		pageSize: pageSize, maxOpen: maxOpen, demo: true}
	db := openDB(t, withParam(dsn, "application_name", "scaleout-test"))

	// §7: three replicas start together on the empty database.
	reps := make([]*replica, 3)
	for i := range reps {
		reps[i] = start(t, fmt.Sprintf("replica-%d", i), cfg)
	}
	for _, r := range reps {
		r.ready(t)
	}
	var owners int
	ctx, cancel := ctxTimeout()
	defer cancel()
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email = 'owner@agency.demo'`).Scan(&owners); err != nil || owners != 1 {
		t.Fatalf("demo owner rows = %d (%v), want the demo loaded exactly once", owners, err)
	}

	// §8: a replica with another key refuses to start, saying why.
	other := cfg
	other.key = newKey()
	bad := start(t, "replica-other-key", other)
	select {
	case <-bad.done:
	case <-time.After(60 * time.Second):
		t.Fatal("a replica with another secret key kept running")
	}
	if bad.err == nil || !strings.Contains(bad.log.String(), "secret key") {
		t.Fatalf("replica with another key: exit %v, output:\n%s", bad.err, tail(bad.log.String(), 2000))
	}

	token, org := login(t, reps[0])
	gws := make([]*taobaofake.Server, nJobs)
	stores := make([]string, nJobs)
	for i := range nJobs {
		gws[i] = fakeGateway(t, int64(100+i), products, orders)
		gws[i].SetDelay(40 * time.Millisecond) // each job takes a while: there is something to kill
		stores[i] = connectStore(t, reps[i%3], token, org, i, gws[i])
	}

	// 30 syncs at once, spread over the replicas.
	jobs := make([]string, nJobs)
	var wg sync.WaitGroup
	for i := range nJobs {
		wg.Go(func() {
			id, err := syncStore(reps[(i+1)%3], token, stores[i])
			if err != nil {
				t.Errorf("syncStore %d: %v", i, err)
			}
			jobs[i] = id
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Subscribers on replica 0 and replica 2 (replica 1 will be killed).
	wctx, wcancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer wcancel()
	type watched struct {
		replica, job string
		status       string
		err          error
	}
	results := make(chan watched, 2*nJobs)
	for _, r := range []*replica{reps[0], reps[2]} {
		for _, id := range jobs {
			go func() {
				st, err := watch(wctx, r, token, id)
				results <- watched{r.name, id, st, err}
			}()
		}
	}

	// §5 under load: a new custom role and an edit of it, made on replica 0,
	// seen by replica 2.
	propagation := measurePolicy(t, reps[0], reps[2], token, org)

	// §6: each replica's pool stays within --db-max-open (its listener is
	// one more connection, named apart).
	maxConns := 0
	peak := map[string]int{}
	poolDone := make(chan struct{})
	go func() {
		defer close(poolDone)
		for {
			rows, err := db.Query(`SELECT application_name, count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name LIKE 'replica-%' GROUP BY 1`)
			if err == nil {
				total := 0
				for rows.Next() {
					var name string
					var n int
					if rows.Scan(&name, &n) == nil {
						peak[name] = max(peak[name], n)
						total += n
					}
				}
				rows.Close()
				maxConns = max(maxConns, total)
			}
			select {
			case <-wctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			var open int
			_ = db.QueryRow(`SELECT count(*) FROM sync_jobs WHERE status IN ('QUEUED','RUNNING')`).Scan(&open)
			if open == 0 {
				return
			}
		}
	}()

	// §3: SIGKILL replica 1 in the middle of a job.
	killed, _ := runningJobOf(t, db, reps[1])
	if err := reps[1].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	reclaimed := waitReclaimed(t, db, killed, reps[1])
	reclaim := reclaimed.Sub(killedAt)

	// SIGSTOP replica 2 in the middle of a job until another replica took it
	// over, then let it go on: it must not touch the job again.
	frozen, _ := runningJobOf(t, db, reps[2])
	if err := reps[2].cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitReclaimed(t, db, frozen, reps[2])
	if err := reps[2].cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}

	// Every job ends SUCCEEDED.
	waitFor(t, "all jobs ended", 3*time.Minute, func() bool {
		var open int
		_ = db.QueryRow(`SELECT count(*) FROM sync_jobs WHERE status IN ('QUEUED','RUNNING')`).Scan(&open)
		return open == 0
	})
	<-poolDone
	for i, id := range jobs {
		var status, errText string
		if err := db.QueryRow(`SELECT status, coalesce(error, '') FROM sync_jobs WHERE id = $1`, id).Scan(&status, &errText); err != nil {
			t.Fatal(err)
		}
		if status != "SUCCEEDED" || errText != "" {
			t.Errorf("job %d (%s): %s %q, want SUCCEEDED without error", i, id, status, errText)
		}
	}
	var nJobRows int
	_ = db.QueryRow(`SELECT count(*) FROM sync_jobs`).Scan(&nJobRows)
	if nJobRows != nJobs {
		t.Errorf("%d sync jobs in the database, want %d", nJobRows, nJobs)
	}
	// Exactly once: one "sync finished" per job over all replicas' logs, and
	// the frozen replica stopped without writing once it woke up.
	var logs string
	for _, r := range reps {
		logs += r.log.String()
	}
	for _, id := range jobs {
		if n := strings.Count(logs, `msg="sync finished" job_id=`+id+" "); n != 1 {
			t.Errorf("job %s finished %d times, want exactly once", id, n)
		}
	}
	// Each page fetched once, plus at most the page in flight at the kill and
	// at the freeze; every store holds exactly its platform's rows.
	var counts []int
	for _, g := range gws {
		counts = append(counts, g.Calls("taobao.trades.sold.get"))
	}
	once := slices.Min(counts)
	extra := 0
	for i, c := range counts {
		extra += c - once
		if c > once+2 { // its job may have been both the killed and the frozen one
			t.Errorf("store %d: %d order pages fetched, a sync fetches %d", i, c, once)
		}
	}
	if extra > 2 {
		t.Errorf("%d order pages fetched twice, want at most 2 (the killed and the frozen job's pages in flight): %v", extra, counts)
	}
	for i, s := range stores {
		var nOrders, nDistinct, nProducts int
		if err := db.QueryRow(`SELECT count(*), count(DISTINCT external_id) FROM orders WHERE store_id = $1`, s).Scan(&nOrders, &nDistinct); err != nil {
			t.Fatal(err)
		}
		_ = db.QueryRow(`SELECT count(*) FROM products WHERE store_id = $1`, s).Scan(&nProducts)
		if nOrders != orders || nDistinct != orders || nProducts != products {
			t.Errorf("store %d: %d orders (%d distinct), %d products; the platform has %d and %d", i, nOrders, nDistinct, nProducts, orders, products)
		}
	}
	// Subscribers saw every final state and their subscriptions completed.
	for range 2 * nJobs {
		w := <-results
		if w.err != nil || w.status != "SUCCEEDED" {
			t.Errorf("subscriber on %s to job %s: last %q, %v; want SUCCEEDED then complete", w.replica, w.job, w.status, w.err)
		}
	}
	for name, n := range peak {
		if n > maxOpen {
			t.Errorf("%s had %d connections open, above --db-max-open %d", name, n, maxOpen)
		}
	}
	t.Logf("reclaim after SIGKILL: %s (lease %s, heartbeat %s); policy propagation under load: %s; peak pool connections %d (3 replicas, --db-max-open %d, plus one listener each); page fetches per store %d, extra %d",
		reclaim.Round(time.Millisecond), testLease, testHeartbeat, propagation, maxConns, maxOpen, once, extra)

	// A graceful stop of the surviving replicas.
	for _, r := range []*replica{reps[0], reps[2]} {
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
			if r.err != nil {
				t.Errorf("%s after SIGTERM: %v", r.name, r.err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("%s did not stop after SIGTERM", r.name)
		}
	}
}

// runningJobOf waits until r runs a job that has saved at least one page
// and returns its id and fencing token.
func runningJobOf(t *testing.T, db *sql.DB, r *replica) (string, int64) {
	t.Helper()
	var id string
	var tok int64
	pattern := fmt.Sprintf("%%/%d", r.cmd.Process.Pid)
	waitFor(t, r.name+" running a job", time.Minute, func() bool {
		err := db.QueryRow(`SELECT id, lease_token FROM sync_jobs WHERE status = 'RUNNING' AND claimed_by LIKE $1 AND done > 0 LIMIT 1`, pattern).Scan(&id, &tok)
		return err == nil
	})
	return id, tok
}

// waitReclaimed waits until another replica than r claimed job and returns when.
func waitReclaimed(t *testing.T, db *sql.DB, job string, r *replica) time.Time {
	t.Helper()
	pattern := fmt.Sprintf("%%/%d", r.cmd.Process.Pid)
	waitFor(t, "job "+job+" reclaimed from "+r.name, time.Minute, func() bool {
		var n int
		err := db.QueryRow(`SELECT count(*) FROM sync_jobs WHERE id = $1 AND (status <> 'RUNNING' OR claimed_by NOT LIKE $2)`, job, pattern).Scan(&n)
		return err == nil && n == 1
	})
	return time.Now()
}

// measurePolicy creates a custom role on from and edits it, and returns how
// long the slower of the two took to show on to.
func measurePolicy(t *testing.T, from, to *replica, token, org string) time.Duration {
	t.Helper()
	name := fmt.Sprintf("promo_%d", time.Now().UnixNano()%1e6)
	var worst time.Duration
	for _, perms := range [][]string{{"store:read"}, {"store:read", "campaign:launch"}} {
		var ps []map[string]string
		for _, p := range perms {
			o, a, _ := strings.Cut(p, ":")
			ps = append(ps, map[string]string{"object": o, "action": a})
		}
		from.must(t, token, `mutation($o: ID!, $n: String!, $p: [PermissionInput!]!) { setCustomRole(organizationID: $o, name: $n, permissions: $p) { name } }`,
			map[string]any{"o": org, "n": name, "p": ps}, nil)
		edited := time.Now()
		waitFor(t, "role "+name+" with "+strings.Join(perms, ",")+" on "+to.name, 10*time.Second, func() bool {
			var out struct {
				Roles []struct {
					Name        string
					Permissions []struct{ Object, Action string }
				}
			}
			if errs, err := to.gql(token, `query($o: ID!) { roles(organizationID: $o) { name permissions { object action } } }`, map[string]any{"o": org}, &out); err != nil || len(errs) > 0 {
				return false
			}
			for _, r := range out.Roles {
				if r.Name == name && len(r.Permissions) == len(perms) {
					return true
				}
			}
			return false
		})
		worst = max(worst, time.Since(edited))
	}
	return worst.Round(time.Millisecond)
}

// withParam sets a query parameter of a database URL.
func withParam(dsn, k, v string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return u.String()
}
