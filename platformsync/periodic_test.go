package platformsync_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
	"github.com/opsgraph/opsgraph/platformsync"
)

// TestEvery runs a registered periodic task on the runner, with system
// authorization and the tick's time, holding the task's lease in the database.
func TestEvery(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client, sqlDB, err := db.OpenClientPool(ctx, filepath.Join(t.TempDir(), "t.db"), db.Pool{})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	s := &platformsync.Service{Client: client, DB: sqlDB, Log: slog.New(slog.DiscardHandler),
		Broker: platformsync.NewBroker(), Instance: "replica-a"}
	type call struct {
		system bool
		now    time.Time
	}
	calls := make(chan call, 10)
	s.Every("test.tick", 20*time.Millisecond, func(ctx context.Context, now time.Time) error {
		select {
		case calls <- call{authz.FromContext(ctx) != nil && authz.FromContext(ctx).System, now}:
		default:
		}
		return nil
	})
	go s.Run(ctx)
	c := <-calls
	if !c.system || c.now.IsZero() {
		t.Fatalf("task called with system=%v now=%v", c.system, c.now)
	}
	var owner string
	if err := sqlDB.QueryRow(`SELECT owner FROM opsgraph_task_leases WHERE name = 'test.tick'`).Scan(&owner); err != nil || owner != "replica-a" {
		t.Fatalf("task lease owner %q (%v), want replica-a", owner, err)
	}
}
