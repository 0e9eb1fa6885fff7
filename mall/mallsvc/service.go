// Package mallsvc is the thin service beside mall: it loads and saves the
// mall's records through ent. Every count that concurrent requests share
// (slot stock, coupons left, a buyer's per-user limit, campaign budgets)
// moves only by a conditional UPDATE … WHERE the result stays within bounds,
// never read-then-written, and every record a mall mutation creates carries
// the client's idempotency key under a unique index.
package mallsvc

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// Service runs the mall's mechanics.
type Service struct {
	Client *ent.Client
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	targets  campaignTargets // 秒杀 campaigns' targets by updated_at
	slots    sync.Map        // slotKey → id of the slot's stock record
	batches  sync.Map        // slotKey → *batchQueue (ReserveBatched)
	postgres atomic.Bool     // the database is PostgreSQL (known after a first batch)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// client is the transaction of the current mutation, or the plain client.
func (s *Service) client(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return s.Client
}

// LineInput is one line of an order to place.
type LineInput struct {
	SKUID    int
	Quantity int
}

// Order is a mall order as the API returns it.
type Order struct {
	ID             int
	StoreID        int
	BuyerRef       string
	Status         order.Status
	Subtotal       schematype.Money
	Discount       schematype.Money
	Total          schematype.Money
	Lines          []*OrderLine
	ReservationIDs []int
	CouponIDs      []int
}

// OrderLine is one line of a mall order.
type OrderLine struct {
	SKUID          int
	Quantity       int
	UnitPrice      schematype.Money
	Amount         schematype.Money
	DiscountShares []*schematype.OrderLineShare
}

// SlotStock is the live stock of a 秒杀 slot.
type SlotStock struct {
	CampaignID int
	Slot       int
	Stock      int
	Remaining  int
	Reserved   int
}

// isNoRows: an INSERT … ON CONFLICT DO NOTHING that inserted nothing (ent
// reports it as no rows on PostgreSQL).
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
