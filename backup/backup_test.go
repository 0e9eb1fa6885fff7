package backup_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/opsgraph/opsgraph/backup"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

func storeNames(t *testing.T, env *testenv.Env, token string) []string {
	t.Helper()
	var out struct {
		Stores struct {
			Edges []struct{ Node struct{ Name string } }
		}
	}
	env.MustData(t, testenv.Request{Token: token, Query: `{ stores(first: 10, orderBy: {field: NAME}) { edges { node { name } } } }`}, &out)
	var names []string
	for _, e := range out.Stores.Edges {
		names = append(names, e.Node.Name)
	}
	return names
}

func createStore(t *testing.T, env *testenv.Env, token, org, name string) {
	t.Helper()
	env.MustData(t, testenv.Request{Token: token, Query: `mutation($o: ID!, $n: String!) { createStore(input: {name: $n, platform: TMALL, organizationID: $o}) { id } }`,
		Variables: map[string]any{"o": org, "n": name}}, nil)
}

// TestBackupRestoreRoundTrip backs up a running server's database, changes
// it afterwards, restores the backup into a new database and reads it back
// through the API of a server started on it: what was there at backup time,
// and nothing written later.
func TestBackupRestoreRoundTrip(t *testing.T) {
	testenv.ForEach(t, func(t *testing.T, b testenv.Backend) {
		if b.Name == "postgres" {
			if _, err := exec.LookPath("pg_dump"); err != nil {
				t.Skip("pg_dump not installed (Debian: postgresql-client)")
			}
		}
		ctx := context.Background()
		env := testenv.New(t, b)
		org := env.Org(t, "Brand A", 0)
		token := env.User(t, "owner@a.test", testenv.Grant{Org: org, Role: "owner"})
		createStore(t, env, token, itoa(org), "A 旗舰店")
		createStore(t, env, token, itoa(org), "B 抖音小店")

		file := filepath.Join(t.TempDir(), "opsgraph.backup")
		if err := backup.Backup(ctx, env.DSN, file); err != nil { // online: the server keeps running
			t.Fatal(err)
		}
		if err := backup.Backup(ctx, env.DSN, file); err == nil {
			t.Fatal("a second backup overwrote the first")
		}
		createStore(t, env, token, itoa(org), "C after the backup")

		target := filepath.Join(t.TempDir(), "restored.db")
		if b.Name == "postgres" {
			target = testenv.EmptyPostgres(t)
		}
		if err := backup.Restore(ctx, target, file); err != nil {
			t.Fatal(err)
		}
		restored := testenv.New(t, b, testenv.WithDSN(target))
		got := storeNames(t, restored, restored.Login(t, "owner@a.test"))
		if want := []string{"A 旗舰店", "B 抖音小店"}; !slices.Equal(got, want) {
			t.Fatalf("restored stores %q, want %q", got, want)
		}
		if all := storeNames(t, env, token); len(all) != 3 {
			t.Fatalf("the source database changed: %q", all)
		}
	})
}

// TestRestoreSQLiteSafety: restoring over a database keeps the old one, and
// a file that is not an OpsGraph database is refused before anything moves.
func TestRestoreSQLiteSafety(t *testing.T) {
	ctx := context.Background()
	env := testenv.New(t, testenv.SQLite)
	env.Org(t, "Brand A", 0)
	file := filepath.Join(t.TempDir(), "b.db")
	if err := backup.Backup(ctx, env.DSN, file); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "opsgraph.db")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk")
	_ = os.WriteFile(junk, []byte("not a database"), 0o600)
	for _, tc := range []struct {
		name, from string
		wantErr    bool
	}{
		{"not a database", junk, true},
		{"missing file", filepath.Join(dir, "nope"), true},
		{"backup", file, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := backup.Restore(ctx, target, tc.from)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Restore = %v, want error %v", err, tc.wantErr)
			}
			kept, _ := filepath.Glob(target + ".before-restore-*")
			if tc.wantErr {
				if raw, _ := os.ReadFile(target); string(raw) != "old" || len(kept) != 0 {
					t.Fatal("a refused restore touched the database")
				}
				return
			}
			if len(kept) != 1 {
				t.Fatalf("old database not kept: %v", kept)
			}
			if raw, _ := os.ReadFile(kept[0]); string(raw) != "old" {
				t.Fatal("kept file is not the old database")
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
