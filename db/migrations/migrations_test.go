package migrations_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/opsgraph/opsgraph/db/migrations"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

func sqliteDev(t *testing.T) *sql.DB {
	t.Helper()
	dev, err := sql.Open("sqlite", "file:"+t.Name()+"?mode=memory&_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	dev.SetMaxOpenConns(1)
	t.Cleanup(func() { dev.Close() })
	return dev
}

// TestMigrationsMatchEntSchema fails when the ent schema has changes that the
// committed migrations do not make (a new field, entity or index without
// `go run ./internal/cmd/migrations new <name>`). Its message says so and
// lists the missing statements. SQLite always; PostgreSQL with
// OPSGRAPH_TEST_POSTGRES.
func TestMigrationsMatchEntSchema(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		if err := migrations.Check(context.Background(), dialect.SQLite, sqliteDev(t)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv("OPSGRAPH_TEST_POSTGRES") == "" {
			t.Skip("OPSGRAPH_TEST_POSTGRES not set")
		}
		dev, err := sql.Open("pgx", testenv.PostgresDSN(t))
		if err != nil {
			t.Fatal(err)
		}
		defer dev.Close()
		if err := migrations.Check(context.Background(), dialect.Postgres, dev); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDiffDetectsMissingMigrations: the comparison behind the check finds
// the whole schema missing from an empty directory, and nothing missing once
// that migration is written.
func TestDiffDetectsMissingMigrations(t *testing.T) {
	ctx := context.Background()
	dir := &migrate.MemDir{}
	changed, err := migrations.Diff(ctx, dialect.SQLite, sqliteDev(t), dir, "all")
	if err != nil || !changed {
		t.Fatalf("empty directory: changed %v, %v; want a migration", changed, err)
	}
	files, _ := dir.Files()
	if len(files) != 1 || len(files[0].Bytes()) == 0 {
		t.Fatalf("files written: %d", len(files))
	}
	changed, err = migrations.Diff(ctx, dialect.SQLite, sqliteDev(t), dir, "again")
	if err != nil || changed {
		t.Fatalf("after writing it: changed %v, %v; want none", changed, err)
	}
}
