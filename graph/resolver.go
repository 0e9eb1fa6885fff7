package graph

import (
	"context"
	"github.com/opsgraph/opsgraph/alerts/alertsvc"
	"log/slog"
	"time"

	"github.com/opsgraph/opsgraph/auth"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/mall/mallsvc"
	"github.com/opsgraph/opsgraph/platformsync"
	"github.com/opsgraph/opsgraph/plugins/host"
	"github.com/opsgraph/opsgraph/report/reportsvc"
	"github.com/opsgraph/opsgraph/webhook/webhooksvc"

	"github.com/opsgraph/opsgraph/ent"
)

// Resolver is the root resolver: the only place dependencies are wired.
type Resolver struct {
	Client  *ent.Client
	Auth    *auth.Service
	Authz   *authz.Authorizer
	Sync    *platformsync.Service
	Plugins *host.Manager
	Alerts  *alertsvc.Service
	// Webhooks manages webhook endpoints and deliveries.
	Webhooks *webhooksvc.Service
	// Mall runs the mini-program mall's mechanics (秒杀, coupons, orders).
	Mall *mallsvc.Service
	Log  *slog.Logger
	// AllowPrivateEndpoints: connectStore takes any endpoint (--allow-private-endpoints).
	AllowPrivateEndpoints bool
	// Now is the clock of campaign verbs; nil means time.Now.
	Now func() time.Time
	// Reports signs client report download links (createReportLink).
	Reports *reportsvc.Signer
}

// client returns the transactional client of a mutation (entgql.Transactioner
// opens one per mutation operation) or the plain client for queries.
func (r *Resolver) client(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.Client
}
