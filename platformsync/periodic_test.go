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

// TestEvery runs periodic tasks registered before and after the runner
// started, with system authorization and the tick's time, each holding its
// lease in the database.
func TestEvery(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client, sqlDB, err := db.OpenClientPool(ctx, filepath.Join(t.TempDir(), "t.db"), db.Pool{}, nil)
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
	calls := map[string]chan call{"test.before": make(chan call, 1), "test.after": make(chan call, 1)}
	task := func(name string) func(ctx context.Context, now time.Time) error {
		return func(ctx context.Context, now time.Time) error {
			select {
			case calls[name] <- call{authz.FromContext(ctx) != nil && authz.FromContext(ctx).System, now}:
			default:
			}
			return nil
		}
	}
	s.Every("test.before", 20*time.Millisecond, task("test.before"))
	s.Init()
	go s.Run(ctx)
	s.Every("test.after", 20*time.Millisecond, task("test.after"))
	for name, ch := range calls {
		c := <-ch
		if !c.system || c.now.IsZero() {
			t.Fatalf("%s called with system=%v now=%v", name, c.system, c.now)
		}
		var owner string
		if err := sqlDB.QueryRow(`SELECT owner FROM opsgraph_task_leases WHERE name = ?`, name).Scan(&owner); err != nil || owner != "replica-a" {
			t.Fatalf("%s: lease owner %q (%v), want replica-a", name, owner, err)
		}
	}
}
