package platformsync

import (
	"context"

	entsql "entgo.io/ent/dialect/sql"
	"time"
	"unicode/utf8"

	"github.com/opsgraph/opsgraph/ent"
	"github.com/opsgraph/opsgraph/ent/metricsnapshot"
	"github.com/opsgraph/opsgraph/ent/order"
	"github.com/opsgraph/opsgraph/ent/orderline"
	"github.com/opsgraph/opsgraph/ent/product"
	"github.com/opsgraph/opsgraph/ent/schema/schematype"
	"github.com/opsgraph/opsgraph/ent/sku"
	"github.com/opsgraph/opsgraph/insights/rollup"
	"github.com/opsgraph/opsgraph/plugins/sdk"
)

// Upserts are keyed on (store, external id), so running a sync twice creates
// no duplicates and a record moved between tenants is impossible.

func clip(s string, n int, fallback string) string {
	if s == "" {
		return fallback
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func nonNeg(v int64) int64 { return max(v, 0) }

func productStatus(s string) product.Status {
	if err := product.StatusValidator(product.Status(s)); err == nil {
		return product.Status(s)
	}
	return product.StatusON_SALE
}

func upsertProductChunk(ctx context.Context, tx *ent.Tx, st *ent.Store, ps []sdk.Product) error {
	if len(ps) == 0 {
		return nil
	}
	creates := make([]*ent.ProductCreate, 0, len(ps))
	exts := make([]string, 0, len(ps))
	for _, p := range ps {
		exts = append(exts, p.ExternalID)
		creates = append(creates, tx.Product.Create().SetStoreID(st.ID).SetOrganizationID(st.OrganizationID).
			SetExternalID(p.ExternalID).SetTitle(clip(p.Title, 200, "(untitled)")).
			SetStatus(productStatus(p.Status)).SetPrice(schematype.Money(nonNeg(p.PriceFen))))
	}
	err := tx.Product.CreateBulk(creates...).
		OnConflictColumns(product.FieldStoreID, product.FieldExternalID).
		Update(func(u *ent.ProductUpsert) {
			u.UpdateTitle()
			u.UpdateStatus()
			u.UpdatePrice()
			u.UpdateUpdatedAt()
		}).Exec(ctx)
	if err != nil {
		return err
	}
	rows, err := tx.Product.Query().Where(product.StoreID(st.ID), product.ExternalIDIn(exts...)).
		Select(product.FieldID, product.FieldExternalID).All(ctx)
	if err != nil {
		return err
	}
	ids := make(map[string]int, len(rows))
	for _, r := range rows {
		ids[r.ExternalID] = r.ID
	}
	var skus []*ent.SKUCreate
	for _, p := range ps {
		variants := p.SKUs
		if len(variants) == 0 { // a product without variants sells as one SKU
			variants = []sdk.SKU{{ExternalID: p.ExternalID, Name: "默认", PriceFen: p.PriceFen, Stock: p.Stock}}
		}
		for _, v := range variants {
			skus = append(skus, tx.SKU.Create().SetProductID(ids[p.ExternalID]).SetOrganizationID(st.OrganizationID).
				SetExternalID(v.ExternalID).SetName(clip(v.Name, 200, "默认")).
				SetPrice(schematype.Money(nonNeg(v.PriceFen))).SetStock(int(nonNeg(v.Stock))).SetBarcode(clip(v.Barcode, 64, "")))
		}
	}
	return tx.SKU.CreateBulk(skus...).
		OnConflictColumns(sku.FieldProductID, sku.FieldExternalID).
		Update(func(u *ent.SKUUpsert) {
			u.UpdateName()
			u.UpdatePrice()
			u.UpdateStock()
			u.UpdateBarcode()
			u.UpdateUpdatedAt()
		}).Exec(ctx)
}

func orderStatus(s string) order.Status {
	if err := order.StatusValidator(order.Status(s)); err == nil {
		return order.Status(s)
	}
	return order.StatusPENDING_PAYMENT
}

func trafficSource(s string) order.TrafficSource {
	if err := order.TrafficSourceValidator(order.TrafficSource(s)); err == nil {
		return order.TrafficSource(s)
	}
	return order.TrafficSourceOTHER
}

// Limits on the platform ids stored per order (the contract's, checked by the
// conformance suite): a plugin's list is cut, not refused (an order with 200
// coupons is a platform oddity, not an attack on the sync), so a row and the
// attribution index stay small.
const (
	maxPlatformIDs   = sdk.MaxAttributionIDs
	maxPlatformIDLen = sdk.MaxAttributionIDLen
)

// platformIDs cleans a plugin's promotion or coupon ids: empty and over-long
// ids dropped (an id cut short would match another campaign's), duplicates
// removed, at most maxPlatformIDs kept, in the plugin's order.
func platformIDs(ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || len(id) > maxPlatformIDLen || !utf8.ValidString(id) || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
		if len(out) == maxPlatformIDs {
			break
		}
	}
	return out
}

// platformID is a plugin's author id or tracking code, or "" when it is not
// one an operator could have typed (over-long or not UTF-8): cutting it would
// attribute the order to someone else.
func platformID(id string) string {
	if len(id) > maxPlatformIDLen || !utf8.ValidString(id) {
		return ""
	}
	return id
}

func upsertOrderChunk(ctx context.Context, tx *ent.Tx, st *ent.Store, os []sdk.Order, d *rollup.Delta) error {
	if len(os) == 0 {
		return nil
	}
	creates := make([]*ent.OrderCreate, 0, len(os))
	exts := make([]string, 0, len(os))
	var skuExts []string
	for _, o := range os {
		exts = append(exts, o.ExternalID)
		orderedAt := o.CreatedAt
		if orderedAt.IsZero() {
			orderedAt = time.Now()
		}
		c := tx.Order.Create().SetStoreID(st.ID).SetOrganizationID(st.OrganizationID).
			SetPlatform(order.Platform(st.Platform)).SetExternalID(o.ExternalID).
			SetStatus(orderStatus(o.Status)).SetTotal(schematype.Money(nonNeg(o.TotalFen))).
			SetPaid(schematype.Money(nonNeg(o.PaidFen))).SetBuyerRef(clip(o.BuyerRef, 128, "")).
			SetTrafficSource(trafficSource(o.TrafficSource)).SetOrderedAt(orderedAt).
			SetAuthorID(platformID(o.AuthorID)).SetTrackingCode(platformID(o.TrackingCode)).
			SetDiscount(schematype.Money(min(nonNeg(o.DiscountFen), nonNeg(o.TotalFen))))
		// Without ids the columns stay NULL (a re-sync clears them): the
		// attribution loads only orders carrying some (attrsvc's evidence).
		if ids := platformIDs(o.PromotionIDs); len(ids) > 0 {
			c.SetPromotionIds(ids)
		}
		if ids := platformIDs(o.CouponIDs); len(ids) > 0 {
			c.SetCouponIds(ids)
		}
		if !o.PaidAt.IsZero() {
			c.SetPaidAt(o.PaidAt)
		}
		creates = append(creates, c)
		for _, l := range o.Lines {
			if l.SKUExternalID != "" {
				skuExts = append(skuExts, l.SKUExternalID)
			}
		}
	}
	// The daily rollups follow the orders: remove what these orders
	// contributed before, add what they contribute after (insights/rollup);
	// the caller writes the page's delta once.
	var before rollup.State
	if d != nil {
		var err error
		if before, err = rollup.Load(ctx, tx.Client(), st.ID, exts); err != nil {
			return err
		}
	}
	err := tx.Order.CreateBulk(creates...).
		OnConflictColumns(order.FieldStoreID, order.FieldExternalID).
		Update(func(u *ent.OrderUpsert) {
			u.UpdateStatus()
			u.UpdateTotal()
			u.UpdatePaid()
			u.UpdateBuyerRef()
			u.UpdateTrafficSource()
			u.UpdatePaidAt()
			u.UpdateAuthorID()
			u.UpdateTrackingCode()
			u.UpdatePromotionIds()
			u.UpdateCouponIds()
			u.UpdateDiscount()
			u.UpdateUpdatedAt()
		}).Exec(ctx)
	if err != nil {
		return err
	}
	rows, err := tx.Order.Query().Where(order.StoreID(st.ID), order.ExternalIDIn(exts...)).
		Select(order.FieldID, order.FieldExternalID).All(ctx)
	if err != nil {
		return err
	}
	ids := make(map[string]int, len(rows))
	orderIDs := make([]int, 0, len(rows))
	for _, r := range rows {
		ids[r.ExternalID] = r.ID
		orderIDs = append(orderIDs, r.ID)
	}
	skuIDs := map[string]int{}
	if len(skuExts) > 0 {
		skus, err := tx.SKU.Query().Where(sku.ExternalIDIn(skuExts...), sku.HasProductWith(product.StoreID(st.ID))).
			Select(sku.FieldID, sku.FieldExternalID).All(ctx)
		if err != nil {
			return err
		}
		for _, s := range skus {
			skuIDs[s.ExternalID] = s.ID
		}
	}
	// Lines have no stable key on every platform: replace them with the page's.
	if _, err := tx.OrderLine.Delete().Where(orderline.OrderIDIn(orderIDs...)).Exec(ctx); err != nil {
		return err
	}
	var lines []*ent.OrderLineCreate
	for _, o := range os {
		for _, l := range o.Lines {
			c := tx.OrderLine.Create().SetOrderID(ids[o.ExternalID]).SetOrganizationID(st.OrganizationID).
				SetExternalID(clip(l.ExternalID, 64, "")).SetTitle(clip(l.Title, 200, "商品")).
				SetQuantity(int(max(l.Quantity, 1))).SetUnitPrice(schematype.Money(nonNeg(l.UnitPriceFen))).
				SetTotal(schematype.Money(nonNeg(l.TotalFen)))
			if id, ok := skuIDs[l.SKUExternalID]; ok {
				c.SetSkuID(id)
			}
			lines = append(lines, c)
		}
	}
	if len(lines) > 0 {
		if err := tx.OrderLine.CreateBulk(lines...).Exec(ctx); err != nil {
			return err
		}
	}
	if d == nil {
		return nil
	}
	// The state after the upsert is what was just written (ordered_at is
	// kept from an existing row): no second read of the page (decision 0206).
	orderedAt := make(map[string]time.Time, len(before))
	for _, o := range before {
		orderedAt[o.ExternalID] = o.OrderedAt
	}
	after := make(rollup.State, 0, len(os))
	for i, o := range os {
		w := creates[i].Mutation()
		a := &ent.Order{ID: ids[o.ExternalID], ExternalID: o.ExternalID, BuyerRef: clip(o.BuyerRef, 128, ""),
			Status: orderStatus(o.Status), Paid: schematype.Money(nonNeg(o.PaidFen)), TrafficSource: trafficSource(o.TrafficSource)}
		a.OrderedAt, _ = w.OrderedAt()
		if t, ok := orderedAt[o.ExternalID]; ok {
			a.OrderedAt = t
		}
		if t, ok := w.PaidAt(); ok {
			a.PaidAt = &t
		}
		for _, l := range o.Lines {
			a.Edges.Lines = append(a.Edges.Lines, &ent.OrderLine{SkuID: skuIDs[l.SKUExternalID],
				Quantity: int(max(l.Quantity, 1)), Total: schematype.Money(nonNeg(l.TotalFen))})
		}
		after = append(after, a)
	}
	for _, o := range before {
		d.Add(o, -1)
	}
	for _, o := range after {
		d.Add(o, 1)
	}
	return nil
}

// upsertMetrics saves the platform's daily numbers with source = the plugin
// id. A day whose numbers came from another source (DEMO, MANUAL, another
// plugin) is left as it is: a sync never silently overwrites them.
func upsertMetrics(ctx context.Context, tx *ent.Tx, st *ent.Store, source string, days []sdk.DailyMetrics) error {
	if len(days) == 0 {
		return nil
	}
	creates := make([]*ent.MetricSnapshotCreate, 0, len(days))
	for _, d := range days {
		creates = append(creates, tx.MetricSnapshot.Create().SetStoreID(st.ID).SetOrganizationID(st.OrganizationID).
			SetDay(d.Date).SetVisitors(nonNeg(d.Visitors)).SetPageViews(nonNeg(d.PageViews)).
			SetAddToCart(nonNeg(d.AddToCart)).SetOrders(nonNeg(d.Orders)).SetPaidOrders(nonNeg(d.PaidOrders)).
			SetGmv(schematype.Money(nonNeg(d.GMVFen))).SetRefunds(schematype.Money(nonNeg(d.RefundsFen))).
			SetTrafficSources(d.TrafficSources).SetSource(source))
	}
	return tx.MetricSnapshot.CreateBulk(creates...).
		OnConflict(entsql.ConflictColumns(metricsnapshot.FieldStoreID, metricsnapshot.FieldDay),
			entsql.UpdateWhere(entsql.EQ(metricsnapshot.FieldSource, source))).
		Update(func(u *ent.MetricSnapshotUpsert) {
			u.UpdateVisitors()
			u.UpdatePageViews()
			u.UpdateAddToCart()
			u.UpdateOrders()
			u.UpdatePaidOrders()
			u.UpdateGmv()
			u.UpdateRefunds()
			u.UpdateTrafficSources()
			u.UpdateUpdatedAt()
		}).Exec(ctx)
}
