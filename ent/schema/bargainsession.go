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

// BargainSession is a 砍价 session: a buyer starts it, friends cut the price
// toward the floor until it expires.
type BargainSession struct{ ent.Schema }

// Mixin of BargainSession.
func (BargainSession) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "mall"}}
}

// Fields of BargainSession.
func (BargainSession) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store."),
		field.Int("campaign_id").Immutable().Comment("The BARGAIN campaign."),
		field.Int("sku_id").Immutable().Comment("The SKU bargained for."),
		buyerRefField("initiator_ref", "The buyer who started the session, a pseudonymous id."),
		field.Int64("seed").Immutable().Comment("Seed of the cut sequence; never exposed (it predicts the cuts).").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.Int64("start_price").GoType(schematype.Money(0)).Immutable().Comment("The SKU's price when the session started.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("floor_price").GoType(schematype.Money(0)).Immutable().Comment("The lowest price the session can reach.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("current_price").GoType(schematype.Money(0)).Comment("The price after the cuts so far.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int("helpers_needed").Positive().Immutable().Comment("The helper who reaches the floor (the campaign's maxHelpers)."),
		field.Int("helpers_count").NonNegative().Default(0).Comment("Helps so far."),
		field.String("buy_rule").Immutable().Comment("FLOOR_ONLY or ANY_PRICE: when the initiator may buy."),
		field.Time("expires_at").Immutable().Comment("When the session stops taking helps and purchases.").
			Annotations(gqlann.OrderField("EXPIRES_AT")),
		field.Enum("state").Values("ACTIVE", "REACHED", "PURCHASED", "EXPIRED").Default("ACTIVE").
			Comment("ACTIVE → REACHED (the floor) → PURCHASED; ACTIVE or REACHED → EXPIRED at expiry.").
			Annotations(gqlann.OrderField("STATE")),
		field.Int64("purchased_price").GoType(schematype.Money(0)).Optional().Comment("The price bought at.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.String("purchase_key").Optional().MaxLen(64).Comment("The idempotencyKey of the purchase.").
			Annotations(gqlann.Skip(gqlann.SkipAll)),
		idempotencyKeyField(),
	}
}

// Edges of BargainSession.
func (BargainSession) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("store", Store.Type).Field("store_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The store."),
		edge.To("campaign", Campaign.Type).Field("campaign_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The BARGAIN campaign."),
		edge.To("sku", SKU.Type).Field("sku_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The SKU."),
		edge.From("helps", BargainHelp.Type).Ref("session").Comment("The helps, in order."),
	}
}

// Indexes of BargainSession.
func (BargainSession) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("store_id", "idempotency_key").Unique(),
		index.Fields("state", "expires_at"),
		index.Fields("campaign_id"),
	}
}

// Annotations of BargainSession.
func (BargainSession) Annotations() []schema.Annotation {
	return mallEntity("bargainSessions", "A 砍价 session in a store's mall.")
}

// Hooks of BargainSession.
func (BargainSession) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg)}
}
