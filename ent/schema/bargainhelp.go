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

// BargainHelp is one friend's cut in a 砍价 session; one per helper per session.
type BargainHelp struct{ ent.Schema }

// Mixin of BargainHelp.
func (BargainHelp) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Derived: true, Object: "mall"}}
}

// Fields of BargainHelp.
func (BargainHelp) Fields() []ent.Field {
	return []ent.Field{
		field.Int("store_id").Immutable().Comment("The store."),
		field.Int("session_id").Immutable().Comment("The session."),
		buyerRefField("helper_ref", "The helper, a pseudonymous id."),
		field.Int("seq").Positive().Immutable().Comment("1 for the first help, n for the n-th."),
		field.Int64("cut").GoType(schematype.Money(0)).Immutable().Comment("How much this help took off.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		field.Int64("price_after").GoType(schematype.Money(0)).Immutable().Comment("The price after this help.").
			Annotations(gqlann.Skip(gqlann.SkipWhereInput)),
		idempotencyKeyField(),
	}
}

// Edges of BargainHelp.
func (BargainHelp) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("session", BargainSession.Type).Field("session_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).Comment("The session."),
	}
}

// Indexes of BargainHelp.
func (BargainHelp) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("session_id", "helper_ref").Unique(),
		index.Fields("session_id", "seq").Unique(),
		index.Fields("store_id", "idempotency_key").Unique(),
	}
}

// Annotations of BargainHelp.
func (BargainHelp) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.RelayConnection(), schema.Comment("One friend's cut in a 砍价 session.")}
}

// Hooks of BargainHelp.
func (BargainHelp) Hooks() []ent.Hook {
	return []ent.Hook{inheritOrg("store_id", storeOrg)}
}
