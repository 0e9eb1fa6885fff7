// Command flashsale measures 秒杀 reservations per second through the GraphQL
// HTTP endpoint, with parallel clients, on SQLite or PostgreSQL, and checks
// that no unit is oversold:
//
//	go run ./bench/flashsale                          # SQLite, 64 clients, 10,000 reservations
//	go run ./bench/flashsale -dsn postgres://postgres:postgres@127.0.0.1:5432/postgres?sslmode=disable
//
// It starts the server in-process on a fresh database (a new SQLite file, or
// a new PostgreSQL database next to the one named by -dsn), seeds a store, a
// SKU and a LIVE FLASH_SALE campaign whose slot holds -stock units, creates a
// mall API token scoped to the store (role mall_app), and sends -requests
// reserveFlashSale mutations over -clients keep-alive connections, each from
// its own buyer. It prints attempts/s, reservations/s, p50/p99 latency, the
// process's CPU time per attempt (server and clients; steadier than req/s on
// a shared machine), and
// the slot's books: units reserved must equal successful reservations and
// stock − remaining (0 oversold), or it exits 1.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/flashreservation"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

const reserveQ = `mutation($k: String!, $c: ID!, $sku: ID!, $b: String!) {
  reserveFlashSale(idempotencyKey: $k, campaignID: $c, slot: 0, skuID: $sku, buyerRef: $b, quantity: 1) { id } }`

type options struct {
	pgURL                     string
	mode                      string
	clients, requests, stock  int
	perUser, asks, maxOpen    int
	logErrors, countStatement bool
	cpuProfile                string
}

func main() {
	var o options
	flag.StringVar(&o.pgURL, "dsn", "", "PostgreSQL URL of an existing database to create the benchmark database next to; empty: SQLite")
	flag.StringVar(&o.mode, "mode", "http", "http: reserveFlashSale through the GraphQL endpoint; service: mallsvc.Reserve in a transaction per call; batch: mallsvc.ReserveBatched (group commit)")
	flag.IntVar(&o.clients, "clients", 64, "parallel clients (keep-alive connections)")
	flag.IntVar(&o.requests, "requests", 10000, "reservations to send")
	flag.IntVar(&o.stock, "stock", 0, "units in the slot; 0: enough for every request the per-user limit allows")
	flag.IntVar(&o.perUser, "per-user", 1, "per-user limit of the slot")
	flag.IntVar(&o.asks, "asks", 1, "requests per buyer (asks > per-user exercises the per-user limit)")
	flag.IntVar(&o.maxOpen, "db-max-open", 0, "database pool size; 0: the server default")
	flag.BoolVar(&o.logErrors, "log", false, "log the server's errors to stderr")
	flag.BoolVar(&o.countStatement, "count", false, "count SQL statements (ent debug driver; slower)")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the timed run to this file")
	flag.Parse()
	if o.stock == 0 {
		buyers := (o.requests + o.asks - 1) / o.asks
		o.stock = buyers*min(o.perUser, o.asks) + warmups(o)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "flashsale:", err)
		os.Exit(1)
	}
}

// warmups: untimed reservations of distinct buyers before the run, one
// round from every client at once and one more, so that the keep-alive
// connections and the database pool are open before the timer starts.
func warmups(o options) int { return 2 * o.clients }

func run(o options) error {
	ctx := context.Background()
	dsn, backend, cleanup, err := freshDB(o.pgURL)
	if err != nil {
		return err
	}
	defer cleanup()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	logOut := io.Discard
	if o.logErrors {
		logOut = os.Stderr
	}
	var statements atomic.Int64
	var entOpts []ent.Option
	if o.countStatement {
		entOpts = []ent.Option{ent.Debug(), ent.Log(func(...any) { statements.Add(1) })}
	}
	a, err := app.New(ctx, app.Config{DSN: dsn, SecretKey: key, NoSyncRunner: true,
		Log:    slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelError})),
		DBPool: db.Pool{MaxOpen: o.maxOpen}, ClientOptions: entOpts})
	if err != nil {
		return err
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	sys := authz.SystemContext(ctx)
	c := a.Client
	org := c.Organization.Create().SetName("Bench brand").SaveX(sys)
	u := c.User.Create().SetEmail("owner@bench.test").SetDisplayName("owner").SetPasswordHash("x").SaveX(sys)
	c.Membership.Create().SetUserID(u.ID).SetOrganizationID(org.ID).SetRole(authz.RoleOwner).ExecX(sys)
	st := c.Store.Create().SetName("Mini-program").SetPlatform(store.PlatformOTHER).SetOrganizationID(org.ID).SaveX(sys)
	p := c.Product.Create().SetStoreID(st.ID).SetTitle("精华").SetPrice(10000).SaveX(sys)
	sku := c.SKU.Create().SetProductID(p.ID).SetName("30ml").SetPrice(10000).SaveX(sys)
	now := time.Now()
	camp := c.Campaign.Create().SetStoreID(st.ID).SetName("秒杀").SetKind(campaign.KindFLASH_SALE).SetStatus(campaign.StatusLIVE).
		SetStartsAt(now.Add(-time.Hour)).SetEndsAt(now.Add(24 * time.Hour)).
		SetRules(schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{FlashPrice: 1000, PerUserLimit: o.perUser,
			Slots: []schematype.FlashSaleSlot{{StartsAt: now.Add(-time.Hour), EndsAt: now.Add(2 * time.Hour), Stock: o.stock}}}}).
		SaveX(sys)
	sid := st.ID
	token, _, err := a.Auth.NewAPIToken(sys, c, u.ID, "bench", org.ID, authz.RoleMall, nil, &sid)
	if err != nil {
		return err
	}
	buyer := func(i int) string {
		if i < 0 {
			return fmt.Sprintf("warm%d", -i)
		}
		return fmt.Sprintf("buyer%d", i/o.asks)
	}

	var send func(i int) (bool, error)
	switch o.mode {
	case "http":
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.clients, MaxConnsPerHost: o.clients}}
		send = func(i int) (bool, error) {
			body, _ := json.Marshal(map[string]any{"query": reserveQ, "variables": map[string]any{
				"k": fmt.Sprintf("k%d", i), "c": fmt.Sprint(camp.ID), "sku": fmt.Sprint(sku.ID), "b": buyer(i)}})
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/query", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := hc.Do(req)
			if err != nil {
				return false, err
			}
			defer res.Body.Close()
			var out struct {
				Errors []struct {
					Message    string         `json:"message"`
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
				return false, err
			}
			if len(out.Errors) == 0 {
				return true, nil
			}
			if out.Errors[0].Extensions["code"] != "CONFLICT" {
				return false, fmt.Errorf("request %d: %s %v", i, out.Errors[0].Message, out.Errors[0].Extensions)
			}
			return false, nil
		}
	case "service":
		svc := &mallsvc.Service{Client: c}
		send = func(i int) (bool, error) {
			_, err := svc.ReserveTx(ctx, mallsvc.ReserveInput{Key: fmt.Sprintf("k%d", i), CampaignID: camp.ID,
				SKUID: sku.ID, BuyerRef: buyer(i), Quantity: 1})
			var ae *apperr.Error
			if errors.As(err, &ae) && ae.Code == apperr.Conflict {
				return false, nil
			}
			return err == nil, err
		}
	case "batch":
		svc := &mallsvc.Service{Client: c}
		send = func(i int) (bool, error) {
			_, err := svc.ReserveBatched(ctx, mallsvc.ReserveInput{Key: fmt.Sprintf("k%d", i), CampaignID: camp.ID,
				SKUID: sku.ID, BuyerRef: buyer(i), Quantity: 1})
			var ae *apperr.Error
			if errors.As(err, &ae) && ae.Code == apperr.Conflict {
				return false, nil
			}
			return err == nil, err
		}
	default:
		return fmt.Errorf("-mode %q: give http, service or batch", o.mode)
	}

	// Warm up the connections, the database pool and the slot record (not
	// timed): the first alone (it creates the slot's record), then the rest
	// from every client at once.
	var warm atomic.Int64
	var warmErr atomic.Value
	var wwg sync.WaitGroup
	for i := range warmups(o) {
		f := func() {
			won, err := send(-1 - i)
			if err != nil {
				warmErr.CompareAndSwap(nil, err)
			} else if won {
				warm.Add(1)
			}
		}
		if i == 0 {
			f()
			continue
		}
		wwg.Go(f)
		if i%o.clients == 0 {
			wwg.Wait()
		}
	}
	wwg.Wait()
	if err, _ := warmErr.Load().(error); err != nil {
		return err
	}
	statements.Store(0)
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	load0 := loadavg()
	cpu0 := cpuTime()
	var next, ok atomic.Int64
	lat := make([][]time.Duration, o.clients)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	t0 := time.Now()
	for w := range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= o.requests {
					return
				}
				t := time.Now()
				won, err := send(i)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				if won {
					ok.Add(1)
				}
				lat[w] = append(lat[w], time.Since(t))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	cpu := cpuTime() - cpu0
	load1 := loadavg()
	if err, _ := firstErr.Load().(error); err != nil {
		return err
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	fmt.Printf("backend %s · mode %s · %d clients · %d requests (%d per buyer, per-user limit %d) · stock %d · load average %s → %s\n",
		backend, o.mode, o.clients, o.requests, o.asks, o.perUser, o.stock, load0, load1)
	fmt.Printf("attempts/s %.0f · reservations/s %.0f · p50 %v · p99 %v",
		float64(len(all))/elapsed.Seconds(), float64(ok.Load())/elapsed.Seconds(),
		all[len(all)/2].Round(time.Microsecond), all[len(all)*99/100].Round(time.Microsecond))
	fmt.Printf(" · CPU %.0f µs/attempt (process: server and clients)", float64(cpu.Microseconds())/float64(len(all)))
	if o.countStatement {
		fmt.Printf(" · %.1f SQL statements/attempt", float64(statements.Load())/float64(len(all)))
	}
	fmt.Println()
	return checkBooks(sys, c, camp.ID, o, int(ok.Load()+warm.Load()))
}

// checkBooks verifies the slot after the run: units reserved (rows) equal the
// successful reservations and stock − remaining, none beyond the stock, and
// no buyer holds more than the per-user limit (rows and quota counters).
func checkBooks(ctx context.Context, c *ent.Client, campID int, o options, won int) error {
	slot := c.FlashSaleSlot.Query().OnlyX(ctx)
	var rows []struct {
		BuyerRef string `json:"buyer_ref"`
		Sum      int    `json:"sum"`
	}
	c.FlashReservation.Query().Where(flashreservation.CampaignID(campID)).GroupBy(flashreservation.FieldBuyerRef).
		Aggregate(ent.As(ent.Sum(flashreservation.FieldQuantity), "sum")).ScanX(ctx, &rows)
	reserved, breaches := 0, 0
	for _, r := range rows {
		reserved += r.Sum
		if r.Sum > o.perUser {
			breaches++
		}
	}
	quota := map[string]int{}
	for _, q := range c.BuyerQuota.Query().AllX(ctx) {
		quota[q.BuyerRef] += q.Used
	}
	for _, r := range rows {
		if quota[r.BuyerRef] != r.Sum {
			breaches++
		}
	}
	oversold := max(0, reserved-slot.Stock)
	unbalanced := abs(slot.Stock-slot.Remaining-reserved) + abs(reserved-won)
	fmt.Printf("books: stock %d remaining %d reserved units %d successful %d · oversold %d · unbalanced %d · per-user breaches %d\n",
		slot.Stock, slot.Remaining, reserved, won, oversold, unbalanced, breaches)
	if oversold+unbalanced+breaches != 0 {
		return fmt.Errorf("oversold, unbalanced books or per-user limit breached")
	}
	return nil
}

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadavg is the 1-minute load average (Linux), or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// freshDB makes an empty database: a SQLite file in a temporary directory, or
// a new PostgreSQL database beside the one named by pgURL.
func freshDB(pgURL string) (dsn, backend string, cleanup func(), err error) {
	if pgURL == "" {
		dir, err := os.MkdirTemp("", "flashsale")
		if err != nil {
			return "", "", nil, err
		}
		return filepath.Join(dir, "bench.db"), "sqlite", func() { os.RemoveAll(dir) }, nil
	}
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		return "", "", nil, err
	}
	name := fmt.Sprintf("flashsale_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		return "", "", nil, err
	}
	u, err := url.Parse(pgURL)
	if err != nil {
		admin.Close()
		return "", "", nil, err
	}
	u.Path = "/" + name
	return u.String(), "postgresql", func() {
		_, _ = admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	}, nil
}
