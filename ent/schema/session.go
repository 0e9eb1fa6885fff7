package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/opsgraph/opsgraph/ent/schema/gqlann"
)

// Session is a signed-in browser or console session. Only the SHA-256 of the
// token is stored.
type Session struct{ ent.Schema }

// Mixin of Session.
func (Session) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.Bytes("token_hash").Sensitive().Unique().Immutable(),
		field.Time("expires_at"),
		field.String("client_address").Optional().MaxLen(64),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Edges of Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("user", User.Type).Field("user_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of Session.
func (Session) Indexes() []ent.Index { return []ent.Index{index.Fields("user_id")} }

// Annotations of Session.
func (Session) Annotations() []schema.Annotation {
	return []schema.Annotation{gqlann.Skip(gqlann.SkipAll)}
}

// Policy of Session.
func (Session) Policy() ent.Policy { return systemOnly() }
