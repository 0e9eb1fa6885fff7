package db

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Server tables outside the ent model: server-wide settings (the secret key's
// fingerprint) and the leases of periodic tasks.
const (
	settingsTable   = "opsgraph_settings"
	taskLeasesTable = "opsgraph_task_leases"
)

// createServerTables creates the server tables if missing. On PostgreSQL it
// holds the migration lock for it, in one transaction on one connection:
// concurrent CREATE TABLE IF NOT EXISTS of one table by replicas starting
// together can fail on PostgreSQL's catalog (duplicate key in pg_type).
func createServerTables(ctx context.Context, db *sql.DB, postgres bool) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create server tables: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", LockMigrate); err != nil {
			return fmt.Errorf("create server tables: %w", err)
		}
	}
	for _, q := range []string{
		"CREATE TABLE IF NOT EXISTS " + settingsTable + " (name VARCHAR(100) PRIMARY KEY, value TEXT NOT NULL)",
		"CREATE TABLE IF NOT EXISTS " + taskLeasesTable + " (name VARCHAR(100) PRIMARY KEY, owner VARCHAR(200) NOT NULL, until_ms BIGINT NOT NULL)",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create server tables: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create server tables: %w", err)
	}
	return nil
}

// KeyFingerprint identifies a secret key without revealing it: an HMAC of a
// fixed label under the key, 16 hex digits.
func KeyFingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("opsgraph secret key fingerprint v1"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// ErrKeyMismatch is returned by CheckKey for a key the database was not set up with.
var ErrKeyMismatch = errors.New("secret key mismatch")

// CheckKey records the fingerprint of key at the database's first start and
// afterwards refuses another key: a replica with its own key would fail every
// job it claims and break the stores it connects for every other replica.
func CheckKey(ctx context.Context, db *sql.DB, postgres bool, key []byte) error {
	fp := KeyFingerprint(key)
	ins := "INSERT INTO " + settingsTable + " (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"
	sel := "SELECT value FROM " + settingsTable + " WHERE name = ?"
	if postgres {
		ins = "INSERT INTO " + settingsTable + " (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"
		sel = "SELECT value FROM " + settingsTable + " WHERE name = $1"
	}
	if _, err := db.ExecContext(ctx, ins, "secret_key_fingerprint", fp); err != nil {
		return fmt.Errorf("record secret key fingerprint: %w", err)
	}
	var stored string
	if err := db.QueryRowContext(ctx, sel, "secret_key_fingerprint").Scan(&stored); err != nil {
		return fmt.Errorf("read secret key fingerprint: %w", err)
	}
	if stored != fp {
		return fmt.Errorf("%w: this database was set up with the secret key whose fingerprint is %s, but this server has the key %s; "+
			"start every replica with the same key (OPSGRAPH_SECRET_KEY or --secret-key-file)", ErrKeyMismatch, stored, fp)
	}
	return nil
}

// TryTaskLease takes or renews the lease of the periodic task name for owner
// until untilMs (Unix milliseconds) when it is free, expired at nowMs, or
// already owner's, and reports whether owner holds it. One conditional
// upsert: two replicas cannot both get it.
func TryTaskLease(ctx context.Context, db *sql.DB, postgres bool, name, owner string, nowMs, untilMs int64) (bool, error) {
	q := "INSERT INTO " + taskLeasesTable + " (name, owner, until_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE " +
		"SET owner = excluded.owner, until_ms = excluded.until_ms WHERE " + taskLeasesTable + ".until_ms < ? OR " + taskLeasesTable + ".owner = excluded.owner"
	if postgres {
		q = "INSERT INTO " + taskLeasesTable + " (name, owner, until_ms) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE " +
			"SET owner = excluded.owner, until_ms = excluded.until_ms WHERE " + taskLeasesTable + ".until_ms < $4 OR " + taskLeasesTable + ".owner = excluded.owner"
	}
	res, err := db.ExecContext(ctx, q, name, owner, untilMs, nowMs)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
