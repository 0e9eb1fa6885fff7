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

// Product is a product (商品) listed in a store.
type Product struct{ ent.Schema }

// Mixin of Product.
func (Product) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "product"}}
}

// Fields of Product.
func (Product) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store listing it."),
		field.Int("supplier_id").Optional().Comment("Who supplies it."),
		field.String("title").NotEmpty().MaxLen(200).Comment("Product title.").Annotations(gqlann.OrderField("TITLE")),
		field.String("external_id").Optional().MaxLen(64).Comment("The platform's product id (num_iid / product_id), for synced products."),
		field.Enum("status").Values("ON_SALE", "OFF_SALE", "DELETED").Default("ON_SALE").
			Comment("Listing state.").Annotations(gqlann.OrderField("STATUS")),
		field.Enum("portfolio_role").Values("CORE", "POTENTIAL", "TEST", "CLEARANCE").Default("TEST").
			Comment("Role in the 4321 strategy: CORE (40%, 爆款), POTENTIAL (30%), TEST (20%), CLEARANCE (10%).").
			Annotations(gqlann.OrderField("PORTFOLIO_ROLE")),
		field.Int64("price").GoType(schematype.Money(0)).Comment("List price.").
			Annotations(gqlann.OrderField("PRICE"), gqlann.Skip(gqlann.SkipWhereInput)),
		field.Enum("category").Values("GENERAL", "COSMETICS", "FOOD").Default("GENERAL").
			Comment("Regulatory category for compliance checks: GENERAL, COSMETICS (化妆品) or FOOD (食品)."),
		field.Enum("registration_type").Values("NONE", "COSMETIC_FILED", "COSMETIC_SPECIAL", "HEALTH_FOOD").Default("NONE").
			Comment("Registration: COSMETIC_FILED (普通化妆品 备案, 妆字号), COSMETIC_SPECIAL (特殊化妆品 注册, 特字号: 美白/祛斑/防晒/防脱/染烫), HEALTH_FOOD (保健食品, 蓝帽子), NONE."),
		field.String("registration_number").Optional().MaxLen(80).Comment("The registration or filing number (备案号/注册证号/批准文号)."),
		field.Int64("cost").GoType(schematype.Money(0)).Default(0).Comment("Unit cost from the supplier.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
	}
}

// Edges of Product.
func (Product) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("store", Store.Type).Field("store_id").Unique().Required().Immutable().Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The store listing it."),
		edge.To("supplier", Supplier.Type).Field("supplier_id").Unique().Comment("Who supplies it."),
		edge.From("skus", SKU.Type).Ref("product").Comment("Sellable variants.").
			Annotations(gqlann.RelayConnection(), gqlann.Skip(gqlann.SkipMutationCreateInput, gqlann.SkipMutationUpdateInput)),
		edge.From("campaigns", Campaign.Type).Ref("products").Comment("Campaigns targeting this product.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
	}
}

// Indexes of Product.
func (Product) Indexes() []ent.Index {
	return []ent.Index{
		// Synced products are upserted on (store, external id): idempotent, and scoped to
		// the store so that two tenants can never write each other's rows.
		index.Fields("store_id", "external_id").Unique(),
		index.Fields("supplier_id"),
		index.Fields("portfolio_role"),
	}
}

// Annotations of Product.
func (Product) Annotations() []schema.Annotation {
	return append(gqlEntity("products"),
		schema.Comment("A product (商品) in a store, with its 4321 portfolio role and SKUs."))
}

// Hooks of Product.
func (Product) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg), sameOrg("supplier_id", supplierOrg)}
}
