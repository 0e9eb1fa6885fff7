package db_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"

	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/db/migrations"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/privacy"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// allow passes the privacy rules: these tests check the schema, not tenancy.
var allow = privacy.DecisionContext(context.Background(), privacy.Allow)

func migrationFiles(t *testing.T, dialectName string) []migrate.File {
	t.Helper()
	dir, err := migrations.Dir(dialectName)
	if err != nil {
		t.Fatal(err)
	}
	files, err := dir.Files()
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations for %s (%v)", dialectName, err)
	}
	return files
}

func dialectOf(dsn string) string {
	if db.IsPostgres(dsn) {
		return dialect.Postgres
	}
	return dialect.SQLite
}

func status(t *testing.T, dsn string) *db.MigrationStatus {
	t.Helper()
	drv, err := db.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close()
	s, err := db.Status(context.Background(), drv.DB(), drv.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestMigrateFreshDatabase: a server starting on an empty database applies
// every migration and records it; the next start applies nothing.
func TestMigrateFreshDatabase(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		dsn := dsn(t, b)
		if s := status(t, dsn); !s.Empty || len(s.Pending) == 0 {
			t.Fatalf("fresh database: empty %v, %d pending", s.Empty, len(s.Pending))
		}
		for range 2 {
			c, _, err := db.OpenClientPool(context.Background(), dsn, db.Pool{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			// The migrated schema works: an organization can be written.
			if _, err := c.Organization.Query().Count(allow); err != nil {
				t.Fatal(err)
			}
			c.Close()
		}
		s := status(t, dsn)
		files := migrationFiles(t, dialectOf(dsn))
		if len(s.Pending) != 0 || len(s.Applied) != len(files) || s.Current() != files[len(files)-1].Version() {
			t.Fatalf("after start: %d pending, applied %v, want all %d", len(s.Pending), s.Applied, len(files))
		}
		if s.Applied[0].Description == db.BaselineDescription || s.Applied[0].Hash == "" {
			t.Fatalf("revision %+v: want an applied migration with its hash", s.Applied[0])
		}
	})
}

// TestRefuseNewerDatabase: a database carrying a migration this binary does
// not know (written by a newer OpsGraph) is refused at start and by migrate.
func TestRefuseNewerDatabase(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		dsn := dsn(t, b)
		c, sqlDB, err := db.OpenClientPool(context.Background(), dsn, db.Pool{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		q := "INSERT INTO opsgraph_schema_revisions (version, description, hash, applied_at) VALUES ('29991231000000', 'from the future', 'x', 'later')"
		if _, err := sqlDB.Exec(q); err != nil {
			t.Fatal(err)
		}
		c.Close()
		for _, auto := range []bool{false, true} {
			_, _, err = db.OpenClientStart(context.Background(), dsn, db.Pool{}, auto, nil)
			if !errors.Is(err, db.ErrDatabaseNewer) || !strings.Contains(err.Error(), "29991231000000") {
				t.Fatalf("start (auto-migrate %v) on a newer database: %v, want ErrDatabaseNewer naming the version", auto, err)
			}
		}
		drv, err := db.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer drv.Close()
		if _, err := db.Migrate(context.Background(), ent.NewClient(ent.Driver(drv)), drv.DB(), drv.Dialect()); !errors.Is(err, db.ErrDatabaseNewer) {
			t.Fatalf("migrate on a newer database: %v, want ErrDatabaseNewer", err)
		}
	})
}

// TestBaselineSchemaCreateDatabase: a database created by ent's
// Schema.Create (servers before versioned migrations, the demo's
// opsgraph.db) keeps its rows and gets every migration recorded as its
// baseline: at start on SQLite, only with --auto-migrate (or opsgraph
// migrate) on PostgreSQL.
func TestBaselineSchemaCreateDatabase(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		dsn := dsn(t, b)
		drv, err := db.Open(dsn)
		if err != nil {
			t.Fatal(err)
		}
		legacy := ent.NewClient(ent.Driver(drv))
		if err := legacy.Schema.Create(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := legacy.Organization.Create().SetName("Brand A").Save(ctx); err != nil {
			t.Fatal(err)
		}
		legacy.Close()
		if s := status(t, dsn); !s.Legacy || s.Empty {
			t.Fatalf("Schema.Create database: legacy %v empty %v", s.Legacy, s.Empty)
		}
		if b.Name == "postgres" {
			_, _, err := db.OpenClientPool(ctx, dsn, db.Pool{}, nil)
			if !errors.Is(err, db.ErrMigrationsPending) || !strings.Contains(err.Error(), "opsgraph migrate") {
				t.Fatalf("PostgreSQL start without --auto-migrate: %v, want ErrMigrationsPending naming opsgraph migrate", err)
			}
		}
		c, _, err := db.OpenClientStart(ctx, dsn, db.Pool{}, b.Name == "postgres", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if n, err := c.Organization.Query().Count(ctx); err != nil || n != 1 {
			t.Fatalf("organizations after baseline: %d, %v; want the existing one", n, err)
		}
		s := status(t, dsn)
		if len(s.Pending) != 0 || s.Legacy || len(s.Applied) != len(migrationFiles(t, dialectOf(dsn))) {
			t.Fatalf("after baseline: %d pending, legacy %v, applied %v", len(s.Pending), s.Legacy, s.Applied)
		}
		for _, r := range s.Applied {
			if r.Description != db.BaselineDescription {
				t.Errorf("revision %s: description %q, want the baseline's", r.Version, r.Description)
			}
		}
	})
}

// TestStartPolicy: what a server does at start with each database state.
func TestStartPolicy(t *testing.T) {
	pending := []migrate.File{migrate.NewLocalFile("20260101000000_x.sql", []byte("SELECT 1;"))}
	applied := []db.Revision{{Version: "20250101000000"}}
	tests := []struct {
		name string
		s    db.MigrationStatus
		auto bool
		want error
	}{
		{"up to date sqlite", db.MigrationStatus{Dialect: dialect.SQLite, Applied: applied}, false, nil},
		{"up to date postgres", db.MigrationStatus{Dialect: dialect.Postgres, Applied: applied}, false, nil},
		{"empty postgres migrates", db.MigrationStatus{Dialect: dialect.Postgres, Empty: true, Pending: pending}, false, nil},
		{"behind sqlite migrates", db.MigrationStatus{Dialect: dialect.SQLite, Applied: applied, Pending: pending}, false, nil},
		{"legacy sqlite migrates", db.MigrationStatus{Dialect: dialect.SQLite, Legacy: true, Pending: pending}, false, nil},
		{"behind postgres refused", db.MigrationStatus{Dialect: dialect.Postgres, Applied: applied, Pending: pending}, false, db.ErrMigrationsPending},
		{"legacy postgres refused", db.MigrationStatus{Dialect: dialect.Postgres, Legacy: true, Pending: pending}, false, db.ErrMigrationsPending},
		{"behind postgres with auto-migrate", db.MigrationStatus{Dialect: dialect.Postgres, Applied: applied, Pending: pending}, true, nil},
		{"newer sqlite refused", db.MigrationStatus{Dialect: dialect.SQLite, Applied: applied, Unknown: []string{"29990101000000"}}, false, db.ErrDatabaseNewer},
		{"newer postgres refused even with auto-migrate", db.MigrationStatus{Dialect: dialect.Postgres, Applied: applied, Unknown: []string{"29990101000000"}}, true, db.ErrDatabaseNewer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.StartPolicy(&tt.s, tt.auto)
			if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("StartPolicy = %v, want %v", err, tt.want)
			}
		})
	}
}

// BenchmarkOpenFresh is the start of a server on a new SQLite database (what
// testenv does per test): the versioned migrations, and for comparison ent's
// Schema.Create that start-up used before.
func BenchmarkOpenFresh(b *testing.B) {
	ctx := context.Background()
	b.Run("migrations", func(b *testing.B) {
		for b.Loop() {
			c, _, err := db.OpenClientPool(ctx, filepath.Join(b.TempDir(), "db.sqlite"), db.Pool{}, nil)
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
	b.Run("schema-create", func(b *testing.B) {
		for b.Loop() {
			drv, err := db.Open(filepath.Join(b.TempDir(), "db.sqlite"))
			if err != nil {
				b.Fatal(err)
			}
			c := ent.NewClient(ent.Driver(drv))
			if err := c.Schema.Create(ctx); err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
	})
}
