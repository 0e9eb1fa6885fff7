package db

import (
	"context"
	"database/sql"
	"sync"
	"time"

	entsql "entgo.io/ent/dialect/sql"
)

// maxCachedStatements bounds the statement cache of one database: past it
// the cache is emptied and starts over (query texts are few: ent builds them
// from the schema, and IN lists vary only in length).
const maxCachedStatements = 512

// stmtCache is an ent driver over SQLite whose queries outside transactions
// run as prepared statements kept per query text (*sql.Stmt, which prepares
// on each pooled connection once and reuses it), instead of parsing and
// planning the SQL on every call (sqlite3_prepare_v2 was ~7 % of the CPU of
// the bench's list request). Transactions and writes take ent's own path.
// PostgreSQL needs none of this: pgx caches prepared statements per
// connection itself.
type stmtCache struct {
	*entsql.Driver
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(drv *entsql.Driver) *stmtCache {
	return &stmtCache{Driver: drv, stmts: map[string]*sql.Stmt{}}
}

// Query runs query as a cached prepared statement. Anything unexpected (ent
// session variables are not used here) falls back to ent's path.
func (c *stmtCache) Query(ctx context.Context, query string, args, v any) error {
	vr, ok := v.(*entsql.Rows)
	argv, ok2 := args.([]any)
	if !ok || !ok2 {
		return c.Driver.Query(ctx, query, args, v)
	}
	st, err := c.stmt(ctx, query)
	if err != nil {
		return c.Driver.Query(ctx, query, args, v)
	}
	rows, err := st.QueryContext(ctx, argv...)
	if err != nil {
		return err
	}
	*vr = entsql.Rows{ColumnScanner: rows}
	return nil
}

func (c *stmtCache) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	st, ok := c.stmts[query]
	c.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := c.DB().PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.stmts[query]; ok {
		_ = st.Close()
		return prev, nil
	}
	if len(c.stmts) >= maxCachedStatements {
		// A caller may have just taken one of them from the map: close them
		// a little later (a statement already running finishes first anyway).
		old := c.stmts
		c.stmts = map[string]*sql.Stmt{}
		time.AfterFunc(time.Minute, func() {
			for _, st := range old {
				_ = st.Close()
			}
		})
	}
	c.stmts[query] = st
	return st, nil
}

// Close closes the cached statements and the database.
func (c *stmtCache) Close() error {
	c.mu.Lock()
	for q, st := range c.stmts {
		_ = st.Close()
		delete(c.stmts, q)
	}
	c.mu.Unlock()
	return c.Driver.Close()
}
