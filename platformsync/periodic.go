package platformsync

import (
	"context"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/db"
)

// task is a periodic task registered with Every.
type task struct {
	name     string
	interval time.Duration
	f        func(ctx context.Context, now time.Time) error
}

// Every registers f to run about every interval, on one replica at a time:
// before each run the replica takes (or renews) a lease on name in the
// database that lasts 1.5 intervals, so when the replica holding it dies
// another takes over within that time. Tasks may be registered before or
// after Run starts (app.New starts it: register on app.App.Sync afterwards);
// with the runner off (NoSyncRunner) they do not run.
//
// The lease makes a run on two replicas at once rare, not impossible (a
// replica frozen past its lease runs late). So f must be idempotent, like
// every periodic Tick in OpsGraph: its state transitions are conditional
// updates (UPDATE … WHERE status = <old>) or unique keys, so that each
// transition happens exactly once however often f runs. now is the time of
// the tick; ctx carries system authorization (no viewer) and ends when the
// server stops. An error is logged; the task runs again next interval.
//
//	svc.Every("alerts.evaluate", time.Minute, alertsService.Tick)
func (s *Service) Every(name string, interval time.Duration, f func(ctx context.Context, now time.Time) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := task{name: name, interval: interval, f: f}
	s.tasks = append(s.tasks, t)
	if s.runCtx != nil {
		go s.runTask(s.runCtx, t)
	}
}

// runTasks runs the registered tasks, and those registered later, until ctx ends.
func (s *Service) runTasks(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runCtx = ctx
	for _, t := range s.tasks {
		go s.runTask(ctx, t)
	}
}

func (s *Service) runTask(ctx context.Context, t task) {
	ctx = authz.SystemContext(ctx)
	tick := time.NewTicker(t.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n := now()
		if s.DB != nil {
			ok, err := db.TryTaskLease(ctx, s.DB, s.Postgres, t.name, s.Instance,
				n.UnixMilli(), n.Add(t.interval+t.interval/2).UnixMilli())
			if err != nil {
				s.Log.WarnContext(ctx, "periodic task lease", "task", t.name, "err", err)
				continue
			}
			if !ok {
				continue // another replica holds it
			}
		}
		if err := t.f(ctx, n); err != nil && ctx.Err() == nil {
			s.Log.ErrorContext(ctx, "periodic task failed", "task", t.name, "err", err)
		}
	}
}
