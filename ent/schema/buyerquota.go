package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// BuyerQuota counts what one buyer holds of a per-user limit (a 秒杀 slot's
// units, a coupon batch's coupons). It is moved only by conditional updates
// (used = used + n WHERE used + n <= limit), so concurrent requests of one
// buyer cannot exceed the limit; releases give units back.
type BuyerQuota struct{ ent.Schema }

// Mixin of BuyerQuota.
func (BuyerQuota) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{Object: "mall"}} }

// Fields of BuyerQuota.
func (BuyerQuota) Fields() []ent.Field {
	return []ent.Field{
		field.String("scope").Immutable().MaxLen(40).Comment("What is limited: flash:<slot id> or coupon:<batch id>."),
		field.String("buyer_ref").Immutable().MaxLen(128).Comment("Pseudonymous buyer reference."),
		field.Int("used").NonNegative().Default(0).Comment("Units or coupons held, ordered or used."),
	}
}

// Indexes of BuyerQuota.
func (BuyerQuota) Indexes() []ent.Index {
	return []ent.Index{index.Fields("scope", "buyer_ref").Unique()}
}

// Annotations of BuyerQuota.
func (BuyerQuota) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}
