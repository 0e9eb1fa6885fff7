// Package scaleout tests OpsGraph as operators run it at scale: several real
// server processes (the binary built once per test run) on one PostgreSQL,
// replicas killed and frozen mid-job, fake platform gateways in this process.
package scaleout

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/opsgraph/opsgraph/demo"
	taobaofake "github.com/opsgraph/opsgraph/plugins/taobao/fake"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

// serverBinary builds the server once per test process.
func serverBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "opsgraph-scaleout-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "opsgraph")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/opsgraph/opsgraph")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// lockedBuffer collects a process's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// replica is one server process.
type replica struct {
	name string
	cmd  *exec.Cmd
	url  string
	log  *lockedBuffer
	done chan struct{}
	err  error // exit status, once done is closed
}

// clusterConfig is what every replica of a test shares.
type clusterConfig struct {
	dsn       string
	key       string // base64 secret key
	heartbeat string
	lease     string
	pageSize  int
	maxOpen   int
	demo      bool
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func newKey() string {
	var k [32]byte
	_, _ = rand.Read(k[:])
	return base64.StdEncoding.EncodeToString(k[:])
}

// start launches a replica in its own process group (so that cleanup also
// ends its plugin processes) and does not wait for it to be ready.
func start(t testing.TB, name string, c clusterConfig) *replica {
	t.Helper()
	addr := freeAddr(t)
	dsn := c.dsn
	if strings.HasPrefix(dsn, "postgres") { // name the replica's connections in pg_stat_activity
		dsn = withParam(dsn, "application_name", name)
	}
	args := []string{"--addr", addr, "--db", dsn, "--log-format", "text",
		"--sync-heartbeat", c.heartbeat, "--sync-lease", c.lease,
		"--sync-page-size", fmt.Sprint(c.pageSize), "--db-max-open", fmt.Sprint(c.maxOpen),
		// The test watches every job from one token on each replica.
		"--ws-max-conns-per-token", "100"}
	if c.demo {
		args = append(args, "--demo")
	}
	cmd := exec.Command(serverBinary(t), args...)
	dir := t.TempDir()
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OPSGRAPH_SECRET_KEY="+c.key, "OPSGRAPH_DEMO_PORTS=0,0,0",
		"OPSGRAPH_SECRET_KEY_FILE="+filepath.Join(dir, "key"))
	r := &replica{name: name, cmd: cmd, url: "http://" + addr, log: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = r.log, r.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.err = cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGCONT)
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
		if t.Failed() {
			t.Logf("--- log of %s ---\n%s", r.name, tail(r.log.String(), 6000))
		}
	})
	return r
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// ready waits until the replica answers /readyz or exits.
func (r *replica) ready(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			t.Fatalf("%s exited during start-up (%v):\n%s", r.name, r.err, tail(r.log.String(), 4000))
		default:
		}
		if res, err := http.Get(r.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s not ready in time:\n%s", r.name, tail(r.log.String(), 4000))
}

type gqlError struct {
	Message    string
	Extensions map[string]any
}

// gql posts a GraphQL request and decodes data into out; it returns the errors.
func (r *replica) gql(token, query string, vars map[string]any, out any) ([]gqlError, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, r.url+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var env struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("%s: %s", err, raw)
	}
	if out != nil && len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return env.Errors, err
		}
	}
	return env.Errors, nil
}

// must is gql failing the test on any error (call from the test goroutine).
func (r *replica) must(t testing.TB, token, query string, vars map[string]any, out any) {
	t.Helper()
	errs, err := r.gql(token, query, vars, out)
	if err != nil || len(errs) > 0 {
		t.Fatalf("%s: %s: %v %+v", r.name, strings.Join(strings.Fields(query), " "), err, errs)
	}
}

// login signs in as the demo owner and returns the token and the agency's id.
func login(t testing.TB, r *replica) (token, org string) {
	t.Helper()
	var out struct{ Login struct{ Token string } }
	r.must(t, "", `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		map[string]any{"e": "owner@agency.demo", "p": demo.Password}, &out)
	var me struct {
		Me struct {
			Memberships []struct{ Organization struct{ ID, Name string } }
		}
	}
	r.must(t, out.Login.Token, `{ me { memberships { organization { id name } } } }`, nil, &me)
	if len(me.Me.Memberships) == 0 {
		t.Fatal("the demo owner has no membership")
	}
	return out.Login.Token, me.Me.Memberships[0].Organization.ID
}

// fakeGateway starts a fake Taobao gateway for one store.
func fakeGateway(t testing.TB, seed int64, products, orders int) *taobaofake.Server {
	t.Helper()
	s, err := taobaofake.Start(taobaofake.Options{Seed: seed, Products: products, Orders: orders})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// connectStore creates a Tmall store in org and connects it to g.
func connectStore(t testing.TB, r *replica, token, org string, i int, g *taobaofake.Server) string {
	t.Helper()
	var st struct{ CreateStore struct{ ID string } }
	r.must(t, token, `mutation($org: ID!, $n: String!) { createStore(input: {name: $n, platform: TMALL, organizationID: $org}) { id } }`,
		map[string]any{"org": org, "n": fmt.Sprintf("扩容测试店 %02d", i)}, &st)
	reconnect(t, r, token, st.CreateStore.ID, g)
	return st.CreateStore.ID
}

// reconnect (re)connects a store to g, which also resets its sync cursors.
func reconnect(t testing.TB, r *replica, token, storeID string, g *taobaofake.Server) {
	t.Helper()
	conn := g.Connection()
	var creds []map[string]string
	for k, v := range conn.Credentials {
		creds = append(creds, map[string]string{"name": k, "value": v})
	}
	r.must(t, token, `mutation($s: ID!, $c: [CredentialInput!]!, $e: String, $code: String) {
		connectStore(storeID: $s, platform: "taobao", credentials: $c, endpoint: $e, authorizationCode: $code) { id } }`,
		map[string]any{"s": storeID, "c": creds, "e": conn.Endpoint, "code": g.AuthCode()}, nil)
}

// syncStore requests a sync through r and returns the job id.
func syncStore(r *replica, token, storeID string) (string, error) {
	var out struct{ SyncStore struct{ ID, Status string } }
	errs, err := r.gql(token, `mutation($s: ID!) { syncStore(storeID: $s) { id status } }`, map[string]any{"s": storeID}, &out)
	if err == nil && len(errs) > 0 {
		err = fmt.Errorf("%+v", errs)
	}
	return out.SyncStore.ID, err
}

// openDB opens the test's database for direct checks.
func openDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// waitFor polls cond every 20 ms until it holds or limit passes.
func waitFor(t testing.TB, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached in %s", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ctxTimeout is a context for one direct database check.
func ctxTimeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 10*time.Second)
}
