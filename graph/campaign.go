package graph

import (
	"context"
	"time"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
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

// campaignPoll is how often a campaignUpdated subscription re-reads its
// campaign, so that changes made on other replicas reach it too.
const campaignPoll = 2 * time.Second

func (r *Resolver) campaignUpdated(ctx context.Context, id int) (<-chan *ent.Campaign, error) {
	c, err := r.Client.Campaign.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	poke, stop := promosvc.Updates.Subscribe(id)
	out := make(chan *ent.Campaign, 1)
	go func() {
		defer close(out)
		defer stop()
		t := time.NewTicker(campaignPoll)
		defer t.Stop()
		last := c
		send := true
		for {
			if send {
				select {
				case out <- last:
				case <-ctx.Done():
					return
				}
				// ENDED and CANCELLED are final: the subscription completes.
				if last.Status == campaign.StatusENDED || last.Status == campaign.StatusCANCELLED {
					return
				}
			}
			select {
			case <-poke:
			case <-t.C:
			case <-ctx.Done():
				return
			}
			fresh, err := r.Client.Campaign.Get(ctx, id)
			if err != nil {
				return
			}
			send = !fresh.UpdatedAt.Equal(last.UpdatedAt) || fresh.Status != last.Status || fresh.Spend != last.Spend
			last = fresh
		}
	}()
	return out, nil
}

func (r *Resolver) scheduleCampaign(ctx context.Context, id int) (*ent.Campaign, error) {
	return promosvc.Schedule(ctx, r.client(ctx), id, r.now())
}

func (r *Resolver) pauseCampaign(ctx context.Context, id int) (*ent.Campaign, error) {
	return promosvc.Pause(ctx, r.client(ctx), id)
}

func (r *Resolver) resumeCampaign(ctx context.Context, id int) (*ent.Campaign, error) {
	return promosvc.Resume(ctx, r.client(ctx), id, r.now())
}

func (r *Resolver) cancelCampaign(ctx context.Context, id int) (*ent.Campaign, error) {
	return promosvc.Cancel(ctx, r.client(ctx), id)
}
