package db

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/organization"
)

// openGated opens a new SQLite database and returns its client and the
// txGate under it.
func openGated(t *testing.T) (*ent.Client, *txGate) {
	t.Helper()
	var gate *txGate
	client, _, err := OpenClientPool(context.Background(), filepath.Join(t.TempDir(), "db.sqlite"), Pool{}, func(d dialect.Driver) dialect.Driver {
		gate, _ = d.(*txGate)
		return d
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	return client, gate
}

// TestTxGate: SQLite transactions of one process take the writer in turn
// (decision 0226): a second transaction begins only after the first ends; a
// waiter gives up with ErrWriteBusy after the gate's wait, or when its
// context ends; 64 goroutines × 20 read-modify-write transactions all commit
// and none is lost; a transaction sees its own rows through the cached
// statements.
func TestTxGate(t *testing.T) {
	ctx := authz.SystemContext(context.Background())
	client, gate := openGated(t)
	if gate == nil || gate.cache == nil {
		t.Fatal("the SQLite driver is not gated over the statement cache")
	}

	tx1, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	began := make(chan *ent.Tx)
	go func() {
		tx2, err := client.Tx(ctx)
		if err != nil {
			t.Error(err)
		}
		began <- tx2
	}()
	select {
	case <-began:
		t.Fatal("a second transaction began while the first was open")
	case <-time.After(50 * time.Millisecond):
	}
	org := tx1.Organization.Create().SetName("in tx").SetKind(organization.KindBRAND).SaveX(ctx)
	if n := tx1.Organization.Query().Where(organization.ID(org.ID)).CountX(ctx); n != 1 {
		t.Fatalf("the transaction sees %d of its own rows", n)
	}
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	tx2 := <-began
	if tx2 == nil {
		t.FailNow()
	}

	// While tx2 holds the gate: a short wait ends in ErrWriteBusy, a
	// cancelled context in its error.
	gate.wait = 20 * time.Millisecond
	if _, err := client.Tx(ctx); !errors.Is(err, ErrWriteBusy) {
		t.Fatalf("waiting past the gate's wait: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := client.Tx(cctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	if err := tx2.Rollback(); err != nil {
		t.Fatal(err)
	}
	gate.wait = gateWait

	// Read-modify-write counters under contention: nothing lost, no BUSY.
	counter := client.Organization.Create().SetName("0").SetKind(organization.KindBRAND).SaveX(ctx)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range 20 {
				tx, err := client.Tx(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				o := tx.Organization.GetX(ctx, counter.ID)
				n, _ := strconv.Atoi(o.Name)
				tx.Organization.UpdateOneID(o.ID).SetName(strconv.Itoa(n + 1)).ExecX(ctx)
				if err := tx.Commit(); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := client.Organization.GetX(ctx, counter.ID).Name; got != "1280" {
		t.Fatalf("counter %s after 1280 increments", got)
	}
}

// TestTxRawStatementsCached: raw SQL with arguments in a transaction (the
// insights rollups' hand-written upserts) runs as a cached prepared
// statement, sees the transaction's own rows and rolls back with it;
// statements without arguments (savepoints) still work and are not cached.
func TestTxRawStatementsCached(t *testing.T) {
	ctx := authz.SystemContext(context.Background())
	client, gate := openGated(t)
	cached := func(q string) bool {
		gate.cache.mu.Lock()
		defer gate.cache.mu.Unlock()
		_, ok := gate.cache.stmts[q]
		return ok
	}
	const ins = "INSERT INTO organizations (name, kind, created_at, updated_at) VALUES (?, 'BRAND', datetime('now'), datetime('now'))"
	const count = "SELECT count(*) FROM organizations WHERE name = ?"
	tx, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT raw_test"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := tx.ExecContext(ctx, ins, "raw"); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.QueryContext(ctx, count, "raw")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	rows.Close()
	if n != 3 {
		t.Fatalf("the transaction sees %d of its 3 raw rows", n)
	}
	if !cached(ins) || !cached(count) {
		t.Fatalf("raw statements with arguments not cached: insert %v, count %v", cached(ins), cached(count))
	}
	if cached("SAVEPOINT raw_test") {
		t.Fatal("a statement without arguments was cached")
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := client.Organization.Query().Where(organization.Name("raw")).CountX(ctx); got != 0 {
		t.Fatalf("%d raw rows survived the rollback", got)
	}
}
