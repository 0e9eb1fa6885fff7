package platformsync

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
)

// notifyChannel carries "<instance>|<job id>" whenever a replica changes a job,
// so that subscribers connected to any replica see progress (DESIGN §7).
const notifyChannel = "opsgraph_sync_jobs"

// publish delivers a job update to local subscribers and, on PostgreSQL, to the
// other replicas.
func (s *Service) publish(ctx context.Context, j *ent.SyncJob) {
	s.Broker.Publish(j)
	if !s.Postgres {
		return
	}
	payload := fmt.Sprintf("%s|%d", s.Instance, j.ID)
	if _, err := s.Client.ExecContext(context.WithoutCancel(ctx), "SELECT pg_notify($1, $2)", notifyChannel, payload); err != nil {
		s.Log.WarnContext(ctx, "notify sync job update", "err", err)
	}
}

// Listen relays other replicas' job updates to this replica's subscribers
// until ctx ends, reconnecting after errors. PostgreSQL only.
func (s *Service) Listen(ctx context.Context, dsn string) {
	sys := authz.SystemContext(ctx)
	for ctx.Err() == nil {
		if err := s.listenOnce(sys, dsn); err != nil && ctx.Err() == nil {
			s.Log.WarnContext(ctx, "sync job listener", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
		}
	}
}

func (s *Service) listenOnce(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		from, idText, ok := strings.Cut(n.Payload, "|")
		if !ok || from == s.Instance {
			continue
		}
		id, err := strconv.Atoi(idText)
		if err != nil {
			continue
		}
		if j, err := s.Client.SyncJob.Get(ctx, id); err == nil {
			s.Broker.Publish(j)
		}
	}
}
