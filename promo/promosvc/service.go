// Package promosvc is the thin service beside promo: it loads campaigns,
// products and SKUs through ent, asks promo, and saves the answer. Every
// status change is a conditional update (UPDATE … WHERE status = old), so two
// replicas or two clicks racing cannot both win.
package promosvc

import (
	"context"
	"errors"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/promo"
)

// ToPromo converts a stored campaign (with its products and skus edges loaded,
// when it has targets) to the rules' view of it.
func ToPromo(c *ent.Campaign) promo.Campaign {
	p := promo.Campaign{ID: c.ID, StoreID: c.StoreID, Name: c.Name, Kind: promo.Kind(c.Kind), Status: promo.Status(c.Status),
		StartsAt: c.StartsAt, EndsAt: c.EndsAt, Phases: c.Phases, Budget: c.Budget, Spend: c.Spend, Rules: c.Rules,
		Exclusive: c.Exclusive, Basis: promo.Basis(c.ThresholdBasis), Clearance: c.Clearance}
	for _, pr := range c.Edges.Products {
		p.Targets.ProductIDs = append(p.Targets.ProductIDs, pr.ID)
	}
	for _, s := range c.Edges.Skus {
		p.Targets.SKUIDs = append(p.Targets.SKUIDs, s.ID)
	}
	return p
}

func withTargets(q *ent.CampaignQuery) *ent.CampaignQuery {
	return q.WithProducts(func(q *ent.ProductQuery) { q.Select(product.FieldID) }).
		WithSkus(func(q *ent.SKUQuery) { q.Select(sku.FieldID) })
}

// Check runs the rules that need the rest of the store, on a campaign just
// saved in the current transaction: its targets belong to its store, it does
// not overlap another exclusive campaign of its kind (CONFLICT naming it), and
// it sells nothing below cost unless it is a clearance.
func Check(ctx context.Context, client *ent.Client, id int) error {
	c, err := withTargets(client.Campaign.Query().Where(campaign.ID(id))).Only(ctx)
	if err != nil {
		return err
	}
	pc := ToPromo(c)
	goods, err := targetedGoods(ctx, client, &pc)
	if err != nil {
		return err
	}
	if err := promo.CheckCost(&pc, goods); err != nil {
		return err
	}
	if c.Kind != campaign.KindCOUPON {
		if err := lockStore(ctx, client, c.StoreID); err != nil {
			return err
		}
	}
	others, err := withTargets(client.Campaign.Query().Where(campaign.StoreID(c.StoreID), campaign.KindEQ(c.Kind),
		campaign.IDNEQ(c.ID), campaign.StatusNotIn(campaign.StatusENDED, campaign.StatusCANCELLED),
		campaign.StartsAtLT(c.EndsAt), campaign.EndsAtGT(c.StartsAt))).All(ctx)
	if err != nil {
		return err
	}
	ps := make([]promo.Campaign, len(others))
	for i, o := range others {
		ps[i] = ToPromo(o)
	}
	var ce *promo.ConflictError
	if conf := promo.FindConflict(&pc, ps); conf != nil {
		ce = conf
	}
	if ce != nil {
		return &apperr.Error{Code: apperr.Conflict, Field: ce.Field, Message: ce.Error()}
	}
	return nil
}

// lockStore serializes the overlap checks of one store: on PostgreSQL it
// locks the store row (FOR NO KEY UPDATE, which the campaign insert's foreign
// key share lock does not conflict with) until the transaction ends, so a
// second create or update of the store's campaigns waits and then sees the
// first one's committed row. SQLite transactions are BEGIN IMMEDIATE: writers
// are serialized already, and FOR UPDATE is not even syntax there.
func lockStore(ctx context.Context, client *ent.Client, storeID int) error {
	_, err := client.Store.Query().Where(store.ID(storeID)).
		Modify(func(s *sql.Selector) {
			if s.Dialect() == dialect.Postgres {
				s.For(sql.LockNoKeyUpdate)
			}
		}).IDs(authz.SystemContext(ctx))
	return err
}

// targetedGoods loads the goods a campaign covers, with their price and cost,
// and refuses targets of another store.
func targetedGoods(ctx context.Context, client *ent.Client, c *promo.Campaign) ([]promo.Good, error) {
	var goods []promo.Good
	pq := client.Product.Query()
	if c.Targets.WholeStore() {
		pq = pq.Where(product.StoreID(c.StoreID))
	} else {
		pq = pq.Where(product.IDIn(c.Targets.ProductIDs...))
	}
	prods, err := pq.All(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range prods {
		if p.StoreID != c.StoreID {
			return nil, apperr.Input("productIDs", "product %d is not in the campaign's store", p.ID)
		}
		goods = append(goods, promo.Good{Name: p.Title, Price: p.Price, Cost: p.Cost})
	}
	if len(c.Targets.SKUIDs) > 0 {
		skus, err := client.SKU.Query().Where(sku.IDIn(c.Targets.SKUIDs...)).WithProduct().All(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range skus {
			if s.Edges.Product == nil || s.Edges.Product.StoreID != c.StoreID {
				return nil, apperr.Input("skuIDs", "SKU %d is not in the campaign's store", s.ID)
			}
			goods = append(goods, promo.Good{Name: s.Edges.Product.Title + " " + s.Name, Price: s.Price, Cost: s.Edges.Product.Cost})
		}
	}
	return goods, nil
}

// transition moves campaign id from one of from to the status to(c) computes,
// with a conditional update; it reports CONFLICT naming the current status
// when the campaign is in none of from.
func transition(ctx context.Context, client *ent.Client, id int, verb string, from []campaign.Status,
	to func(c *ent.Campaign) (campaign.Status, error)) (*ent.Campaign, error) {
	c, err := client.Campaign.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ok := false
	for _, s := range from {
		ok = ok || c.Status == s
	}
	if !ok {
		return nil, apperr.New(apperr.Conflict, "a campaign in status %s cannot be %s", c.Status, verb)
	}
	next, err := to(c)
	if err != nil {
		return nil, err
	}
	n, err := client.Campaign.Update().Where(campaign.ID(id), campaign.StatusEQ(c.Status)).SetStatus(next).Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.New(apperr.Conflict, "the campaign changed status meanwhile; reload it")
	}
	Updates.Publish(id)
	return client.Campaign.Get(ctx, id)
}

// byClock is the status the clock gives a launched campaign at now; an ended
// window cannot be launched.
func byClock(now time.Time) func(c *ent.Campaign) (campaign.Status, error) {
	return func(c *ent.Campaign) (campaign.Status, error) {
		pc := ToPromo(c)
		st := promo.PhaseAt(&pc, now)
		if st == promo.Ended {
			return "", apperr.Input("endsAt", "the campaign ended at %s; move endsAt to launch it", c.EndsAt.UTC().Format(time.RFC3339))
		}
		if c.Budget > 0 && c.Spend >= c.Budget {
			return "", apperr.Input("budget", "the budget %s is used up (spent %s); raise it first", c.Budget.Amount(), c.Spend.Amount())
		}
		return campaign.Status(st), nil
	}
}

// Launch publishes a DRAFT, SCHEDULED or PAUSED campaign: from now on the
// clock runs it, so it is SCHEDULED before its window and WARM_UP, LIVE or
// ENCORE inside it. An expired campaign cannot be launched.
func Launch(ctx context.Context, client *ent.Client, id int, now time.Time) (*ent.Campaign, error) {
	return transition(ctx, client, id, "launched",
		[]campaign.Status{campaign.StatusDRAFT, campaign.StatusSCHEDULED, campaign.StatusPAUSED}, byClock(now))
}

// Schedule publishes a DRAFT campaign whose window is still ahead.
func Schedule(ctx context.Context, client *ent.Client, id int, now time.Time) (*ent.Campaign, error) {
	return transition(ctx, client, id, "scheduled", []campaign.Status{campaign.StatusDRAFT},
		func(c *ent.Campaign) (campaign.Status, error) {
			if !c.StartsAt.After(now) {
				return "", apperr.Input("startsAt", "has passed; use launchCampaign to start it now")
			}
			return campaign.StatusSCHEDULED, nil
		})
}

// Pause stops a published campaign's prices until it is resumed.
func Pause(ctx context.Context, client *ent.Client, id int) (*ent.Campaign, error) {
	return transition(ctx, client, id, "paused",
		[]campaign.Status{campaign.StatusSCHEDULED, campaign.StatusWARM_UP, campaign.StatusLIVE, campaign.StatusENCORE},
		func(*ent.Campaign) (campaign.Status, error) { return campaign.StatusPAUSED, nil })
}

// Resume puts a PAUSED campaign back under the clock.
func Resume(ctx context.Context, client *ent.Client, id int, now time.Time) (*ent.Campaign, error) {
	return transition(ctx, client, id, "resumed", []campaign.Status{campaign.StatusPAUSED}, byClock(now))
}

// Cancel ends a campaign for good before its time.
func Cancel(ctx context.Context, client *ent.Client, id int) (*ent.Campaign, error) {
	return transition(ctx, client, id, "cancelled",
		[]campaign.Status{campaign.StatusDRAFT, campaign.StatusSCHEDULED, campaign.StatusWARM_UP, campaign.StatusLIVE,
			campaign.StatusENCORE, campaign.StatusPAUSED},
		func(*ent.Campaign) (campaign.Status, error) { return campaign.StatusCANCELLED, nil })
}

// ErrNotEditable is returned for edits of ended or cancelled campaigns.
var ErrNotEditable = errors.New("ended and cancelled campaigns cannot be edited")
