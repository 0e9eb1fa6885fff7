package schema

import (
	"time"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// SalesDay is the daily rollup of a store's orders per buyer and traffic
// source (insights/rollup maintains it as orders are written): the operations
// figures read these rows instead of scanning orders. Rebuildable from orders.
type SalesDay struct{ ent.Schema }

// Mixin of SalesDay.
func (SalesDay) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{Object: "analytics", NoOrgIndex: true, NoOrgForeignKey: true}}
}

// Fields of SalesDay.
func (SalesDay) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable(),
		field.String("day").Immutable().MaxLen(10).Comment("Business day (YYYY-MM-DD) in the store's time zone."),
		field.String("buyer").Immutable().MaxLen(140).Comment("Buyer reference, or #<order id> for an anonymous order."),
		field.String("source").Immutable().MaxLen(20).Comment("Traffic source of the orders."),
		field.Int64("placed_orders").Default(0).Comment("Orders placed that day (any status)."),
		field.Int64("paid_orders").Default(0).Comment("Orders paid that day (支付笔数)."),
		field.Int64("paid_amount").Default(0).Comment("Amount paid that day, fen (支付金额)."),
		field.Int64("refunded_orders").Default(0).Comment("Orders paid that day and refunded since."),
		field.Int64("refund_amount").Default(0).Comment("Refunded amount of those orders, fen."),
	}
}

// Indexes of SalesDay.
func (SalesDay) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("store_id", "day", "buyer", "source").Unique(),
		// Covers the buyer-level reads (returning-buyer probes, RFM, cohorts,
		// and the touched buyers' rows the period rollup reads on every sync
		// page): they are answered from the index alone (decisions 0205, 0250).
		index.Fields("store_id", "buyer", "day", "paid_orders", "paid_amount", "source", "placed_orders"),
	}
}

// Annotations of SalesDay.
func (SalesDay) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}

// SalesPeriod is the rollup of a store's orders per calendar period (day,
// ISO week, month, quarter) and traffic source ("" for all sources): the sums
// and the distinct buyers of the period, so that a period's figures are read
// from one row per store instead of one per buyer-day (decision 0220).
// insights/rollup maintains it with every SalesDay delta: the sums are added,
// the buyer counts change by the difference the written orders make to the
// touched buyers. Rebuildable from orders.
type SalesPeriod struct{ ent.Schema }

// Mixin of SalesPeriod.
func (SalesPeriod) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{Object: "analytics", NoOrgIndex: true, NoOrgForeignKey: true}}
}

// Fields of SalesPeriod.
func (SalesPeriod) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable(),
		field.String("kind").Immutable().MaxLen(8).Comment("DAY, WEEK, MONTH or QUARTER (insights.Granularity)."),
		field.String("start").Immutable().MaxLen(10).Comment("First business day of the period (YYYY-MM-DD)."),
		field.String("source").Immutable().MaxLen(20).Comment("Traffic source of the orders, \"\" for all sources."),
		field.Int64("placed_orders").Default(0).Comment("Orders placed in the period (any status)."),
		field.Int64("paid_orders").Default(0).Comment("Orders paid in the period (支付笔数)."),
		field.Int64("paid_amount").Default(0).Comment("Amount paid in the period, fen (支付金额)."),
		field.Int64("refunded_orders").Default(0).Comment("Orders paid in the period and refunded since."),
		field.Int64("refund_amount").Default(0).Comment("Refunded amount of those orders, fen."),
		field.Int64("paying_buyers").Default(0).Comment("Distinct buyers with a paid order in the period (支付买家数)."),
		field.Int64("ordering_buyers").Default(0).Comment("Distinct buyers who placed an order in the period."),
		field.Int64("repeat_buyers").Default(0).Comment("Paying buyers with two or more paid orders in the period."),
		field.Int64("returning_buyers").Default(0).Comment("Paying buyers who also paid in the 365 days before the period (老买家)."),
	}
}

// Indexes of SalesPeriod.
func (SalesPeriod) Indexes() []ent.Index {
	return []ent.Index{index.Fields("store_id", "kind", "start", "source").Unique()}
}

// Annotations of SalesPeriod.
func (SalesPeriod) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}

// SKUSalesDay is the daily rollup of a SKU's paid units and amount.
type SKUSalesDay struct{ ent.Schema }

// Mixin of SKUSalesDay.
func (SKUSalesDay) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{Object: "analytics", NoOrgIndex: true, NoOrgForeignKey: true}}
}

// Fields of SKUSalesDay.
func (SKUSalesDay) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable(),
		field.Int("sku_id").Immutable(),
		field.String("day").Immutable().MaxLen(10).Comment("Business day (YYYY-MM-DD) in the store's time zone."),
		field.Int64("units").Default(0).Comment("Units paid that day."),
		field.Int64("amount").Default(0).Comment("Line amount paid that day, fen."),
	}
}

// Indexes of SKUSalesDay.
func (SKUSalesDay) Indexes() []ent.Index {
	// One index: the upsert's key and the reads' (a store's SKUs over a day
	// range) in one B-tree, one write per row fewer on every sync page than
	// a (sku_id, day) key beside a (store_id, day) index. A SKU belongs to one
	// store, so the key is as unique as (sku_id, day).
	return []ent.Index{index.Fields("store_id", "day", "sku_id").Unique()}
}

// Annotations of SKUSalesDay.
func (SKUSalesDay) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}

// InsightTarget is an organization's own target for a month or quarter
// (月度/季度目标) on one KPI.
type InsightTarget struct{ ent.Schema }

// Mixin of InsightTarget.
func (InsightTarget) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "analytics"}}
}

// Fields of InsightTarget.
func (InsightTarget) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("period_kind").Values("MONTH", "QUARTER").Immutable(),
		field.String("period_start").Immutable().Match(dayPattern).Comment("First day of the month or quarter."),
		field.String("metric").Immutable().MaxLen(40).Comment("insights.Metric name."),
		field.Float("value").Min(0).Comment("Target value; money in fen, rates as fractions."),
	}
}

// Indexes of InsightTarget.
func (InsightTarget) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id", "period_kind", "period_start", "metric").Unique()}
}

// Annotations of InsightTarget.
func (InsightTarget) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}

// InsightSetting holds an organization's analysis settings (RFM thresholds).
type InsightSetting struct{ ent.Schema }

// Mixin of InsightSetting.
func (InsightSetting) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "analytics"}}
}

// Fields of InsightSetting.
func (InsightSetting) Fields() []ent.Field {
	return []ent.Field{
		field.JSON("rfm", schematype.RFMSetting{}).Comment("RFM threshold mode and values."),
	}
}

// Indexes of InsightSetting.
func (InsightSetting) Indexes() []ent.Index {
	return []ent.Index{index.Fields("organization_id").Unique().StorageKey("insightsetting_org_unique")}
}

// Annotations of InsightSetting.
func (InsightSetting) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}

// PendingRollup is one sync page's difference to a store's rollups, written
// in the page's transaction and applied by insights/rollup's drainer in
// another (decision 0263): the page commits without waiting for the rollup
// writes, and an entry is deleted in the transaction that applies it, so
// none is applied twice or lost. Never exposed through the API.
type PendingRollup struct{ ent.Schema }

// Mixin of PendingRollup.
func (PendingRollup) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{Object: "analytics", NoOrgIndex: true, NoOrgForeignKey: true}}
}

// Fields of PendingRollup.
func (PendingRollup) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable(),
		field.Bytes("delta").Immutable().Comment("The rows to add, JSON (insights/rollup's Delta encoding)."),
		field.Time("created_at").Immutable().Default(time.Now),
	}
}

// Indexes of PendingRollup.
func (PendingRollup) Indexes() []ent.Index {
	return []ent.Index{index.Fields("store_id")}
}

// Annotations of PendingRollup.
func (PendingRollup) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}
