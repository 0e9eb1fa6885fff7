package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
)

// mallExpireEvery is how often unpaid 秒杀 reservations and unused coupons
// past their expiry are released (under a task lease, on one replica at a
// time; every move is conditional). Reads and reservations also check lazily.
const mallExpireEvery = 30 * time.Second

// mallExpire is the periodic task "mall.expire" (platformsync.Service.Every).
func mallExpire(client *ent.Client, now func() time.Time, log *slog.Logger) func(context.Context, time.Time) error {
	if now == nil {
		now = time.Now
	}
	svc := &mallsvc.Service{Client: client, Now: now}
	return func(ctx context.Context, _ time.Time) error {
		res, err := svc.Expire(ctx, now())
		if err == nil && res != (mallsvc.ExpireResult{}) {
			log.InfoContext(ctx, "mall expiry", "reservations", res.Reservations, "orders", res.Orders, "coupons", res.Coupons)
		}
		return err
	}
}
