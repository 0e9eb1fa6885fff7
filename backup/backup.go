// Package backup copies an OpsGraph database to a file and back: SQLite with
// an online VACUUM INTO (a consistent snapshot while the server runs),
// PostgreSQL with pg_dump / pg_restore in their custom format.
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver

	"github.com/opsgraph/opsgraph/db"
)

// Backup writes a copy of the database dsn to the file to, which must not
// exist. It does not stop or block the server.
func Backup(ctx context.Context, dsn, to string) error {
	if _, err := os.Stat(to); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file", to)
	}
	if db.IsPostgres(dsn) {
		return run(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", to, "--dbname", dsn)
	}
	src, err := sql.Open("sqlite", "file:"+sqlitePath(dsn)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", sqlitePath(dsn), err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, "VACUUM INTO ?", to); err != nil {
		return fmt.Errorf("backup: VACUUM INTO %s: %w", to, err)
	}
	return nil
}

// Restore replaces the database dsn by the backup in from. For SQLite the
// server must be stopped; the database it replaces is kept beside it as
// <file>.before-restore-<time>. For PostgreSQL, pg_restore --clean replaces the
// objects of the backup inside the target database in one transaction.
func Restore(ctx context.Context, dsn, from string) error {
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if db.IsPostgres(dsn) {
		return run(ctx, "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
			"--exit-on-error", "--dbname", dsn, from)
	}
	if err := checkSQLite(ctx, from); err != nil {
		return err
	}
	target := sqlitePath(dsn)
	tmp, err := os.CreateTemp(filepath.Dir(target), ".restore-*")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	in, err := os.Open(from)
	if err != nil {
		tmp.Close()
		return fmt.Errorf("restore: %w", err)
	}
	_, err = io.Copy(tmp, in)
	in.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restore: copy %s: %w", from, err)
	}
	if _, err := os.Stat(target); err == nil {
		keep := fmt.Sprintf("%s.before-restore-%s", target, time.Now().UTC().Format("20060102T150405Z"))
		if err := os.Rename(target, keep); err != nil {
			return fmt.Errorf("restore: keep the current database: %w", err)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Rename(target+suffix, keep+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("restore: %w", err)
			}
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// checkSQLite refuses a file that is not an intact SQLite database of OpsGraph.
func checkSQLite(ctx context.Context, path string) error {
	d, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer d.Close()
	var ok string
	if err := d.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		return fmt.Errorf("restore: %s is not an intact SQLite database (%v%s)", path, err, ok)
	}
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('organizations', 'users')").Scan(&n); err != nil || n != 2 {
		return fmt.Errorf("restore: %s is not an OpsGraph database", path)
	}
	return nil
}

func sqlitePath(dsn string) string {
	p := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

// run runs a PostgreSQL client tool, returning its error output on failure.
func run(ctx context.Context, tool string, args ...string) error {
	path, err := exec.LookPath(tool)
	if err != nil {
		return fmt.Errorf("%s not found: install the PostgreSQL client tools (Debian: postgresql-client) of the server's major version or newer", tool)
	}
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", tool, err, strings.TrimSpace(redact(string(out))))
	}
	return nil
}

// redact hides a password in a postgres:// URL echoed by the tools.
func redact(s string) string {
	for _, f := range strings.Fields(s) {
		if i := strings.Index(f, "://"); i >= 0 {
			if at := strings.LastIndexByte(f, '@'); at > i {
				s = strings.ReplaceAll(s, f[i+3:at], "***")
			}
		}
	}
	return s
}
