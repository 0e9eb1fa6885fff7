package mallsvc

import (
	"context"
	"sync"
	"time"

	"github.com/opsgraph/opsgraph/ent"
)

// campaignTargets caches the target edges (products, SKUs) of 秒杀 campaigns
// by the campaign's updated_at: a reservation then reads only the campaign
// row. Any change of a campaign through ent (its edges too) moves
// updated_at, so a stale entry is never used; as with the quote cache
// (decision 0217), a target removed by a cascade from the product side does
// not move it, and the reservation's SKU check then still refuses the
// deleted SKU.
type campaignTargets struct {
	mu sync.Mutex
	m  map[int]cachedTargets
}

type cachedTargets struct {
	updated  time.Time
	products []*ent.Product
	skus     []*ent.SKU
}

// maxCachedCampaigns bounds the cache; past it, the cache starts over.
const maxCachedCampaigns = 10000

func (c *campaignTargets) get(id int, updated time.Time) (cachedTargets, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[id]
	return t, ok && t.updated.Equal(updated)
}

func (c *campaignTargets) put(id int, updated time.Time, products []*ent.Product, skus []*ent.SKU) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedCampaigns {
		c.m = map[int]cachedTargets{}
	}
	c.m[id] = cachedTargets{updated: updated, products: products, skus: skus}
}

// ReserveTx is Reserve in a transaction of its own (a caller outside a
// GraphQL mutation: the service-level benchmark).
func (s *Service) ReserveTx(ctx context.Context, in ReserveInput) (*ent.FlashReservation, error) {
	tx, err := s.Client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.Reserve(ent.NewContext(ctx, tx.Client()), in)
	if err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return r.Unwrap(), nil
}
