package alertsvc

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/alert"
)

// Channel is the PostgreSQL NOTIFY channel of raised alerts: its payload is
// "<instance>|<alert id>", sent by the replica that raised the alert, so
// that alertRaised subscribers connected to any replica receive it
// (DESIGN §7, decision 0209).
const Channel = "opsgraph_alerts"

// Relay carries alerts between replicas over PostgreSQL LISTEN/NOTIFY.
type Relay struct {
	Service  *Service
	Instance string
	// Exec runs a statement outside any transaction (the server's pool).
	Exec func(ctx context.Context, query string, args ...any) error

	mu        sync.Mutex
	connected bool // a first catch-up ran
	last      int  // highest alert id seen here
}

// Wire makes the service's broker notify the other replicas of the alerts
// it raises. Raise publishes after its insert committed, so the row is
// there when another replica reads it.
func (r *Relay) Wire() {
	r.Service.Broker.Remote = func(a *ent.Alert) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.Exec(ctx, "SELECT pg_notify($1, $2)", Channel, fmt.Sprintf("%s|%d", r.Instance, a.ID)); err != nil && r.Service.Log != nil {
			r.Service.Log.Warn("notify raised alert", "alert_id", a.ID, "err", err)
		}
	}
}

// OnNotification delivers another replica's alert (a Channel payload) to
// this replica's subscribers.
func (r *Relay) OnNotification(ctx context.Context, payload string) {
	from, idText, ok := strings.Cut(payload, "|")
	if !ok || from == r.Instance || !r.Service.Broker.Subscribed() {
		return
	}
	id, err := strconv.Atoi(idText)
	if err != nil {
		return
	}
	a, err := r.Service.Client.Alert.Get(authz.SystemContext(ctx), id)
	if err != nil {
		if r.Service.Log != nil && !ent.IsNotFound(err) {
			r.Service.Log.WarnContext(ctx, "read notified alert", "alert_id", id, "err", err)
		}
		return
	}
	r.Service.Broker.Deliver(a)
	r.seen(id)
}

// catchUpWindow bounds how far back a reconnecting listener looks for alerts
// it may have missed.
const catchUpWindow = 10 * time.Minute

// CatchUp runs after the listener (re)connects: NOTIFY is not stored, so the
// organization alerts raised since the last one seen (within catchUpWindow)
// are delivered again; the broker drops the ones already delivered.
func (r *Relay) CatchUp(ctx context.Context) {
	ctx = authz.SystemContext(ctx)
	r.mu.Lock()
	last, again := r.last, r.connected
	r.connected = true
	r.mu.Unlock()
	q := r.Service.Client.Alert.Query().Where(alert.OrganizationIDNotNil(),
		alert.CreatedAtGTE(r.Service.now().Add(-catchUpWindow)))
	if last > 0 {
		q = q.Where(alert.IDGT(last))
	}
	as, err := q.Order(ent.Asc(alert.FieldID)).Limit(1000).All(ctx)
	if err != nil {
		if r.Service.Log != nil {
			r.Service.Log.WarnContext(ctx, "alert catch-up", "err", err)
		}
		return
	}
	for _, a := range as {
		if again { // the first connect only marks where this replica starts
			r.Service.Broker.Deliver(a)
		}
		r.seen(a.ID)
	}
}

func (r *Relay) seen(id int) {
	r.mu.Lock()
	r.last = max(r.last, id)
	r.mu.Unlock()
}
