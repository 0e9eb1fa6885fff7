package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/promo/promosvc"
)

// campaignTickEvery is how often each replica runs promosvc.Tick. Tick is
// idempotent and its transitions conditional, so every replica may run it.
const campaignTickEvery = 30 * time.Second

// runCampaignClock moves campaigns by their clock and budget until ctx ends.
// It is the minimal hook until the job runner has periodic tasks.
func runCampaignClock(ctx context.Context, client *ent.Client, now func() time.Time, log *slog.Logger) {
	ctx = authz.SystemContext(ctx)
	if now == nil {
		now = time.Now
	}
	t := time.NewTicker(campaignTickEvery)
	defer t.Stop()
	for {
		if res, err := promosvc.Tick(ctx, client, now()); err != nil && ctx.Err() == nil {
			log.ErrorContext(ctx, "campaign tick", "err", err)
		} else if res != (promosvc.TickResult{}) {
			log.InfoContext(ctx, "campaign tick", "moved", res.Moved, "alerted", res.Alerted, "paused", res.Paused)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
