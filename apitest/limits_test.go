package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// fragmentBomb is n nested fragments, each spreading the next twice: 2^n
// fields once expanded, under 1 KB written.
func fragmentBomb(n int) string {
	var sb strings.Builder
	sb.WriteString("query { ...F0 }\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&sb, "fragment F%d on Query { me { id } }\n", n)
	return sb.String()
}

// aliasFlood is n aliases of me.
func aliasFlood(n int) string {
	var sb strings.Builder
	sb.WriteString("{")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, " a%d: me { id }", i)
	}
	sb.WriteString(" }")
	return sb.String()
}

// TestCostLimitsCannotBeOutrun is finding 3 of issue 7: documents whose cost
// explodes once expanded are refused by a bounded walk before they run, with
// a code; nodes takes a bounded number of ids; every answer carries
// extensions.cost.
func TestCostLimitsCannotBeOutrun(t *testing.T) {
	env := testenv.New(t, testenv.SQLite)
	org := env.Org(t, "Brand", 0)
	tok := env.User(t, "owner@brand.test", testenv.Grant{Org: org, Role: authz.RoleOwner})
	ids := make([]string, 60000)
	for i := range ids {
		ids[i] = fmt.Sprint(i + 1)
	}
	cycle := "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A me { id } }"
	for _, c := range []struct {
		name, query string
		vars        map[string]any
	}{
		{"fragment bomb", fragmentBomb(26), nil},
		{"fragment bomb without sign-in", fragmentBomb(40), nil},
		{"20,000 aliases", aliasFlood(20000), nil},
		{"60 root fields", strings.ReplaceAll(aliasFlood(60), " me {", " me {"), nil},
		{"fragment cycle", cycle, nil},
		{"nodes with 60,000 ids", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids}},
		{"too deep", "{ me { memberships { organization { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } } } } }", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			token := tok
			if strings.Contains(c.name, "without sign-in") {
				token = ""
			}
			res := gql(t, env, token, c.query, c.vars)
			if len(res.Errors) == 0 || len(res.Errors) > 1 {
				t.Fatalf("want one error, got %d (%.200s)", len(res.Errors), fmt.Sprint(res.Errors))
			}
			if code := res.Errors[0].Code(); code != "BAD_USER_INPUT" && code != "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("code %s (%q), want BAD_USER_INPUT", code, res.Errors[0].Message)
			}
			if res.Status >= 500 {
				t.Errorf("status %d", res.Status)
			}
		})
	}
	t.Run("extensions.cost", func(t *testing.T) {
		var out struct {
			Extensions struct{ Cost *int }
		}
		body := postRaw(t, env, tok, `{ me { id } stores(first: 10) { edges { node { id name } } } }`)
		if err := json.Unmarshal(body, &out); err != nil || out.Extensions.Cost == nil || *out.Extensions.Cost != 2+1+10*(1+1+2) {
			t.Errorf("extensions.cost missing or wrong: %s", body)
		}
	})
}

func postRaw(t testing.TB, env *testenv.Env, tok, query string) []byte {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	status, raw := send(t, env, tok, body)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, raw)
	}
	return raw
}

// cpuTime is the process's user+system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkAbusiveDocuments measures the CPU the server spends refusing the
// documents of finding 3 (reported as cpu-ms/op, client included).
func BenchmarkAbusiveDocuments(b *testing.B) {
	env := testenv.New(b, testenv.SQLite)
	for _, c := range []struct{ name, query string }{
		{"fragment-bomb-26", fragmentBomb(26)},
		{"aliases-20000", aliasFlood(20000)},
	} {
		body, _ := json.Marshal(map[string]any{"query": c.query})
		b.Run(c.name, func(b *testing.B) {
			start := cpuTime()
			for b.Loop() {
				if status, raw := send(b, env, "", body); status != http.StatusOK || !strings.Contains(string(raw), "BAD_USER_INPUT") {
					b.Fatalf("status %d: %.300s", status, raw)
				}
			}
			b.ReportMetric(float64(cpuTime()-start)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// send POSTs a raw JSON body to /query.
func send(t testing.TB, env *testenv.Env, tok string, body []byte) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, env.URL+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /query: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}
