package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// FlashReservation holds units of a 秒杀 slot for one buyer until they order
// and pay, or until it expires and the units return to the slot.
type FlashReservation struct{ ent.Schema }

// Mixin of FlashReservation.
func (FlashReservation) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "mall"}}
}

// Fields of FlashReservation.
func (FlashReservation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store of the campaign.").
			Annotations(gqlann.Type("ID")),
		field.Int("campaign_id").Immutable().Comment("The FLASH_SALE campaign.").
			Annotations(gqlann.Type("ID")),
		field.Int("slot_id").Immutable().Comment("The slot's stock record (internal).").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Int("slot_index").Immutable().Comment("Index of the slot in the campaign's rules."),
		field.Int("sku_id").Immutable().Comment("The SKU reserved.").Annotations(gqlann.Type("ID")),
		field.String("buyer_ref").Immutable().NotEmpty().MaxLen(128).
			Comment("Pseudonymous buyer reference (never personal data)."),
		field.Int("quantity").Immutable().Positive().Comment("Units held."),
		field.Enum("state").Values("HELD", "ORDERED", "PAID", "RELEASED", "EXPIRED").Default("HELD").
			Comment("HELD until ordered or expired; ORDERED while its order awaits payment; PAID; RELEASED when its order was cancelled or refunded; EXPIRED when unpaid past expiresAt."),
		field.Time("expires_at").Comment("When an unpaid reservation expires and returns its units."),
		field.Int("order_id").Optional().Nillable().Comment("The mall order that uses it.").
			Annotations(gqlann.Type("ID")),
		field.String("idempotency_key").Immutable().NotEmpty().MaxLen(64).
			Comment("The client's key: a repeat with the same key returns this reservation."),
	}
}

// Indexes of FlashReservation.
func (FlashReservation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("store_id", "idempotency_key").Unique(),
		index.Fields("state", "expires_at"),
		index.Fields("order_id"),
	}
}

// Annotations of FlashReservation.
func (FlashReservation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A 秒杀 reservation: units of a slot held for one buyer of the mall until paid or expired."),
		gqlann.Skip(gqlann.SkipWhereInput, gqlann.SkipOrderField, gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput),
	}
}
