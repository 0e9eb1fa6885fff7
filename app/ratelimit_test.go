package app_test

import (
	"bytes"
	stdjson "encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

type limitedResponse struct {
	status     int
	retryAfter string
	Errors     []testenv.GQLError
	Extensions struct {
		RateLimit *struct{ Cost, Remaining, Limit int }
	}
}

func (r limitedResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Code()
}

func post(t *testing.T, env *testenv.Env, token, query string) limitedResponse {
	t.Helper()
	body, _ := stdjson.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out limitedResponse
	if err := stdjson.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	out.status, out.retryAfter = res.StatusCode, res.Header.Get("Retry-After")
	return out
}

const storesQuery = `{ stores(first: 10) { edges { node { id name } } } }` // cost 41

func withRateLimits(r app.RateLimits) testenv.Option {
	return func(c *app.Config) { c.RateLimits = r }
}

// TestRateLimitPerToken spends a token's budget, is refused with 429,
// RATE_LIMITED and Retry-After, and is served again once the bucket refilled;
// the remaining budget is in extensions.rateLimit.
func TestRateLimitPerToken(t *testing.T) {
	clock := testenv.NewClock(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	env := testenv.New(t, testenv.SQLite, testenv.WithClock(clock.Now), withRateLimits(app.RateLimits{PerToken: 100}))
	org := env.Org(t, "Brand A", 0)
	token := env.User(t, "owner@a.test", testenv.Grant{Org: org, Role: "owner"})

	first := post(t, env, token, storesQuery)
	if first.status != http.StatusOK || first.Extensions.RateLimit == nil {
		t.Fatalf("first request: %d %+v", first.status, first)
	}
	cost := first.Extensions.RateLimit.Cost
	if cost <= 0 || first.Extensions.RateLimit.Limit != 100 || first.Extensions.RateLimit.Remaining != 100-cost {
		t.Fatalf("extensions.rateLimit %+v", *first.Extensions.RateLimit)
	}
	second := post(t, env, token, storesQuery)
	if second.status != http.StatusOK || second.Extensions.RateLimit.Remaining != 100-2*cost {
		t.Fatalf("second request: %d %+v", second.status, second.Extensions.RateLimit)
	}
	third := post(t, env, token, storesQuery)
	if third.status != http.StatusTooManyRequests || third.code() != "RATE_LIMITED" || third.retryAfter == "" {
		t.Fatalf("third request: status %d Retry-After %q errors %+v", third.status, third.retryAfter, third.Errors)
	}
	if third.Errors[0].Extensions["retryAfter"] == nil {
		t.Errorf("RATE_LIMITED error without retryAfter: %+v", third.Errors[0].Extensions)
	}
	// Another token is not affected.
	other := env.User(t, "owner2@a.test", testenv.Grant{Org: org, Role: "owner"})
	if r := post(t, env, other, storesQuery); r.status != http.StatusOK {
		t.Fatalf("another token: %d %+v", r.status, r.Errors)
	}
	clock.Advance(time.Minute)
	if r := post(t, env, token, storesQuery); r.status != http.StatusOK {
		t.Fatalf("after refill: %d %+v", r.status, r.Errors)
	}
}

// TestRateLimitRolesAndAddress: a role's own budget replaces the per-token
// one, and the per-address budget binds every caller from one address.
func TestRateLimitRolesAndAddress(t *testing.T) {
	for _, tc := range []struct {
		name             string
		limits           app.RateLimits
		role             string
		wantServed       int // of 5 requests
		wantSecondServed int // then, for another user from the same address
	}{
		{"per token, default", app.RateLimits{PerToken: 100}, "viewer", 2, 2},
		{"role budget", app.RateLimits{PerToken: 100, Roles: map[string]int{"analyst": 1000}}, "analyst", 5, 2},
		{"unlimited role", app.RateLimits{PerToken: 100, Roles: map[string]int{"analyst": 0}}, "analyst", 5, 2},
		{"per address", app.RateLimits{PerToken: 1000, PerAddress: 200}, "viewer", 4, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := testenv.NewClock(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
			env := testenv.New(t, testenv.SQLite, testenv.WithClock(clock.Now))
			org := env.Org(t, "Brand A", 0)
			a := env.User(t, "a@a.test", testenv.Grant{Org: org, Role: tc.role})
			b := env.User(t, "b@a.test", testenv.Grant{Org: org, Role: "viewer"})
			env = testenv.New(t, testenv.SQLite, testenv.WithClock(clock.Now), withRateLimits(tc.limits), testenv.WithDSN(env.DSN))
			served := func(token string) int {
				n := 0
				for range 5 {
					if post(t, env, token, storesQuery).status == http.StatusOK {
						n++
					}
				}
				return n
			}
			if got := served(a); got != tc.wantServed {
				t.Errorf("%s served %d of 5, want %d", tc.role, got, tc.wantServed)
			}
			if got := served(b); got != tc.wantSecondServed {
				t.Errorf("second user served %d of 5, want %d", got, tc.wantSecondServed)
			}
		})
	}
}

// TestRateLimitConcurrent: parallel requests never spend more than the budget.
func TestRateLimitConcurrent(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		clock := testenv.NewClock(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
		env := testenv.New(t, b, testenv.WithClock(clock.Now), withRateLimits(app.RateLimits{PerToken: 41 * 7}))
		org := env.Org(t, "Brand A", 0)
		token := env.User(t, "owner@a.test", testenv.Grant{Org: org, Role: "owner"})
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for range 30 {
			wg.Go(func() {
				r := post(t, env, token, storesQuery)
				mu.Lock()
				statuses[r.status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if statuses[http.StatusOK] != 7 || statuses[http.StatusTooManyRequests] != 23 {
			t.Fatalf("statuses %v, want 7 × 200 and 23 × 429", statuses)
		}
	})
}
