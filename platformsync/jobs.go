package platformsync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/platformconnection"
	"github.com/opsgraph/opsgraph/ent/predicate"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
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

// Default timing of the job runner (Service.Poll, Heartbeat, Lease).
const (
	DefaultPoll      = 2 * time.Second
	DefaultHeartbeat = 5 * time.Second
	DefaultLease     = 20 * time.Second
)

const (
	// firstSyncDays is how far back the first order sync reaches.
	firstSyncDays = 90
	// metricsDays is how many business days a metrics phase refreshes.
	metricsDays = 30
)

// errLostLease stops a runner whose job was reclaimed by another replica
// (its lease ran out) or canceled: it must not write anything more.
var errLostLease = errors.New("sync job lease lost")

func (s *Service) poll() time.Duration      { return cmpOr(s.Poll, DefaultPoll) }
func (s *Service) heartbeat() time.Duration { return cmpOr(s.Heartbeat, DefaultHeartbeat) }
func (s *Service) lease() time.Duration     { return cmpOr(s.Lease, DefaultLease) }

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// activeKey is the value of active_key while a job is QUEUED or RUNNING.
func activeKey(storeID int, what []string) string {
	return fmt.Sprintf("%d|%s", storeID, strings.Join(what, ","))
}

// StartSync queues a sync of store and returns the job at once. If the store
// already has a queued or running job for the same items, that job is
// returned instead: the unique active_key makes this hold across replicas
// (ON CONFLICT DO NOTHING, then read whichever job holds the key).
func (s *Service) StartSync(ctx context.Context, c *ent.Client, storeID int, what []string, requester int) (*ent.SyncJob, error) {
	pc, _, err := s.connection(ctx, c, storeID)
	if err != nil {
		return nil, err
	}
	// What the store's plugin declares decides the phases (NOT_SUPPORTED
	// for an undeclared one), in canonical order.
	phases, err := s.syncPhases(ctx, pc.PluginID, what)
	if err != nil {
		return nil, err
	}
	key := activeKey(storeID, phases)
	for range 5 {
		q := c.SyncJob.Create().SetStoreID(storeID).SetWhat(phases).SetActiveKey(key).
			SetPhases(newPhases(phases))
		if requester != 0 {
			q.SetRequestedByID(requester)
		}
		if err := q.OnConflictColumns(syncjob.FieldActiveKey).DoNothing().Exec(ctx); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		job, err := c.SyncJob.Query().Where(syncjob.ActiveKey(key)).First(ctx)
		if err == nil {
			s.wakeAfterCommit(ctx, c)
			return job, nil
		} else if !ent.IsNotFound(err) {
			return nil, err
		}
		// The active job ended between the insert and the read: try again.
	}
	return nil, apperr.New(apperr.Conflict, "the store's sync jobs are changing too fast; try again")
}

// Cancel ends a QUEUED or RUNNING job as CANCELED. A runner working on it
// notices at its next page or heartbeat and stops without writing.
func (s *Service) Cancel(ctx context.Context, c *ent.Client, id int) (*ent.SyncJob, error) {
	job, err := c.SyncJob.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	n, err := c.SyncJob.Update().Where(syncjob.ID(id), syncjob.StatusIn(syncjob.StatusQUEUED, syncjob.StatusRUNNING)).
		SetStatus(syncjob.StatusCANCELED).SetFinishedAt(now()).ClearActiveKey().ClearRunningStore().
		ClearLeaseUntil().Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.New(apperr.Conflict, "the sync job already ended (%s); only QUEUED or RUNNING jobs can be canceled", job.Status)
	}
	job, err = c.SyncJob.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	s.publishAfterCommit(ctx, c, job)
	return job, nil
}

// Retry queues a FAILED or CANCELED job again. It resumes from the store's
// saved cursors; its error stays until it succeeds. When the store already
// has an active job for the same items, that job is returned.
func (s *Service) Retry(ctx context.Context, c *ent.Client, id int) (*ent.SyncJob, error) {
	job, err := c.SyncJob.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if job.Status != syncjob.StatusFAILED && job.Status != syncjob.StatusCANCELED {
		return nil, apperr.New(apperr.Conflict, "only FAILED or CANCELED sync jobs can be retried; this one is %s", job.Status)
	}
	if _, _, err := s.connection(ctx, c, job.StoreID); err != nil {
		return nil, err
	}
	key := activeKey(job.StoreID, job.What)
	if active, err := c.SyncJob.Query().Where(syncjob.ActiveKey(key)).First(ctx); err == nil {
		return active, nil
	} else if !ent.IsNotFound(err) {
		return nil, err
	}
	n, err := c.SyncJob.Update().Where(syncjob.ID(id), syncjob.StatusIn(syncjob.StatusFAILED, syncjob.StatusCANCELED)).
		SetStatus(syncjob.StatusQUEUED).SetActiveKey(key).ClearFinishedAt().ClearClaimedBy().ClearLeaseUntil().
		Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, apperr.New(apperr.Conflict, "another sync of the same items was queued at the same moment; watch that one")
	} else if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.New(apperr.Conflict, "the sync job changed meanwhile; read it again")
	}
	job, err = c.SyncJob.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	s.publishAfterCommit(ctx, c, job)
	s.wakeAfterCommit(ctx, c)
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

// wakeAfterCommit wakes this replica's runner once the request's transaction
// (if any) committed, and on PostgreSQL the other replicas' runners through
// NOTIFY, which PostgreSQL delivers at commit.
func (s *Service) wakeAfterCommit(ctx context.Context, c *ent.Client) {
	if s.Postgres {
		if _, err := c.ExecContext(ctx, "SELECT pg_notify($1, $2)", QueueChannel, s.Instance); err != nil {
			s.Log.WarnContext(ctx, "notify sync queue", "err", err)
		}
	}
	afterCommit(ctx, s.Wake)
}

// publishAfterCommit publishes job once the request's transaction committed.
func (s *Service) publishAfterCommit(ctx context.Context, _ *ent.Client, job *ent.SyncJob) {
	afterCommit(ctx, func() { s.publish(context.WithoutCancel(ctx), job) })
}

// afterCommit runs f after the transaction in ctx commits, or now without one.
func afterCommit(ctx context.Context, f func()) {
	tx := ent.TxFromContext(ctx)
	if tx == nil {
		f()
		return
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			err := next.Commit(ctx, tx)
			if err == nil {
				f()
			}
			return err
		})
	})
}

// Init prepares the wake channel before Run starts, so early Wake calls count.
func (s *Service) Init() {
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
}

// Run claims and runs queued jobs until ctx ends. A job running when ctx
// ends is handed back to the queue for another replica (or the next start).
func (s *Service) Run(ctx context.Context) {
	s.Init()
	ctx = authz.SystemContext(ctx)
	s.runTasks(ctx)
	t := time.NewTicker(s.poll())
	defer t.Stop()
	for {
		for ctx.Err() == nil {
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

// claim takes the oldest queued job whose store has no running job, or a
// RUNNING job whose lease ran out (its replica died or froze). On PostgreSQL
// the row is locked FOR UPDATE SKIP LOCKED so that replicas never wait for or
// take the same job; SQLite's immediate transactions serialize claims. The
// claim raises the fencing token, so a previous owner can write no more.
func (s *Service) claim(ctx context.Context) (*ent.SyncJob, error) {
	tx, err := s.tx(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	t := now()
	q := tx.SyncJob.Query().Where(syncjob.Or(
		syncjob.And(syncjob.StatusEQ(syncjob.StatusQUEUED), noRunningJobOfStore()),
		syncjob.And(syncjob.StatusEQ(syncjob.StatusRUNNING), syncjob.Or(syncjob.LeaseUntilIsNil(), syncjob.LeaseUntilLT(t))),
	)).Order(ent.Asc(syncjob.FieldCreatedAt), ent.Asc(syncjob.FieldID)).Limit(1)
	if s.Postgres {
		q = q.ForUpdate(entsql.WithLockAction(entsql.SkipLocked))
	}
	job, err := q.First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	reclaimed, previous := job.Status == syncjob.StatusRUNNING, job.ClaimedBy
	upd := tx.SyncJob.Update().Where(syncjob.ID(job.ID), syncjob.LeaseToken(job.LeaseToken)).
		SetStatus(syncjob.StatusRUNNING).SetClaimedBy(s.Instance).SetLeaseToken(job.LeaseToken + 1).
		SetLeaseUntil(t.Add(s.lease())).SetHeartbeatAt(t).SetRunningStore(job.StoreID)
	if job.StartedAt == nil {
		upd.SetStartedAt(t)
	}
	n, err := upd.Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, nil // another replica started a job of this store meanwhile
	} else if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	job, err = tx.SyncJob.Get(ctx, job.ID)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if reclaimed {
		s.Log.WarnContext(ctx, "reclaimed sync job whose lease ran out", "job_id", job.ID, "lease_token", job.LeaseToken,
			"previous_owner", previous)
	}
	s.publish(ctx, job)
	return job, nil
}

// noRunningJobOfStore holds for a job whose store has no RUNNING job.
func noRunningJobOfStore() predicate.SyncJob {
	return predicate.SyncJob(func(sel *entsql.Selector) {
		r := entsql.Table(syncjob.Table).As("running")
		sel.Where(entsql.NotExists(entsql.Select(r.C(syncjob.FieldID)).From(r).Where(entsql.And(
			entsql.ColumnsEQ(r.C(syncjob.FieldStoreID), sel.C(syncjob.FieldStoreID)),
			entsql.EQ(r.C(syncjob.FieldStatus), syncjob.StatusRUNNING.String()),
		))))
	})
}

// fence is the condition of every write a runner makes: the job is still
// RUNNING under the lease it claimed.
func fence(job *ent.SyncJob) predicate.SyncJob {
	return syncjob.And(syncjob.ID(job.ID), syncjob.LeaseToken(job.LeaseToken), syncjob.StatusEQ(syncjob.StatusRUNNING))
}

// keepLease renews the lease every heartbeat, independent of page progress,
// until ctx ends. When the lease was taken over or the job canceled (no row
// matches the fence), or it could not be renewed before it ran out, it
// cancels the job with errLostLease.
func (s *Service) keepLease(ctx context.Context, job *ent.SyncJob, lost context.CancelCauseFunc) {
	t := time.NewTicker(s.heartbeat())
	defer t.Stop()
	until := *job.LeaseUntil
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n := now()
		if n.After(until) { // frozen or cut off past the lease: someone else may own it
			lost(errLostLease)
			return
		}
		next := n.Add(s.lease())
		c, err := s.Client.SyncJob.Update().Where(fence(job)).SetLeaseUntil(next).SetHeartbeatAt(n).Save(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				s.Log.WarnContext(ctx, "renew sync job lease", "job_id", job.ID, "err", err)
			}
		case c == 0:
			lost(errLostLease)
			return
		default:
			until = next
		}
	}
}

// run executes one job's phases and records how it ended, unless it lost its
// lease. When ctx ends (shutdown) the job goes back to the queue.
func (s *Service) run(ctx context.Context, job *ent.SyncJob) {
	log := s.Log.With("job_id", job.ID, "store_id", job.StoreID, "lease_token", job.LeaseToken)
	started := now()
	jobCtx, cancel := context.WithCancelCause(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.keepLease(jobCtx, job, cancel) })
	r, err := s.phases(jobCtx, job)
	cancel(nil)
	wg.Wait()
	if errors.Is(err, errLostLease) || errors.Is(context.Cause(jobCtx), errLostLease) {
		log.WarnContext(ctx, "sync job lease lost (canceled, or reclaimed after this server stalled); stopped without writing")
		return
	}
	bg, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer done()
	if err != nil && ctx.Err() != nil { // stopped by shutdown, not by the platform
		s.handBack(bg, job, log)
		return
	}
	if err != nil {
		log.WarnContext(ctx, "sync phase failed", "err", err)
	}
	phases, pc := job.Phases, job.Percent
	if r != nil {
		phases, pc = r.phaseList, r.pct
	}
	final, err := s.finish(bg, job, err, phases, pc)
	switch {
	case errors.Is(err, errLostLease):
		log.WarnContext(ctx, "sync job lease lost before its result was recorded")
		return
	case err != nil:
		log.ErrorContext(ctx, "record sync result", "err", err)
		return
	}
	if final.Status == syncjob.StatusFAILED {
		log.WarnContext(ctx, "sync failed", "reason", final.Error)
	} else {
		log.InfoContext(ctx, "sync finished", "took", time.Since(started).Round(time.Millisecond))
	}
	s.publish(ctx, final)
	s.Wake() // the store may have another job waiting for this one
	if s.AfterJob != nil {
		s.AfterJob(ctx, final)
	}
}

// handBack returns a job this server was running to the queue at shutdown:
// its pages so far are saved, another replica resumes it.
func (s *Service) handBack(ctx context.Context, job *ent.SyncJob, log interface {
	InfoContext(context.Context, string, ...any)
	ErrorContext(context.Context, string, ...any)
}) {
	n, err := s.Client.SyncJob.Update().Where(fence(job)).SetStatus(syncjob.StatusQUEUED).
		ClearClaimedBy().ClearLeaseUntil().ClearRunningStore().Save(ctx)
	if err != nil || n == 0 {
		log.ErrorContext(ctx, "hand sync job back", "err", err, "rows", n)
		return
	}
	log.InfoContext(ctx, "server stopping: sync job handed back to the queue")
	if j, err := s.Client.SyncJob.Get(ctx, job.ID); err == nil {
		s.publish(ctx, j)
	}
	if s.Postgres {
		_, _ = s.Client.ExecContext(ctx, "SELECT pg_notify($1, $2)", QueueChannel, s.Instance)
	}
}

// finish records a job's end and the connection's state in one transaction,
// fenced by the lease.
func (s *Service) finish(ctx context.Context, job *ent.SyncJob, runErr error, phases []schematype.SyncPhase, pc int) (*ent.SyncJob, error) {
	tx, err := s.tx(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	t := now()
	upd := tx.SyncJob.Update().Where(fence(job)).SetFinishedAt(t).SetHeartbeatAt(t).
		ClearActiveKey().ClearRunningStore().ClearLeaseUntil()
	conn := tx.PlatformConnection.Update().Where(platformconnection.StoreID(job.StoreID))
	if runErr != nil {
		reason := failureReason(runErr)
		upd.SetStatus(syncjob.StatusFAILED).SetError(reason).SetPhases(phases).SetPercent(pc)
		conn.SetLastError(reason).SetStatus(connectionStatus(runErr))
	} else {
		for i := range phases {
			phases[i].State = PhaseDone
		}
		upd.SetStatus(syncjob.StatusSUCCEEDED).ClearError().SetPhases(phases).SetPercent(100)
		conn.SetLastSyncedAt(t).SetStatus(platformconnection.StatusCONNECTED).ClearLastError()
	}
	n, err := upd.Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errLostLease
	}
	if err := conn.Exec(ctx); err != nil {
		return nil, err
	}
	final, err := tx.SyncJob.Get(ctx, job.ID)
	if err != nil {
		return nil, err
	}
	return final, tx.Commit()
}

// failureReason is the message a user sees on a failed job.
func failureReason(err error) string {
	if reason, ok := platformFailure(err); ok {
		return reason
	}
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

func (s *Service) phases(ctx context.Context, job *ent.SyncJob) (*runner, error) {
	pc, conn, err := s.connection(ctx, s.Client, job.StoreID)
	if err != nil {
		return nil, err
	}
	p, err := s.Plugins.Get(ctx, pc.PluginID)
	if err != nil {
		return nil, err
	}
	st, err := s.Client.Store.Get(ctx, job.StoreID)
	if err != nil {
		return nil, err
	}
	phases := job.Phases
	if len(phases) != len(job.What) {
		phases = newPhases(job.What)
	}
	r := &runner{s: s, job: job, pc: pc, conn: conn, p: p, store: st, started: now(),
		phaseList: phases, pct: job.Percent}
	for i, w := range job.What {
		if r.phaseList[i].State == PhaseDone {
			continue // a reclaimed or retried job: an earlier run finished this phase
		}
		if err := r.setPhase(ctx, i); err != nil {
			return r, err
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
			return r, err
		}
		r.phaseList[i].State = PhaseDone
		if r.phaseList[i].Total < r.phaseList[i].Done {
			r.phaseList[i].Total = r.phaseList[i].Done
		}
	}
	return r, nil
}

// tx begins a runner transaction. On PostgreSQL it may stay idle for at most
// a lease: a replica frozen in the middle of a page (SIGSTOP, a VM pause)
// would otherwise hold the job's row lock, and SKIP LOCKED would keep every
// other replica from reclaiming the job until it woke up. PostgreSQL ends
// such a session; the frozen replica's commit then fails, and fencing stops it.
func (s *Service) tx(ctx context.Context) (*ent.Tx, error) {
	tx, err := s.Client.Tx(ctx)
	if err != nil || !s.Postgres {
		return tx, err
	}
	ms := s.lease().Milliseconds()
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("SET LOCAL idle_in_transaction_session_timeout = %d", ms)); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx, nil
}
