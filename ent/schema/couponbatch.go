package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// CouponBatch is the issue of a COUPON campaign: created from its rule on the
// first claim, its remaining count moved only by conditional updates.
type CouponBatch struct{ ent.Schema }

// Mixin of CouponBatch.
func (CouponBatch) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "mall"}}
}

// Fields of CouponBatch.
func (CouponBatch) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store of the campaign."),
		field.Int("campaign_id").Immutable().Unique().Comment("The COUPON campaign."),
		field.Int("total").Immutable().NonNegative().Comment("Coupons issued."),
		field.Int("remaining").NonNegative().Comment("Coupons not claimed yet."),
	}
}

// Indexes of CouponBatch.
func (CouponBatch) Indexes() []ent.Index { return []ent.Index{index.Fields("store_id")} }

// Annotations of CouponBatch.
func (CouponBatch) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}
