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
// its own buyer. It prints attempts/s, reservations/s, p50/p99 latency, and
// the slot's books: units reserved must equal successful reservations and
// stock − remaining (0 oversold), or it exits 1.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/flashreservation"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
)

const reserveQ = `mutation($k: String!, $c: ID!, $sku: ID!, $b: String!) {
  reserveFlashSale(idempotencyKey: $k, campaignID: $c, slot: 0, skuID: $sku, buyerRef: $b, quantity: 1) { id } }`

func main() {
	dsn := flag.String("dsn", "", "PostgreSQL URL of an existing database to create the benchmark database next to; empty: SQLite")
	clients := flag.Int("clients", 64, "parallel clients (keep-alive connections)")
	requests := flag.Int("requests", 10000, "reservations to send")
	stock := flag.Int("stock", 0, "units in the slot; 0: enough for every request")
	maxOpen := flag.Int("db-max-open", 0, "database pool size; 0: the server default")
	flag.Parse()
	if *stock == 0 {
		*stock = *requests + min(*clients, 8) // the warm-up takes up to 8
	}
	if err := run(*dsn, *clients, *requests, *stock, *maxOpen); err != nil {
		fmt.Fprintln(os.Stderr, "flashsale:", err)
		os.Exit(1)
	}
}

func run(pgURL string, clients, requests, stock, maxOpen int) error {
	ctx := context.Background()
	dsn, backend, cleanup, err := freshDB(pgURL)
	if err != nil {
		return err
	}
	defer cleanup()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	a, err := app.New(ctx, app.Config{DSN: dsn, SecretKey: key, NoSyncRunner: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), DBPool: db.Pool{MaxOpen: maxOpen}})
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
		SetRules(schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{FlashPrice: 1000, PerUserLimit: 1,
			Slots: []schematype.FlashSaleSlot{{StartsAt: now.Add(-time.Hour), EndsAt: now.Add(2 * time.Hour), Stock: stock}}}}).
		SaveX(sys)
	sid := st.ID
	token, _, err := a.Auth.NewAPIToken(sys, c, u.ID, "bench", org.ID, authz.RoleMall, nil, &sid)
	if err != nil {
		return err
	}

	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	send := func(i int) (bool, time.Duration, error) {
		body, _ := json.Marshal(map[string]any{"query": reserveQ, "variables": map[string]any{
			"k": fmt.Sprintf("k%d", i), "c": fmt.Sprint(camp.ID), "sku": fmt.Sprint(sku.ID), "b": fmt.Sprintf("buyer%d", i)}})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		res, err := hc.Do(req)
		if err != nil {
			return false, 0, err
		}
		defer res.Body.Close()
		var out struct {
			Errors []struct {
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			return false, 0, err
		}
		d := time.Since(t0)
		if len(out.Errors) == 0 {
			return true, d, nil
		}
		if out.Errors[0].Extensions["code"] != "CONFLICT" {
			return false, d, fmt.Errorf("request %d: %v", i, out.Errors[0].Extensions)
		}
		return false, d, nil
	}
	// Warm up the connections and the slot record (not timed).
	warm := 0
	for i := range min(clients, 8) {
		won, _, err := send(-1 - i)
		if err != nil {
			return err
		}
		if won {
			warm++
		}
	}
	var next, ok atomic.Int64
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	t0 := time.Now()
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= requests {
					return
				}
				won, d, err := send(i)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				if won {
					ok.Add(1)
				}
				lat[w] = append(lat[w], d)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	if err, _ := firstErr.Load().(error); err != nil {
		return err
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	won := int(ok.Load()) + warm
	slot := c.FlashSaleSlot.Query().OnlyX(sys)
	reserved := c.FlashReservation.Query().Where(flashreservation.CampaignID(camp.ID)).CountX(sys)
	oversold := max(0, reserved-stock) + abs(slot.Stock-slot.Remaining-reserved) + abs(reserved-won)
	fmt.Printf("backend %s · %d clients · %d requests · stock %d · GOMAXPROCS-bound in-process server\n", backend, clients, requests, stock)
	fmt.Printf("attempts/s %.0f · reservations/s %.0f · p50 %v · p99 %v\n",
		float64(len(all))/elapsed.Seconds(), float64(ok.Load())/elapsed.Seconds(),
		all[len(all)/2].Round(time.Microsecond), all[len(all)*99/100].Round(time.Microsecond))
	fmt.Printf("books: stock %d remaining %d reserved rows %d successful %d · oversold %d\n",
		slot.Stock, slot.Remaining, reserved, won, oversold)
	if oversold != 0 {
		return fmt.Errorf("oversold or unbalanced books")
	}
	return nil
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
