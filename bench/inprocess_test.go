package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/opsgraph/opsgraph/app"
)

// BenchmarkRequestInProcess serves the bench's two queries from the real
// handler (app.New over the bench catalogue) without sockets or a second
// process: allocations and CPU per request, steady on a busy machine, and a
// place to take profiles (-cpuprofile, -memprofile).
func BenchmarkRequestInProcess(b *testing.B) {
	ctx := context.Background()
	dsn := filepath.Join(b.TempDir(), "bench.db")
	if err := loadCatalogue(ctx, dsn, 500, 3); err != nil {
		b.Fatal(err)
	}
	a, err := app.New(ctx, app.Config{DSN: dsn, SecretKey: bytes.Repeat([]byte{7}, 32), NoSyncRunner: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.Close() })
	h := a.Handler()
	post := func(token string, body []byte) []byte {
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes()[:min(rec.Body.Len(), 64)], []byte(`"errors"`)) {
			b.Fatalf("status %d: %.300s", rec.Code, rec.Body.Bytes())
		}
		return rec.Body.Bytes()
	}
	var login struct {
		Data struct{ Login struct{ Token string } }
	}
	if err := json.Unmarshal(post("", mustJSON(map[string]any{"query": `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`,
		"variables": map[string]any{"e": benchEmail, "p": benchPassword}})), &login); err != nil {
		b.Fatal(err)
	}
	token := login.Data.Login.Token
	var first struct {
		Data struct {
			Products struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	if err := json.Unmarshal(post(token, mustJSON(map[string]any{"query": `{ products(first: 1) { edges { node { id } } } }`})), &first); err != nil || len(first.Data.Products.Edges) == 0 {
		b.Fatalf("find a product: %v", err)
	}
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"list", mustJSON(map[string]any{"query": listQuery})},
		{"byID", mustJSON(map[string]any{"query": oneQuery, "variables": map[string]any{"id": first.Data.Products.Edges[0].Node.ID}})},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				n = len(post(token, c.body))
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}
