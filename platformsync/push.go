package platformsync

import (
	"context"
	"fmt"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	contentflow "github.com/opsgraph/opsgraph/content"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/platformconnection"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// PublishContent pushes APPROVED (or SCHEDULED) content to its store's
// platform and records the platform's post id. The idempotency key makes a
// retried publish return the same post instead of posting twice.
func (s *Service) PublishContent(ctx context.Context, c *ent.Client, id int) (*ent.Content, error) {
	ct, err := c.Content.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := contentflow.Next(contentflow.Status(ct.Status), contentflow.Publish); err != nil {
		return nil, apperr.New(apperr.Conflict, "%s", err.Error())
	}
	pc, conn, p, err := s.capablePlugin(ctx, c, ct.StoreID, sdk.CapPublishContent)
	if err != nil {
		return nil, err
	}
	media := make([]string, 0, len(ct.Variants))
	for _, v := range ct.Variants {
		media = append(media, v.URL)
	}
	res, err := p.PublishContent(ctx, sdk.PublishContentRequest{Connection: conn, Kind: ct.Kind.String(),
		Title: ct.Title, Body: ct.Body, MediaURLs: media, Tags: ct.Tags,
		IdempotencyKey: fmt.Sprintf("opsgraph-content-%d", ct.ID)})
	if err != nil {
		s.storeToken(ctx, pc, nil, sdk.TokenOf(err))
		s.noteAuthFailure(ctx, pc, err)
		return nil, pluginErr(err)
	}
	if err := s.saveToken(ctx, c, pc, res.NewToken); err != nil {
		return nil, err
	}
	return contentflow.Transition(ctx, c, ct.ID, contentflow.Publish, func(u *ent.ContentUpdateOne) {
		u.SetPublishedAt(time.Now()).SetExternalPostID(res.ExternalPostID)
	})
}

// CanPost reports whether the store's plugin declares PUBLISH_CONTENT, the
// documented posting capability; the scheduler posts only through such
// plugins and otherwise marks content DUE for a hand post.
func (s *Service) CanPost(ctx context.Context, c *ent.Client, storeID int) bool {
	pc, err := c.PlatformConnection.Query().Where(platformconnection.StoreID(storeID)).Only(ctx)
	if err != nil {
		return false
	}
	d, err := s.describe(ctx, pc.PluginID)
	return err == nil && d.Has(sdk.CapPublishContent)
}

// UpdateStock sets a SKU's stock on the platform, then locally to what the
// platform reports.
func (s *Service) UpdateStock(ctx context.Context, c *ent.Client, skuID, quantity int) (*ent.SKU, error) {
	if quantity < 0 {
		return nil, apperr.Input("quantity", "must not be negative")
	}
	k, err := c.SKU.Query().Where(sku.ID(skuID)).WithProduct().Only(ctx)
	if err != nil {
		return nil, err
	}
	p := k.Edges.Product
	if k.ExternalID == "" || p.ExternalID == "" {
		return nil, apperr.New(apperr.Conflict, "this SKU is not linked to a platform SKU (sync the store first, or use updateSKU for local stock)")
	}
	pc, conn, plat, err := s.capablePlugin(ctx, c, p.StoreID, sdk.CapUpdateStock)
	if err != nil {
		return nil, err
	}
	res, err := plat.UpdateStock(ctx, sdk.UpdateStockRequest{Connection: conn, ProductExternalID: p.ExternalID,
		SKUExternalID: k.ExternalID, Quantity: int64(quantity),
		IdempotencyKey: fmt.Sprintf("opsgraph-stock-%d-%d", k.ID, time.Now().UnixNano())})
	if err != nil {
		s.storeToken(ctx, pc, nil, sdk.TokenOf(err))
		s.noteAuthFailure(ctx, pc, err)
		return nil, pluginErr(err)
	}
	if err := s.saveToken(ctx, c, pc, res.NewToken); err != nil {
		return nil, err
	}
	return c.SKU.UpdateOne(k).SetStock(int(nonNeg(res.Quantity))).Save(ctx)
}
