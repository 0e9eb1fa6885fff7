// Package migrations holds the versioned schema migrations of OpsGraph, one
// directory per database (sqlite/, postgres/), in Atlas's format: files named
// VERSION_NAME.sql applied in version order, and an atlas.sum that pins their
// content. They are generated from the ent schema by
//
//	go run ./internal/cmd/migrations new NAME
//
// and committed; package db applies them (opsgraph migrate, and at start).
// Never edit an applied migration: add a new one.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/opsgraph/opsgraph/ent/migrate"
)

//go:embed sqlite/* postgres/*
var files embed.FS

// Folder is the directory of a dialect's migrations, relative to this package.
func Folder(dialectName string) (string, error) {
	switch dialectName {
	case dialect.SQLite:
		return "sqlite", nil
	case dialect.Postgres:
		return "postgres", nil
	}
	return "", fmt.Errorf("migrations: no migrations for dialect %q", dialectName)
}

// Dir returns the committed migrations of a dialect (embedded in the binary),
// checked against their atlas.sum.
func Dir(dialectName string) (*migrate.MemDir, error) {
	folder, err := Folder(dialectName)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(files, folder)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	dir := &migrate.MemDir{}
	for _, e := range entries {
		b, err := fs.ReadFile(files, path.Join(folder, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		if err := dir.WriteFile(e.Name(), b); err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
	}
	if err := migrate.Validate(dir); err != nil {
		return nil, fmt.Errorf("migrations: %s/atlas.sum does not match the migration files (%w); run go run ./internal/cmd/migrations hash after resolving", folder, err)
	}
	return dir, nil
}

// ErrDrift is returned by Check when the ent schema has changes that no
// committed migration makes.
var ErrDrift = errors.New("the ent schema and the committed migrations disagree")

// Diff writes to dir a migration named name that brings a database migrated
// by dir's files up to the ent schema, and reports whether it wrote one (the
// schema had changes). dev is an empty scratch database of the dialect: the
// files are replayed on it, inspected and the result compared with the ent
// schema (Atlas's replay mode); it is left empty again.
func Diff(ctx context.Context, dialectName string, dev *sql.DB, dir migrate.Dir, name string) (bool, error) {
	before, err := dir.Files()
	if err != nil {
		return false, err
	}
	m, err := schema.NewMigrate(entsql.OpenDB(dialectName, dev),
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dialectName),
		schema.WithErrNoPlan(true),
		schema.WithFormatter(migrate.DefaultFormatter),
	)
	if err != nil {
		return false, err
	}
	err = m.NamedDiff(ctx, name, entmigrate.Tables...)
	if errors.Is(err, migrate.ErrNoPlan) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	after, err := dir.Files()
	if err != nil {
		return false, err
	}
	return len(after) > len(before), nil
}

// Check reports ErrDrift, with the statements missing, when the committed
// migrations of the dialect do not produce the ent schema. dev is an empty
// scratch database of the dialect (see Diff).
func Check(ctx context.Context, dialectName string, dev *sql.DB) error {
	dir, err := Dir(dialectName)
	if err != nil {
		return err
	}
	before, err := dir.Files()
	if err != nil {
		return err
	}
	changed, err := Diff(ctx, dialectName, dev, dir, "pending")
	if err != nil {
		return fmt.Errorf("compare the ent schema with the %s migrations: %w", dialectName, err)
	}
	if !changed {
		return nil
	}
	after, err := dir.Files()
	if err != nil {
		return err
	}
	var missing string
	for _, f := range after[len(before):] {
		missing += string(f.Bytes())
	}
	folder, _ := Folder(dialectName)
	return fmt.Errorf("%w (%s): run `go run ./internal/cmd/migrations new <name>` and commit db/migrations; the missing statements are:\n%s", ErrDrift, folder, missing)
}
