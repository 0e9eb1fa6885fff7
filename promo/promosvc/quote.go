package promosvc

import (
	"context"
	"fmt"
	"time"

	"github.com/opsgraph/opsgraph/apperr"
	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/campaign"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/ent/store"
	"github.com/opsgraph/opsgraph/promo"
)

// QuoteLine is a cart line as the API gives it: prices come from the catalog.
type QuoteLine struct {
	SKUID        int
	Quantity     int
	Via          int
	TeamSize     int
	BargainPrice promo.Money
}

// MaxQuoteLines bounds the work of one quote.
const MaxQuoteLines = 200

// Quote prices lines of a store at at under the campaigns that can sell then.
// A store that does not exist or that the caller cannot see is NOT_FOUND;
// unknown SKUs, SKUs of another store and silly quantities are BAD_USER_INPUT
// naming the line.
func Quote(ctx context.Context, client *ent.Client, storeID int, lines []QuoteLine, buyer promo.Buyer, at time.Time) (promo.Quote, error) {
	// The store is read only when something is wrong, so that NOT_FOUND
	// comes first: when every SKU is found by the statement below, the store
	// exists and is visible (SKUs are read through their product's store
	// under the same tenant and store-token policy), and the statement is
	// saved.
	invalid := func(err error) (promo.Quote, error) {
		if _, serr := client.Store.Query().Where(store.ID(storeID)).OnlyID(ctx); serr != nil {
			return promo.Quote{}, serr
		}
		return promo.Quote{}, err
	}
	if len(lines) == 0 || len(lines) > MaxQuoteLines {
		return invalid(apperr.Input("lines", "give 1 to %d lines", MaxQuoteLines))
	}
	ids := make([]int, len(lines))
	for i, l := range lines {
		if l.Quantity < 1 || l.Quantity > 9999 {
			return invalid(apperr.Input(fmt.Sprintf("lines[%d].quantity", i), "must be between 1 and 9999"))
		}
		if l.BargainPrice < 0 || l.TeamSize < 0 {
			return invalid(apperr.Input(fmt.Sprintf("lines[%d]", i), "bargainPrice and teamSize must not be negative"))
		}
		ids[i] = l.SKUID
	}
	// One statement: the store check is a predicate, and only the columns
	// the pricing needs are read.
	skus, err := client.SKU.Query().Where(sku.IDIn(ids...), sku.HasProductWith(product.StoreID(storeID))).
		Select(sku.FieldID, sku.FieldProductID, sku.FieldPrice).All(ctx)
	if err != nil {
		return promo.Quote{}, err
	}
	byID := make(map[int]*ent.SKU, len(skus))
	for _, s := range skus {
		byID[s.ID] = s
	}
	cart := promo.Cart{Buyer: buyer, At: at, Lines: make([]promo.Line, len(lines))}
	for i, l := range lines {
		s := byID[l.SKUID]
		if s == nil {
			return invalid(apperr.Input(fmt.Sprintf("lines[%d].skuID", i), "no such SKU in this store"))
		}
		cart.Lines[i] = promo.Line{SKUID: s.ID, ProductID: s.ProductID, Quantity: l.Quantity, UnitPrice: s.Price,
			Via: l.Via, TeamSize: l.TeamSize, BargainPrice: l.BargainPrice}
	}
	camps, err := quoteCache.published(ctx, client, storeID)
	if err != nil {
		return promo.Quote{}, err
	}
	return promo.Price(cart, inWindow(camps, at)), nil
}

// ActiveCampaigns loads the campaigns of a store that are published and whose
// window contains at (paused ones too, so the quote can say why they did not apply).
func ActiveCampaigns(ctx context.Context, client *ent.Client, storeID int, at time.Time) ([]promo.Campaign, error) {
	cs, err := withTargets(client.Campaign.Query().Where(campaign.StoreID(storeID),
		campaign.StatusIn(campaign.StatusSCHEDULED, campaign.StatusWARM_UP, campaign.StatusLIVE, campaign.StatusENCORE, campaign.StatusPAUSED),
		campaign.StartsAtLTE(at), campaign.EndsAtGT(at))).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]promo.Campaign, len(cs))
	for i, c := range cs {
		out[i] = ToPromo(c)
	}
	return out, nil
}
