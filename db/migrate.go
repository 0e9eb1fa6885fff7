package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"

	"github.com/opsgraph/opsgraph/db/migrations"
	"github.com/opsgraph/opsgraph/ent"
	entmigrate "github.com/opsgraph/opsgraph/ent/migrate"
)

// revisionsTable records the migrations applied to a database (outside the
// ent model, like the other server tables).
const revisionsTable = "opsgraph_schema_revisions"

// BaselineDescription marks the revisions recorded for a database created by
// ent's Schema.Create before versioned migrations existed.
const BaselineDescription = "baseline of a Schema.Create database"

// ErrDatabaseNewer is returned when a database has migrations this binary does
// not know: it was migrated by a newer OpsGraph, and this one must not run on it.
var ErrDatabaseNewer = errors.New("database is newer than this server")

// ErrMigrationsPending is returned at start when a database needs migrations
// that the start-up policy does not apply (PostgreSQL without --auto-migrate).
var ErrMigrationsPending = errors.New("database schema is behind this server")

// Revision is one migration recorded as applied.
type Revision struct {
	Version     string
	Description string
	Hash        string
	AppliedAt   string
}

// MigrationStatus is where a database stands against the migrations of this binary.
type MigrationStatus struct {
	Dialect string
	// Applied are the revisions recorded in the database, in version order.
	Applied []Revision
	// Pending are the files this binary would apply, in order.
	Pending []migrate.File
	// Unknown are recorded versions this binary has no file for (a newer binary migrated the database).
	Unknown []string
	// Changed are applied versions whose file content differs from what was applied.
	Changed []string
	// Legacy: the database has OpsGraph tables but no recorded migrations
	// (created by Schema.Create); migrating it records a baseline.
	Legacy bool
	// Empty: no OpsGraph table and no revision (a new database).
	Empty bool
}

// Current is the last applied version, "" when none.
func (s *MigrationStatus) Current() string {
	if len(s.Applied) == 0 {
		return ""
	}
	return s.Applied[len(s.Applied)-1].Version
}

// Newer reports an error wrapping ErrDatabaseNewer when the database has
// migrations unknown to this binary.
func (s *MigrationStatus) Newer() error {
	if len(s.Unknown) == 0 {
		return nil
	}
	return fmt.Errorf("%w: it has migration %s, which this server does not know (its latest is %s); "+
		"run the OpsGraph version that migrated it, or a newer one; do not downgrade a database",
		ErrDatabaseNewer, strings.Join(s.Unknown, ", "), latestVersion(s.Dialect))
}

// embedded is the migrations directory of each dialect, read and checked once.
var embedded = map[string]func() (*migrate.MemDir, error){
	dialect.SQLite:   sync.OnceValues(func() (*migrate.MemDir, error) { return migrations.Dir(dialect.SQLite) }),
	dialect.Postgres: sync.OnceValues(func() (*migrate.MemDir, error) { return migrations.Dir(dialect.Postgres) }),
}

// migrationDir is the (shared, read-only) migrations directory of the dialect.
func migrationDir(dialectName string) (*migrate.MemDir, error) {
	f, ok := embedded[dialectName]
	if !ok {
		return nil, fmt.Errorf("no migrations for dialect %q", dialectName)
	}
	return f()
}

func latestVersion(dialectName string) string {
	dir, err := migrationDir(dialectName)
	if err != nil {
		return "?"
	}
	files, err := dir.Files()
	if err != nil || len(files) == 0 {
		return "none"
	}
	return files[len(files)-1].Version()
}

// ph returns the i-th (1-based) placeholder of the dialect.
func ph(dialectName string, i int) string {
	if dialectName == dialect.Postgres {
		return fmt.Sprintf("$%d", i)
	}
	return "?"
}

// queryer is a *sql.DB, *sql.Conn or *sql.Tx.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func createRevisionsTable(ctx context.Context, q queryer) error {
	_, err := q.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+revisionsTable+
		" (version VARCHAR(64) PRIMARY KEY, description VARCHAR(255) NOT NULL, hash VARCHAR(64) NOT NULL, applied_at VARCHAR(40) NOT NULL)")
	if err != nil {
		return fmt.Errorf("create %s: %w", revisionsTable, err)
	}
	return nil
}

func tableExists(ctx context.Context, q queryer, dialectName string, names ...string) (bool, error) {
	query := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (%s)"
	if dialectName == dialect.Postgres {
		query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN (%s)"
	}
	args := make([]any, len(names))
	marks := make([]string, len(names))
	for i, n := range names {
		args[i], marks[i] = n, ph(dialectName, i+1)
	}
	var n int
	if err := q.QueryRowContext(ctx, fmt.Sprintf(query, strings.Join(marks, ", ")), args...).Scan(&n); err != nil {
		return false, fmt.Errorf("inspect tables: %w", err)
	}
	return n > 0, nil
}

func readRevisions(ctx context.Context, q queryer) ([]Revision, error) {
	rows, err := q.QueryContext(ctx, "SELECT version, description, hash, applied_at FROM "+revisionsTable+" ORDER BY version")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", revisionsTable, err)
	}
	defer rows.Close()
	var revs []Revision
	for rows.Next() {
		var r Revision
		if err := rows.Scan(&r.Version, &r.Description, &r.Hash, &r.AppliedAt); err != nil {
			return nil, err
		}
		revs = append(revs, r)
	}
	return revs, rows.Err()
}

func entTableNames() []string {
	names := make([]string, len(entmigrate.Tables))
	for i, t := range entmigrate.Tables {
		names[i] = t.Name
	}
	return names
}

// Status compares the database with the migrations of this binary. It writes
// nothing (the revisions table may not exist yet). It reads one snapshot:
// read statement by statement, a server that commits its first migration
// between the revisions read and the tables read would make the database
// look legacy (tables, no revisions) to another server starting beside it.
// Read-only: on SQLite a deferred transaction (its WAL snapshot holds from
// the first read; it takes no write lock, so inspecting a busy server's
// database waits for nobody); on PostgreSQL REPEATABLE READ.
func Status(ctx context.Context, db *sql.DB, dialectName string) (*MigrationStatus, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if dialectName == dialect.Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("read migration status: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	return status(ctx, tx, dialectName)
}

func status(ctx context.Context, q queryer, dialectName string) (*MigrationStatus, error) {
	dir, err := migrationDir(dialectName)
	if err != nil {
		return nil, err
	}
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	sum, err := dir.Checksum()
	if err != nil {
		return nil, err
	}
	s := &MigrationStatus{Dialect: dialectName}
	hasRevs, err := tableExists(ctx, q, dialectName, revisionsTable)
	if err != nil {
		return nil, err
	}
	if hasRevs {
		if s.Applied, err = readRevisions(ctx, q); err != nil {
			return nil, err
		}
	}
	if len(s.Applied) == 0 {
		hasEnt, err := tableExists(ctx, q, dialectName, entTableNames()...)
		if err != nil {
			return nil, err
		}
		s.Legacy, s.Empty = hasEnt, !hasEnt
	}
	applied := map[string]Revision{}
	for _, r := range s.Applied {
		applied[r.Version] = r
	}
	known := map[string]bool{}
	for _, f := range files {
		known[f.Version()] = true
		r, ok := applied[f.Version()]
		if !ok {
			s.Pending = append(s.Pending, f)
			continue
		}
		if h, err := sum.SumByName(f.Name()); err == nil && r.Hash != "" && r.Hash != h {
			s.Changed = append(s.Changed, f.Version())
		}
	}
	for _, r := range s.Applied {
		if !known[r.Version] {
			s.Unknown = append(s.Unknown, r.Version)
		}
	}
	return s, nil
}

// Migrate brings the database up to this binary's migrations and returns the
// versions it applied (or recorded as baseline). A database with migrations
// unknown to this binary is refused (ErrDatabaseNewer), as is one whose
// applied migration files were changed since. A legacy database (created by
// Schema.Create, no revisions) is first completed by Schema.Create, as the
// servers before versioned migrations did, and then every migration is
// recorded as its baseline. Each migration runs in its own transaction with
// its revision; on PostgreSQL under the migration advisory lock, so that
// servers and `opsgraph migrate` started together take turns.
func Migrate(ctx context.Context, client *ent.Client, db *sql.DB, dialectName string) ([]string, error) {
	var applied []string
	err := WithLock(ctx, db, dialectName, LockMigrate, func() error {
		var err error
		applied, err = migrateLocked(ctx, client, db, dialectName)
		return err
	})
	return applied, err
}

func migrateLocked(ctx context.Context, client *ent.Client, db *sql.DB, dialectName string) ([]string, error) {
	s, err := Status(ctx, db, dialectName)
	if err != nil {
		return nil, err
	}
	if err := s.Newer(); err != nil {
		return nil, err
	}
	if len(s.Changed) > 0 {
		return nil, fmt.Errorf("migration %s was changed after it was applied to this database; restore the committed file", strings.Join(s.Changed, ", "))
	}
	if len(s.Pending) == 0 {
		return nil, nil
	}
	if err := createRevisionsTable(ctx, db); err != nil {
		return nil, err
	}
	dir, err := migrationDir(dialectName)
	if err != nil {
		return nil, err
	}
	sum, err := dir.Checksum()
	if err != nil {
		return nil, err
	}
	if s.Legacy {
		return baseline(ctx, client, db, dialectName, sum, s.Pending)
	}
	var done []string
	for _, f := range s.Pending {
		ok, err := applyFile(ctx, db, dialectName, sum, f)
		if err != nil {
			return done, err
		}
		if ok {
			done = append(done, f.Name())
		}
	}
	return done, nil
}

// baseline completes a Schema.Create database with Schema.Create and records
// files as applied.
func baseline(ctx context.Context, client *ent.Client, db *sql.DB, dialectName string, sum migrate.HashFile, files []migrate.File) ([]string, error) {
	err := client.Schema.Create(ctx)
	for i := 0; err != nil && dialectName == dialect.SQLite && strings.Contains(err.Error(), "already exists") && i < 5; i++ {
		err = client.Schema.Create(ctx) // see OpenClientPool before versioned migrations
	}
	if err != nil {
		return nil, fmt.Errorf("baseline: complete the schema: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	revs, err := readRevisions(ctx, tx)
	if err != nil {
		return nil, err
	}
	if len(revs) > 0 {
		return nil, nil // another server recorded it first
	}
	var done []string
	for _, f := range files {
		if err := insertRevision(ctx, tx, dialectName, sum, f, BaselineDescription); err != nil {
			return nil, err
		}
		done = append(done, f.Name()+" (baseline)")
	}
	return done, tx.Commit()
}

func insertRevision(ctx context.Context, q queryer, dialectName string, sum migrate.HashFile, f migrate.File, desc string) error {
	h, err := sum.SumByName(f.Name())
	if err != nil {
		return err
	}
	if desc == "" {
		desc = f.Desc()
	}
	_, err = q.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s (version, description, hash, applied_at) VALUES (%s, %s, %s, %s)",
		revisionsTable, ph(dialectName, 1), ph(dialectName, 2), ph(dialectName, 3), ph(dialectName, 4)),
		f.Version(), desc, h, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("record migration %s: %w", f.Version(), err)
	}
	return nil
}

// applyFile runs one migration file and records it in one transaction,
// unless another server recorded it first (false). On SQLite foreign keys
// are switched off on the connection for the transaction, as SQLite's
// procedure for schema changes asks (table rebuilds), and checked before
// the commit.
func applyFile(ctx context.Context, db *sql.DB, dialectName string, sum migrate.HashFile, f migrate.File) (bool, error) {
	stmts, err := f.Stmts()
	if err != nil {
		return false, fmt.Errorf("migration %s: %w", f.Name(), err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	sqlite := dialectName == dialect.SQLite
	if sqlite {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return false, err
		}
		defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON") }()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback() }()
	revs, err := readRevisions(ctx, tx)
	if err != nil {
		return false, err
	}
	if slices.ContainsFunc(revs, func(r Revision) bool { return r.Version == f.Version() }) {
		return false, nil
	}
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return false, fmt.Errorf("migration %s: %w\nstatement: %s", f.Name(), err, stmt)
		}
	}
	if sqlite {
		rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return false, err
		}
		violation := rows.Next()
		rows.Close()
		if violation {
			return false, fmt.Errorf("migration %s leaves rows violating foreign keys (PRAGMA foreign_key_check)", f.Name())
		}
	}
	if err := insertRevision(ctx, tx, dialectName, sum, f, ""); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %s: %w", f.Name(), err)
	}
	return true, nil
}
