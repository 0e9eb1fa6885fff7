package platformsync

import (
	"context"
	"fmt"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/content"
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
	if ct.Status != content.StatusAPPROVED && ct.Status != content.StatusSCHEDULED {
		return nil, apperr.New(apperr.Conflict, "only APPROVED or SCHEDULED content can be published; this is %s", ct.Status)
	}
	pc, conn, err := s.connection(ctx, c, ct.StoreID)
	if err != nil {
		return nil, err
	}
	if err := s.requireCapability(ctx, pc.PluginID, sdk.CapPublishContent); err != nil {
		return nil, err
	}
	p, err := s.Plugins.Get(ctx, pc.PluginID)
	if err != nil {
		return nil, pluginErr(err)
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
	return c.Content.UpdateOne(ct).SetStatus(content.StatusPUBLISHED).SetPublishedAt(time.Now()).
		SetExternalPostID(res.ExternalPostID).Save(ctx)
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
	pc, conn, err := s.connection(ctx, c, p.StoreID)
	if err != nil {
		return nil, err
	}
	if err := s.requireCapability(ctx, pc.PluginID, sdk.CapUpdateStock); err != nil {
		return nil, err
	}
	plat, err := s.Plugins.Get(ctx, pc.PluginID)
	if err != nil {
		return nil, pluginErr(err)
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
