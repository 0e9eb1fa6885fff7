package mallsvc_test

import (
	"context"
	"testing"
	"time"

	"github.com/opsgraph/opsgraph/authz"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/internal/testenv"
)

// flashWorld is a store with one SKU and a live 秒杀 of one slot.
type flashWorld struct {
	env  *testenv.Env
	ctx  context.Context // system
	c    *ent.Client
	now  time.Time
	sku  *ent.SKU
	camp *ent.Campaign
}

func newFlashWorld(t *testing.T, b testenv.Backend, stock, perUser int) *flashWorld {
	t.Helper()
	w := &flashWorld{now: time.Date(2026, 6, 18, 2, 0, 0, 0, time.UTC), ctx: authz.SystemContext(context.Background())}
	w.env = testenv.New(t, b, testenv.WithoutSyncRunner())
	w.c = w.env.Client
	org := w.env.Org(t, "Brand", 0)
	st := w.c.Store.Create().SetName("Mini-program").SetPlatform(store.PlatformOTHER).SetOrganizationID(org).SaveX(w.ctx)
	p := w.c.Product.Create().SetStoreID(st.ID).SetTitle("精华").SetPrice(10000).SaveX(w.ctx)
	w.sku = w.c.SKU.Create().SetProductID(p.ID).SetName("30ml").SetPrice(10000).SaveX(w.ctx)
	w.camp = w.c.Campaign.Create().SetStoreID(st.ID).SetName("秒杀").SetKind(campaign.KindFLASH_SALE).SetStatus(campaign.StatusLIVE).
		SetStartsAt(w.now.Add(-time.Hour)).SetEndsAt(w.now.Add(48 * time.Hour)).
		SetRules(schematype.CampaignRules{FlashSale: &schematype.FlashSaleRule{FlashPrice: 1000, PerUserLimit: perUser,
			Slots: []schematype.FlashSaleSlot{{StartsAt: w.now.Add(-time.Hour), EndsAt: w.now.Add(2 * time.Hour), Stock: stock}}}}).
		SaveX(w.ctx)
	return w
}
