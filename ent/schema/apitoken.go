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

// APIToken is a long-lived token for scripts and integrations, scoped to one
// organization with one role. The secret is shown once; only its SHA-256 is kept.
type APIToken struct{ ent.Schema }

// Mixin of APIToken.
func (APIToken) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, TenantMixin{Object: "member", Read: apiTokenRead()}}
}

// Fields of APIToken.
func (APIToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(80).Comment("What the token is for.").
			Annotations(gqlann.OrderField("NAME")),
		field.String("prefix").Immutable().MaxLen(16).
			Comment("The first characters of the token, to recognise it (the rest is never shown again)."),
		field.Bytes("token_hash").Sensitive().Unique().Immutable().Annotations(gqlann.Skip(gqlann.SkipAll)),
		field.String("role").NotEmpty().MaxLen(64).Immutable().Comment("The role the token acts with."),
		field.Int("created_by_id").Immutable().Comment("Who created the token."),
		field.Int("store_id").Optional().Nillable().Immutable().
			Comment("The one store the token may act on (a mall's token); null: every store of its organization.").
			Annotations(gqlann.Type("ID")),
		field.Time("expires_at").Optional().Nillable().Immutable().Comment("When the token stops working; null: never."),
		field.Time("last_used_at").Optional().Nillable().Comment("When the token was last used."),
		field.Time("revoked_at").Optional().Nillable().Comment("When the token was revoked."),
	}
}

// Edges of APIToken.
func (APIToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("created_by", User.Type).Field("created_by_id").Unique().Required().Immutable().
			Comment("Who created the token.").Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of APIToken.
func (APIToken) Indexes() []ent.Index { return []ent.Index{index.Fields("created_by_id")} }

// Annotations of APIToken.
func (APIToken) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A long-lived API token for scripts, scoped to one organization and role. Its secret is never returned after creation."),
		gqlann.RelayConnection(),
		gqlann.QueryField("apiTokens"),
		gqlann.MultiOrder(),
		gqlann.Type("APIToken"),
	}
}
