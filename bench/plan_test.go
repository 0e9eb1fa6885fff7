package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/opsgraph/opsgraph/app"
	"github.com/opsgraph/opsgraph/ent"
)

// TestReadPathQueryPlans runs the bench's two queries through the handler on
// the bench catalogue, takes every SQL statement they send, and asks SQLite
// for its plan: a statement that loads rows by a list of parent ids (an
// eager-loaded edge such as a product's SKUs) must search by those ids, not
// walk every row of the organization through the tenant index. Before
// decision 0230 the SKUs of a 50-product page were found by reading all SKUs
// of the organization (SEARCH skus USING INDEX sku_organization_id), which
// the statement-count tests cannot see: the count stays the same.
func TestReadPathQueryPlans(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "bench.db")
	if err := loadCatalogue(ctx, dsn, 60, 3); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		stmts []string
		on    bool
	)
	a, err := app.New(ctx, app.Config{DSN: dsn, SecretKey: bytes.Repeat([]byte{7}, 32), NoSyncRunner: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		ClientOptions: []ent.Option{ent.Debug(), ent.Log(func(v ...any) {
			mu.Lock()
			defer mu.Unlock()
			if on && len(v) == 1 {
				if s, ok := v[0].(string); ok {
					stmts = append(stmts, s)
				}
			}
		})}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	h := a.Handler()
	post := func(token string, body []byte) []byte {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
			t.Fatalf("status %d: %.300s", rec.Code, rec.Body.Bytes())
		}
		return rec.Body.Bytes()
	}
	var login struct {
		Data struct{ Login struct{ Token string } }
	}
	if err := json.Unmarshal(post("", mustJSON(map[string]any{"query": `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		"variables": map[string]any{"e": benchEmail, "p": benchPassword}})), &login); err != nil {
		t.Fatal(err)
	}
	token := login.Data.Login.Token
	var list struct {
		Data struct {
			Products struct {
				Edges []struct {
					Node struct {
						ID   string
						Skus struct {
							Edges []struct{ Node struct{ ID string } }
						}
					}
				}
			}
		}
	}
	mu.Lock()
	on = true
	mu.Unlock()
	if err := json.Unmarshal(post(token, mustJSON(map[string]any{"query": listQuery})), &list); err != nil {
		t.Fatal(err)
	}
	if n := len(list.Data.Products.Edges); n != 50 || len(list.Data.Products.Edges[0].Node.Skus.Edges) != 3 {
		t.Fatalf("list: %d products, want 50 with 3 SKUs each", n)
	}
	post(token, mustJSON(map[string]any{"query": oneQuery, "variables": map[string]any{"id": list.Data.Products.Edges[7].Node.ID}}))
	mu.Lock()
	on = false
	captured := stmts
	mu.Unlock()

	raw, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	stmtRE := regexp.MustCompile(`^driver\.Query: query=(.*) args=\[(.*)\]$`)
	// An id list of an eager load: `table`.`x_id` IN (?, ...) or `id` IN (...),
	// or the parents' keys of a nested connection (json_each).
	byParent := regexp.MustCompile("`(\\w+)`\\.`(\\w*id)` IN \\(")
	tenantOnly := regexp.MustCompile(`SEARCH \w+ USING (COVERING )?INDEX \w+_organization_id \(organization_id=\?\)`)
	checked := 0
	for _, s := range captured {
		m := stmtRE.FindStringSubmatch(s)
		if m == nil || !strings.HasPrefix(strings.TrimLeft(m[1], "( "), "SELECT") && !strings.HasPrefix(m[1], "WITH") {
			continue
		}
		parent := false
		for _, p := range byParent.FindAllStringSubmatch(m[1], -1) {
			parent = parent || p[2] != "organization_id"
		}
		if !parent {
			continue
		}
		var args []any
		for _, f := range strings.Fields(m[2]) {
			if strings.HasPrefix(f, "[") { // the parents' keys as one JSON array (decision 0261)
				args = append(args, f)
				continue
			}
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				t.Fatalf("argument %q of %s is not an integer", f, m[1])
			}
			args = append(args, n)
		}
		rows, err := raw.QueryContext(ctx, "EXPLAIN QUERY PLAN "+m[1], args...)
		if err != nil {
			t.Fatalf("explain %s: %v", m[1], err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		checked++
		for _, step := range plan {
			if tenantOnly.MatchString(step) {
				t.Errorf("%s\nloads by parent ids but walks the organization's rows: %s", m[1], strings.Join(plan, " | "))
			}
		}
	}
	if checked < 3 {
		t.Fatalf("checked %d eager-load statements of %d captured, want the supplier and SKU loads of both queries", checked, len(captured))
	}
}
