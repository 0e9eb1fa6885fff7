// Package app assembles the OpsGraph server from its parts (database, GraphQL,
// GraphiQL, health checks) so that server.go and the tests build the very same
// HTTP handler.
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/graph"
	"github.com/opsgraph/opsgraph/graphiql"
	"github.com/opsgraph/opsgraph/logging"
)

// Config is everything the server needs to start.
type Config struct {
	DSN          string // SQLite file path or postgres:// URL
	Limits       graph.Limits
	MaxBodyBytes int64
	Log          *slog.Logger
	// ClientOptions are extra ent options (tests use them to count statements).
	ClientOptions []ent.Option
}

// App is a running OpsGraph instance without its listener.
type App struct {
	Client *ent.Client
	cfg    Config
}

// New opens and migrates the database.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	client, err := db.OpenClient(ctx, cfg.DSN, cfg.ClientOptions...)
	if err != nil {
		return nil, err
	}
	return &App{Client: client, cfg: cfg}, nil
}

// Handler is the whole HTTP surface: /query, GraphiQL at /, /healthz, /readyz.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/query", graph.NewHandler(a.Client, graph.Options{
		Limits: a.cfg.Limits, MaxBodyBytes: a.cfg.MaxBodyBytes, Log: a.cfg.Log,
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("/", graphiql.Handler())
	return logging.Middleware(a.cfg.Log, mux)
}

// ready reports whether the database answers.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.ping(ctx); err != nil {
		a.cfg.Log.WarnContext(ctx, "not ready", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (a *App) ping(ctx context.Context) error {
	rows, err := a.Client.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return rows.Close()
}

// Close releases the database.
func (a *App) Close() error { return a.Client.Close() }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
