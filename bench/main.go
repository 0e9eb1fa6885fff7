// Command bench reproduces the read-path table of issue 13 in one command:
//
//	go run ./bench                 # 10 s per measurement
//	go run ./bench -duration 2s
//
// It builds the server, loads a catalogue (500 products × 3 SKUs with a
// supplier) into a fresh SQLite file, starts the server as its own process,
// and drives it with a Go load generator (16 keep-alive connections) with two
// queries: products(first: 50) with SKUs and supplier, and one product by id
// with its SKUs. The floor is a plain net/http server returning a fixed 10 KB
// body, driven the same way in the same run. It prints req/s, p99, the ratio
// to the floor and the peak RSS (VmHWM) of each server process.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/organization"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
)

// Config is one run.
type Config struct {
	Duration    time.Duration // per measurement
	Connections int
	Products    int
	SKUs        int
	Out         io.Writer
	// ServerArgs are extra server flags (e.g. --pprof-addr).
	ServerArgs []string
	// ServerEnv are extra environment variables of the server (e.g. GOMEMLIMIT).
	ServerEnv []string
}

const (
	listQuery = `query List { products(first: 50) { edges { node { id title price { amount }
  skus(first: 10) { edges { node { id name stock price { amount } } } } supplier { id name } } } } }`
	oneQuery = `query One($id: ID!) { node(id: $id) { ... on Product { id title skus(first: 10) { edges { node { id name stock price { amount } } } } } } }`
)

// Result is one measured row.
type Result struct {
	Name       string
	Requests   int
	PerSecond  float64
	P50, P99   time.Duration
	BodyBytes  int
	PeakRSSMiB float64
	// PeakAnonMiB and PeakFileMiB split the resident set sampled during the
	// measurement: private memory (heap, stacks, SQLite's caches) and the
	// mapped pages of the executable (clean, shared, reclaimable).
	PeakAnonMiB, PeakFileMiB float64
	// CPUPerRequest is the server process's CPU time (user+system) per
	// request: steadier than req/s on a machine shared with other work.
	CPUPerRequest time.Duration
}

func main() {
	cfg := Config{Out: os.Stdout}
	flag.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long each measurement runs")
	flag.IntVar(&cfg.Connections, "connections", 16, "concurrent keep-alive connections")
	flag.IntVar(&cfg.Products, "products", 500, "products in the catalogue")
	flag.IntVar(&cfg.SKUs, "skus", 3, "SKUs per product")
	pprofAddr := flag.String("server-pprof-addr", "", "start the server with --pprof-addr (to profile it while the bench runs)")
	memLimit := flag.String("server-gomemlimit", "", "GOMEMLIMIT of the server process, e.g. 48MiB")
	serverArgs := flag.String("server-args", "", "extra server flags, space-separated (e.g. \"--db-max-open 8\")")
	serverEnv := flag.String("server-env", "", "extra server environment, space-separated (e.g. \"GOGC=200\")")
	flag.Parse()
	cfg.ServerArgs = append(cfg.ServerArgs, strings.Fields(*serverArgs)...)
	cfg.ServerEnv = append(cfg.ServerEnv, strings.Fields(*serverEnv)...)
	if *memLimit != "" {
		cfg.ServerEnv = append(cfg.ServerEnv, "GOMEMLIMIT="+*memLimit)
	}
	if *pprofAddr != "" {
		cfg.ServerArgs = append(cfg.ServerArgs, "--pprof-addr", *pprofAddr)
	}
	if _, err := Run(context.Background(), cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// Run builds and starts the servers, loads the catalogue, measures and prints the table.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	dir, err := os.MkdirTemp("", "opsgraph-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	bin, floorBin := filepath.Join(dir, "opsgraph"), filepath.Join(dir, "floor")
	for out, pkg := range map[string]string{bin: ".", floorBin: "./bench/floor"} {
		build := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
		build.Dir, build.Stderr = root, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("build %s: %w", pkg, err)
		}
	}
	dsn := filepath.Join(dir, "bench.db")
	if err := loadCatalogue(ctx, dsn, cfg.Products, cfg.SKUs); err != nil {
		return nil, fmt.Errorf("load the catalogue: %w", err)
	}

	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := append([]string{"--db", dsn, "--addr", addr, "--secret-key-file", filepath.Join(dir, "key"), "--log-level", "warn",
		"--rate-limit-per-token", "0", "--rate-limit-per-address", "0"}, cfg.ServerArgs...)
	server, err := start(ctx, bin, args, cfg.ServerEnv, "http://"+addr+"/readyz")
	if err != nil {
		return nil, err
	}
	defer stop(server)

	floorAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	floor, err := start(ctx, floorBin, []string{floorAddr}, nil, "http://"+floorAddr+"/")
	if err != nil {
		return nil, err
	}
	defer stop(floor)

	base := "http://" + addr + "/query"
	token, productID, err := signIn(base)
	if err != nil {
		return nil, err
	}
	list := request{url: base, token: token, body: mustJSON(map[string]any{"query": listQuery})}
	one := request{url: base, token: token, body: mustJSON(map[string]any{"query": oneQuery, "variables": map[string]any{"id": productID}})}
	fl := request{url: "http://" + floorAddr + "/", body: []byte(`{}`)}

	var results []Result
	for _, m := range []struct {
		name string
		req  request
		pid  int
	}{
		{"products(first:50) with SKUs and supplier", list, server.Process.Pid},
		{"one product by id with SKUs", one, server.Process.Pid},
		{"floor: net/http, fixed 10 KB body", fl, floor.Process.Pid},
	} {
		cpu0 := cpuTime(m.pid)
		stopSampling := sampleRSS(m.pid)
		r, err := load(m.req, cfg.Connections, cfg.Duration)
		r.PeakAnonMiB, r.PeakFileMiB = stopSampling()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.name, err)
		}
		r.CPUPerRequest = (cpuTime(m.pid) - cpu0) / time.Duration(r.Requests)
		r.Name = m.name
		r.PeakRSSMiB = peakRSS(m.pid)
		results = append(results, r)
	}
	report(cfg.Out, cfg, results)
	return results, nil
}

func report(w io.Writer, cfg Config, rs []Result) {
	floor := rs[len(rs)-1].PerSecond
	fmt.Fprintf(w, "\n%d products × %d SKUs, %d connections, %s per measurement, SQLite\n\n", cfg.Products, cfg.SKUs, cfg.Connections, cfg.Duration)
	floorCPU := rs[len(rs)-1].CPUPerRequest
	fmt.Fprintln(w, "| request | body | req/s | p50 | p99 | ratio to floor | server CPU per request | CPU ratio | server peak RSS | of it private / mapped binary |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		fmt.Fprintf(w, "| %s | %.1f KB | %.0f | %.1f ms | %.1f ms | %.3f | %.3f ms | %.3f | %.0f MB | %.0f / %.0f MB |\n", r.Name, float64(r.BodyBytes)/1024, r.PerSecond,
			float64(r.P50.Microseconds())/1000, float64(r.P99.Microseconds())/1000, r.PerSecond/floor,
			float64(r.CPUPerRequest.Microseconds())/1000, float64(floorCPU)/float64(max(r.CPUPerRequest, 1)), r.PeakRSSMiB,
			r.PeakAnonMiB, r.PeakFileMiB)
	}
}

type request struct {
	url, token string
	body       []byte
}

// load runs conns workers, each on its own keep-alive connection, for d.
func load(req request, conns int, d time.Duration) (Result, error) {
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failed    atomic.Value
		bodyBytes atomic.Int64
		wg        sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for range conns {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
			defer client.CloseIdleConnections()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				t0 := time.Now()
				n, err := do(client, req)
				if err != nil {
					failed.Store(err)
					return
				}
				mine = append(mine, time.Since(t0))
				bodyBytes.Store(int64(n))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := failed.Load().(error); err != nil {
		return Result{}, err
	}
	if len(latencies) == 0 {
		return Result{}, errors.New("no request completed")
	}
	slices.Sort(latencies)
	at := func(q float64) time.Duration { return latencies[min(len(latencies)-1, int(q*float64(len(latencies))))] }
	return Result{Requests: len(latencies), PerSecond: float64(len(latencies)) / elapsed.Seconds(),
		P50: at(0.50), P99: at(0.99), BodyBytes: int(bodyBytes.Load())}, nil
}

func do(client *http.Client, req request) (int, error) {
	hr, _ := http.NewRequest(http.MethodPost, req.url, bytes.NewReader(req.body))
	hr.Header.Set("Content-Type", "application/json")
	if req.token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.token)
	}
	res, err := client.Do(hr)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	if res.StatusCode != http.StatusOK || bytes.Contains(raw[:min(len(raw), 64)], []byte(`"errors"`)) {
		return 0, fmt.Errorf("status %d: %.300s", res.StatusCode, raw)
	}
	return len(raw), nil
}

func signIn(url string) (token, productID string, err error) {
	client := &http.Client{Timeout: 30 * time.Second}
	post := func(body map[string]any, out any) error {
		res, err := client.Post(url, "application/json", bytes.NewReader(mustJSON(body)))
		if err != nil {
			return err
		}
		defer res.Body.Close()
		return json.NewDecoder(res.Body).Decode(out)
	}
	var login struct {
		Data struct{ Login struct{ Token string } }
	}
	if err := post(map[string]any{"query": `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		"variables": map[string]any{"e": benchEmail, "p": benchPassword}}, &login); err != nil || login.Data.Login.Token == "" {
		return "", "", fmt.Errorf("sign in: %v", err)
	}
	hr, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(mustJSON(map[string]any{"query": `{ products(first: 1) { edges { node { id } } } }`})))
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Authorization", "Bearer "+login.Data.Login.Token)
	res, err := client.Do(hr)
	if err != nil {
		return "", "", err
	}
	defer res.Body.Close()
	var first struct {
		Data struct {
			Products struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&first); err != nil || len(first.Data.Products.Edges) == 0 {
		return "", "", fmt.Errorf("find a product: %v", err)
	}
	return login.Data.Login.Token, first.Data.Products.Edges[0].Node.ID, nil
}

const (
	benchEmail    = "bench@opsgraph.test"
	benchPassword = "bench-password-1"
)

// loadCatalogue creates an organization with an owner, a store, a supplier,
// and products × skus.
func loadCatalogue(ctx context.Context, dsn string, products, skus int) error {
	c, err := db.OpenClient(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close()
	sys := authz.SystemContext(ctx)
	org, err := c.Organization.Create().SetName("Bench Brand").SetKind(organization.KindBRAND).Save(sys)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(benchPassword)
	if err != nil {
		return err
	}
	u, err := c.User.Create().SetEmail(benchEmail).SetDisplayName("Bench").SetPasswordHash(hash).Save(sys)
	if err != nil {
		return err
	}
	if err := c.Membership.Create().SetUserID(u.ID).SetOrganizationID(org.ID).SetRole("owner").Exec(sys); err != nil {
		return err
	}
	st, err := c.Store.Create().SetName("Bench 旗舰店").SetPlatform(store.PlatformTMALL).SetOrganizationID(org.ID).Save(sys)
	if err != nil {
		return err
	}
	sup, err := c.Supplier.Create().SetName("Bench 供应商").SetCategory("美妆").SetLeadTimeDays(7).SetOrganizationID(org.ID).Save(sys)
	if err != nil {
		return err
	}
	for start := 0; start < products; start += 100 {
		var ps []*ent.ProductCreate
		for i := start; i < min(products, start+100); i++ {
			ps = append(ps, c.Product.Create().SetOrganizationID(org.ID).SetStoreID(st.ID).SetSupplierID(sup.ID).
				SetTitle(fmt.Sprintf("商品 %03d 丝绒唇釉", i)).SetPrice(schematype.Money(12900+i)).SetCost(schematype.Money(4000)))
		}
		saved, err := c.Product.CreateBulk(ps...).Save(sys)
		if err != nil {
			return err
		}
		var ss []*ent.SKUCreate
		for _, p := range saved {
			for j := range skus {
				ss = append(ss, c.SKU.Create().SetOrganizationID(org.ID).SetProductID(p.ID).SetName("颜色:"+strconv.Itoa(j)).
					SetCode(fmt.Sprintf("SKU-%d-%d", p.ID, j)).SetPrice(schematype.Money(12900)).SetStock(50+j))
			}
		}
		if err := c.SKU.CreateBulk(ss...).Exec(sys); err != nil {
			return err
		}
	}
	return nil
}

func start(ctx context.Context, bin string, args, env []string, ready string) (*exec.Cmd, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	for range 300 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ready, nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			return cmd, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop(cmd)
	return nil, fmt.Errorf("%s did not become ready", bin)
}

func stop(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// cpuTime reads the process's user+system CPU time from /proc (clock ticks
// of 10 ms on Linux).
func cpuTime(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start at ") ".
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

// peakRSS reads the process's peak resident set size (VmHWM) in MiB.
func peakRSS(pid int) float64 { return statusKB(pid, "VmHWM:") / 1024 }

// sampleRSS samples the process's private (RssAnon) and file-backed
// (RssFile) resident memory every 50 ms until the returned func is called,
// which returns their peaks in MiB. The kernel keeps a peak only of the
// total (VmHWM).
func sampleRSS(pid int) func() (anon, file float64) {
	done := make(chan struct{})
	var peakAnon, peakFile float64
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			a, f := statusKB(pid, "RssAnon:"), statusKB(pid, "RssFile:")
			peakAnon, peakFile = max(peakAnon, a/1024), max(peakFile, f/1024)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() (float64, float64) {
		close(done)
		<-finished
		return peakAnon, peakFile
	}
}

// statusKB reads one "Name:  N kB" line of /proc/pid/status.
func statusKB(pid int, name string) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, name); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb
		}
	}
	return 0
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
