package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

// mallExpireEvery is how often the mall's timed states move: unpaid 秒杀
// reservations and unused coupons past their expiry are released, open 拼团
// teams past their time form or fail, 砍价 sessions expire. It runs under a
// task lease, on one replica at a time, and every move is conditional; reads
// and reservations also check lazily in between.
const mallExpireEvery = 30 * time.Second

// mallExpire is the periodic task "mall.expire" (platformsync.Service.Every).
func mallExpire(client *ent.Client, now func() time.Time, log *slog.Logger) func(context.Context, time.Time) error {
	if now == nil {
		now = time.Now
	}
	svc := &mallsvc.Service{Client: client, Now: now}
	return func(ctx context.Context, _ time.Time) error {
		at := now()
		res, err1 := svc.Expire(ctx, at)
		if err1 == nil && res != (mallsvc.ExpireResult{}) {
			log.InfoContext(ctx, "mall expiry", "reservations", res.Reservations, "orders", res.Orders, "coupons", res.Coupons)
		}
		teams, sessions, err2 := mallsvc.Expire(authz.SystemContext(ctx), client, at)
		if teams+sessions > 0 {
			log.InfoContext(ctx, "mall expire", "teams", teams, "bargains", sessions)
		}
		return errors.Join(err1, err2)
	}
}
