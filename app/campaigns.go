package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/opsgraph/opsgraph/alerts/alertsvc"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/promo/promosvc"
)

// campaignTickEvery is how often promosvc.Tick runs (under a task lease, on
// one replica at a time; Tick is idempotent and its transitions conditional).
const campaignTickEvery = 30 * time.Second

// campaignClock is the periodic task (platformsync.Service.Every) that moves
// campaigns by their clock and budget; its budget alerts go to alertRaised
// through b.
func campaignClock(client *ent.Client, b *alertsvc.Broker, now func() time.Time, log *slog.Logger) func(context.Context, time.Time) error {
	if now == nil {
		now = time.Now
	}
	return func(ctx context.Context, _ time.Time) error {
		res, err := promosvc.Tick(authz.SystemContext(ctx), client, now(), b)
		if err == nil && res != (promosvc.TickResult{}) {
			log.InfoContext(ctx, "campaign tick", "moved", res.Moved, "alerted", res.Alerted, "paused", res.Paused)
		}
		return err
	}
}
