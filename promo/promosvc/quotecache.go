package promosvc

import (
	"context"
	"fmt"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/promo"
)

// published are the statuses a quote considers (paused ones too, so the
// quote can say why they did not apply).
var published = []campaign.Status{campaign.StatusSCHEDULED, campaign.StatusWARM_UP, campaign.StatusLIVE,
	campaign.StatusENCORE, campaign.StatusPAUSED}

// storeCampaigns caches, per store, the published campaigns converted to the
// rules' view, with the version they were read at. Loading 50 campaigns with
// their JSON rules and target edges was most of a quote's time (issue 11);
// a version check is one indexed aggregate. The version is the count of the
// store's campaigns and their latest updated_at: every create, update, status
// change (the clock's too) and delete changes it, on any replica, so a cached
// entry is never served stale. Callers are authorized for the store's
// campaigns (quoteCart needs campaign:read there), so what one caller loaded
// is what every other authorized caller would.
type storeCampaigns struct {
	mu sync.Mutex
	m  map[int]cachedCampaigns
}

type cachedCampaigns struct {
	version string
	camps   []promo.Campaign
}

var quoteCache = &storeCampaigns{m: map[int]cachedCampaigns{}}

// maxCachedStores bounds the cache; past it, the cache starts over.
const maxCachedStores = 10000

func campaignsVersion(ctx context.Context, client *ent.Client, storeID int) (string, error) {
	var v []struct {
		N int `sql:"n"`
		M any `sql:"m"`
	}
	err := client.Campaign.Query().Where(campaign.StoreID(storeID)).Modify(func(s *sql.Selector) {
		s.Select(sql.As(sql.Count("*"), "n"), sql.As(sql.Max(s.C(campaign.FieldUpdatedAt)), "m"))
	}).Scan(ctx, &v)
	if err != nil || len(v) == 0 {
		return "", err
	}
	m := v[0].M
	if b, ok := m.([]byte); ok {
		m = string(b)
	}
	return fmt.Sprintf("%d/%v", v[0].N, m), nil
}

// published loads the store's published campaigns, from the cache when the
// store's campaigns did not change since.
func (c *storeCampaigns) published(ctx context.Context, client *ent.Client, storeID int) ([]promo.Campaign, error) {
	version, err := campaignsVersion(ctx, client, storeID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	hit, ok := c.m[storeID]
	c.mu.Unlock()
	if ok && hit.version == version {
		return hit.camps, nil
	}
	// In id order, the order promo.Price outcomes come in: the engine then
	// uses the cached slice as it is.
	cs, err := withTargets(client.Campaign.Query().Where(campaign.StoreID(storeID), campaign.StatusIn(published...))).
		Order(ent.Asc(campaign.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]promo.Campaign, len(cs))
	for i, cm := range cs {
		out[i] = ToPromo(cm)
	}
	// Only a version read before the load is stored with it: a change in
	// between makes the next call reload.
	c.mu.Lock()
	if len(c.m) >= maxCachedStores {
		c.m = map[int]cachedCampaigns{}
	}
	c.m[storeID] = cachedCampaigns{version: version, camps: out}
	c.mu.Unlock()
	return out, nil
}

// inWindow keeps the campaigns whose window contains at, in their order. The
// rules never modify campaigns, so when all of them are in their window (the
// usual case) the cached slice itself is returned, without a copy.
func inWindow(cs []promo.Campaign, at time.Time) []promo.Campaign {
	in := func(c *promo.Campaign) bool { return !c.StartsAt.After(at) && c.EndsAt.After(at) }
	all := true
	for i := range cs {
		all = all && in(&cs[i])
	}
	if all {
		return cs
	}
	out := make([]promo.Campaign, 0, len(cs))
	for i := range cs {
		if in(&cs[i]) {
			out = append(out, cs[i])
		}
	}
	return out
}
