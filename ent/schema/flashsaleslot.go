package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// FlashSaleSlot is the live stock of one 秒杀 slot of a campaign: created from
// the campaign rule on the first reservation, then only moved by conditional
// updates (remaining = remaining - n WHERE remaining >= n), never
// read-then-written.
type FlashSaleSlot struct{ ent.Schema }

// Mixin of FlashSaleSlot.
func (FlashSaleSlot) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "mall"}}
}

// Fields of FlashSaleSlot.
func (FlashSaleSlot) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store of the campaign."),
		field.Int("campaign_id").Immutable().Comment("The FLASH_SALE campaign."),
		field.Int("slot_index").Immutable().NonNegative().Comment("Index of the slot in the campaign's rules."),
		field.Int("stock").Immutable().NonNegative().Comment("Units the slot started with."),
		field.Int("remaining").NonNegative().Comment("Units not held, ordered or paid."),
	}
}

// Indexes of FlashSaleSlot.
func (FlashSaleSlot) Indexes() []ent.Index {
	return []ent.Index{index.Fields("campaign_id", "slot_index").Unique()}
}

// Annotations of FlashSaleSlot.
func (FlashSaleSlot) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}
