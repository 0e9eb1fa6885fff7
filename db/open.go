// Package db opens the OpsGraph database: an embedded SQLite file by default
// (pure-Go modernc.org/sqlite, WAL, foreign keys on) or PostgreSQL through pgx
// when the DSN is a postgres:// URL.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // registers the "sqlite" driver

	"github.com/opsgraph/opsgraph/ent"
	_ "github.com/opsgraph/opsgraph/ent/runtime" // schema hooks and policies
)

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Pool sizes the connection pool of one server. Zero fields take the
// defaults of the backend (see DefaultPool).
type Pool struct {
	MaxOpen int // connections open at most (--db-max-open)
	MaxIdle int // idle connections kept (--db-max-idle)
}

// DefaultPool is the pool of a backend when not configured. PostgreSQL: 10
// connections per replica, all kept idle, so that 8 replicas (plus one
// LISTEN connection each) stay under PostgreSQL's default max_connections
// of 100 with room for administration. SQLite: 32, all kept idle: a
// connection closed and reopened loses its prepared statements and pays for
// its pragmas again (PERF-NOTES: twice the by-id throughput with idle = open).
func DefaultPool(dsn string) Pool {
	if IsPostgres(dsn) {
		return Pool{MaxOpen: 10, MaxIdle: 10}
	}
	return Pool{MaxOpen: 32, MaxIdle: 32}
}

func (p Pool) withDefaults(dsn string) Pool {
	d := DefaultPool(dsn)
	if p.MaxOpen <= 0 {
		p.MaxOpen = d.MaxOpen
	}
	if p.MaxIdle <= 0 {
		p.MaxIdle = p.MaxOpen
	}
	p.MaxIdle = min(p.MaxIdle, p.MaxOpen)
	return p
}

// Open opens the database named by dsn with the default pool and returns an
// ent driver for it. A DSN that is not a postgres URL is a SQLite file path.
func Open(dsn string) (*entsql.Driver, error) { return OpenPool(dsn, Pool{}) }

// OpenPool is Open with a configured pool.
func OpenPool(dsn string, pool Pool) (*entsql.Driver, error) {
	pool = pool.withDefaults(dsn)
	driver, name, d := "sqlite", dialect.SQLite, sqliteDSN(dsn)
	if IsPostgres(dsn) {
		driver, name, d = "pgx", dialect.Postgres, dsn
	}
	db, err := sql.Open(driver, d)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	db.SetMaxOpenConns(pool.MaxOpen)
	db.SetMaxIdleConns(pool.MaxIdle)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return entsql.OpenDB(name, db), nil
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

// OpenClient opens the database with the default pool, migrates the schema
// (StartPolicy without auto-migrate) and returns a client.
func OpenClient(ctx context.Context, dsn string, opts ...ent.Option) (*ent.Client, error) {
	client, _, err := OpenClientPool(ctx, dsn, Pool{}, nil, opts...)
	return client, err
}

// OpenClientPool is OpenClientStart without --auto-migrate.
func OpenClientPool(ctx context.Context, dsn string, pool Pool, wrap func(dialect.Driver) dialect.Driver, opts ...ent.Option) (*ent.Client, *sql.DB, error) {
	return OpenClientStart(ctx, dsn, pool, false, wrap, opts...)
}

// OpenClientStart opens the database with pool, brings its schema up to this
// binary's migrations as StartPolicy decides (autoMigrate: --auto-migrate),
// and returns a client and the underlying *sql.DB. The driver is passed
// through wrap first (telemetry: pool statistics and a span per statement);
// nil wraps nothing. A database newer than the binary is refused
// (ErrDatabaseNewer), one behind it that the policy does not migrate too
// (ErrMigrationsPending).
func OpenClientStart(ctx context.Context, dsn string, pool Pool, autoMigrate bool, wrap func(dialect.Driver) dialect.Driver, opts ...ent.Option) (*ent.Client, *sql.DB, error) {
	drv, err := OpenPool(dsn, pool)
	if err != nil {
		return nil, nil, err
	}
	if err := ping(ctx, drv); err != nil {
		drv.Close()
		return nil, nil, fmt.Errorf("connect to database: %w", err)
	}
	var d dialect.Driver = drv
	if drv.Dialect() == dialect.SQLite {
		d = newTxGate(newStmtCache(drv))
	}
	if wrap != nil {
		d = wrap(d)
	}
	client := ent.NewClient(append([]ent.Option{ent.Driver(d)}, opts...)...)
	if err := migrateAtStart(ctx, client, drv.DB(), drv.Dialect(), autoMigrate); err != nil {
		client.Close()
		return nil, nil, err
	}
	if err := createServerTables(ctx, drv.DB(), drv.Dialect() == dialect.Postgres); err != nil {
		client.Close()
		return nil, nil, err
	}
	return client, drv.DB(), nil
}

// migrateAtStart applies what StartPolicy allows and refuses the rest.
func migrateAtStart(ctx context.Context, client *ent.Client, db *sql.DB, dialectName string, autoMigrate bool) error {
	s, err := Status(ctx, db, dialectName)
	if err != nil {
		return err
	}
	if err := StartPolicy(s, autoMigrate); err != nil {
		return err
	}
	if len(s.Pending) == 0 {
		return nil
	}
	if _, err := Migrate(ctx, client, db, dialectName); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	return nil
}

// StartPolicy decides whether a server may start on a database in state s,
// migrating it first when it is behind (decision 0180):
//   - newer than the binary (a migration it does not know): refused;
//   - up to date: start;
//   - empty (a new database): migrate, on any backend;
//   - behind on SQLite (the embedded, single-server default, legacy
//     Schema.Create databases included): migrate;
//   - behind on PostgreSQL: migrate only with --auto-migrate; otherwise refused,
//     since replicas of the old version may still be serving from it: run
//     `opsgraph migrate` as a release step.
func StartPolicy(s *MigrationStatus, autoMigrate bool) error {
	if err := s.Newer(); err != nil {
		return err
	}
	if len(s.Pending) == 0 || s.Empty || s.Dialect != dialect.Postgres || autoMigrate {
		return nil
	}
	names := make([]string, len(s.Pending))
	for i, f := range s.Pending {
		names[i] = f.Name()
	}
	state := "at migration " + s.Current()
	if s.Legacy {
		state = "created before versioned migrations (it needs a baseline)"
	}
	return fmt.Errorf("%w: the database is %s and this server needs %s; "+
		"run `opsgraph migrate --db ...` first, or start with --auto-migrate (OPSGRAPH_AUTO_MIGRATE=true)",
		ErrMigrationsPending, state, strings.Join(names, ", "))
}

// ping opens the first connection. On a new SQLite file, servers starting
// together race to switch it to WAL, and the losers' journal_mode pragma
// answers SQLITE_BUSY at once (the busy timeout does not cover it): they
// try again for up to ten seconds.
func ping(ctx context.Context, drv *entsql.Driver) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := drv.DB().PingContext(ctx)
		var se *sqlite.Error
		if err == nil || drv.Dialect() != dialect.SQLite || !errors.As(err, &se) || se.Code() != sqliteBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// sqliteBusy is SQLITE_BUSY.
const sqliteBusy = 5
