package graph

import (
	"context"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/graph/model"
	"github.com/opsgraph/opsgraph/webhook/webhooksvc"
)

// Webhook mutations translate to webhooksvc; authorization is in rules.go
// (webhook:manage in the endpoint's organization) and the rows' privacy.

func (r *Resolver) createWebhookEndpoint(ctx context.Context, in model.CreateWebhookEndpointInput) (*model.WebhookEndpointSecretPayload, error) {
	ep, secret, err := r.Webhooks.Create(ctx, r.client(ctx), in.OrganizationID, viewer(ctx).UserID, webhooksvc.EndpointInput{
		URL: &in.URL, Events: in.Events, Description: in.Description, Enabled: in.Enabled})
	if err != nil {
		return nil, err
	}
	return &model.WebhookEndpointSecretPayload{Secret: secret, WebhookEndpoint: ep}, nil
}

func (r *Resolver) updateWebhookEndpoint(ctx context.Context, id int, in model.UpdateWebhookEndpointInput) (*ent.WebhookEndpoint, error) {
	return r.Webhooks.Update(ctx, r.client(ctx), id, webhooksvc.EndpointInput{
		URL: in.URL, Events: in.Events, Description: in.Description, Enabled: in.Enabled})
}

func (r *Resolver) rotateWebhookSecret(ctx context.Context, id int) (*model.WebhookEndpointSecretPayload, error) {
	ep, secret, err := r.Webhooks.Rotate(ctx, r.client(ctx), id)
	if err != nil {
		return nil, err
	}
	return &model.WebhookEndpointSecretPayload{Secret: secret, WebhookEndpoint: ep}, nil
}
