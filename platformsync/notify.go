package platformsync

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
)

// Notification channels (PostgreSQL LISTEN/NOTIFY, DESIGN §7).
const (
	// JobsChannel carries "<instance>|<job id>" whenever a replica changes a
	// job, so that subscribers connected to any replica see progress.
	JobsChannel = "opsgraph_sync_jobs"
	// QueueChannel wakes every replica's runner when a job is queued.
	QueueChannel = "opsgraph_sync_queue"
)

// publish delivers a job update to local subscribers and, on PostgreSQL, to the
// other replicas.
func (s *Service) publish(ctx context.Context, j *ent.SyncJob) {
	s.Broker.Publish(j)
	s.notifyJob(ctx, j.ID)
}

// OnJobNotification relays another replica's job update (a JobsChannel
// payload) to this replica's subscribers.
func (s *Service) OnJobNotification(ctx context.Context, payload string) {
	from, idText, ok := strings.Cut(payload, "|")
	if !ok || from == s.Instance {
		return
	}
	id, err := strconv.Atoi(idText)
	if err != nil || !s.Broker.Has(id) {
		return
	}
	if j, err := s.Client.SyncJob.Get(authz.SystemContext(ctx), id); err == nil {
		s.Broker.Publish(j)
	}
}

// CatchUp sends every subscribed job's current state to its subscribers and
// wakes the runner: called after the listener (re)connects, since updates
// sent while it was disconnected were lost.
func (s *Service) CatchUp(ctx context.Context) {
	ctx = authz.SystemContext(ctx)
	for _, id := range s.Broker.IDs() {
		if j, err := s.Client.SyncJob.Get(ctx, id); err == nil {
			s.Broker.Publish(j)
		}
	}
	s.Wake()
}

func (s *Service) notifyJob(ctx context.Context, id int) {
	if !s.Postgres {
		return
	}
	payload := fmt.Sprintf("%s|%d", s.Instance, id)
	if _, err := s.Client.ExecContext(context.WithoutCancel(ctx), "SELECT pg_notify($1, $2)", JobsChannel, payload); err != nil {
		s.Log.WarnContext(ctx, "notify sync job update", "err", err)
	}
}
