package db

import (
	"context"
	stdsql "database/sql"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// txGate serializes the write transactions of one SQLite database inside the
// process (decision 0226). SQLite has one writer at a time, and our
// transactions begin IMMEDIATE; without the gate, concurrent BEGINs wait in
// SQLite's busy handler, which polls with growing sleeps (up to 100 ms): the
// lock stays free while every waiter sleeps, throughput collapses under load,
// and an unlucky waiter is still asleep when busy_timeout ends (SQLITE_BUSY,
// an INTERNAL answer). The gate hands the lock to the next transaction in
// order instead; writes outside transactions and other processes still meet
// busy_timeout. A transaction waits for the gate at most gateWait (the busy
// timeout), then fails as SQLite would have.
type txGate struct {
	dialect.Driver
	sem   chan struct{}
	wait  time.Duration
	cache *stmtCache // statements prepared once per connection, used in transactions too
}

// gateWait is how long a transaction waits for the gate: the busy timeout.
const gateWait = 10 * time.Second

// ErrWriteBusy: a transaction waited gateWait for the database's writer.
var ErrWriteBusy = errors.New("database busy: waited too long for the writer")

func newTxGate(d dialect.Driver) *txGate {
	g := &txGate{Driver: d, sem: make(chan struct{}, 1), wait: gateWait}
	g.cache, _ = d.(*stmtCache)
	return g
}

func (g *txGate) acquire(ctx context.Context) error {
	select {
	case g.sem <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return ErrWriteBusy
	}
}

func (g *txGate) release() { <-g.sem }

// Tx begins a transaction once the gate is taken.
func (g *txGate) Tx(ctx context.Context) (dialect.Tx, error) {
	return g.BeginTx(ctx, nil)
}

// BeginTx begins a transaction with options once the gate is taken.
func (g *txGate) BeginTx(ctx context.Context, opts *stdsql.TxOptions) (dialect.Tx, error) {
	if err := g.acquire(ctx); err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	var (
		tx  dialect.Tx
		err error
	)
	if b, ok := g.Driver.(interface {
		BeginTx(context.Context, *stdsql.TxOptions) (dialect.Tx, error)
	}); ok {
		tx, err = b.BeginTx(ctx, opts)
	} else {
		tx, err = g.Driver.Tx(ctx)
	}
	if err != nil {
		g.release()
		return nil, err
	}
	gt := &gatedTx{Tx: tx, g: g}
	if et, ok := tx.(*entsql.Tx); ok && g.cache != nil {
		gt.sqlTx, _ = et.Tx.(*stdsql.Tx)
	}
	return gt, nil
}

// gatedTx gives the gate back when it commits or rolls back (once).
type gatedTx struct {
	dialect.Tx
	g     *txGate
	sqlTx *stdsql.Tx // nil: statements take ent's path
	done  bool
}

// Query runs query as the transaction's form of the cached prepared
// statement: parsing and planning each statement was a fifth of a 秒杀
// reservation's CPU (decision 0226). Anything unexpected takes ent's path.
func (tx *gatedTx) Query(ctx context.Context, query string, args, v any) error {
	vr, ok := v.(*entsql.Rows)
	argv, ok2 := args.([]any)
	if tx.sqlTx == nil || !ok || !ok2 {
		return tx.Tx.Query(ctx, query, args, v)
	}
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return tx.Tx.Query(ctx, query, args, v)
	}
	rows, err := st.QueryContext(ctx, argv...)
	if err != nil {
		return err
	}
	*vr = entsql.Rows{ColumnScanner: rows}
	return nil
}

// Exec runs query as the transaction's form of the cached prepared statement.
func (tx *gatedTx) Exec(ctx context.Context, query string, args, v any) error {
	argv, ok := args.([]any)
	res, ok2 := v.(*stdsql.Result)
	if tx.sqlTx == nil || !ok || (v != nil && !ok2) {
		return tx.Tx.Exec(ctx, query, args, v)
	}
	st, err := tx.stmt(ctx, query)
	if err != nil {
		return tx.Tx.Exec(ctx, query, args, v)
	}
	r, err := st.ExecContext(ctx, argv...)
	if err != nil {
		return err
	}
	if ok2 {
		*res = r
	}
	return nil
}

// stmt is the cached statement of query bound to the transaction (prepared
// on its connection once; closed when the transaction ends).
func (tx *gatedTx) stmt(ctx context.Context, query string) (*stdsql.Stmt, error) {
	st, err := tx.g.cache.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return tx.sqlTx.StmtContext(ctx, st), nil
}

func (tx *gatedTx) end(f func() error) error {
	err := f()
	if !tx.done {
		tx.done = true
		tx.g.release()
	}
	return err
}

func (tx *gatedTx) Commit() error   { return tx.end(tx.Tx.Commit) }
func (tx *gatedTx) Rollback() error { return tx.end(tx.Tx.Rollback) }

// ExecContext and QueryContext keep ent's raw-SQL methods working: the
// hand-written statements (insights rollups, 秒杀 batches) with arguments run
// as cached prepared statements like ent's own; statements without
// arguments (savepoints, whose names vary) take ent's path.
func (tx *gatedTx) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	if tx.sqlTx != nil && len(args) > 0 {
		if st, err := tx.stmt(ctx, query); err == nil {
			return st.ExecContext(ctx, args...)
		}
	}
	t, ok := tx.Tx.(interface {
		ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	})
	if !ok {
		return nil, errors.New("db: ExecContext is not supported by the transaction")
	}
	return t.ExecContext(ctx, query, args...)
}

func (tx *gatedTx) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	if tx.sqlTx != nil && len(args) > 0 {
		if st, err := tx.stmt(ctx, query); err == nil {
			return st.QueryContext(ctx, args...)
		}
	}
	t, ok := tx.Tx.(interface {
		QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
	})
	if !ok {
		return nil, errors.New("db: QueryContext is not supported by the transaction")
	}
	return t.QueryContext(ctx, query, args...)
}

// DB is the underlying database (telemetry reads pool statistics from it).
func (g *txGate) DB() *stdsql.DB {
	if d, ok := g.Driver.(interface{ DB() *stdsql.DB }); ok {
		return d.DB()
	}
	return nil
}

// ExecContext and QueryContext pass the driver's raw-SQL methods through.
func (g *txGate) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	d, ok := g.Driver.(interface {
		ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	})
	if !ok {
		return nil, errors.New("db: ExecContext is not supported by the driver")
	}
	return d.ExecContext(ctx, query, args...)
}

func (g *txGate) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	d, ok := g.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
	})
	if !ok {
		return nil, errors.New("db: QueryContext is not supported by the driver")
	}
	return d.QueryContext(ctx, query, args...)
}
