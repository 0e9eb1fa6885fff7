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

// GroupBuyMember is one buyer in a 拼团 team, with what they paid and what is
// owed back.
type GroupBuyMember struct{ ent.Schema }

// Mixin of GroupBuyMember.
func (GroupBuyMember) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "mall"}}
}

// Fields of GroupBuyMember.
func (GroupBuyMember) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store."),
		field.Int("team_id").Immutable().Comment("The team."),
		buyerRefField("buyer_ref", "The buyer, a pseudonymous id."),
		field.Bool("leader").Default(false).Immutable().Comment("The team's leader (团长)."),
		field.Int64("price_paid").GoType(schematype.Money(0)).Immutable().Comment("Paid up front.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("refund_due").GoType(schematype.Money(0)).Default(0).
			Comment("Owed back: all of it when the team failed, the ladder difference when it formed.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Enum("state").Values("WAITING", "FORMED", "REFUND_DUE").Default("WAITING").
			Comment("WAITING while the team is open; FORMED; REFUND_DUE when the team failed (marked for refund)."),
		idempotencyKeyField(),
	}
}

// Edges of GroupBuyMember.
func (GroupBuyMember) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("team", GroupBuyTeam.Type).Field("team_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The team."),
	}
}

// Indexes of GroupBuyMember.
func (GroupBuyMember) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("team_id", "buyer_ref").Unique(),
		index.Fields("store_id", "idempotency_key").Unique(),
	}
}

// Annotations of GroupBuyMember.
func (GroupBuyMember) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.RelayConnection(), schema.Comment("A buyer in a 拼团 team.")}
}

// Hooks of GroupBuyMember.
func (GroupBuyMember) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg)}
}
