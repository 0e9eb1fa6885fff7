package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// CouponClaim is one coupon a buyer claimed from a COUPON campaign.
type CouponClaim struct{ ent.Schema }

// Mixin of CouponClaim.
func (CouponClaim) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "mall"}}
}

// Fields of CouponClaim.
func (CouponClaim) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store of the campaign.").Annotations(gqlann.Type("ID")),
		field.Int("campaign_id").Immutable().Comment("The COUPON campaign.").Annotations(gqlann.Type("ID")),
		field.Int("batch_id").Immutable().Comment("The batch (internal).").Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.String("buyer_ref").Immutable().NotEmpty().MaxLen(128).
			Comment("Pseudonymous buyer reference (never personal data)."),
		field.Enum("state").Values("CLAIMED", "RESERVED", "REDEEMED", "EXPIRED").Default("CLAIMED").
			Comment("CLAIMED and usable; RESERVED by an order awaiting payment; REDEEMED by a paid order; EXPIRED unused past expiresAt."),
		field.Time("expires_at").Comment("When the coupon stops being usable."),
		field.Int("order_id").Optional().Nillable().Comment("The mall order that reserved or redeemed it.").
			Annotations(gqlann.Type("ID")),
		field.String("idempotency_key").Immutable().NotEmpty().MaxLen(64).
			Comment("The client's key: a repeat with the same key returns this claim."),
	}
}

// Indexes of CouponClaim.
func (CouponClaim) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("store_id", "idempotency_key").Unique(),
		index.Fields("state", "expires_at"),
		index.Fields("order_id"),
		index.Fields("campaign_id", "buyer_ref"),
	}
}

// Annotations of CouponClaim.
func (CouponClaim) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A coupon claimed by a buyer of the mall: usable once, until it expires."),
		gqlann.Skip(gqlann.SkipWhereInput, gqlann.SkipOrderField, gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput),
	}
}
