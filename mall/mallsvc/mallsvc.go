// Package mallsvc is the thin service beside package mall: it loads and saves
// 拼团 teams and 砍价 sessions through ent and asks mall's rules what to do.
//
// Every mall mutation is idempotent by (store, idempotencyKey): the record it
// creates carries the key under a unique index, a repeat returns the first
// result, and a repeat with other arguments is a CONFLICT naming
// idempotencyKey. Inserts run under a savepoint so that a unique violation of
// a racing repeat (PostgreSQL) leaves the transaction usable for the re-read.
// Counters move by conditional UPDATEs (member_count < size), never by
// read-then-write, so parallel joins cannot over-fill a team.
package mallsvc

import (
	"context"
	"fmt"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"entgo.io/ent/dialect"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/mall"
	"github.com/opsgraph/opsgraph/promo"
	"github.com/opsgraph/opsgraph/promo/promosvc"
)

// checkCall validates the arguments every mall call shares, by the rules the
// other mall mechanics use (package mall).
func checkCall(buyerRef, key string) error {
	if err := mall.CheckKey(key); err != nil {
		return err
	}
	return mall.CheckBuyerRef(buyerRef)
}

// keyReused is the CONFLICT of a repeated idempotencyKey with other arguments.
func keyReused() error { return mall.Replay(false) }

// savepoint runs f under a savepoint of the current transaction: when f
// fails, what it wrote is undone and the transaction stays usable (on
// PostgreSQL a failed statement otherwise aborts the whole transaction).
func savepoint(ctx context.Context, client *ent.Client, f func() error) error {
	if _, err := client.ExecContext(ctx, "SAVEPOINT mall_call"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := f(); err != nil {
		if _, rerr := client.ExecContext(ctx, "ROLLBACK TO SAVEPOINT mall_call"); rerr != nil {
			return fmt.Errorf("rollback to savepoint: %w (after %w)", rerr, err)
		}
		return err
	}
	_, err := client.ExecContext(ctx, "RELEASE SAVEPOINT mall_call")
	return err
}

// lockRow locks the selected rows for the rest of the transaction on
// PostgreSQL (NO KEY UPDATE: inserts of children referencing the row are not
// blocked). SQLite transactions are immediate, so writers are serialized.
func lockRow(s *entsql.Selector) {
	if s.Dialect() == dialect.Postgres {
		s.For(entsql.LockNoKeyUpdate)
	}
}

// offer loads a campaign of kind that sells at now in storeID and covers the
// SKU, and the SKU (of that store).
func offer(ctx context.Context, client *ent.Client, storeID, campaignID, skuID int, kind campaign.Kind, now time.Time) (*ent.Campaign, *ent.SKU, error) {
	c, err := client.Campaign.Query().Where(campaign.ID(campaignID)).
		WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).
		WithSkus(func(q *ent.SKUQuery) { q.Select(sku.FieldID) }).Only(ctx)
	if ent.IsNotFound(err) || err == nil && c.StoreID != storeID {
		return nil, nil, apperr.Input("campaignID", "no such campaign in the store")
	}
	if err != nil {
		return nil, nil, err
	}
	if c.Kind != kind {
		return nil, nil, apperr.Input("campaignID", "the campaign is a %s campaign, not %s", c.Kind, kind)
	}
	pc := promosvc.ToPromo(c)
	if !promo.Sells(&pc, now) {
		return nil, nil, apperr.New(apperr.Conflict, "the campaign is not selling now (status %s)", promo.PhaseAt(&pc, now))
	}
	s, err := client.SKU.Query().Where(sku.ID(skuID)).WithProduct(func(q *ent.ProductQuery) { q.Select(product.FieldStoreID) }).Only(ctx)
	if ent.IsNotFound(err) || err == nil && (s.Edges.Product == nil || s.Edges.Product.StoreID != storeID) {
		return nil, nil, apperr.Input("skuID", "no such SKU in the store")
	}
	if err != nil {
		return nil, nil, err
	}
	if !pc.Targets.Covers(s.ProductID, s.ID) {
		return nil, nil, apperr.Input("skuID", "the campaign does not cover this SKU")
	}
	return c, s, nil
}
