package db

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent/organization"
)

// TestStatementCache: SQLite queries outside transactions run as cached
// prepared statements, one per query text, concurrently and with the right
// rows; past the bound the cache starts over and queries keep working; a
// transaction sees its own uncommitted rows (it does not use the cache).
func TestStatementCache(t *testing.T) {
	ctx := authz.SystemContext(context.Background())
	var cache *stmtCache
	client, _, err := OpenClientPool(ctx, filepath.Join(t.TempDir(), "db.sqlite"), Pool{MaxOpen: 4}, func(d dialect.Driver) dialect.Driver {
		if g, ok := d.(*txGate); ok {
			cache, _ = g.Driver.(*stmtCache)
		}
		return d
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if cache == nil {
		t.Fatal("the SQLite driver is not the statement cache")
	}
	for i := range 20 {
		client.Organization.Create().SetName(fmt.Sprintf("org %02d", i)).SetKind(organization.KindBRAND).ExecX(ctx)
	}
	count := func() int {
		cache.mu.Lock()
		defer cache.mu.Unlock()
		return len(cache.stmts)
	}
	before := count()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				got := client.Organization.Query().Where(organization.Name(fmt.Sprintf("org %02d", i))).OnlyX(ctx)
				if got.Name != fmt.Sprintf("org %02d", i) {
					t.Errorf("got %q", got.Name)
				}
			}
		})
	}
	wg.Wait()
	if n := count() - before; n != 1 {
		t.Fatalf("%d statements cached for one query text run 160 times, want 1", n)
	}

	// Distinct texts (IN lists of every length) past the bound.
	for k := 1; k <= maxCachedStatements+10; k++ {
		names := make([]string, k)
		for j := range names {
			names[j] = fmt.Sprintf("org %02d", j%20)
		}
		if got := client.Organization.Query().Where(organization.NameIn(names...)).CountX(ctx); got != min(k, 20) {
			t.Fatalf("IN list of %d: %d rows, want %d", k, got, min(k, 20))
		}
	}
	if n := count(); n > maxCachedStatements {
		t.Fatalf("%d cached statements, bound %d", n, maxCachedStatements)
	}

	tx, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.Organization.Create().SetName("in tx").SetKind(organization.KindBRAND).ExecX(ctx)
	if !tx.Organization.Query().Where(organization.Name("in tx")).ExistX(ctx) {
		t.Error("the transaction does not see its own row")
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if client.Organization.Query().Where(organization.Name("in tx")).ExistX(ctx) {
		t.Error("a rolled-back row is visible")
	}
}
