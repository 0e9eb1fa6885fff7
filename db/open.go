// Package db opens the OpsGraph database: an embedded SQLite file by default
// (pure-Go modernc.org/sqlite, WAL, foreign keys on) or PostgreSQL through pgx
// when the DSN is a postgres:// URL.
package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/opsgraph/opsgraph/ent"
	_ "github.com/opsgraph/opsgraph/ent/runtime" // schema hooks and policies
)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn and returns an ent driver for it.
// A DSN that is not a postgres URL is a SQLite file path.
func Open(dsn string) (*entsql.Driver, error) {
	if IsPostgres(dsn) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		return entsql.OpenDB(dialect.Postgres, db), nil
	}
	db, err := sql.Open("sqlite", sqliteDSN(dsn))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	return entsql.OpenDB(dialect.SQLite, db), nil
}

// sqliteDSN adds the pragmas every connection needs: foreign keys, WAL, a busy
// timeout so that concurrent writers wait instead of failing, and immediate
// transactions so that a read-then-write transaction cannot deadlock, and a
// sortable time format.
func sqliteDSN(path string) string {
	path = strings.TrimPrefix(path, "sqlite://")
	if !strings.HasPrefix(path, "file:") {
		path = "file:" + path
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	if !strings.Contains(path, "mode=memory") {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	// Store times as "2006-01-02 15:04:05.999999999-07:00" so that text order is
	// time order (the default is Go's time.String, which is neither).
	q.Set("_time_format", "sqlite")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + q.Encode()
}

// OpenClient opens the database, migrates the schema and returns a client.
func OpenClient(ctx context.Context, dsn string, opts ...ent.Option) (*ent.Client, error) {
	return OpenClientWith(ctx, dsn, nil, opts...)
}

// OpenClientWith is OpenClient with the driver passed through wrap first
// (telemetry: pool statistics and a span per statement); nil wraps nothing.
func OpenClientWith(ctx context.Context, dsn string, wrap func(dialect.Driver) dialect.Driver, opts ...ent.Option) (*ent.Client, error) {
	drv, err := Open(dsn)
	if err != nil {
		return nil, err
	}
	if err := drv.DB().PingContext(ctx); err != nil {
		drv.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	var d dialect.Driver = drv
	if wrap != nil {
		d = wrap(d)
	}
	client := ent.NewClient(append([]ent.Option{ent.Driver(d)}, opts...)...)
	if err := client.Schema.Create(ctx); err != nil {
		client.Close()
		return nil, fmt.Errorf("migrate schema: %w", err)
	}
	return client, nil
}
