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

// GroupBuyTeam is a 拼团 team: a leader opens it, buyers join, and it forms
// when full (or at expiry by ladder tier or virtual fill) or fails.
type GroupBuyTeam struct{ ent.Schema }

// Mixin of GroupBuyTeam.
func (GroupBuyTeam) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "mall"}}
}

// Fields of GroupBuyTeam.
func (GroupBuyTeam) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store whose mall runs the team."),
		field.Int("campaign_id").Immutable().Comment("The GROUP_BUY campaign."),
		field.Int("sku_id").Immutable().Comment("The SKU bought together."),
		buyerRefField("leader_ref", "The leader (团长), a pseudonymous buyer id."),
		field.Int("size").Positive().Immutable().Comment("Members needed to form (the largest tier for a ladder team)."),
		field.Bool("ladder").Default(false).Immutable().Comment("阶梯团: the shallowest tier is paid up front and the difference refunded after forming."),
		field.Int64("list_price").GoType(schematype.Money(0)).Immutable().Comment("The SKU's price when the team opened.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("member_price").GoType(schematype.Money(0)).Immutable().Comment("What members pay up front.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("leader_price").GoType(schematype.Money(0)).Immutable().Comment("What the leader pays up front (团长 price).").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int("member_count").NonNegative().Default(1).Comment("Real members, the leader included.").
			Annotations(gqlann.OrderField("MEMBER_COUNT")),
		field.Time("expires_at").Immutable().Comment("When an open team stops taking members and is settled.").
			Annotations(gqlann.OrderField("EXPIRES_AT")),
		field.Enum("state").Values("OPEN", "FORMED", "FAILED").Default("OPEN").
			Comment("OPEN → FORMED (full, or at expiry by ladder tier or virtual fill) or OPEN → FAILED (members marked for refund).").
			Annotations(gqlann.OrderField("STATE")),
		field.Int("tier_size").Optional().Comment("The tier (team size) whose price applies once formed; 0 while open or failed."),
		field.Bool("virtual_filled").Default(false).Comment("Formed by 模拟成团 (virtual fill): kept for audit."),
		field.Int("virtual_members").NonNegative().Default(0).Comment("Members the virtual fill added."),
		field.Time("settled_at").Optional().Nillable().Comment("When the team formed or failed."),
		idempotencyKeyField(),
	}
}

// Edges of GroupBuyTeam.
func (GroupBuyTeam) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("store", Store.Type).Field("store_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The store."),
		edge.To("campaign", Campaign.Type).Field("campaign_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The GROUP_BUY campaign."),
		edge.To("sku", SKU.Type).Field("sku_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The SKU."),
		edge.From("members", GroupBuyMember.Type).Ref("team").Comment("The real members, the leader first."),
	}
}

// Indexes of GroupBuyTeam.
func (GroupBuyTeam) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("store_id", "idempotency_key").Unique(),
		index.Fields("state", "expires_at"),
		index.Fields("campaign_id"),
	}
}

// Annotations of GroupBuyTeam.
func (GroupBuyTeam) Annotations() []schema.Annotation {
	return mallEntity("groupBuyTeams", "A 拼团 team in a store's mall.")
}

// Hooks of GroupBuyTeam.
func (GroupBuyTeam) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg)}
}
