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

// Order is an order (订单) synced from a platform.
type Order struct{ ent.Schema }

// Mixin of Order.
func (Order) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "order"}}
}

// Fields of Order.
func (Order) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store it was placed in."),
		field.Enum("platform").Values("TAOBAO", "TMALL", "DOUYIN", "XIAOHONGSHU", "OTHER", "MINI_PROGRAM").Immutable().
			Comment("The platform it came from; MINI_PROGRAM: the brand's own mini-program mall (placeMallOrder)."),
		field.String("external_id").NotEmpty().MaxLen(64).Immutable().Comment("The platform's order id (tid / shop_order_id)."),
		field.Enum("status").Values("PENDING_PAYMENT", "PAID", "SHIPPED", "COMPLETED", "CANCELLED", "REFUNDED").
			Comment("Normalized order state.").Annotations(gqlann.OrderField("STATUS")),
		field.Int64("total").GoType(schematype.Money(0)).Comment("Order total.").
			Annotations(gqlann.OrderField("TOTAL"), gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("paid").GoType(schematype.Money(0)).Default(0).Comment("Amount paid.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.String("idempotency_key").Optional().Nillable().Immutable().MaxLen(64).
			Comment("The mall's key of placeMallOrder: a repeat returns this order.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.String("buyer_ref").Optional().MaxLen(128).Comment("Pseudonymous buyer reference (never personal data)."),
		field.Enum("traffic_source").Values("NATURAL_SEARCH", "PAID", "CONTENT", "SOCIAL", "PRIVATE_DOMAIN", "OTHER").
			Default("OTHER").Comment("Where the buyer came from (流量来源)."),
		field.Time("ordered_at").Comment("When the order was placed.").Annotations(gqlann.OrderField("ORDERED_AT")),
		field.Time("paid_at").Optional().Nillable().Comment("When it was paid."),
		field.String("tracking_code").Optional().MaxLen(64).
			Comment("KOL tracking code of the link the buyer came through: attributes the order to a collaboration."),
		field.String("author_id").Optional().MaxLen(64).
			Comment("The 抖店 author_id of a 达人 (KOL) order: attributes the order to a collaboration of the partner with that author id."),
		field.Strings("promotion_ids").Optional().
			Comment("The platform's promotion (activity) ids applied to the order (Taobao promotion_details, 抖店 campaign ids): attribute the order to the campaign carrying one of them."),
		field.Strings("coupon_ids").Optional().
			Comment("The platform's coupon (batch) ids redeemed on the order: attribute the order to the campaign carrying one of them."),
		field.Int64("discount").GoType(schematype.Money(0)).Default(0).
			Comment("The seller-funded discount on the order (优惠金额, platform subsidies excluded; for mall orders the sum of its lines' discount shares): counted as spend of the campaign the order is attributed to.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
	}
}

// Edges of Order.
func (Order) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("store", Store.Type).Field("store_id").Unique().Required().Immutable().Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The store it was placed in."),
		edge.From("lines", OrderLine.Type).Ref("order").Comment("Order lines.").
			Annotations(gqlann.RelayConnection()),
	}
}

// Indexes of Order.
func (Order) Indexes() []ent.Index {
	return []ent.Index{
		// Idempotent sync: one row per (store, platform order id).
		index.Fields("store_id", "external_id").Unique(),
		// Idempotent mall orders: one per (store, client key).
		index.Fields("store_id", "idempotency_key").Unique(),
		index.Fields("store_id", "ordered_at"),
		index.Fields("status"),
		index.Fields("organization_id", "tracking_code"),
		index.Fields("organization_id", "author_id"),
	}
}

// Annotations of Order.
func (Order) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An order (订单) synced from a platform. Read-only through the API: platforms are the source of truth."),
		gqlann.QueryField("orders"),
		gqlann.RelayConnection(),
		gqlann.MultiOrder(),
	}
}

// Hooks of Order.
func (Order) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg)}
}
