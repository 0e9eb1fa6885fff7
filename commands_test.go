package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/db/migrations"
)

func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string
		env       map[string]string
		wantUsage bool
		wantAddr  string
	}{
		{name: "no arguments", args: nil, wantAddr: ":8080"},
		{name: "demo stays on loopback", args: []string{"--demo"}, wantAddr: "127.0.0.1:8080"},
		{name: "demo with an address", args: []string{"--demo", "--addr", ":9000"}, wantAddr: ":9000"},
		{name: "demo with OPSGRAPH_ADDR", args: []string{"--demo"}, env: map[string]string{"OPSGRAPH_ADDR": "0.0.0.0:8081"}, wantAddr: "0.0.0.0:8081"},
		{name: "unknown command", args: []string{"serve-me"}, wantUsage: true},
		{name: "plugin without id is not a server", args: []string{"plugin"}, wantUsage: true},
		{name: "unknown flag", args: []string{"--bogus"}, wantUsage: true},
		{name: "stray argument after flags", args: []string{"--demo", "extra"}, wantUsage: true},
		{name: "version takes no arguments", args: []string{"version", "x"}, wantUsage: true},
		{name: "any origin with credentials", args: []string{"--cors-origins", "*", "--cors-credentials"}, wantUsage: true},
		{name: "bad role budget", args: []string{"--rate-limit-roles", "analyst=lots"}, wantUsage: true},
		{name: "backup without --to", args: []string{"backup"}, wantUsage: true},
		{name: "restore with a stray argument", args: []string{"restore", "--from", "x", "y"}, wantUsage: true},
		{name: "migrate with a stray argument", args: []string{"migrate", "now"}, wantUsage: true},
		{name: "migrate with an unknown flag", args: []string{"migrate", "--force"}, wantUsage: true},
		{name: "origin without scheme", args: []string{"--cors-origins", "localhost:3000"}, wantUsage: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OPSGRAPH_ADDR", "")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if tc.wantUsage {
				var err error
				if len(tc.args) > 0 && tc.args[0] == "plugin" {
					err = servePlugin(tc.args[1:])
				} else {
					err = dispatch(tc.args)
				}
				if !errors.Is(err, errUsage) {
					t.Fatalf("%q: err = %v, want a usage error", tc.args, err)
				}
				return
			}
			c, err := parseFlags(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr != tc.wantAddr {
				t.Fatalf("addr %q, want %q", c.Addr, tc.wantAddr)
			}
		})
	}
}

// TestTrimExecutableFlag: on by default; OPSGRAPH_TRIM_EXECUTABLE and the
// flag turn it off, the flag winning over the environment.
func TestTrimExecutableFlag(t *testing.T) {
	for _, tc := range []struct {
		env  string
		args []string
		want bool
	}{
		{"", nil, true},
		{"false", nil, false},
		{"0", nil, false},
		{"not-a-bool", nil, true},
		{"", []string{"--trim-executable=false"}, false},
		{"false", []string{"--trim-executable"}, true},
	} {
		t.Setenv("OPSGRAPH_TRIM_EXECUTABLE", tc.env)
		c, err := parseFlags(tc.args)
		if err != nil {
			t.Fatal(err)
		}
		if c.TrimExecutable != tc.want {
			t.Errorf("env %q, args %q: trim %v, want %v", tc.env, tc.args, c.TrimExecutable, tc.want)
		}
	}
}

// TestMigrateCommand: opsgraph migrate --dry-run lists the pending migrations
// and changes nothing; migrate applies and prints them; again, nothing; on a
// database from a newer OpsGraph it refuses.
func TestMigrateCommand(t *testing.T) {
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "opsgraph.db")
	dir, err := migrations.Dir(dialect.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	files, err := dir.Files()
	if err != nil || len(files) == 0 {
		t.Fatalf("committed sqlite migrations: %d, %v", len(files), err)
	}
	pending := fmt.Sprintf("empty, %d pending", len(files))
	steps := []struct {
		name, dsn string
		dryRun    bool
		want      []string
	}{
		{"dry run", dsn, true, []string{pending, "pending 2"}},
		{"dry run changed nothing", dsn, true, []string{pending}},
		{"migrate", dsn, false, []string{"applied 2", "_initial.sql"}},
		{"again", dsn, false, []string{"0 pending", "nothing to apply"}},
	}
	for _, st := range steps {
		var out bytes.Buffer
		if err := migrateCommand(ctx, &out, st.dsn, st.dryRun); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		for _, w := range st.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: output %q lacks %q", st.name, out.String(), w)
			}
		}
	}
	drv, err := db.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := drv.DB().Exec("INSERT INTO opsgraph_schema_revisions (version, description, hash, applied_at) VALUES ('29991231000000', 'future', 'x', 'x')"); err != nil {
		t.Fatal(err)
	}
	drv.Close()
	if err := migrateCommand(ctx, io.Discard, dsn, false); !errors.Is(err, db.ErrDatabaseNewer) {
		t.Fatalf("migrate on a newer database: %v, want ErrDatabaseNewer", err)
	}
}
