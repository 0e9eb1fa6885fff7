package graph

import (
	"context"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/promo/promosvc"
)

// now is the resolver's clock.
func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Resolver) createCampaign(ctx context.Context, input ent.CreateCampaignInput) (*ent.Campaign, error) {
	client := r.client(ctx)
	c, err := client.Campaign.Create().SetInput(input).Save(ctx)
	if err != nil {
		return nil, err
	}
	if err := promosvc.Check(ctx, client, c.ID); err != nil {
		return nil, err
	}
	return c, nil
}

func (r *Resolver) updateCampaign(ctx context.Context, id int, input ent.UpdateCampaignInput) (*ent.Campaign, error) {
	client := r.client(ctx)
	c, err := client.Campaign.UpdateOneID(id).SetInput(input).Save(ctx)
	if err != nil {
		return nil, err
	}
	if err := promosvc.Check(ctx, client, c.ID); err != nil {
		return nil, err
	}
	return c, nil
}

func (r *Resolver) launchCampaign(ctx context.Context, id int) (*ent.Campaign, error) {
	return promosvc.Launch(ctx, r.client(ctx), id, r.now())
}
