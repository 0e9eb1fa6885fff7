package app_test

// Benchmarks over the real HTTP handler: each iteration is one GraphQL request
// sent with net/http to the server testenv starts (httptest, loopback TCP),
// through authentication, gqlgen, entgql field collection and the database.
// Allocation figures therefore include both the client and the server side of
// the request. Run them with
//
//	go test -run '^$' -bench . -benchtime 2s ./app/
//
// Besides ns/op, B/op and allocs/op each benchmark reports req/s (requests
// completed per second of benchmark time) and, for reads, stmts/op (SQL
// statements per request, which must not grow with the number of rows).

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// benchStores is how many stores the read benchmarks seed (and list).
const benchStores = 20

const (
	// benchNestedQuery walks both nested paths of a store in one request:
	// stores → campaigns → collaborations → kolPartner and stores → products → skus.
	benchNestedQuery = `query($n: Int!) { stores(first: $n) { totalCount edges { node { id name platform
		campaigns(first: 5) { edges { node { name kind status
			collaborations(first: 5) { edges { node { status kolPartner { handle tier } } } } } } }
		products(first: 10) { totalCount edges { node { title price { amount currency }
			skus(first: 10) { edges { node { name stock price { amount } } } } } } } } } } }`

	// benchCampaignsQuery is a filtered and sorted top-level connection.
	benchCampaignsQuery = `query { campaigns(first: 50,
		where: {kind: COUPON, statusIn: [DRAFT, SCHEDULED, LIVE]},
		orderBy: [{field: STARTS_AT, direction: DESC}]) {
		totalCount pageInfo { hasNextPage endCursor }
		edges { cursor node { id name kind status startsAt endsAt budget { amount currency } } } } }`

	benchCreateSupplier = `mutation($org: ID!, $name: String!) { createSupplier(input: {organizationID: $org,
		name: $name, contactName: "王经理", category: "美妆", qualityScore: 4.5, deliveryScore: 4.2,
		priceScore: 3.8, exclusiveLaunch: true, leadTimeDays: 7}) { id name leadTimeDays } }`
)

// benchEnv is a server on a fresh SQLite database with benchStores seeded
// stores and a signed-in owner.
type benchEnv struct {
	env    *testenv.Env
	org    int
	token  string
	client *http.Client
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	env := testenv.New(b, testenv.SQLite)
	org := env.Org(b, "Brand", 0)
	seedStores(b, env.Client, org, benchStores)
	tok := env.User(b, "owner@brand.test", testenv.Grant{Org: org, Role: "owner"})
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	return &benchEnv{env: env, org: org, token: tok, client: &http.Client{Transport: tr}}
}

// body encodes a GraphQL request once, outside the timed loop.
func (e *benchEnv) body(b *testing.B, query string, vars map[string]any) []byte {
	b.Helper()
	raw, err := stdjson.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// send posts one request and returns the response body, or an error on a
// transport failure, a non-200 status or a GraphQL error. It reads the whole
// body so that the connection is reused.
func (e *benchEnv) send(body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, e.env.URL+"/query", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.token)
	res, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors":`)) {
		return nil, fmt.Errorf("status %d: %s", res.StatusCode, out)
	}
	return out, nil
}

// post is send that fails the benchmark on error.
func (e *benchEnv) post(b *testing.B, body []byte) []byte {
	out, err := e.send(body)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// run times b.N sequential requests and reports req/s and SQL statements per request.
func (e *benchEnv) run(b *testing.B, body func(i int) []byte) {
	b.Helper()
	b.ReportAllocs()
	before := e.env.Statements.Load()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.post(b, body(i))
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(e.env.Statements.Load()-before)/float64(b.N), "stmts/op")
}

// BenchmarkNestedStores lists benchStores stores with their campaigns →
// collaborations → KOL partners and products → SKUs.
func BenchmarkNestedStores(b *testing.B) {
	e := newBenchEnv(b)
	body := e.body(b, benchNestedQuery, map[string]any{"n": benchStores})
	var check struct {
		Data struct {
			Stores struct{ TotalCount int }
		}
	}
	if err := stdjson.Unmarshal(e.post(b, body), &check); err != nil || check.Data.Stores.TotalCount != benchStores {
		b.Fatalf("nested stores: totalCount %d, err %v", check.Data.Stores.TotalCount, err)
	}
	e.run(b, func(int) []byte { return body })
}

// BenchmarkCampaignsFilteredSorted reads the first 50 coupon campaigns in
// three of six statuses, newest start first.
func BenchmarkCampaignsFilteredSorted(b *testing.B) {
	e := newBenchEnv(b)
	ctx := authz.SystemContext(context.Background())
	// seedStores leaves every campaign DRAFT; spread them over all statuses so
	// that the filter has rows to drop.
	ids := e.env.Client.Campaign.Query().IDsX(ctx)
	statuses := []campaign.Status{campaign.StatusDRAFT, campaign.StatusSCHEDULED, campaign.StatusLIVE,
		campaign.StatusPAUSED, campaign.StatusENDED, campaign.StatusCANCELLED}
	for i, id := range ids {
		e.env.Client.Campaign.UpdateOneID(id).SetStatus(statuses[i%len(statuses)]).ExecX(ctx)
	}
	body := e.body(b, benchCampaignsQuery, nil)
	var check struct {
		Data struct {
			Campaigns struct {
				TotalCount int
			}
		}
	}
	if err := stdjson.Unmarshal(e.post(b, body), &check); err != nil || check.Data.Campaigns.TotalCount == 0 ||
		check.Data.Campaigns.TotalCount >= len(ids) {
		b.Fatalf("campaigns: totalCount %d of %d, err %v", check.Data.Campaigns.TotalCount, len(ids), err)
	}
	e.run(b, func(int) []byte { return body })
}

// BenchmarkCampaignsQueryEnt is the SQL of BenchmarkCampaignsFilteredSorted
// through ent alone, without HTTP and GraphQL: it isolates the database driver
// (docs/decisions/0001-sqlite-driver.md compares drivers with it).
func BenchmarkCampaignsQueryEnt(b *testing.B) {
	e := newBenchEnv(b)
	ctx := authz.SystemContext(context.Background())
	c := e.env.Client
	statuses := []campaign.Status{campaign.StatusDRAFT, campaign.StatusSCHEDULED, campaign.StatusLIVE,
		campaign.StatusPAUSED, campaign.StatusENDED, campaign.StatusCANCELLED}
	for i, id := range c.Campaign.Query().IDsX(ctx) {
		c.Campaign.UpdateOneID(id).SetStatus(statuses[i%len(statuses)]).ExecX(ctx)
	}
	query := func() int {
		return len(c.Campaign.Query().
			Where(campaign.KindEQ(campaign.KindCOUPON), campaign.StatusIn(statuses[:3]...)).
			Order(campaign.ByStartsAt(sql.OrderDesc()), campaign.ByID(sql.OrderDesc())).
			Limit(51).AllX(ctx))
	}
	if n := query(); n == 0 {
		b.Fatal("no campaigns")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		query()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

// BenchmarkCreateSupplier runs the createSupplier mutation (validation,
// authorization, the insert and its audit event in one transaction).
func BenchmarkCreateSupplier(b *testing.B) {
	e := newBenchEnv(b)
	org := fmt.Sprint(e.org)
	e.run(b, func(i int) []byte {
		return e.body(b, benchCreateSupplier, map[string]any{"org": org, "name": fmt.Sprintf("广州美妆供应链 %d", i)})
	})
}

// BenchmarkNestedStoresParallel is BenchmarkNestedStores with GOMAXPROCS
// concurrent clients: the throughput of the read path under load.
func BenchmarkNestedStoresParallel(b *testing.B) {
	e := newBenchEnv(b)
	body := e.body(b, benchNestedQuery, map[string]any{"n": benchStores})
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.send(body); err != nil {
				b.Error(err) // Fatal must not be called off the benchmark goroutine
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
