package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

// mallExpireEvery is how often open 拼团 teams and 砍价 sessions past their
// time are settled; reads settle them lazily in between.
const mallExpireEvery = 30 * time.Second

// mallExpire is the "mall.expire" periodic task: teams form or fail, bargain
// sessions expire.
func mallExpire(client *ent.Client, now func() time.Time, log *slog.Logger) func(context.Context, time.Time) error {
	if now == nil {
		now = time.Now
	}
	return func(ctx context.Context, _ time.Time) error {
		teams, sessions, err := mallsvc.Expire(authz.SystemContext(ctx), client, now())
		if teams+sessions > 0 {
			log.InfoContext(ctx, "mall expire", "teams", teams, "bargains", sessions)
		}
		return err
	}
}
