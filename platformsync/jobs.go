package platformsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/platformconnection"
	"github.com/opsgraph/opsgraph/ent/syncjob"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// What a sync can cover, in the order phases run.
const (
	WhatProducts = "PRODUCTS"
	WhatOrders   = "ORDERS"
	WhatMetrics  = "METRICS"
)

var allWhat = []string{WhatProducts, WhatOrders, WhatMetrics}

// Timing of the job runner.
const (
	pollInterval = 2 * time.Second
	// staleAfter: a RUNNING job whose runner has not written for this long is
	// taken over by another runner (its server died).
	staleAfter = 2 * time.Minute
	// firstSyncDays is how far back the first order sync reaches.
	firstSyncDays = 90
	// metricsDays is how many business days a metrics phase refreshes.
	metricsDays = 30
)

// StartSync queues a sync of store and returns the job at once. If the store
// already has a queued or running sync, that job is returned instead.
func (s *Service) StartSync(ctx context.Context, c *ent.Client, storeID int, what []string, requester int) (*ent.SyncJob, error) {
	if _, _, err := s.connection(ctx, c, storeID); err != nil {
		return nil, err
	}
	if len(what) == 0 {
		what = allWhat
	}
	var phases []string
	for _, w := range allWhat { // canonical order, no duplicates
		if slices.Contains(what, w) {
			phases = append(phases, w)
		}
	}
	active, err := c.SyncJob.Query().Where(syncjob.StoreID(storeID),
		syncjob.StatusIn(syncjob.StatusQUEUED, syncjob.StatusRUNNING)).First(ctx)
	if err == nil {
		return active, nil
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	q := c.SyncJob.Create().SetStoreID(storeID).SetWhat(phases)
	if requester != 0 {
		q.SetRequestedByID(requester)
	}
	job, err := q.Save(ctx)
	if err != nil {
		return nil, err
	}
	s.Wake()
	return job, nil
}

// Wake tells the runner there may be a new job (it also polls).
func (s *Service) Wake() {
	if s.wake == nil {
		return
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run claims and runs queued jobs until ctx ends.
func (s *Service) Run(ctx context.Context) {
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
	ctx = authz.SystemContext(ctx)
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		for {
			job, err := s.claim(ctx)
			if err != nil {
				if ctx.Err() == nil {
					s.Log.ErrorContext(ctx, "claim sync job", "err", err)
				}
				break
			}
			if job == nil {
				break
			}
			s.run(ctx, job)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}

// Init prepares the wake channel before Run starts, so early Wake calls count.
func (s *Service) Init() { s.wake = make(chan struct{}, 1) }

// claim takes the oldest queued job (or one whose runner died). On PostgreSQL
// the row is locked FOR UPDATE SKIP LOCKED so that replicas never take the
// same job; SQLite serializes writers anyway.
func (s *Service) claim(ctx context.Context) (*ent.SyncJob, error) {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	t := now()
	q := tx.SyncJob.Query().Where(syncjob.Or(
		syncjob.StatusEQ(syncjob.StatusQUEUED),
		syncjob.And(syncjob.StatusEQ(syncjob.StatusRUNNING), syncjob.HeartbeatAtLT(t.Add(-staleAfter))),
	)).Order(ent.Asc(syncjob.FieldCreatedAt)).Limit(1)
	if s.Postgres {
		q = q.ForUpdate(entsql.WithLockAction(entsql.SkipLocked))
	}
	job, err := q.Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	job, err = tx.SyncJob.UpdateOne(job).SetStatus(syncjob.StatusRUNNING).SetClaimedBy(s.Instance).
		SetHeartbeatAt(t).SetStartedAt(t).ClearError().Save(ctx)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	s.publish(ctx, job)
	return job, nil
}

// run executes one job's phases and records how it ended.
func (s *Service) run(ctx context.Context, job *ent.SyncJob) {
	log := s.Log.With("job_id", job.ID, "store_id", job.StoreID)
	started := now()
	err := s.phases(ctx, job)
	upd := s.Client.SyncJob.UpdateOneID(job.ID).SetFinishedAt(now()).SetHeartbeatAt(now())
	if err != nil {
		reason := failureReason(err)
		log.WarnContext(ctx, "sync failed", "reason", reason, "err", err)
		upd.SetStatus(syncjob.StatusFAILED).SetError(reason)
		_ = s.Client.PlatformConnection.Update().Where(platformconnection.StoreID(job.StoreID)).
			SetLastError(reason).SetStatus(platformconnection.StatusERROR).Exec(ctx)
	} else {
		log.InfoContext(ctx, "sync finished", "took", time.Since(started).Round(time.Millisecond))
		upd.SetStatus(syncjob.StatusSUCCEEDED)
		_ = s.Client.PlatformConnection.Update().Where(platformconnection.StoreID(job.StoreID)).
			SetLastSyncedAt(now()).SetStatus(platformconnection.StatusCONNECTED).ClearLastError().Exec(ctx)
	}
	final, uerr := upd.Save(context.WithoutCancel(ctx))
	if uerr != nil {
		log.ErrorContext(ctx, "record sync result", "err", uerr)
		return
	}
	s.publish(ctx, final)
	if s.AfterJob != nil {
		s.AfterJob(ctx, final)
	}
}

// failureReason is the message a user sees on a failed job.
func failureReason(err error) string {
	var pe *sdk.Error
	var ae *apperr.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) && errors.As(err, &pe):
		// Checked before KindUnavailable: the host reports a call that ran out
		// of time as unavailable, but the plugin did not stop.
		return "the platform did not answer in time (" + pe.Message + "); the next sync resumes from the last saved page"
	case errors.As(err, &pe) && pe.Kind == sdk.KindUnavailable:
		return "the platform plugin stopped or could not be reached (" + pe.Message + "); the next sync resumes from the last saved page"
	case errors.As(err, &pe) && pe.Kind == sdk.KindAuthExpired:
		return "the platform authorization expired and could not be refreshed; reconnect the store"
	case errors.As(err, &pe):
		return pe.Error()
	case errors.As(err, &ae):
		return ae.Message
	case errors.Is(err, context.DeadlineExceeded):
		return "the platform did not answer in time; the next sync resumes from the last saved page"
	case errors.Is(err, context.Canceled):
		return "the server stopped during the sync; the next sync resumes from the last saved page"
	}
	return "internal error while saving synced data"
}

func (s *Service) phases(ctx context.Context, job *ent.SyncJob) error {
	pc, conn, err := s.connection(ctx, s.Client, job.StoreID)
	if err != nil {
		return err
	}
	p, err := s.Plugins.Get(ctx, pc.PluginID)
	if err != nil {
		return err
	}
	st, err := s.Client.Store.Get(ctx, job.StoreID)
	if err != nil {
		return err
	}
	r := &runner{s: s, job: job, pc: pc, conn: conn, p: p, store: st, started: now()}
	for _, w := range job.What {
		if err := r.setPhase(ctx, w); err != nil {
			return err
		}
		switch w {
		case WhatProducts:
			err = r.products(ctx)
		case WhatOrders:
			err = r.orders(ctx)
		case WhatMetrics:
			err = r.metrics(ctx)
		default:
			err = fmt.Errorf("unknown sync phase %q", w)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
