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

// SKU is a sellable variant of a product.
type SKU struct{ ent.Schema }

// Mixin of SKU.
func (SKU) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "product"}}
}

// Fields of SKU.
func (SKU) Fields() []ent.Field {
	return []ent.Field{
		field.Int("product_id").Immutable().Comment("The product."),
		field.String("name").NotEmpty().MaxLen(200).Comment("Variant properties, e.g. 颜色:红色;尺码:M.").
			Annotations(gqlann.OrderField("NAME")),
		field.String("external_id").Optional().MaxLen(64).Comment("The platform's SKU id."),
		field.String("code").Optional().MaxLen(64).Comment("Merchant SKU code."),
		field.Int64("price").GoType(schematype.Money(0)).Comment("Price.").
			Annotations(gqlann.OrderField("PRICE"), gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int("stock").NonNegative().Default(0).Comment("Units in stock.").Annotations(gqlann.OrderField("STOCK")),
		field.Int("stock_warning").NonNegative().Default(10).Comment("Stock level that raises a warning (库存预警)."),
		field.String("barcode").Optional().MaxLen(64).Comment("EAN / UPC barcode."),
	}
}

// Edges of SKU.
func (SKU) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("product", Product.Type).Field("product_id").Unique().Required().Immutable().Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The product."),
		edge.From("campaigns", Campaign.Type).Ref("skus").Comment("Campaigns targeting this SKU.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
	}
}

// Indexes of SKU. (organization_id, product_id) serves the eager load of a
// product's SKUs, which the tenant policy filters on both columns: with only
// the mixin's organization_id index, SQLite's planner walked every SKU of the
// organization (that index also yields id order) to find a page's SKUs
// (decision 0230).
func (SKU) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("product_id", "external_id").Unique(),
		index.Fields("organization_id", "product_id"),
	}
}

// Annotations of SKU.
func (SKU) Annotations() []schema.Annotation {
	return append(gqlEntity("skus"), entsql.Annotation{Table: "skus"},
		gqlann.Type("SKU"),
		schema.Comment("A sellable variant (SKU) of a product, with price and stock."))
}

// Hooks of SKU.
func (SKU) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("product_id", productOrg)}
}
