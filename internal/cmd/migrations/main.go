// Command migrations maintains the versioned migrations in db/migrations.
//
//	go run ./internal/cmd/migrations new NAME   # write the migration(s) the ent schema needs
//	go run ./internal/cmd/migrations check      # fail if the ent schema and the migrations disagree
//	go run ./internal/cmd/migrations hash       # recompute atlas.sum after editing a new migration by hand
//
// SQLite needs nothing (an in-memory scratch database). PostgreSQL needs a
// server where a scratch database may be created and dropped: --dev-url, or
// OPSGRAPH_TEST_POSTGRES (the URL the tests use). --dialect limits the work to
// one database. Run from the module root after changing ent/schema and
// running go generate ./...; commit the new files.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/opsgraph/opsgraph/db/migrations"
)

const usage = `usage: go run ./internal/cmd/migrations [flags] new NAME | check | hash
flags:
`

func main() {
	fs := flag.NewFlagSet("migrations", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage); fs.PrintDefaults() }
	root := fs.String("dir", "db/migrations", "the migrations directory (holding sqlite/ and postgres/)")
	only := fs.String("dialect", "", "sqlite or postgres; empty: both")
	devURL := fs.String("dev-url", os.Getenv("OPSGRAPH_TEST_POSTGRES"), "PostgreSQL URL where a scratch database is created and dropped (default OPSGRAPH_TEST_POSTGRES)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if err := run(context.Background(), fs.Args(), *root, *only, *devURL); err != nil {
		fmt.Fprintln(os.Stderr, "migrations:", err)
		os.Exit(1)
	}
}

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,60}$`)

func run(ctx context.Context, args []string, root, only, devURL string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("a command is required")
	}
	cmd, args := args[0], args[1:]
	var name string
	switch {
	case cmd == "new" && len(args) == 1 && validName.MatchString(args[0]):
		name = args[0]
	case cmd == "new":
		return errors.New("new NAME: one name of lowercase letters, digits and _ (e.g. add_store_notes)")
	case (cmd == "check" || cmd == "hash") && len(args) == 0:
	default:
		return fmt.Errorf("unknown command or arguments %q", append([]string{cmd}, args...))
	}
	dialects := []string{dialect.SQLite, dialect.Postgres}
	if only != "" {
		dialects = []string{only}
	}
	failed := false
	for _, d := range dialects {
		folder, err := migrations.Folder(d)
		if err != nil {
			return err
		}
		path := filepath.Join(root, folder)
		switch cmd {
		case "hash":
			dir, err := migrate.NewLocalDir(path)
			if err != nil {
				return err
			}
			sum, err := dir.Checksum()
			if err != nil {
				return err
			}
			if err := migrate.WriteSumFile(dir, sum); err != nil {
				return err
			}
			fmt.Printf("%s: atlas.sum rewritten\n", path)
		case "check":
			err := withDev(ctx, d, devURL, func(dev *sql.DB) error { return migrations.Check(ctx, d, dev) })
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
				failed = true
				continue
			}
			fmt.Printf("%s: up to date with the ent schema\n", path)
		case "new":
			if err := os.MkdirAll(path, 0o750); err != nil {
				return err
			}
			dir, err := migrate.NewLocalDir(path)
			if err != nil {
				return err
			}
			before, err := dir.Files()
			if err != nil {
				return err
			}
			var changed bool
			err = withDev(ctx, d, devURL, func(dev *sql.DB) error {
				changed, err = migrations.Diff(ctx, d, dev, dir, name)
				return err
			})
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if !changed {
				fmt.Printf("%s: no changes, nothing written\n", path)
				continue
			}
			after, err := dir.Files()
			if err != nil {
				return err
			}
			for _, f := range after[len(before):] {
				fmt.Printf("%s: wrote %s\n", path, f.Name())
			}
		}
	}
	if failed {
		return errors.New("the ent schema and the committed migrations disagree: run `go run ./internal/cmd/migrations new <name>` and commit db/migrations")
	}
	return nil
}

// withDev runs f with an empty scratch database of the dialect: SQLite in
// memory, or a PostgreSQL database created on devURL's server and dropped
// afterwards.
func withDev(ctx context.Context, d, devURL string, f func(*sql.DB) error) error {
	if d == dialect.SQLite {
		dev, err := sql.Open("sqlite", "file:dev?mode=memory&_pragma=foreign_keys(1)")
		if err != nil {
			return err
		}
		defer dev.Close()
		dev.SetMaxOpenConns(1) // one in-memory database
		return f(dev)
	}
	if devURL == "" {
		return errors.New("postgres needs a scratch server: --dev-url postgres://... or OPSGRAPH_TEST_POSTGRES (or --dialect sqlite)")
	}
	admin, err := sql.Open("pgx", devURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "opsgraph_migrations_dev_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("create scratch database: %w", err)
	}
	defer func() {
		_, _ = admin.ExecContext(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}()
	u, err := url.Parse(devURL)
	if err != nil {
		return err
	}
	u.Path = "/" + name
	dev, err := sql.Open("pgx", u.String())
	if err != nil {
		return err
	}
	defer dev.Close()
	return f(dev)
}
