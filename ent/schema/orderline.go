package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"

	"github.com/opsgraph/opsgraph/ent/schema/schematype"
)

// OrderLine is one line of an order.
type OrderLine struct{ ent.Schema }

// Mixin of OrderLine.
func (OrderLine) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "order"}}
}

// Fields of OrderLine.
func (OrderLine) Fields() []ent.Field {
	return []ent.Field{
		field.Int("order_id").Immutable().Comment("The order."),
		field.Int("sku_id").Optional().Comment("The SKU, when it is known locally."),
		field.String("external_id").Optional().MaxLen(64).Comment("The platform's line id."),
		field.String("title").NotEmpty().MaxLen(200).Comment("Product title at the time of the order."),
		field.Int("quantity").Positive().Comment("Units."),
		field.Int64("unit_price").GoType(schematype.Money(0)).Comment("Price per unit.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("total").GoType(schematype.Money(0)).Comment("Line total.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.JSON("discount_shares", []schematype.OrderLineShare{}).Optional().
			Comment("Each campaign's part of the line's discount (mall orders): refunds, commission and points use these figures."),
	}
}

// Edges of OrderLine.
func (OrderLine) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("order", Order.Type).Field("order_id").Unique().Required().Immutable().Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The order."),
		edge.To("sku", SKU.Type).Field("sku_id").Unique().Comment("The SKU, when it is known locally."),
	}
}

// Indexes of OrderLine.
func (OrderLine) Indexes() []ent.Index {
	return []ent.Index{index.Fields("order_id"), index.Fields("sku_id")}
}

// Annotations of OrderLine.
func (OrderLine) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One line of an order."),
		gqlann.RelayConnection(),
	}
}

// Hooks of OrderLine.
func (OrderLine) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("order_id", orderOrg), sameOrg("sku_id", skuOrg)}
}
