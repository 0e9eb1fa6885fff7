package telemetry

import (
	"context"
	stdsql "database/sql"

	"entgo.io/ent/dialect"
	"go.opentelemetry.io/otel/attribute"
)

// WrapDriver is the database hook (db.OpenClientPool): it exports the pool
// statistics and, when tracing, records a span per SQL statement. Statements
// carry placeholders, never argument values, so no secret reaches a span.
func (t *Telemetry) WrapDriver(d dialect.Driver) dialect.Driver {
	// ent's *sql.Driver, or db's statement cache over it.
	if sd, ok := d.(interface{ DB() *stdsql.DB }); ok {
		t.WatchDB(sd.DB())
	}
	if !t.tracing {
		return d
	}
	return &tracedDriver{Driver: d, t: t, system: system(d.Dialect())}
}

func system(dialectName string) string {
	if dialectName == dialect.Postgres {
		return "postgresql"
	}
	return dialectName
}

func (t *Telemetry) statement(ctx context.Context, system, kind, query string) (context.Context, func(error)) {
	t.sqlStatement.WithLabelValues(kind).Inc()
	ctx, span := t.start(ctx, "sql "+kind, attribute.String("db.system", system), attribute.String("db.statement", query))
	return ctx, func(err error) { endSpan(span, err) }
}

// tracedDriver mirrors ent's dialect.DebugDriver: the optional methods ent's
// client asserts (ExecContext, QueryContext, BeginTx) are passed through.
type tracedDriver struct {
	dialect.Driver
	t      *Telemetry
	system string
}

func (d *tracedDriver) Exec(ctx context.Context, query string, args, v any) error {
	ctx, end := d.t.statement(ctx, d.system, "exec", query)
	err := d.Driver.Exec(ctx, query, args, v)
	end(err)
	return err
}

func (d *tracedDriver) Query(ctx context.Context, query string, args, v any) error {
	ctx, end := d.t.statement(ctx, d.system, "query", query)
	err := d.Driver.Query(ctx, query, args, v)
	end(err)
	return err
}

func (d *tracedDriver) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	drv, ok := d.Driver.(interface {
		ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	})
	if !ok {
		return nil, stdsql.ErrConnDone
	}
	ctx, end := d.t.statement(ctx, d.system, "exec", query)
	res, err := drv.ExecContext(ctx, query, args...)
	end(err)
	return res, err
}

func (d *tracedDriver) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	drv, ok := d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
	})
	if !ok {
		return nil, stdsql.ErrConnDone
	}
	ctx, end := d.t.statement(ctx, d.system, "query", query)
	rows, err := drv.QueryContext(ctx, query, args...)
	end(err)
	return rows, err
}

func (d *tracedDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &tracedTx{Tx: tx, d: d}, nil
}

func (d *tracedDriver) BeginTx(ctx context.Context, opts *stdsql.TxOptions) (dialect.Tx, error) {
	drv, ok := d.Driver.(interface {
		BeginTx(context.Context, *stdsql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return d.Tx(ctx)
	}
	tx, err := drv.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &tracedTx{Tx: tx, d: d}, nil
}

type tracedTx struct {
	dialect.Tx
	d *tracedDriver
}

func (tx *tracedTx) Exec(ctx context.Context, query string, args, v any) error {
	ctx, end := tx.d.t.statement(ctx, tx.d.system, "exec", query)
	err := tx.Tx.Exec(ctx, query, args, v)
	end(err)
	return err
}

func (tx *tracedTx) Query(ctx context.Context, query string, args, v any) error {
	ctx, end := tx.d.t.statement(ctx, tx.d.system, "query", query)
	err := tx.Tx.Query(ctx, query, args, v)
	end(err)
	return err
}

func (tx *tracedTx) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	t, ok := tx.Tx.(interface {
		ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	})
	if !ok {
		return nil, stdsql.ErrTxDone
	}
	ctx, end := tx.d.t.statement(ctx, tx.d.system, "exec", query)
	res, err := t.ExecContext(ctx, query, args...)
	end(err)
	return res, err
}

func (tx *tracedTx) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	t, ok := tx.Tx.(interface {
		QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
	})
	if !ok {
		return nil, stdsql.ErrTxDone
	}
	ctx, end := tx.d.t.statement(ctx, tx.d.system, "query", query)
	rows, err := t.QueryContext(ctx, query, args...)
	end(err)
	return rows, err
}
