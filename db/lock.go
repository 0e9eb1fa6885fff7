package db

import (
	"context"
	"database/sql"
	"fmt"

	"entgo.io/ent/dialect"
)

// Advisory lock keys (PostgreSQL pg_advisory_lock), one per kind of start-up
// work that replicas must not do at the same time.
const (
	LockMigrate int64 = 0x6f70736701 // schema migration and server tables
	LockDemo    int64 = 0x6f70736702 // loading demo data
)

// WithLock runs f while holding the advisory lock key on PostgreSQL, so that
// replicas starting together take turns. SQLite needs none: a writer holds
// the database's write lock for its whole transaction.
func WithLock(ctx context.Context, db *sql.DB, dialectName string, key int64, f func() error) error {
	if dialectName != dialect.Postgres {
		return f()
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}
	defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key) }()
	return f()
}
